"""One writer at a time: a lock per conductor MM, per backup repository and per supervision store.

Two pushes on one conductor commit each other's half-sent lines (the MM keeps pending changes per
administrator, not per session); two backups at once race on git's own locks and on each other's files. So a
run that writes holds the lock of what it writes, from start to end.

The lock is `fcntl.flock` on a file (the standard library; no package needed): the kernel drops it when the
process ends however it ends (an exception, Ctrl-C, `kill -9`, a reboot), so a lock can never outlive its
holder and nobody is ever told to delete a lock file by hand. The file also says who holds it (user, pid,
host, command, since), for the run that is refused; a file naming a process that no longer holds the lock is a
stale lock, taken over and named. Locks are per machine: the engineers run wifiops from one jump host.

Held locks are re-entrant within a process: an apply holds its conductor and calls the backup, which takes the
repository's lock that the apply may already hold. So they keep processes apart, not threads of one process
(wifiops writes from one thread; Nornir's threads only read and push within the run that holds the lock).
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from wifiops.errors import WifiopsError

_held: dict[Path, tuple[IO[str], int]] = {}  # path -> (open file holding the flock, depth)


class LockHeld(WifiopsError):
    """Another run holds the lock: this one did nothing, and says who to wait for."""

    exit_code = 1

    def __init__(self, what: str, holder: "Holder | None", path: Path) -> None:
        self.what, self.holder, self.path = what, holder, path
        who = holder.describe() if holder else "a process that has not said who it is yet"
        super().__init__(f"{what} is in use by another run ({who}); nothing was done: wait for it to end "
                         f"and run again (lock {path})")


@dataclass(frozen=True)
class Holder:
    user: str
    pid: int
    host: str
    command: str
    since: str

    def describe(self) -> str:
        return f"{self.user}, pid {self.pid} on {self.host}, `{self.command}`, since {self.since}"

    @classmethod
    def me(cls) -> "Holder":
        try:
            user = getpass.getuser()
        except Exception:  # no name for this uid (a container): the number says who
            user = str(os.getuid())
        argv = [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv and sys.argv[0] else ["python"]
        return cls(user, os.getpid(), socket.gethostname(), " ".join(argv)[:200],
                   datetime.now(timezone.utc).isoformat(timespec="seconds"))

    @classmethod
    def read(cls, text: str) -> "Holder | None":
        try:
            data = json.loads(text)
            return cls(str(data["user"]), int(data["pid"]), str(data["host"]), str(data["command"]),
                       str(data["since"]))
        except (ValueError, KeyError, TypeError):
            return None


@contextmanager
def hold(path: Path, what: str, *, wait: float = 0.0, on_wait: Callable[[str], None] = lambda _: None,
         on_stale: Callable[[str], None] = lambda _: None) -> Iterator[Holder | None]:
    """Hold the lock at `path` for the `with` block; `what` names the thing locked in messages ("the conductor
    mm-1"). Held by another process: wait up to `wait` seconds (saying so once through `on_wait`), then
    LockHeld. Yields the stale holder taken over, if any (also said through `on_stale`)."""
    path = path.absolute()
    if path in _held:
        handle, depth = _held[path]
        _held[path] = (handle, depth + 1)
        try:
            yield None
        finally:
            _release(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        _acquire(handle, path, what, wait, on_wait)
        handle.seek(0)
        stale = Holder.read(handle.read())
        if stale is not None:
            on_stale(f"{what}: a stale lock was left by {stale.describe()}, a run that ended without releasing "
                     f"it (killed or crashed); taken over. Check what it left: `wifiops apply` purges pending "
                     "changes and `wifiops check` reports them")
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(Holder.me().__dict__) + "\n")
        handle.flush()
    except BaseException:
        handle.close()
        raise
    _held[path] = (handle, 1)
    try:
        yield stale
    finally:
        _release(path)


def _acquire(handle: IO[str], path: Path, what: str, wait: float, on_wait: Callable[[str], None]) -> None:
    deadline = time.monotonic() + max(wait, 0.0)
    said = False
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _holder_of(path)
            if time.monotonic() >= deadline:
                raise LockHeld(what, holder, path) from None
            if not said:
                on_wait(f"{what} is in use by {holder.describe() if holder else 'another run'}: waiting "
                        f"up to {wait:g} s")
                said = True
            time.sleep(0.05)


def _release(path: Path) -> None:
    handle, depth = _held[path]
    if depth > 1:
        _held[path] = (handle, depth - 1)
        return
    del _held[path]
    try:  # the file stays (removing it would race a process opening it); empty means nobody holds it
        handle.seek(0)
        handle.truncate()
    finally:
        handle.close()  # closing drops the flock


def _holder_of(path: Path) -> Holder | None:
    try:
        return Holder.read(path.read_text(encoding="utf-8"))
    except OSError:
        return None


def holder(path: Path) -> Holder | None:
    """Who holds the lock at `path` now (None: nobody), without taking it."""
    path = path.absolute()
    if path in _held:
        return Holder.me()
    if not path.exists():
        return None
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder_of(path)
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return None


def lock_dir(run_dir: Path) -> Path:
    """Where the conductor locks live: beside the runs of this wifiops (one place per machine and config)."""
    return run_dir / "locks"


def conductor_lock(run_dir: Path, conductor: str) -> Path:
    return lock_dir(run_dir) / f"conductor-{_safe(conductor)}.lock"


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "_"


__all__ = ["Holder", "LockHeld", "conductor_lock", "hold", "holder", "lock_dir"]

