"""One way of telling time to people (issue 31): Paris local time with its weekday in consoles and mails, ISO
UTC in --json."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.store.sqlite import SqliteStore
from wifiops.when import format_when

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


def test_paris_time_with_its_weekday_in_winter_and_summer() -> None:
    assert format_when(datetime(2026, 12, 7, 13, 5, tzinfo=timezone.utc)) == "Mon 2026-12-07 14:05"
    assert format_when("2026-07-14T08:00:00+00:00") == "Tue 2026-07-14 10:00"
    assert format_when("2026-07-14T08:00:09Z", seconds=True) == "Tue 2026-07-14 10:00:09"
    assert format_when(datetime(2026, 3, 29, 1, 30)) == "Sun 2026-03-29 03:30"  # naive: UTC, after the change
    assert format_when(None) == "" and format_when("not a date") == "not a date"


def test_incident_list_says_paris_time_and_json_keeps_iso_utc(tmp_path: Path) -> None:
    cfg = tmp_path / "wifiops.yaml"
    cfg.write_text(f"inventory: {REPO / 'inventory' / 'lab'}\nrun_dir: {tmp_path / 'runs'}\n")
    store = SqliteStore(tmp_path / "runs" / "supervision.sqlite")
    at = datetime(2026, 3, 13, 16, 10, tzinfo=timezone.utc)
    alert = store.raise_alert("x:mc-1", "cpu", "mc-1", "mc-1: CPU 97 %", {}, at)
    store.link_incident(alert.id, store.open_incident(alert=alert.id, kind="cpu", subject="mc-1", severity="minor",
                                                      gtr=None, summary=alert.message, at=at, deadline=None,
                                                      by="wifiops watch").id)
    store.close()
    shown = runner.invoke(app, ["--config", str(cfg), "incident", "list"], env={"COLUMNS": "120"})
    assert "Fri 2026-03-13 17:10" in shown.stdout, shown.output
    listed = json.loads(runner.invoke(app, ["--config", str(cfg), "incident", "list", "--json"]).stdout)
    assert listed["incidents"][0]["opened_at"] == "2026-03-13T16:10:00+00:00"


def test_a_watch_cycle_line_says_paris_time_and_names_its_active_alerts() -> None:
    from wifiops.engine.watch import CycleReport, summary_line
    from wifiops.store.base import Alert

    at = datetime(2026, 3, 13, 16, 10, tzinfo=timezone.utc)
    alerts = [Alert(n, f"{kind}:{subject}", kind, subject, "", {}, at) for n, (kind, subject) in enumerate(
        [("aps-down", "DELACROIX"), ("cpu", "mc-1"), *[("ap-rebooted", f"DLX-AP00{i}") for i in range(1, 6)]])]
    line = summary_line(CycleReport(at, duration_s=3.3, complete=True, active=alerts))
    assert line.startswith("Fri 2026-03-13 17:10:00 cycle 3.3 s")
    assert "7 alert(s) active (aps-down DELACROIX, cpu mc-1, ap-rebooted DLX-AP001" in line and "and 2 more" in line
