"""How the lab writes its files: whole or not at all, and private where they hold secrets.

The state dir holds the lab's config (with its secrets) and the hosts' private keys, the run dir its
control socket: both are 0700 and their files 0600, created with that mode (never written first and
tightened after, which leaves a moment where another user can open them). The known-hosts file is
public (0644, as OpenSSH keeps it).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PUBLIC_FILE = 0o644


def private_dir(path: Path) -> Path:
    """Create `path` 0700; tighten it if it already exists open to others and is ours (a run or state
    dir left by an older lab). A shared dir such as /tmp (sticky, or someone else's) is left alone."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    st = path.stat()
    if st.st_mode & 0o077 and st.st_uid == os.getuid() and not st.st_mode & stat.S_ISVTX:
        path.chmod(PRIVATE_DIR)
    return path


def write_atomically(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Write `data` to a new file created with `mode` beside `path`, then rename it over `path`: a reader
    (or a crash) sees the old content or the new, never half of it, and never a wider mode."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)  # O_EXCL below: the mode is the one given here, not a leftover's
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
