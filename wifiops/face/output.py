"""Tables for people, JSON for scripts: the two ways every command reports."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from wifiops.secrets import redact_anywhere

# Piped output is read by scripts and mail: never cut cells to an 80-column guess.
console = Console(width=None if sys.stdout.isatty() else 200)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else 200)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def warnings(lines: Sequence[str]) -> None:
    for line in lines:  # masked like every console error (the engine masked them already: a last net)
        errors.print(redact_anywhere(f"warning: {line}"), markup=False, highlight=False, soft_wrap=True)


def failures(lines: Sequence[str], log_dir: Path | None = None) -> None:
    """One line per failed host, already worded for people (host first); the tracebacks are in run.log."""
    for line in lines:
        errors.print(redact_anywhere(line), style="red", markup=False, highlight=False, soft_wrap=True)
    if lines and log_dir is not None:
        errors.print(f"{len(lines)} host(s) failed; details in {log_dir}", markup=False, highlight=False)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    view = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        view.add_column(column)
    for row in rows:
        view.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(view)
