"""Tables for people, JSON for scripts: the two ways every command reports."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import RenderableType

# Piped output is read by scripts and mail: never cut cells to an 80-column guess; COLUMNS, when set, is said on
# purpose and wins (rules and panels then fit it too).
_COLUMNS = os.environ.get("COLUMNS", "")
_SAID = int(_COLUMNS) if _COLUMNS.isdigit() and int(_COLUMNS) > 0 else None
# emoji=False: a host name or a path holding `:name:` is printed as written (and rich's emoji table of 3,600
# names is never loaded).
console = Console(width=_SAID or (None if sys.stdout.isatty() else 200), emoji=False)
errors = Console(stderr=True, width=_SAID or (None if sys.stderr.isatty() else 200), emoji=False)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def warnings(lines: Sequence[str]) -> None:
    from wifiops.aos8.masking import redact_anywhere  # the platform's catalogue: loaded when a line is printed

    for line in lines:  # masked like every console error (the engine masked them already: a last net)
        errors.print(redact_anywhere(f"warning: {line}"), markup=False, highlight=False, soft_wrap=True)


def failures(lines: Sequence[str], log_dir: Path | None = None) -> None:
    """One line per failed host, already worded for people (host first); the tracebacks are in run.log."""
    from wifiops.aos8.masking import redact_anywhere

    for line in lines:
        errors.print(redact_anywhere(line), style="red", markup=False, highlight=False, soft_wrap=True)
    if lines and log_dir is not None:
        errors.print(f"{len(lines)} host(s) failed; details in {log_dir}", markup=False, highlight=False)


NARROW = 100  # under this many columns, a table drops the columns its caller called optional
_MAC_NODE = re.compile(r"^(?P<parent>.*)/(?P<mac>(?:[0-9a-f]{2}:){5}(?P<last>[0-9a-f]{2}))$", re.IGNORECASE)


def width() -> int | None:
    """The width a person reads at: COLUMNS when set (said on purpose), the terminal's when stdout is one;
    None when stdout goes to a pipe or a file, where nothing is cut or wrapped."""
    said = os.environ.get("COLUMNS", "")
    if said.isdigit() and int(said) > 0:
        return int(said)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def build_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, keys: Sequence[str] | None = None,
                optional: Sequence[str] = (), at: int | None = None) -> RenderableType:
    """A table for `at` columns (None: as wide as its cells). Identifying cells (`keys`, by default the first
    column) are never cut: their column keeps its longest cell's width; every other cell wraps on words,
    never an ellipsis. Under NARROW columns the `optional` (low-value) columns are left out (--json has them
    all); when even so the words cannot fit side by side, one record per row: its keys, then `column: value`
    wrapped on words."""
    keys = columns[:1] if keys is None else keys
    kept = [n for n, c in enumerate(columns) if at is None or at >= NARROW or c not in optional]
    cells = [["" if row[n] is None else str(row[n]) for n in kept] for row in rows]
    names = [columns[n] for n in kept]

    def longest(place: int, words: bool) -> int:
        found = [len(names[place])] if not words else [len(w) for w in names[place].split()] or [0]
        for row in cells:
            found += [len(w) for w in (row[place].split() if words else row[place].splitlines())] or [0]
        return max(found)

    least = [longest(p, words=False) if name in keys else min(longest(p, words=True), 24)
             for p, name in enumerate(names)]
    if at is not None and sum(least) + 3 * (len(least) - 1) > at:
        return _records(names, cells, keys)
    from rich import box  # a table's modules load with the first table: most commands print lines
    from rich.table import Table

    view = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False)
    for place, name in enumerate(names):
        view.add_column(name, no_wrap=name in keys, overflow="fold", min_width=least[place])
    for row in cells:
        view.add_row(*row)
    return view


def _records(names: list[str], cells: list[list[str]], keys: Sequence[str]) -> RenderableType:
    """Too many columns for the width: each row as its identifying cells, then the rest wrapped on words."""
    from rich.padding import Padding

    blocks: list[RenderableType] = []
    for row in cells:
        head = "  ".join(cell for name, cell in zip(names, row) if name in keys and cell)
        rest = "; ".join(f"{name or '-'}: {cell}" for name, cell in zip(names, row) if name not in keys and cell)
        blocks.append(Text(head, style="bold"))
        if rest:
            blocks.append(Padding(Text(rest), (0, 0, 0, 2), expand=False))
    return Group(*blocks)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, keys: Sequence[str] | None = None,
          optional: Sequence[str] = ()) -> None:
    """Print a titled table at the reader's width (see `build_table`); the title on its own line, whole."""
    at = width()
    show(Text(title, style="bold"))
    show(build_table(columns, rows, keys=keys, optional=optional, at=at))


def show(thing: Any) -> None:
    """Print a Rich renderable at the reader's width; as wide as it is when stdout is a pipe or a file."""
    Console(width=width() or 100_000, highlight=False, emoji=False).print(thing)  # sys.stdout at print time (tests swap it)


def say(text: str, *, err: bool = False) -> None:
    """A plain message for people, wrapped on words at the reader's width (whole when piped)."""
    at = width()
    lines = [textwrap.fill(line, at, break_long_words=False, break_on_hyphens=False, subsequent_indent="  ")
             if at else line for line in text.splitlines() or [""]]
    print("\n".join(lines), file=sys.stderr if err else sys.stdout)


def device_node(path: str, devices: Mapping[str, str] | Sequence[str] = ()) -> str:
    """A device node named by its controller, `mc-1 (/md/Louvre/…:01)` under NARROW columns (whole when
    wider or piped): a MAC address is not a name. `devices`: the node's devices (a list), or every device
    node path -> host name."""
    found = _MAC_NODE.match(path or "")
    name = (devices.get(path) if isinstance(devices, Mapping) else
            (devices[0] if len(devices) == 1 else None))
    if not found or not name:
        return path
    at = width()
    return f"{name} ({path if at is None or at >= NARROW else found['parent'] + '/…:' + found['last']})"


def out_format(out: Path | None, given: str | None, formats: Mapping[str, str], default: str) -> str:
    """The format of `--out`: the one given, else its extension's (`formats`: ".md" -> "md"); a given format
    that the extension contradicts is refused, so an HTML page never lands in a .md file."""
    from wifiops.errors import WifiopsError

    known = formats.get(out.suffix.lower()) if out is not None else None
    if given is None:
        return known or default
    if known is not None and known != given:
        raise WifiopsError(f"--out {out} says {known} but --format says {given}: give one that agrees "
                           f"(or leave --format out)")
    return given
