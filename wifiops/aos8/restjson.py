"""Read the REST API's `showcommand` JSON into the records `parse()` makes of the same command's screen.

Why: over REST a device answers a show command in JSON (a table per title, rows keyed by column header,
the other lines in `_data`), so nothing depends on where the columns fall. The records are the same ones
(the same fields, derivations and types: wifiops/aos8/parsers/), so a check reads the same estate over
SSH or REST. A one-record output (show version) is its `_data` lines, read as the screen is. A row that
cannot be read is reported, never dropped, as parse() reports it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from wifiops.aos8.columns import RowError
from wifiops.aos8.data import raw
from wifiops.aos8.parse import Parsed, Unparsed, _reader
from wifiops.aos8.parserindex import parser_index
from wifiops.errors import UnsupportedCommand

__all__ = ["parse_json"]


@cache
def _ttp_headers() -> dict[str, dict[str, str]]:
    data = raw("restjson.yaml") or {}
    return {family: {" ".join(h.lower().split()): cell for h, cell in headers.items()}
            for family, headers in data.items()}


def parse_json(command: str, body: dict[str, Any]) -> Parsed:
    """The records of `body`, the showcommand answer for `command`. Row numbers in `Unparsed` count the
    rows of the table (1 = the first row)."""
    entry = parser_index().lookup(command)
    if entry is None:
        raise UnsupportedCommand(f"wifiops has no parser for {command!r}")
    reader = _reader(entry.name)
    data = [line for line in body.get("_data") or [] if isinstance(line, str)]
    if not reader.family.table:
        return reader.single(data)
    parsed = Parsed(entry.name, list(entry.fields))
    tables = [(title, rows) for title, rows in body.items() if not title.startswith("_") and isinstance(rows, list)]
    if not tables:
        parsed.unparsed.append(Unparsed(1, "", f"no table in the answer: not `{entry.name}` as wifiops reads it"))
        return parsed
    cells = {header: spec[0] for header, spec in reader.specs.items()}
    cells.update(_ttp_headers().get(entry.family, {}))
    required = {header for header, spec in reader.specs.items() if spec[2]}
    rows = tables[0][1]
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            parsed.unparsed.append(Unparsed(number, str(row), "not a row (an object keyed by column)"))
            continue
        raw = {cells[key]: str(value) for h, value in row.items()
               if (key := " ".join(str(h).lower().split())) in cells and value is not None}
        absent = [h for h in required if cells[h] not in raw and not any(
            " ".join(str(k).lower().split()) == h for k in row)]
        if absent:
            parsed.unparsed.append(Unparsed(number, str(row), f"no {absent[0]!r} column"))
            continue
        try:
            parsed.records.append(reader.fields.record(raw))
        except RowError as exc:
            parsed.unparsed.append(Unparsed(number, str(row), str(exc)))
    counts = [m for line in data if reader.count and (m := reader.count.match(line))]
    if reader.count is not None and not counts:
        parsed.warnings.append(Unparsed(len(rows), "", "no trailer counting the rows: the answer may be cut short"))
    elif counts and int(counts[0]["n"]) != len(rows):
        parsed.unparsed.append(Unparsed(len(rows), counts[0].string, f"the device counts {counts[0]['n']} rows, "
                                                                       f"the answer holds {len(rows)}"))
    return parsed
