"""Per-host files that cannot leave their folder, whatever a host is called.

The schema already keeps host names to a safe set of characters; this is the second lock, for names
that reach a path by another road (an inventory that skipped the check, a future verb).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath

from wifiops.errors import WifiopsError


def child(folder: Path, name: str, suffix: str = "") -> Path:
    """`folder/<name><suffix>`, refused if `name` would climb out of `folder` or into a sub-folder."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        raise WifiopsError(f"{name!r} cannot name a file in {folder}: host names are letters, digits, "
                           "'.', '_' and '-' (fix the inventory)")
    path = folder / f"{name}{suffix}"
    if path.resolve().parent != folder.resolve():
        raise WifiopsError(f"{name!r} would write outside {folder}")
    return path


def node_file(node: str, suffix: str) -> PurePosixPath:
    """A configuration node as a relative file path a person can browse: `/md/Louvre` -> `md/Louvre<suffix>`,
    `/` -> `root<suffix>`; a path with `.` or `..` parts is refused."""
    parts = [p for p in node.split("/") if p] or ["root"]
    if any(p in {".", ".."} or "\x00" in p for p in parts):
        raise WifiopsError(f"node {node!r} cannot be a file name")
    return PurePosixPath(*parts[:-1], parts[-1] + suffix)


def write_atomically(path: Path, text: str, mode: int = 0o644) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename (a reader, or a crash, never
    sees half a file; a good copy is replaced only by a complete one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
