"""`wifiops check` over REST (`transport: rest` per host) and over SSH give the same records on the lab
(issue 30); `auto` falls back to SSH where the REST API cannot be reached."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.lab.testing import RunningLab

runner = CliRunner()


@pytest.fixture
def held(fresh_lab: RunningLab) -> Iterator[RunningLab]:
    fresh_lab._sync(fresh_lab.core.clock.hold)
    try:
        yield fresh_lab
    finally:
        fresh_lab._sync(fresh_lab.core.clock.release)


def over(lab: RunningLab, tmp_path: Path, transport: str, ports: dict[str, int] | None = None) -> Path:
    """A copy of the lab inventory whose SSH hosts are read with `transport`."""
    inventory = tmp_path / f"inventory-{transport}"
    shutil.copytree(lab.inventory_dir, inventory)
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    for name, port in (ports if ports is not None else lab.rest_ports).items():
        hosts[name]["data"].update({"transport": transport, "rest_port": port})
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    return inventory


def check(tmp_path: Path, inventory: Path) -> tuple[int, dict[str, Any]]:
    cfg = tmp_path / f"wifiops-{inventory.name}.yaml"
    cfg.write_text("\n".join([f"inventory: {inventory}", f"run_dir: {tmp_path / inventory.name / 'runs'}",
                              f"secrets_file: {tmp_path / 'none.yaml'}", "timeout: 5"]) + "\n")
    result = runner.invoke(app, ["--config", str(cfg), "check", "--json"])
    return result.exit_code, json.loads(result.stdout)


def records(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k not in ("snapshot_file", "run_id", "started", "finished",
                                                         "run_dir", "log_dir", "taken")}


def snapshot(report: dict[str, Any]) -> dict[str, Any]:
    """What the check read of every host, AP, switch, licence and SSID (its snapshot), less the time."""
    found = json.loads(Path(report["snapshot_file"]).read_text())
    found.pop("taken")
    return dict(found)


def test_check_over_rest_gives_the_records_of_check_over_ssh(held: RunningLab, tmp_path: Path) -> None:
    held.fault("mc-1", "ap-group-down", "DELACROIX")  # findings too, not only a clean estate
    ssh_code, ssh = check(tmp_path, over(held, tmp_path, "ssh"))
    since = {name: held.received_count(name) for name in held.rest_ports}
    rest_code, rest = check(tmp_path, over(held, tmp_path, "rest"))
    assert ssh_code == rest_code == 1
    assert records(rest) == records(ssh)
    assert snapshot(rest) == snapshot(ssh)
    assert len(snapshot(rest)["aps"]) == 358
    # every line reached the devices through their REST API, none through an SSH session of the check
    assert all(line.startswith("show ") for name, n in since.items() for line in held.received(name, n))


def test_auto_reads_over_ssh_where_the_api_cannot_be_reached(held: RunningLab, tmp_path: Path) -> None:
    closed = {name: 1 for name in held.rest_ports}  # nothing listens on port 1
    code, auto = check(tmp_path, over(held, tmp_path, "auto", closed))
    ssh_code, ssh = check(tmp_path, over(held, tmp_path, "ssh"))
    assert (code, records(auto)) == (ssh_code, records(ssh))
    code, rest = check(tmp_path, over(held, tmp_path, "rest", closed))
    assert code == 2 and "REST API cannot be reached" in json.dumps(rest)


def test_a_certificate_that_does_not_verify_is_an_error_even_with_auto(held: RunningLab, tmp_path: Path) -> None:
    """Another CA than the one that signed the API: not a silent fallback to SSH, one line saying what to do."""
    from wifiops.lab.clearpass.certs import LabCertificates

    inventory = over(held, tmp_path, "auto")
    LabCertificates(tmp_path / "other-ca").write_ca(inventory / "clearpass-ca.pem")
    code, report = check(tmp_path, inventory)
    assert code == 2
    text = json.dumps(report)
    assert "certificate does not verify" in text and "transport: ssh" in text


def test_a_watch_cycle_over_rest_counts_and_judges_as_over_ssh(held: RunningLab, tmp_path: Path) -> None:
    """The cycle's check and its statistics sample (the controllers' user tables) read over REST."""
    from datetime import datetime, timezone

    from wifiops.engine.watch import run_cycle
    from wifiops.settings import Settings
    from wifiops.store.sqlite import SqliteStore

    held.fault("mc-1", "ap-group-down", "DELACROIX")
    at = datetime(2026, 3, 11, 9, 0, tzinfo=timezone.utc)
    cycles = {}
    for transport in ("ssh", "rest"):
        inventory = over(held, tmp_path, transport)
        settings = Settings(root=Path(__file__).resolve().parents[2], inventory=inventory,
                            run_dir=tmp_path / f"runs-{transport}", timeout=10, secrets_file=tmp_path / "none.yaml")
        store = SqliteStore(tmp_path / f"{transport}.sqlite")
        since = held.received_count("mc-1")
        report = run_cycle(settings, store, now=lambda: at)
        down = sorted(str(st) for st in store.states() if "down" in str(st).lower())
        cycles[transport] = (report.errors, report.complete, down,
                             report.statistics.sampled, report.statistics.clients, report.statistics.errors)
        if transport == "rest":  # the user table too came over the API: no SSH session's `no paging`
            assert "no paging" not in held.received("mc-1", since)
        store.close()
    assert cycles["rest"] == cycles["ssh"]
    assert cycles["rest"][3] is True and cycles["rest"][4] and cycles["rest"][2]  # sampled, users, states seen
