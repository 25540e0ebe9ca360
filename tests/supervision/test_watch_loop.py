"""The watch loop on a stepped clock: it waits out the rest of each interval through the `sleep` it is given
(never really), goes on after a cycle that failed, and `--once` reports that failure instead."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from wifiops.engine.watch import CycleReport, watch
from wifiops.errors import InventoryError
from wifiops.settings import Settings
from wifiops.store.sqlite import SqliteStore

from watching import Clock


def test_a_failed_cycle_is_reported_and_the_watch_goes_on(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 11, 10, 0))
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds)

    seen: list[CycleReport] = []
    settings = Settings(root=tmp_path, inventory=tmp_path / "no-inventory", run_dir=tmp_path / "runs")
    store = SqliteStore(tmp_path / "s.sqlite")
    last = watch(settings, store, interval=120, cycles=3, now=clock, sleep=sleep, on_cycle=seen.append)
    assert [r.at.strftime("%H:%M") for r in seen] == ["10:00", "10:02", "10:04"] and waits == [120, 120]
    assert all(r.failed and "inventory directory does not exist" in r.errors[0] for r in seen)
    assert last.exit_code == 2
    with pytest.raises(InventoryError):
        watch(settings, store, once=True, now=clock, sleep=sleep)
    store.close()
