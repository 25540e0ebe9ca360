"""Fixtures of the statistics tests (helpers in statlab.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from wifiops.settings import load_settings
from wifiops.store.sqlite import SqliteStore

from statlab import Clock, Watched, write_config


@pytest.fixture
def watched(fresh_lab, tmp_path: Path) -> Iterator[Watched]:
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    settings = load_settings(config)
    store = SqliteStore(settings.path(settings.run_dir) / "supervision.sqlite")
    try:
        yield Watched(config, settings, store, Clock(datetime(2026, 3, 13, 17, 0)))  # a Friday, 17:00 in Paris
    finally:
        store.close()
