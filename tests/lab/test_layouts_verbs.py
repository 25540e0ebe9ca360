"""Every verb reads each configuration layout a real device may print (issue 22): with the lab printing
block bodies flush-left, by 3 or by 4 (`real`, the suite's default, mixes 3 and 4), backup, a committed
apply, diff, check and the NAPALM driver's getters do what they do in the default layout. The whole
suite can be run in one layout (`WIFIOPS_LAB_LAYOUT=flush`); this is the cheap guard that runs each time."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.cli import app

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
MC1_NODE = "/md/Louvre/00:1a:1e:72:10:01"


def wifiops(cfg: Path, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["--config", str(cfg), *args, "--json"])
    assert result.stdout.strip(), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("layout", ["flush", "indent3", "indent4"])
def test_backup_apply_diff_and_check_in_each_layout(fresh_lab, tmp_path: Path, layout: str) -> None:
    fresh_lab.set_layout(layout)
    cfg = tmp_path / "wifiops.yaml"
    cfg.write_text("\n".join([f"inventory: {fresh_lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}",
                              f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                              f"templates: {REPO / 'templates' / 'aruba_os'}", "timeout: 5"]) + "\n")
    code, first = wifiops(cfg, "backup")
    assert code == 0 and all(h["ok"] for h in first["hosts"]), first
    saved = (tmp_path / "backups" / "louvre-palais" / "mc-1" / "running-config.cfg").read_text()
    assert re.search(r"^interface vlan 150 ?\n *ip address \S+ 255\.255\.255\.0", saved, re.M), saved[:2000]

    code, planned = wifiops(cfg, "apply", "--live")  # the intent against what the device prints in this layout
    assert code == 0
    by_node = {n["node"]: n for n in planned["nodes"]}
    assert by_node[MC1_NODE]["status"] == "unchanged"  # a body read as top-level lines would be a change
    assert 'user-role "guest-internet"' in by_node["/md"]["remediation"]
    code, done = wifiops(cfg, "apply", "--commit", "--plan", planned["plan_file"])
    assert code == 0, done
    assert {n["node"]: n["status"] for n in done["nodes"]}["/md"] == "applied"

    code, after = wifiops(cfg, "diff", "--live")
    assert all(n["compliant"] for n in after["nodes"]), [n["node"] for n in after["nodes"] if not n["compliant"]]

    code, again = wifiops(cfg, "backup")  # the apply's own backup already holds the change: nothing new
    assert code == 0 and all(h["ok"] for h in again["hosts"])
    assert again["revision"] is None  # no commit: the same text, however the device indents it

    code, report = wifiops(cfg, "check")
    assert code == 0 and report["healthy"], report["findings"]


@pytest.mark.parametrize("layout", ["flush", "indent4"])
def test_the_napalm_getters_in_each_layout(fresh_lab, layout: str) -> None:
    from napalm_aos8 import Aos8Driver

    fresh_lab.set_layout(layout)
    user, password = fresh_lab.credentials
    driver = Aos8Driver("127.0.0.1", user, password, optional_args={
        "port": fresh_lab.port("mc-1"), "known_hosts": str(fresh_lab.known_hosts)})
    driver.open()
    try:
        config = driver.get_config(retrieve="running", sanitized=True)["running"]
        users = driver.get_users()
        vlans = driver.get_vlans()
        ips = driver.get_interfaces_ip()
    finally:
        driver.close()
    assert user in users and password not in config
    assert 150 in vlans and "vlan 150" in ips
