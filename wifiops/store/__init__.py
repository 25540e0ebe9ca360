"""The embedded store of supervision: samples (as state changes), alerts, incidents (wifiops.store.base), and the
connection statistics (wifiops.store.stats).

`open_store(settings)` is the one way the engine gets one: SQLite at `store:` of wifiops.yaml, or
`<run_dir>/supervision.sqlite`. Another backend is another class of the SupervisionStore protocol, chosen here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from wifiops.settings import Settings
from wifiops.store.base import SupervisionStore
from wifiops.store.sqlite import SqliteStore
from wifiops.store.stats import StatisticsStore

DEFAULT_FILE = "supervision.sqlite"


def store_path(settings: Settings) -> Path:
    return settings.path(settings.store) if settings.store else settings.path(settings.run_dir) / DEFAULT_FILE


class Store(SupervisionStore, StatisticsStore, Protocol):
    """Both sides of the store: what `wifiops watch` keeps of the states, and of the connections."""


def open_store(settings: Settings) -> Store:
    return SqliteStore(store_path(settings))
