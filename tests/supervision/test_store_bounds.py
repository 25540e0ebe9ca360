"""Bounds on every number a command stores (issue 24): `wifiops watch --interval 1e300` is refused before anything
is stored; the store refuses what it could not read back; a store poisoned by an older wifiops reads again."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.errors import WifiopsError
from wifiops.face.web.app import BackgroundServer, make_app
from wifiops.settings import Settings
from wifiops.store.base import Observation, Subject
from wifiops.store.sqlite import StoreError, SqliteStore

BASE = Path(__file__).resolve().parents[1] / "fixtures" / "inventories" / "base"
NOW = datetime(2026, 3, 13, 16, 0, tzinfo=timezone.utc)
AP = Subject("ap", "LVR-PAL-AP001", "Denon", "louvre-palais")
runner = CliRunner()


@pytest.mark.parametrize("interval", ["1e300", "inf", "nan", "0.5", "604801"])
def test_watch_refuses_an_interval_out_of_bounds_before_storing_anything(tmp_path: Path, interval: str) -> None:
    config = tmp_path / "wifiops.yaml"
    config.write_text(f"inventory: {BASE}\nrun_dir: {tmp_path / 'runs'}\nsecrets_file: {tmp_path / 'none.yaml'}\n")
    result = runner.invoke(app, ["--config", str(config), "watch", "--once", "--interval", interval])
    said = f"error: {result.exception}" if isinstance(result.exception, WifiopsError) else result.output
    code = result.exception.exit_code if isinstance(result.exception, WifiopsError) else result.exit_code
    assert code == 2 and "--interval" in said, said
    store = tmp_path / "runs" / "supervision.sqlite"
    if store.exists():
        with _closing(SqliteStore(store)) as kept:
            assert kept.watched_until() is None


class _closing:
    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    def __enter__(self) -> SqliteStore:
        return self.store

    def __exit__(self, *_: object) -> None:
        self.store.close()


def test_the_store_refuses_what_it_could_not_read_back(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    try:
        for interval in (1e300, float("inf"), float("nan"), 0.0):
            with pytest.raises(StoreError, match="not recorded"):
                store.record(Observation(NOW, interval, {AP: "up"}))
        with pytest.raises(StoreError, match="not a finite number"):
            store.record(Observation(NOW, 300, {AP: "up"}, {("mm-1", "cpu"): float("nan")}))
        assert store.watched_until() is None and store.states() == []  # nothing was written
        store.record(Observation(NOW, 300, {AP: "up"}))
        assert store.watched_until() == datetime(2026, 3, 13, 16, 5, tzinfo=timezone.utc)
    finally:
        store.close()


def test_a_store_poisoned_by_an_older_wifiops_reads_again_and_the_page_answers(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "supervision.sqlite"
    SqliteStore(path).close()
    with sqlite3.connect(path) as db:  # as `--interval 1e300` left it before the bound, at schema 2
        db.execute("INSERT INTO spans (start, until, cycles) VALUES (?, ?, 1)", (NOW.timestamp(), NOW.timestamp() + 1e300))
        db.execute("PRAGMA user_version = 2")
    store = SqliteStore(path)
    try:
        until = store.watched_until()
        assert until is not None and until.year == 2026
    finally:
        store.close()
    settings = Settings(root=tmp_path, run_dir=tmp_path / "runs", inventory=BASE)
    server = BackgroundServer(make_app(settings, BASE, now=lambda: NOW)).start()
    try:
        assert httpx.get(server.url + "/api/now").status_code == 200
    finally:
        server.stop()
