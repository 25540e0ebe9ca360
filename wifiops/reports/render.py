"""Draw a report (wifiops/model/report.py) as Markdown or HTML, from the templates beside this file.

StrictUndefined: a template that names a field the model lacks fails loudly, never prints an empty cell.
HTML is autoescaped; Markdown cells are escaped by the `cell` filter (a `|` would end a table cell).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from wifiops.errors import WifiopsError
from wifiops.model.report import Report, feature_about, feature_title
from wifiops.reports.doe import environment
from wifiops.reports.filters import cell, fence

FORMATS = ("md", "html")


def _environment() -> Environment:
    # sandboxed: a report shows what runs and playbooks recorded, values a playbook's author or a --var chose
    env = SandboxedEnvironment(loader=FileSystemLoader(Path(__file__).with_name("templates")), undefined=StrictUndefined,
                      autoescape=lambda name: bool(name and name.endswith(".html.j2")), keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(cell=cell, fence=fence, title=feature_title, about=feature_about)
    return env


def render(report: Report, fmt: str, language: str | None = None) -> str:
    """The report in `language` (default: the one its engine recorded from wifiops.yaml, `report.language`)."""
    from wifiops.reports.i18n import Localised

    if fmt not in FORMATS:
        raise WifiopsError(f"unknown report format {fmt!r}; the formats are {', '.join(FORMATS)}")
    chosen = language or report.language
    env = environment(chosen)
    words = Localised(chosen).gettext
    env.filters.update(fence=fence, title=lambda name: words(feature_title(name)),
                       about=lambda name: words(feature_about(name)), scope=lambda text: _scope(str(text), words))
    return env.get_template(f"diff.{fmt}.j2").render(report=report, language=chosen)


ROLLED_BACK = re.compile(r"^Rolled back because (?P<why>.*)\. Each node below was changed by the step named, then "
                         r"brought back to its configuration before the run\.$", re.S)
SENT = re.compile(r"^sent by step '(?P<step>.*)', then reverted$")


def _scope(text: str, words: Callable[[str], str]) -> str:
    """The engine's sentences about a rollback report in the report's language (their reason stays as said)."""
    found = ROLLED_BACK.match(text)
    if found:
        return words("Rolled back because %(why)s. Each node below was changed by the step named, then brought back "
                     "to its configuration before the run.") % {"why": found["why"]}
    found = SENT.match(text)
    if found:
        return words("sent by step %(step)s, then reverted") % {"step": found["step"]}
    return text


QUIET_STATES = ("ok", "compliant", "applied", "unchanged")  # per-host states a runbook report does not repeat


def render_runbook(record: dict[str, object], fmt: str, language: str = "fr", root: Path | None = None) -> str:
    """A playbook run's record (wifiops.playbooks.runner.PlaybookReport.to_dict) as a runbook report, in
    `language` (wifiops.yaml's); paths said from `root` (the folder of wifiops.yaml), never the machine's."""
    from wifiops.reports.change import plain

    if fmt not in FORMATS:
        raise WifiopsError(f"unknown report format {fmt!r}; the formats are {', '.join(FORMATS)}")
    env = environment(language)
    env.filters["plain"] = lambda text: plain(text, root.resolve() if root else None)
    return env.get_template(f"runbook.{fmt}.j2").render(run=record, quiet=QUIET_STATES, language=language)
