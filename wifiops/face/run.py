"""`wifiops run PLAYBOOK`: progress while it runs, a summary table at the end, `--json` for scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wifiops.face.options import InventoryOption, JsonOption, NodeLimitOption, TimeoutOption, settings
from wifiops.face.output import console, emit_json, errors, say as wrapped, table, warnings
from wifiops.errors import WifiopsError


def run_command(
    playbook: Annotated[Path, typer.Argument(help="The playbook (YAML), e.g. playbooks/nightly-backup.yaml.")],
    check: Annotated[bool, typer.Option("--check", help="A dry run end to end: nothing changes a device, no mail "
                                        "leaves, confirmations are answered yes.")] = False,
    limit: NodeLimitOption = None,
    var: Annotated[Optional[list[str]], typer.Option("--var", help="NAME=VALUE for the playbook's {{ vars.NAME }} "
                                                     "(repeatable).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Run outside the maintenance window rules (needs "
                                        "--reason; recorded).")] = False,
    reason: Annotated[Optional[str], typer.Option("--reason", help="Why the window is overridden.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Answer yes to every confirm step (the answer is "
                                      "recorded).")] = False,
    inventory: InventoryOption = None,
    timeout: TimeoutOption = None,
    json: JsonOption = False,
) -> None:
    """Run a playbook: schema and window checked first, then its steps. Exit 0 ok (a mail that could not be
    sent is a warning), 1 failed, refused or declined by the engineer, 2 error."""
    from wifiops.playbooks.runner import run_playbook

    variables = {}
    for item in var or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise WifiopsError(f"--var {item!r}: give NAME=VALUE")
        variables[name.strip()] = value
    chosen = settings().with_timeout(timeout)

    def ask(question: str) -> bool:
        if yes:
            return True
        try:
            return typer.confirm(question, default=False, err=True)
        except typer.Abort:  # no one to answer (no terminal, end of input): not confirmed
            errors.print("no answer (run it from a terminal, or pass --yes)", markup=False, highlight=False)
            return False

    say = (lambda _: None) if json else (lambda text: wrapped(text, err=True))  # on words at the terminal's width
    report = run_playbook(chosen, playbook, inventory=chosen.inventory_dir(inventory), check=check,
                          limit=limit or (), variables=variables, force=force, reason=reason, confirm=ask,
                          progress=say)
    if json:
        emit_json(report.to_dict())
        raise typer.Exit(report.exit_code)
    if report.window is not None:
        state = "allowed" if report.window["allowed"] else ("OVERRIDDEN" if report.forced else "REFUSED")
        wrapped(f"window {state}: {report.window['reason']}", err=True)
    table(f"{report.name}: {report.result}{' (dry run)' if report.check else ''}", ["step", "result", "summary"],
          ([s.name, "ok" if s.ok else ("declined" if s.declined else "FAILED"), s.summary] for s in report.steps))
    warnings(report.warnings)
    if report.notified and not report.notified.startswith("NOT sent"):  # not sent: said above as a warning
        errors.print(f"mail: {report.notified}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"record: {report.folder / 'record.json'} (and the journal)", highlight=False, soft_wrap=True)
    made = [s.summary.split(": ", 1)[0] for s in report.steps if s.action == "report" and s.ok] + report.reports
    for written in made:  # the last lines: what to open next
        console.print(f"report: {written}", highlight=False, soft_wrap=True)
    raise typer.Exit(report.exit_code)
