"""Every file and network answer wifiops reads, read within bounds: one module, one set of rules.

The inventory reader set the rules (wifiops.yamlsource uses this module too): only a regular file
(a FIFO would hang the read, /dev/zero would never end, a directory is no text), checked with stat before it
is opened and opened without blocking; at most a size the kind of file can need; UTF-8 only, the bad byte
named by line and column; JSON at most MAX_DEPTH levels deep and no number longer than MAX_NUMBER_CHARS
(Python's int() refuses 4,300 digits with an "unexpected" ValueError; a 10^6-level nesting is a
RecursionError). A network answer is bounded the same way, and in time as a whole (wifiops.clearpass.client).

Each refusal is one `Unreadable` line: the file, the line when there is one, and what to do.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

from wifiops.errors import WifiopsError

MIB = 2**20
# A saved plan holds the running configuration of every node it touches: the Louvre's is 2 MiB at most.
PLAN_BYTES = 64 * MIB
# A saved show output or configuration: `show running-config` of an MM is about 1 MiB, a user table of 10,000
# users 4 MiB.
TEXT_BYTES = 64 * MIB
# A ClearPass answer: a page of 1,000 network devices is about 2 MiB.
ANSWER_BYTES = 32 * MIB
# A CA bundle (PEM): the system's is 200 KiB.
CA_BYTES = 4 * MIB
JOURNAL_BYTES = 512 * MIB  # the run journal: years of runs; beyond that it is refused with one line, never read whole
# No file or answer of wifiops nests deeper than a dozen levels; 64 leaves room and stays far from recursion.
MAX_DEPTH = 64
# The longest number wifiops reads is a timestamp or a counter (20 digits); 100 keeps far below int()'s limit.
MAX_NUMBER_CHARS = 100

KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class Unreadable(WifiopsError):
    """A file or answer that cannot be read within its bounds; `problem` is the reason without the place."""

    def __init__(self, where: str, problem: str, line: int | None = None) -> None:
        self.where, self.problem, self.line = where, problem, line
        super().__init__(f"{where}:{line}: {problem}" if line else f"{where}: {problem}")


def os_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop: the link leads back to itself (directly or through other links)"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "file not found"
    return f"cannot read file: {exc.strerror}"


def kind_problem(info: os.stat_result, what: str = "file") -> str | None:
    """Why a file of this stat is not a regular file (None when it is one)."""
    if stat.S_ISREG(info.st_mode):
        return None
    kind = next((label for test, label in KINDS if test(info.st_mode)), "not a plain file")
    return f"is {kind}, not a regular file: {_article(what)} {what} must be a plain file"


def _article(what: str) -> str:
    return "an" if what[:1].lower() in "aeiou" else "a"


def too_big(size: int, limit: int, what: str, *, grew: bool = False) -> str:
    said = "holds more than" if grew else f"is {size / MIB:.1f} MiB, over"
    return f"file {said} the {limit / MIB:g} MiB limit of {_article(what)} {what}: is it the right file?"


def read_bytes(path: Path, limit: int, what: str = "file") -> bytes:
    """The file's bytes: a regular file of at most `limit` bytes, or Unreadable. Checked with stat before
    opening, so a FIFO or a device is never opened; opened with O_NONBLOCK, so one swapped in after the stat
    does not hang either; read in bounded chunks, so a file that grows (or lies, as /proc does) stops at limit."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise Unreadable(str(path), os_problem(exc)) from None
    problem = kind_problem(info, what) or (too_big(info.st_size, limit, what) if info.st_size > limit else None)
    if problem is not None:
        raise Unreadable(str(path), problem)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise Unreadable(str(path), os_problem(exc)) from None
    chunks: list[bytes] = []
    size = 0
    try:
        problem = kind_problem(os.fstat(fd), what)
        while problem is None and size <= limit:
            chunk = os.read(fd, min(MIB, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if problem is None and size > limit:
            problem = too_big(size, limit, what, grew=True)
    except OSError as exc:
        problem = os_problem(exc)
    finally:
        os.close(fd)
    if problem is not None:
        raise Unreadable(str(path), problem)
    return b"".join(chunks)


def decode(raw: bytes, where: str) -> str:
    """UTF-8 text, or Unreadable naming the line and column of the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise Unreadable(where, f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {column} cannot be read; "
                                "save the file as UTF-8", line) from None


def read_text(path: Path, limit: int = TEXT_BYTES, what: str = "file") -> str:
    """A bounded regular file as UTF-8 text (see read_bytes and decode)."""
    return decode(read_bytes(path, limit, what), str(path))


def loads_json(text: str | bytes, where: str) -> Any:
    """JSON within bounds: numbers of at most MAX_NUMBER_CHARS characters, at most MAX_DEPTH levels deep; a
    refusal names the line."""
    if isinstance(text, bytes):
        text = decode(text, where)

    def number(kind: type) -> Any:
        def convert(literal: str) -> Any:
            if len(literal) > MAX_NUMBER_CHARS:
                raise _LongNumber(len(literal))
            return kind(literal)
        return convert

    try:
        data = json.loads(text, parse_int=number(int), parse_float=number(float))
    except json.JSONDecodeError as exc:
        raise Unreadable(where, f"not JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except _LongNumber as exc:
        raise Unreadable(where, f"a number of {exc.args[0]:,} digits: no value wifiops reads is that long "
                                f"(at most {MAX_NUMBER_CHARS})") from None
    except RecursionError:
        raise Unreadable(where, f"nested more than {MAX_DEPTH} levels deep: not a file wifiops wrote") from None
    if depth(data) > MAX_DEPTH:
        raise Unreadable(where, f"nested more than {MAX_DEPTH} levels deep: not a file wifiops wrote")
    return data


class _LongNumber(Exception):
    pass


def depth(data: Any) -> int:
    """How deeply lists and mappings nest in `data` (walked without recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            stack += [(item, level + 1) for item in value]
    return deepest


def read_json(path: Path, limit: int, what: str = "file") -> Any:
    """A bounded regular file as bounded JSON."""
    return loads_json(read_bytes(path, limit, what), str(path))


def check_ca_file(path: Path) -> bytes:
    """A CA file named in the inventory, read as a bounded regular PEM file: a FIFO, a device or a directory is an
    error, never a silent fall back to the system's CAs."""
    raw = read_bytes(path, CA_BYTES, "CA file")
    if b"-----BEGIN CERTIFICATE-----" not in raw:
        raise Unreadable(str(path), "holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the PEM file of the "
                                    "CA that signs the servers' certificates")
    return raw
