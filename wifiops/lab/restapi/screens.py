"""A show command's screen as the REST API's `showcommand` answers it.

What the real API does (docs/rest-api.md, "showcommand"): each table becomes a key named by its title
holding one object per row, keyed by the column headers (an empty cell is null); `_meta` lists the
columns of the table; every other non-empty line is kept in order in `_data`. The lab draws every table
with one layout (tables.py: title, dashes as long as the title, header, a dash run under each header),
so the columns are found from the dash runs, as a reader of the real screen finds them.
"""

from __future__ import annotations

import re
from typing import Any

_RUN = re.compile(r"-+")
# a count right under the rows, with no blank line between (`Num ESSID:3` under `show ap essid`): not a row
_TRAILER = re.compile(r"[A-Za-z][A-Za-z ]*:\s*\d+")


def _is_table_at(lines: list[str], i: int) -> bool:
    if i + 3 >= len(lines):
        return False
    title, rule, header, runs = lines[i:i + 4]
    return (bool(title.strip()) and set(rule) == {"-"} and len(rule) == len(title)
            and bool(header.strip()) and bool(runs.strip()) and set(runs) <= {"-", " "})


def _columns(header: str, runs: str) -> list[tuple[str, int, int | None]]:
    """(name, start, end) per column; a column runs from its dash run to the next one."""
    starts = [m.start() for m in _RUN.finditer(runs)]
    ends: list[int | None] = [*starts[1:], None]
    return [(header[s:e].strip(), s, e) for s, e in zip(starts, ends)]


def to_json(screen: list[str]) -> dict[str, Any]:
    """The JSON body of a showcommand for these output lines."""
    body: dict[str, Any] = {}
    data: list[str] = []
    i = 0
    while i < len(screen):
        if not _is_table_at(screen, i):
            if screen[i].strip():
                data.append(screen[i].rstrip())
            i += 1
            continue
        title = screen[i].strip()
        columns = _columns(screen[i + 2], screen[i + 3])
        rows = []
        i += 4
        while i < len(screen) and screen[i].strip() and not _TRAILER.fullmatch(screen[i].strip()):
            line = screen[i]
            rows.append({name: (line[s:e].strip() or None) for name, s, e in columns})
            i += 1
        body[title] = rows
        body.setdefault("_meta", [name for name, _, _ in columns])
    if data:
        body["_data"] = data
    return body
