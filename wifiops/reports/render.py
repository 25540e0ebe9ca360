"""Draw a report (wifiops/reports/model.py) as Markdown or HTML, from the templates beside this file.

StrictUndefined: a template that names a field the model lacks fails loudly, never prints an empty cell.
HTML is autoescaped; Markdown cells are escaped by the `cell` filter (a `|` would end a table cell).
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from wifiops.errors import WifiopsError
from wifiops.model.report import Report, feature_about, feature_title

FORMATS = ("md", "html")


def _cell(value: object) -> str:
    """One GitHub-flavoured Markdown table cell: pipes escaped, line breaks as <br>."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(part.strip() for part in text.splitlines()) or " "


def _fence(text: str) -> str:
    """A code fence longer than any backtick run inside the text (CommonMark closes on an equal run)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")), undefined=StrictUndefined,
                      autoescape=lambda name: bool(name and name.endswith(".html.j2")), keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(cell=_cell, fence=_fence, title=feature_title, about=feature_about)
    return env


def render(report: Report, fmt: str) -> str:
    if fmt not in FORMATS:
        raise WifiopsError(f"unknown report format {fmt!r}; the formats are {', '.join(FORMATS)}")
    return _environment().get_template(f"diff.{fmt}.j2").render(report=report)


QUIET_STATES = ("ok", "compliant", "applied", "unchanged")  # per-host states a runbook report does not repeat


def render_runbook(record: dict[str, object], fmt: str) -> str:
    """A playbook run's record (wifiops.playbooks.runner.PlaybookReport.to_dict) as a runbook report."""
    if fmt not in FORMATS:
        raise WifiopsError(f"unknown report format {fmt!r}; the formats are {', '.join(FORMATS)}")
    return _environment().get_template(f"runbook.{fmt}.j2").render(run=record, quiet=QUIET_STATES)
