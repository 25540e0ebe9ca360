"""A twin of production (issue 32): `wifiops lab up --from-backups --free-ports` serves, beside the running lab,
a lab whose every node's committed configuration is the last backup's, the lines its grammar does not model
carried verbatim and listed, never dropped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import git
import pytest
import yaml
from typer.testing import CliRunner

from wifiops.aos8.session import Aos8Session
from wifiops.aos8.transport import LoginRefused
from wifiops.backups.scrub import Scrubber, load_key
from wifiops.cli import app
from wifiops.estate import Estate
from wifiops.lab.twin import TWIN_PASSWORD
from wifiops.lab.twinseed import CARRIED
from wifiops.settings import load_settings

runner = CliRunner()
UNMODELLED = "ntp server 10.150.0.123 iburst"  # a line production has that the lab's grammar does not model
NEW_SSID = ['wlan ssid-profile "twin-expo"', 'essid "Expo_Temporaire"', "opmode wpa2-aes", "exit"]
NEW_ACL = ['ip access-list session "twin-expo-acl"', "any any any deny", "exit"]


def config(tmp_path: Path, lab) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([
        f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}", f"backup_dir: {tmp_path / 'backups'}",
        f"secrets_file: {tmp_path / 'none.yaml'}", "timeout: 10", f"lab: {{run_dir: {tmp_path / 'labrun'}}}"]) + "\n")
    return path


def wifiops(cfg: Path, *args: str):
    return runner.invoke(app, ["--config", str(cfg), *args], env={"COLUMNS": "200", "WIFIOPS_LAB_DIR": ""})


def by_hand(lab) -> None:
    """An engineer's changes at the MM: a new SSID and an ACL typed in, and a line the lab does not model (put
    straight into its database, as production has lines the lab's grammar does not know)."""
    user, password = lab.credentials
    with Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password, name="mm-1",
                             known_hosts=lab.known_hosts) as mm:
        mm.push("/md", NEW_SSID + NEW_ACL)
    md = lab.core.db.committed["/md"]
    md[f"{CARRIED}:/md:0"] = {"cmd": CARRIED, "key": f"{CARRIED}:/md:0", "parts": [[UNMODELLED, "raw"]], "refs": [],
                              "kind": None, "name": None, "lines": None, "order": -1}


def backup_files(tmp_path: Path, rev: str = "HEAD") -> dict[str, str]:
    repo = git.Repo(tmp_path / "backups")
    return {p: repo.git.show(f"{rev}:{p}") + "\n" for p in repo.git.ls_tree("-r", "--name-only", rev).splitlines()}


@pytest.fixture
def twin_up(fresh_lab, tmp_path: Path):
    cfg = config(tmp_path, fresh_lab)
    assert wifiops(cfg, "backup").exit_code in (0, 1)
    by_hand(fresh_lab)
    assert wifiops(cfg, "backup").exit_code in (0, 1)
    result = wifiops(cfg, "lab", "up", "--from-backups", "--free-ports", "--inventory", str(fresh_lab.inventory_dir),
                     "--rejoin-delay", "0")
    try:
        assert result.exit_code == 0, result.output
        yield cfg, result.stdout
    finally:
        wifiops(cfg, "lab", "down", "--twin")


def test_the_twin_serves_the_backup_node_by_node_with_what_it_does_not_model_carried_and_listed(
        fresh_lab, tmp_path: Path, twin_up) -> None:
    cfg, said = twin_up
    assert "not modelled: 1 lines of kinds ntp (1)" in said, said
    rows = {line.split()[0]: line.split()[1:] for line in said.splitlines() if line.startswith("/")}
    assert rows["/md"][1:] == ["1", "ntp", "(1)"] and int(rows["/md"][0]) > 100  # per node: modelled, carried, kinds
    assert rows["/md/Louvre"][1] == "0"
    status = wifiops(cfg, "lab", "status", "--twin").stdout
    assert "not modelled: 1 lines of kinds ntp (1)" in status and "twin of backup " in status
    info = json.loads(wifiops(cfg, "lab", "status", "--twin", "--json").stdout)
    assert info["twin"]["carried"] == 1 and info["twin"]["modelled"] > 200
    copy = Path(info["inventory_copy"])
    hosts = yaml.safe_load((copy / "hosts.yaml").read_text())
    assert hosts["mm-1"]["port"] != fresh_lab.port("mm-1")  # beside the first lab, not on it
    settings = load_settings(cfg)
    scrub = Scrubber(Estate.open(settings, fresh_lab.inventory_dir).store, load_key(tmp_path / "backups" / ".git"))
    files = backup_files(tmp_path)
    nodes = {p.split("/nodes/", 1)[1]: text for p, text in files.items() if "/nodes/" in p}
    assert UNMODELLED in nodes["md.cfg"] and "Expo_Temporaire" in nodes["md.cfg"] and "twin-expo-acl" in nodes["md.cfg"]
    user, lab_password = fresh_lab.credentials
    password = TWIN_PASSWORD  # the twin's fixed lab login, not the inventory's
    assert {h["password"] for h in info["hosts"] if h["protocol"] == "ssh"} == {TWIN_PASSWORD}
    with pytest.raises(LoginRefused):  # the login of the inventory it was given: refused
        Aos8Session.connect("127.0.0.1", port=hosts["mm-1"]["port"], username=user, password=lab_password, name="mm-1",
                            known_hosts=copy / "known_hosts")

    def answers(host: str, commands: list[str]) -> list[str]:
        with Aos8Session.connect("127.0.0.1", port=hosts[host]["port"], username=user, password=password, name=host,
                                 known_hosts=copy / "known_hosts") as s:
            s.send("encrypt disable")
            return [scrub(s.show(c)) for c in commands]

    paths = sorted(nodes)
    node_paths = ["/" if p == "root.cfg" else "/" + p[: -len(".cfg")] for p in paths]
    twin = answers("mm-1", [f"show configuration committed {n}" for n in node_paths])
    for path, served in zip(paths, twin):
        assert served == nodes[path], f"{path} differs"
    running = {p.split("/")[1]: text for p, text in files.items() if p.endswith("/running-config.cfg")}
    for host in ("mm-1", "mm-3"):
        assert answers(host, ["show running-config"])[0] == running[host], f"{host} running-config differs"
    # the MDs' IPsec key to the conductor is not in the lab's secrets store: named, a placeholder served instead
    assert "a secret the secrets store lacks (<scrubbed:" in said
    assert re.search(r"at mc-1 running-config line \d+ \(after `ipsec`\), mc-2 running-config line \d+ \(after "
                     r"`ipsec`\): the twin uses a placeholder there", " ".join(said.split()))
    for host in ("mc-1", "mc-2"):
        served = answers(host, ["show running-config"])[0].splitlines()
        kept = running[host].splitlines()
        differ = [(a, b) for a, b in zip(served, kept) if a != b]
        assert len(served) == len(kept) and len(differ) == 1, differ
        assert differ[0][0].startswith("conductorip ") and differ[0][1].startswith("conductorip ")  # another key


def test_the_twin_has_the_aps_production_last_checked_down_ones_down(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
    try:
        assert wifiops(cfg, "check").exit_code == 1  # the group's APs are down: findings
    finally:
        fresh_lab.clear("mm-1")
    assert wifiops(cfg, "backup").exit_code in (0, 1)
    snapshot = json.loads(next((tmp_path / "runs").glob("*-check/snapshot.json")).read_text())
    down = sorted(n for n, ap in snapshot["aps"].items() if ap["group"] == "DELACROIX")
    assert down
    result = wifiops(cfg, "lab", "up", "--from-backups", "--free-ports", "--inventory", str(fresh_lab.inventory_dir),
                     "--rejoin-delay", "0")
    try:
        assert result.exit_code == 0, result.output
        assert f"APs: 358 APs ({len(down)} down)" in result.stdout
        copy = Path(json.loads(wifiops(cfg, "lab", "status", "--twin", "--json").stdout)["inventory_copy"])
        port = yaml.safe_load((copy / "hosts.yaml").read_text())["mm-1"]["port"]
        user, _ = fresh_lab.credentials
        with Aos8Session.connect("127.0.0.1", port=port, username=user, password=TWIN_PASSWORD, name="mm-1",
                                 known_hosts=copy / "known_hosts") as mm:
            rows = [line.split() for line in mm.show("show ap database").splitlines()]
        status = {r[0]: r for r in rows if r and r[0] in snapshot["aps"]}
        assert len(status) == 358
        assert all("Down" in status[n] for n in down)  # as production's last check saw them
        assert sum(1 for r in status.values() if "Down" in r) == len(down)
    finally:
        wifiops(cfg, "lab", "down", "--twin")
