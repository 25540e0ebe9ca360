"""Availability says what it covers (issue 31): a minute of watch over thirty days is "insufficient", with
"watched 1 min of 30 d", never a percentage to a person nor a row below target; a well-watched period keeps
its figure."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.store.base import Observation, Subject
from wifiops.store.sqlite import SqliteStore

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 11, 9, 0, tzinfo=timezone.utc)
AP1 = Subject("ap", "AP1", "LIEVIN", "lievin")
AP2 = Subject("ap", "AP2", "LIEVIN", "lievin")


def config(tmp_path: Path, minutes: list[int]) -> Path:
    cfg = tmp_path / "wifiops.yaml"
    cfg.write_text(f"inventory: {REPO / 'inventory' / 'lab'}\nrun_dir: {tmp_path / 'runs'}\n")
    store = SqliteStore(tmp_path / "runs" / "supervision.sqlite")
    for minute in minutes:  # AP1 down for the first two samples
        store.record(Observation(T0 + timedelta(minutes=minute), 60,
                                 {AP1: "down" if minute < 2 else "up", AP2: "up"}, {}))
    store.close()
    return cfg


def test_a_minute_in_thirty_days_is_insufficient_not_a_percentage(tmp_path: Path) -> None:
    cfg = config(tmp_path, [0])
    args = ["--config", str(cfg), "availability", "--by", "site", "--to", "2026-03-30"]
    shown = runner.invoke(app, args, env={"COLUMNS": "100"})
    assert shown.exit_code == 0, shown.output  # nothing can be said below target
    assert "insufficient" in shown.stdout and "1 min of 30 d" in shown.stdout and "%:" not in shown.stdout
    assert "50.000" not in shown.stdout and "all APs: insufficient, watched 1 min of 30 d" in shown.stdout
    figures = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    [lievin] = figures["rows"]
    assert lievin["sufficient"] is False and lievin["meets_target"] is None and lievin["watched_s"] == 120
    assert figures["insufficient"] == ["lievin"] and figures["below_target"] == []


def test_a_well_watched_period_keeps_its_figure(tmp_path: Path) -> None:
    cfg = config(tmp_path, list(range(0, 60)))
    shown = runner.invoke(app, ["--config", str(cfg), "availability", "--by", "site", "--from", "2026-03-11 10:00",
                                "--to", "2026-03-11 11:00"], env={"COLUMNS": "100"})
    assert shown.exit_code == 1 and "98.333" in shown.stdout and "BELOW TARGET" in shown.stdout, shown.output
    assert "watched 1 h 00 min of 1 h 00 min" in shown.stdout
