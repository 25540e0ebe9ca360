"""The embedded store of supervision: samples (as state changes), alerts, incidents (wifiops.store.base).

`open_store(settings)` is the one way the engine gets one: SQLite at `store:` of wifiops.yaml, or
`<run_dir>/supervision.sqlite`. Another backend is another class of the SupervisionStore protocol, chosen here.
"""

from __future__ import annotations

from pathlib import Path

from wifiops.settings import Settings
from wifiops.store.base import SupervisionStore
from wifiops.store.sqlite import SqliteStore

DEFAULT_FILE = "supervision.sqlite"


def store_path(settings: Settings) -> Path:
    return settings.path(settings.store) if settings.store else settings.path(settings.run_dir) / DEFAULT_FILE


def open_store(settings: Settings) -> SupervisionStore:
    return SqliteStore(store_path(settings))
