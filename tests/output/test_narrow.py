"""Under COLUMNS=80 the main commands print every identifier whole (issue 31): names, nodes, fingerprints,
ports and credentials are never cut with an ellipsis nor folded over two lines; piped without COLUMNS,
nothing is wrapped at all."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.face import lab as lab_cli
from wifiops.lab import control
from wifiops.store.sqlite import SqliteStore

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
NARROW = {"COLUMNS": "80"}
SHOW = REPO / "tests" / "real" / "shows" / "show-ap-database.ntc.txt"


def config(tmp_path: Path, inventory: Path) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {inventory}", f"run_dir: {tmp_path / 'runs'}",
                               f"render_dir: {tmp_path / 'rendered'}", f"backup_dir: {tmp_path / 'backups'}",
                               f"secrets_file: {tmp_path / 'none.yaml'}",
                               f"templates: {REPO / 'templates' / 'aruba_os'}", "timeout: 5"]) + "\n")
    return path


def whole(output: str, *identifiers: str) -> None:
    """Each identifier on one line, and no line cut (an ellipsis) or longer than the 80 columns."""
    lines = output.splitlines()
    assert all(len(line.rstrip()) <= 80 for line in lines), "\n".join(line for line in lines if len(line) > 80)
    for identifier in identifiers:
        assert any(identifier in line for line in lines), f"{identifier!r} cut or missing in:\n{output}"


def test_inventory_show_names_device_nodes_by_their_controller(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--config", str(config(tmp_path, REPO / "inventory" / "lab")), "inventory",
                                 "show"], env=NARROW)
    assert result.exit_code == 0, result.output
    whole(result.stdout, "mc-1 (/md/Louvre/…:01)", "mc-4 (/md/Louvre/…:04)", "louvre-sainte-anne",
          "LOUVRE-STE-ANNE", "airwave-1")
    piped = runner.invoke(app, ["--config", str(config(tmp_path, REPO / "inventory" / "lab")), "inventory", "show"])
    assert "mc-1 (/md/Louvre/00:1a:1e:72:10:01)" in piped.stdout and "ArubaMM-VA" in piped.stdout


def test_hosts_trust_prints_each_fingerprint_whole(fresh_lab, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--config", str(config(tmp_path, fresh_lab.inventory_dir)), "hosts", "trust",
                                 "--dry-run"], env=NARROW)
    fingerprints = re.findall(r"SHA256:[A-Za-z0-9+/=]{20,}", result.stdout)
    assert len(fingerprints) >= 6, result.output
    whole(result.stdout, "mm-1", "mc-2", *fingerprints)
    assert all(len(f) >= 50 for f in fingerprints)  # a whole SHA256 fingerprint, not its first half


def test_render_and_parse_keep_their_key_cells(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab.inventory_dir)
    result = runner.invoke(app, ["--config", str(cfg), "render"], env=NARROW)
    assert result.exit_code == 0, result.output
    whole(result.stdout, "/md/Louvre/00:1a:1e:72:10:01", "md/Louvre/00:1a:1e:72:10:02.cfg", "regie-auditorium",
          "firewall/internet-temporaire.md")
    parsed = runner.invoke(app, ["parse", "show ap database", str(SHOW)], env=NARROW)
    whole(parsed.stdout, "ap-building-1", "ap-building-3", "192.168.2.3", "2d:17h:8m:4s")


def test_incident_list_stays_short(tmp_path: Path) -> None:
    cfg = config(tmp_path, REPO / "inventory" / "lab")
    store = SqliteStore(tmp_path / "runs" / "supervision.sqlite")
    at = datetime(2026, 3, 13, 16, 10, tzinfo=timezone.utc)
    for subject in ("LOUVRE-STE-ANNE", "mc-1"):
        alert = store.raise_alert(f"x:{subject}", "aps-down", subject,
                                  f"{subject}: 12 of 24 APs down since the last poll", {}, at)
        incident = store.open_incident(alert=alert.id, kind=alert.kind, subject=subject, severity="major",
                                       gtr="infrastructure", summary=alert.message, at=at, deadline=at,
                                       by="wifiops watch")
        store.link_incident(alert.id, incident.id)
    store.close()
    result = runner.invoke(app, ["--config", str(cfg), "incident", "list"], env=NARROW)
    assert result.exit_code == 0, result.output
    whole(result.stdout, "LOUVRE-STE-ANNE", "mc-1")
    assert len(result.stdout.splitlines()) <= 12, result.stdout  # a few lines per incident, not 16


def test_lab_status_keeps_credentials_and_faults_whole(fresh_lab, monkeypatch) -> None:
    user, password = fresh_lab.credentials
    hosts = [control.HostStatus(name, "127.0.0.1", fresh_lab.port(name), user, password, "mm" if "mm" in name else
                                "md", ["ap-group-down DELACROIX", "drop-after 900", "new-host-key"])
             for name in ("mm-1", "mm-2", "mc-1", "mc-2")]
    status = control.LabStatus(1, "/tmp/run", "/tmp/state", "inventory/lab", hosts)
    monkeypatch.setattr(control, "lab_status", lambda **_: status)
    result = runner.invoke(lab_cli.app, ["status"], env=NARROW)
    assert result.exit_code == 0, result.output
    whole(result.stdout, "mm-1", "mc-2", user, password, str(fresh_lab.port("mc-2")), "ap-group-down DELACROIX",
          "new-host-key")
