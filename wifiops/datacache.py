"""What every start would otherwise rebuild, kept once per install and user: the platform's validated data
files and TTP's table of functions (issue 26: a command starts at once).

Kept as a pickle under the user's cache folder ($WIFIOPS_CACHE_DIR, else $XDG_CACHE_HOME/wifiops, else
~/.cache/wifiops), never beside the package: an install owned by root, or a checkout run with
PYTHONDONTWRITEBYTECODE, works the same. A file's name holds a digest of what it was built from (the
caller's signature: the files' sizes and times, the versions that built it), so a changed file or an upgrade
misses and rebuilds, as a stale .pyc does. A file is written whole (a private temporary, then a rename), so a
process starting beside the writer reads the old one or the new one, never half of one. Unpickling runs code:
a file not owned by this user, or that others may write, is never read. Any fault (a read-only home, a full
disk, an unreadable file) falls back to building; the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
ENV = "WIFIOPS_CACHE_DIR"
_SUFFIX = ".pickle"


def folder() -> Path:
    """Where the cache is kept for this user."""
    said = os.environ.get(ENV)
    if said:
        return Path(said)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset, or relative: the XDG spec says to ignore it
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wifiops"


def files_signature(files: Iterable[Path]) -> str:
    """The path, size and modification time of each of `files` (Python's version first): what Python itself
    checks to trust a .pyc, for several files."""
    parts = [f"python {sys.version}"]
    for path in files:
        try:
            info = path.stat()
        except OSError:
            parts.append(f"{path} missing")
            continue
        if stat.S_ISREG(info.st_mode):  # a folder of `tree` says nothing its files do not
            parts.append(f"{path} {info.st_size} {info.st_mtime_ns}")
    return "\n".join(parts)


def tree(root: Path) -> list[Path]:
    """Every path under `root`, bytecode excluded, in a stable order (`files_signature` reads the files')."""
    return sorted(p for p in root.rglob("*") if "__pycache__" not in p.parts)


def cached(kind: str, signature: str, build: Callable[[], T], expect: type | None = None) -> T:
    """`build()`, or what it returned before for the same `kind` and `signature`."""
    path = folder() / f"{kind}-{hashlib.blake2b(signature.encode(), digest_size=12).hexdigest()}{_SUFFIX}"
    kept = _read(path)
    if kept is not None and (expect is None or isinstance(kept, expect)):
        return kept  # type: ignore[no-any-return]
    value = build()
    _write(path, kind, value)
    return value


KEEP = 4  # versions kept of each kind: several checkouts or installs of one user each find theirs


def _prune(where: Path, kind: str) -> None:
    """The newest KEEP files of `kind` kept, older ones (from files since changed) removed."""
    found = []
    for path in where.glob(f"{kind}-*{_SUFFIX}"):
        try:
            found.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    for _, path in sorted(found, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)


def _trusted(info: os.stat_result) -> bool:
    """Ours alone: owned by this user and writable by nobody else."""
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path) -> Any:
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or not _trusted(info) or not _trusted(os.stat(path.parent)):
                return None
            return pickle.loads(handle.read())
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a cache that cannot be read (truncated, another Python's) is rebuilt
        return None


def _write(path: Path, kind: str, value: Any) -> None:
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(os.stat(path.parent)):
            return
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{kind}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        _prune(path.parent, kind)
    except Exception:  # noqa: BLE001 - not kept (read-only home, full disk, not picklable): built next time
        return
