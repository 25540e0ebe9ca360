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
    yes: Annotated[bool, typer.Option("--yes", help="Answer yes to every plan confirmation, once the plan is "
                                      "printed (recorded). Never a physical step: see --confirm-step.")] = False,
    confirm_step: Annotated[Optional[list[str]], typer.Option(
        "--confirm-step", help="NAME of a physical step (racking, unracking...) the engineer confirms done "
        "ahead (repeatable; recorded with who answered).")] = None,
    inventory: InventoryOption = None,
    timeout: TimeoutOption = None,
    json: JsonOption = False,
    rehearse: Annotated[bool, typer.Option("--rehearse", help="Run it all for real on a twin of the last backup "
                                           "(free ports, torn down after); nothing reaches the estate; journaled "
                                           "(docs/twin.md).")] = False,
    twin_fault: Annotated[Optional[list[str]], typer.Option(
        "--twin-fault", help="With --rehearse: 'HOST KIND [ARG]', a lab fault switched on in the twin first "
        "(repeatable), e.g. 'mm-1 reject-line ^vlan-name'.")] = None,
) -> None:
    """Run a playbook: schema and window checked first, then its steps. Exit 0 ok (a mail that could not be
    sent is a warning), 1 failed, refused or declined by the engineer, 2 error."""
    from wifiops.playbooks.runner import run_playbook

    from wifiops.credentials import engineer

    variables: dict[str, str | list[str]] = {}
    for item in var or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise WifiopsError(f"--var {item!r}: give NAME=VALUE")
        given = variables.get(name.strip())
        variables[name.strip()] = value if given is None else [*([given] if isinstance(given, str) else given), value]
    chosen = settings().with_timeout(timeout)
    who, named = engineer(chosen), set(confirm_step or [])

    def ask(question: str) -> bool:
        if yes:
            return True
        try:
            return typer.confirm(question, default=False, err=True)
        except typer.Abort:  # no one to answer (no terminal, end of input): not confirmed
            errors.print("no answer (run it from a terminal, or pass --yes)", markup=False, highlight=False)
            return False

    def ask_physical(step: str, question: str) -> tuple[bool, str]:
        if step in named:
            return True, f"{who} (--confirm-step {step!r})"
        try:
            return typer.confirm(f"[physical step {step!r}] {question}", default=False, err=True), \
                f"{who} at the terminal"
        except typer.Abort:
            errors.print(f"no answer to the physical step {step!r}: answer it at a terminal, or pass "
                         f"--confirm-step {step!r} once it is done (--yes answers plan confirmations only)",
                         markup=False, highlight=False)
            return False, f"nobody ({who} gave no answer)"

    say = (lambda _: None) if json else (lambda text: wrapped(text, err=True))  # on words at the terminal's width
    if rehearse or twin_fault:
        if check or not rehearse:
            raise WifiopsError("--rehearse runs the playbook for real on a twin: not with --check; --twin-fault "
                               "needs --rehearse")
        from wifiops.face.rehearse import rehearse as on_twin, show

        found = on_twin(chosen, playbook, inventory=inventory, limit=limit or (), variables=variables,
                        faults=twin_fault or (), progress=say)
        if json:
            emit_json(found.to_dict())
        else:
            show(found)
        raise typer.Exit(found.exit_code)
    report = run_playbook(chosen, playbook, inventory=chosen.inventory_dir(inventory), check=check,
                          limit=limit or (), variables=variables, force=force, reason=reason, confirm=ask,
                          progress=say, physical=ask_physical)
    if json:
        emit_json(report.to_dict())
        raise typer.Exit(report.exit_code)
    if report.window is not None:
        state = "allowed" if report.window["allowed"] else ("OVERRIDDEN" if report.forced else "REFUSED")
        wrapped(f"window {state}: {report.window['reason']}", err=True)
    table(f"{report.name}: {report.result}{' (dry run)' if report.check else ''}", ["step", "result", "summary"],
          ([s.name, "ok" if s.ok else ("declined" if s.declined else "FAILED"), s.summary] for s in report.steps))
    warnings(report.warnings)
    if report.why:
        said = {"failed": "stopped", "refused": "refused"}.get(report.result, report.result)
        wrapped(f"{said} because {report.why}", err=True)
    if report.notified and not report.notified.startswith("NOT sent"):  # not sent: said above as a warning
        errors.print(f"mail: {report.notified}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"record: {report.folder / 'record.json'} (and the journal)", highlight=False, soft_wrap=True)
    made = [s.summary.split(": ", 1)[0] for s in report.steps if s.action == "report" and s.ok] + report.reports
    for written in made:  # the last lines: what to open next
        console.print(f"report: {written}", highlight=False, soft_wrap=True)
    raise typer.Exit(report.exit_code)
