"""`wifiops incident list|show|ack|restore` and `wifiops availability` from the shell, on a store filled here
(no lab): who acted and what was done, kept and journaled; exit codes 0, 1 (refused), 2 (no such incident)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.errors import WifiopsError
from wifiops.store.sqlite import SqliteStore

from watching import write_config

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 13, 16, 10, tzinfo=timezone.utc)  # Friday 17:10 in Paris
LATER = datetime(2099, 1, 1, tzinfo=timezone.utc)  # a deadline the real clock of the CLI is before
runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = write_config(tmp_path, REPO / "inventory" / "lab")
    store = SqliteStore(tmp_path / "runs" / "supervision.sqlite")
    for subject, severity, gtr, deadline in (("DELACROIX", "major", "infrastructure", LATER),
                                             ("mc-1", "minor", None, None)):
        alert = store.raise_alert(f"x:{subject}", "aps-down" if gtr else "cpu", subject, f"{subject}: wrong", {}, T0)
        incident = store.open_incident(alert=alert.id, kind=alert.kind, subject=subject, severity=severity, gtr=gtr,
                                       summary=alert.message, at=T0, deadline=deadline, by="wifiops watch")
        store.link_incident(alert.id, incident.id)
    store.close()
    return path


def cli(config: Path, *args: str) -> tuple[int, dict]:
    """Exit code and JSON; a WifiopsError as `main()` would report it (its exit code, its one line)."""
    result = runner.invoke(app, ["--config", str(config), *args, "--json"])
    if isinstance(result.exception, WifiopsError):
        return result.exception.exit_code, {"error": str(result.exception)}
    return result.exit_code, json.loads(result.output)


def test_list_ack_restore_and_show(config: Path, tmp_path: Path) -> None:
    code, listed = cli(config, "incident", "list")
    assert code == 0 and [(i["id"], i["severity"], i["state"]) for i in listed["incidents"]] == [
        (1, "major", "open"), (2, "minor", "open")]
    assert listed["incidents"][0]["deadline"] == LATER.isoformat() and not listed["incidents"][0]["overdue"]

    code, acked = cli(config, "incident", "ack", "1", "--by", "alice", "--note", "on site Monday 08:00")
    assert code == 0 and (acked["state"], acked["acknowledged_by"]) == ("acknowledged", "alice")
    code, restored = cli(config, "incident", "restore", "1", "--note", "switch stack power supply replaced")
    assert code == 0 and restored["state"] == "restored" and restored["restored_by"]  # the OS login
    code, shown = cli(config, "incident", "show", "1")
    assert code == 0 and [(e["who"], e["action"], e["note"]) for e in shown["events"]] == [
        ("wifiops watch", "opened", "DELACROIX: wrong"), ("alice", "acknowledged", "on site Monday 08:00"),
        (restored["restored_by"], "restored", "switch stack power supply replaced")]
    assert shown["deadline_met"] is True and shown["alert_detail"]["key"] == "x:DELACROIX"

    code, refused = cli(config, "incident", "ack", "1")
    assert code == 1 and "was restored" in refused["error"]
    code, missing = cli(config, "incident", "show", "9")
    assert code == 2 and "no incident 9" in missing["error"]

    code, active = cli(config, "incident", "list")
    assert [i["id"] for i in active["incidents"]] == [2]
    code, everything = cli(config, "incident", "list", "--state", "all")
    assert [i["id"] for i in everything["incidents"]] == [1, 2]
    lines = [json.loads(line) for line in (tmp_path / "runs" / "journal.jsonl").read_text().splitlines()]
    assert [(line["kind"], line["incident"], line["by"]) for line in lines] == [
        ("incident-acknowledged", 1, "alice"), ("incident-restored", 1, restored["restored_by"])]


def test_the_tables_for_people(config: Path) -> None:
    listed = runner.invoke(app, ["--config", str(config), "incident", "list"])
    assert listed.exit_code == 0 and "DELACROIX" in listed.output and "2026-03-13 17:10" in listed.output
    shown = runner.invoke(app, ["--config", str(config), "incident", "show", "2"])
    assert shown.exit_code == 0 and "none (a planned fix)" in shown.output
    acked = runner.invoke(app, ["--config", str(config), "incident", "ack", "2", "--by", "bob"])
    assert acked.exit_code == 0 and "incident 2: acknowledged (by bob)" in acked.output


def test_availability_without_samples_and_a_bad_period(config: Path) -> None:
    code, figures = cli(config, "availability", "--from", "2026-03-01", "--to", "2026-03-31")
    assert code == 0 and figures["rows"] == [] and figures["overall"]["availability_percent"] is None
    assert figures["to"] == "2026-04-01T00:00:00+02:00"  # a date alone: the end of that day
    result = runner.invoke(app, ["--config", str(config), "availability", "--from", "2026-03-31", "--to", "2026-03-01"])
    assert result.exit_code == 2 and "must come before" in result.output
    result = runner.invoke(app, ["--config", str(config), "availability", "--from", "last week"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_list_and_show_say_the_deadline_a_window_moved(tmp_path: Path) -> None:
    config = write_config(tmp_path, REPO / "inventory" / "lab")
    store = SqliteStore(tmp_path / "runs" / "supervision.sqlite")
    opened = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Paris: due 14:00
    alert = store.raise_alert("mm-down:mm-1", "mm-down", "mm-1", "mm-1 down", {"site": "louvre-palais"}, opened)
    incident = store.open_incident(alert=alert.id, kind="mm-down", subject="mm-1", severity="major",
                                   gtr="infrastructure", summary="mm-1 down", at=opened,
                                   deadline=datetime(2026, 3, 10, 13, 0, tzinfo=timezone.utc), by="wifiops watch")
    store.link_incident(alert.id, incident.id)
    store.close()
    journal = tmp_path / "runs" / "journal.jsonl"
    journal.write_text("".join(json.dumps(r) + "\n" for r in (
        {"kind": "maintenance-start", "id": "w1", "at": "2026-03-10T11:00:00+01:00", "sites": ["louvre-palais"],
         "reason": "fibre works", "reference": "LVR-2026-114"},
        {"kind": "maintenance-stop", "id": "w1", "at": "2026-03-10T13:00:00+01:00"})), encoding="utf-8")
    code, listed = cli(config, "incident", "list")
    [found] = listed["incidents"]
    assert code == 0 and found["deadline"] == "2026-03-10T16:00:00+01:00"
    assert found["deadline_moved"] == "deadline moved by 2 h: maintenance window LVR-2026-114"
    code, shown = cli(config, "incident", "show", str(incident.id))
    assert code == 0 and shown["deadline"] == "2026-03-10T16:00:00+01:00" and shown["deadline_moved"]
    text = runner.invoke(app, ["--config", str(config), "incident", "show", str(incident.id)]).output
    assert "deadline moved by 2 h: maintenance window LVR-2026-114" in text
    listing = runner.invoke(app, ["--config", str(config), "incident", "list"], terminal_width=80).output
    assert f"incident {incident.id}: deadline moved by 2 h" in listing
