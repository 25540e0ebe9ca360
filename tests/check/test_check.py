"""`wifiops check` (issue 12) on the lab over real SSH: a healthy estate checks clean; an AP group down is listed
exactly, priority APs first; a rebooted AP, a device out of reach, a CPU over its limit are findings; two
snapshots compare into what a change did."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.lab.testing import write_inventory_copy

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


def config(tmp_path: Path, inventory: Path) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {inventory}", f"run_dir: {tmp_path / 'runs'}",
                               f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                               "timeout: 5"]) + "\n")
    return path


def check(cfg: Path, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["--config", str(cfg), "check", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def inventory_aps(lab) -> dict[str, dict]:
    return {ap["name"]: ap for ap in lab.estate.aps}


def test_a_healthy_estate_checks_clean(fresh_lab, tmp_path: Path) -> None:
    code, report = check(config(tmp_path, fresh_lab.inventory_dir))
    assert code == 0 and report["healthy"] and report["findings"] == []
    assert report["summary"]["aps_up"] == report["summary"]["aps_seen"] == len(fresh_lab.estate.aps) == 358
    assert set(report["summary"]["hosts"]) == {"mm-1", "mm-2", "mm-3", "mm-4", "mc-1", "mc-2"}
    assert report["summary"]["clients"] > 0
    assert Path(report["snapshot_file"]).exists()


def test_an_ap_group_down_is_listed_exactly_priority_first(fresh_lab, tmp_path: Path) -> None:
    fresh_lab.fault("mm-1", "ap-group-down", "LOUVRE-STE-ANNE")
    code, report = check(config(tmp_path, fresh_lab.inventory_dir))
    assert code == 1
    group = {name for name, ap in inventory_aps(fresh_lab).items() if ap["ap_group"] == "LOUVRE-STE-ANNE"}
    down = [f for f in report["findings"] if f["check"] == "ap-down"]
    assert {f["subject"] for f in down} == group and len(down) == len(group) == 24
    assert [f["check"] for f in report["findings"]] == ["ap-down"] * 24  # nothing else is wrong
    flags = [f["priority"] for f in down]
    assert flags == sorted(flags, reverse=True) and flags.count(True) == 7  # the 7 priority APs first
    assert report["summary"]["by_group"]["LOUVRE-STE-ANNE"] == {"up": 0, "down": 24}


def test_a_rebooted_ap_is_found_against_the_last_check(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab.inventory_dir)
    assert check(cfg)[0] == 0
    ap = next(name for name, data in inventory_aps(fresh_lab).items() if data["ap_group"] == "LIEVIN")
    fresh_lab.fault("mc-1", "reboot-ap", ap)
    code, report = check(cfg)
    assert code == 1 and [(f["check"], f["subject"]) for f in report["findings"]] == [("ap-rebooted", ap)]
    assert report["previous_snapshot"]


def test_a_device_out_of_reach_is_an_error_of_its_own(fresh_lab, tmp_path: Path) -> None:
    fresh_lab.fault("mc-2", "refuse-login")
    code, report = check(config(tmp_path, fresh_lab.inventory_dir))
    assert code == 2 and len(report["errors"]) == 1 and report["errors"][0].startswith("mc-2: login refused")
    assert report["summary"]["aps_seen"] == 358  # the conductor still answered for the estate


def test_cpu_and_memory_limits_come_from_the_inventory(fresh_lab, tmp_path: Path) -> None:
    inventory = write_inventory_copy(fresh_lab.estate, tmp_path / "inventory", fresh_lab.ports)
    shutil.copyfile(fresh_lab.known_hosts, inventory / "known_hosts")
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    hosts["mc-1"]["data"]["health"] = {"cpu_max_percent": 0.1, "memory_max_percent": 0.1}
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    code, report = check(config(tmp_path, inventory))
    assert code == 1
    assert sorted((f["check"], f["subject"]) for f in report["findings"]) == [("cpu", "mc-1"), ("memory", "mc-1")]


def test_two_snapshots_compare_into_what_a_change_did(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab.inventory_dir)
    _, before = check(cfg)
    fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
    _, after = check(cfg)
    result = runner.invoke(app, ["--config", str(cfg), "check", "compare", before["snapshot_file"],
                                 after["snapshot_file"], "--json"])
    assert result.exit_code == 1
    changed = json.loads(result.stdout)
    delacroix = {name for name, ap in inventory_aps(fresh_lab).items() if ap["ap_group"] == "DELACROIX"}
    assert set(changed["aps_went_down"]) == delacroix and changed["aps_came_up"] == []
    assert changed["clients_left"]["Delacroix_WiFi_Gratuit"] == changed["clients"]["Delacroix_WiFi_Gratuit"]["before"] > 0
