"""`wifiops parse "COMMAND" FILE`: a saved show output as records, offline; unread rows as warnings.

Exit 0 when every row was read (a missing trailer is only a warning on stderr: the output may have been
cut short, but no row is lost), 1 when some could not be (each on stderr: file:line, why, the row), 2 on
an error (the file cannot be read, the command has no parser).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wifiops.face.options import JsonOption
from wifiops.face.output import emit_json, table, warnings


def parse_command(
    command: Annotated[str, typer.Argument(help="The show command the file holds, e.g. 'show ap database'.")],
    file: Annotated[Path, typer.Argument(help="The saved output (UTF-8 text).")],
    json: JsonOption = False,
) -> None:
    """Parse a saved show output into records (`--json` for scripts; field names in the README)."""
    from wifiops.aos8.parse import parse
    from wifiops.readers import read_text

    text = read_text(file, what="saved show output")  # bounded: regular file, size, UTF-8 (wifiops.readers)
    parsed = parse(command, text)
    if json:
        emit_json(parsed.to_dict())
    else:
        table(f"{parsed.command}: {len(parsed.records)} record(s)", parsed.fields,
              ([record[c] for c in parsed.fields] for record in parsed.records))
    warnings([f"{file}:{u.line}: {u.why}: {u.text.strip()!r}" for u in parsed.unparsed]
             + [f"{file}:{w.line}: {w.why}" for w in parsed.warnings])
    if parsed.unparsed:
        raise typer.Exit(1)
