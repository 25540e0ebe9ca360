"""Draw a report (wifiops/model/report.py) as Markdown or HTML, from the templates beside this file.

StrictUndefined: a template that names a field the model lacks fails loudly, never prints an empty cell.
HTML is autoescaped; Markdown cells are escaped by the `cell` filter (a `|` would end a table cell).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from wifiops.errors import WifiopsError
from wifiops.model.report import Report, feature_about, feature_title
from wifiops.reports.doe import environment
from wifiops.reports.filters import cell, fence
from wifiops.reports.i18n import Localised
from wifiops.reports.summaries import said

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
    words = Localised(language).gettext
    env.filters["plain"] = lambda text: plain(said(str(text), words), root.resolve() if root else None)
    return env.get_template(f"runbook.{fmt}.j2").render(run=record, quiet=QUIET_STATES, language=language)


def playbook_mail(run: dict[str, Any], language: str) -> tuple[str, str]:
    """A playbook run's summary mail (subject, body) in `language` (wifiops.yaml's, French by default), Paris
    time: who ran what, how it ended and why, the window, then one line per step and the hosts that did not go
    well. `run`: the run's record (wifiops.playbooks.runner.PlaybookReport.to_dict)."""
    local = Localised(language)
    _ = local.gettext
    result = _(str(run["result"]))
    subject = f"wifiops : {run['name']} {result}" if language == "fr" else f"wifiops: {run['name']} {result}"
    subject += f" {_('(dry run)')}" if run.get("check") else ""
    lines = [_("Playbook %(name)s (%(file)s): %(result)s") % {"name": run["name"], "file": run["playbook"],
                                                              "result": result},
             _("Started %(when)s (Paris time) by %(who)s") % {"when": local.when(run["started"]), "who": run["who"]},
             _("Run folder: %(folder)s") % {"folder": run["folder"]}]
    if run.get("why"):
        lines.append(f"{_('Stopped because') if run['result'] == 'failed' else _('Rolled back because')} {run['why']}"
                     + (_(": the rollback did NOT restore every step (see the undo steps below)")
                        if run["result"] == "NOT restored" else ""))
    if run.get("window"):
        lines.append(f"{_('Window:')} {run['window']['reason']}")
    if run.get("forced"):
        lines.append(f"{_('Window OVERRIDDEN:')} {run['forced']['reason']}")
    lines.append("")
    for step in run.get("steps", []):
        state = "ok" if step["ok"] else (_("declined") if step.get("declined") else _("FAILED"))
        lines.append(f"[{state}] {step['name']}: {said(str(step['summary']), _)}")
        lines += [f"    {state}" if state.startswith(f"{host}:") else f"    {host}: {state}"
                  for host, state in (step.get("hosts") or {}).items() if state not in QUIET_STATES]
    return subject, "\n".join(lines) + "\n"
