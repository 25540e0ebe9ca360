"""wifiops/locks.py: a lock held by another process is refused naming its holder; one left by a process that
died (kill -9) is found stale, named and taken over; a lock is re-entrant within one process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wifiops.locks import LockHeld, hold, holder

HOLDER = """
import sys, time
from pathlib import Path
from wifiops.locks import hold
with hold(Path(sys.argv[1]), "the thing"):
    print("held", flush=True)
    time.sleep(600)
"""


def holding(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_held_lock_is_refused_naming_who_holds_it_and_a_dead_holder_is_named_stale(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "conductor-mm-1.lock"
    other = holding(path)
    try:
        found = holder(path)
        assert found is not None and found.pid == other.pid
        with pytest.raises(LockHeld) as refused:
            with hold(path, "the conductor mm-1"):
                pass
        said = str(refused.value)
        assert refused.value.exit_code == 1
        assert f"pid {other.pid}" in said and found.user in said and found.host in said and "since 20" in said
        started = time.monotonic()
        with pytest.raises(LockHeld):  # a waiting run gives up after its wait, still naming the holder
            with hold(path, "the conductor mm-1", wait=0.2):
                pass
        assert time.monotonic() - started >= 0.2
    finally:
        other.kill()  # kill -9: no code of its own runs; the kernel drops its lock
        other.wait()
    stale: list[str] = []
    with hold(path, "the conductor mm-1", on_stale=stale.append) as taken_over:
        assert taken_over is not None and taken_over.pid == other.pid
        assert holder(path) is not None and holder(path).pid == os.getpid()  # type: ignore[union-attr]
        with hold(path, "the conductor mm-1"):  # re-entrant: the apply's backup inside the apply
            pass
        assert holder(path).pid == os.getpid()  # type: ignore[union-attr]
    assert len(stale) == 1 and f"pid {other.pid}" in stale[0] and "stale lock" in stale[0]
    assert holder(path) is None
    with hold(path, "the conductor mm-1", on_stale=stale.append):  # released cleanly: nothing stale
        pass
    assert len(stale) == 1


def test_a_watch_cycle_waits_for_another_on_the_same_store_then_refuses_naming_it(tmp_path: Path,
                                                                                   monkeypatch) -> None:
    from wifiops.engine import watch
    from wifiops.settings import Settings
    from wifiops.store.sqlite import SqliteStore

    settings = Settings(root=tmp_path, run_dir=tmp_path / "runs")
    store = SqliteStore(tmp_path / "runs" / "supervision.sqlite")
    other = holding(tmp_path / "runs" / "supervision.sqlite.lock")
    monkeypatch.setattr(watch, "STORE_WAIT", 0.2)
    try:
        with pytest.raises(LockHeld) as refused:
            watch.run_cycle(settings, store)
        assert "the supervision store" in str(refused.value) and f"pid {other.pid}" in str(refused.value)
    finally:
        other.kill()
        other.wait()
        store.close()
