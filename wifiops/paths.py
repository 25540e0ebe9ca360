"""Names that become paths, and writes that cannot leave their folder, whatever a name says.

One rule (`SAFE_NAME`) for every name that becomes a path component: host, site, AP, change reference, a
playbook variable used in a file name. The inventory check applies it with file, line and field
(wifiops.inventory.schema); the functions here are the second lock, at the moment of writing, for names
that reach a path by another road (an inventory that skipped the check, a future verb): `child` and
`inside` resolve the final path and refuse it unless it is under its folder.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path, PurePosixPath

from wifiops.errors import WifiopsError

# Safe as one path component on any filesystem wifiops writes to: no `/`, `\`, no leading `.` or `-`.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
SAFE_NAME_RULE = ("1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit "
                  "(it names the files of runs and backups)")


def host_folder(site: str | None, host: str) -> PurePosixPath:
    """`<site>/<host>` in the backups: the layout a person browses (site, then host, then the nodes an MM
    holds, or a ClearPass cluster's objects)."""
    return PurePosixPath(site or "no-site", host)


class UnsafePath(WifiopsError):
    """A name would make a path outside its folder, or a file name no filesystem takes: nothing was written."""


def safe_name(name: object) -> bool:
    """Whether `name` may be one component of a path wifiops writes (the one rule)."""
    return isinstance(name, str) and SAFE_NAME.fullmatch(name) is not None and name not in {".", ".."}


def check_name(name: object, what: str) -> str:
    """`name` itself, or UnsafePath naming `what` it is (a host, a site, a change reference...)."""
    if not safe_name(name):
        raise UnsafePath(f"{what} {name!r} cannot name a file: a {what} is {SAFE_NAME_RULE}")
    return str(name)


def inside(folder: Path, relative: str | PurePosixPath, what: str = "file") -> Path:
    """`folder/relative`, refused unless it resolves (links followed) under `folder` itself."""
    text = str(relative)
    if not text or "\x00" in text or PurePosixPath(text).is_absolute() or ".." in PurePosixPath(text).parts:
        raise UnsafePath(f"{what} {text!r} would be written outside {folder}: nothing was written")
    path = folder / text
    base = folder.resolve()
    if not path.resolve().is_relative_to(base) or path.resolve() == base:
        raise UnsafePath(f"{what} {text!r} would be written outside {folder} (through a link?): nothing was written")
    return path


def child(folder: Path, name: str, suffix: str = "") -> Path:
    """`folder/<name><suffix>`, refused if `name` would climb out of `folder` or into a sub-folder."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        raise UnsafePath(f"{name!r} cannot name a file in {folder}: host names are letters, digits, "
                         "'.', '_' and '-' (fix the inventory)")
    path = folder / f"{name}{suffix}"
    if path.resolve().parent != folder.resolve():
        raise UnsafePath(f"{name!r} would write outside {folder}")
    return path


def node_file(node: str, suffix: str) -> PurePosixPath:
    """A configuration node as a relative file path a person can browse: `/md/Louvre` -> `md/Louvre<suffix>`,
    `/` -> `root<suffix>`; a path with `.` or `..` parts is refused."""
    parts = [p for p in node.split("/") if p] or ["root"]
    if any(p in {".", ".."} or "\x00" in p or "\\" in p for p in parts):
        raise UnsafePath(f"node {node!r} cannot be a file name")
    return PurePosixPath(*parts[:-1], parts[-1] + suffix)


def write_atomically(path: Path, text: str, mode: int = 0o644) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename (a reader, or a crash, never
    sees half a file; a good copy is replaced only by a complete one). A symbolic link is written through: its
    target is replaced, the link stays (a known_hosts kept elsewhere and linked stays linked)."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))
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
