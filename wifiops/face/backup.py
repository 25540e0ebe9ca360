"""`wifiops backup` (run, history, diff) and `wifiops config scrub`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wifiops.face.options import HostOption, InventoryOption, JsonOption, TimeoutOption, settings
from wifiops.face.output import console, emit_json, errors, failures, say, table, warnings
from wifiops.when import format_when

app = typer.Typer(help="Back up every node and device into git; browse and compare versions.",
                  invoke_without_command=True)
config_app = typer.Typer(help="Work on saved configurations, offline.", no_args_is_help=True)
Target = Annotated[str, typer.Argument(help="A managed host (mm-1) or a node path (/md/Louvre).")]


@app.callback()
def backup_command(ctx: typer.Context, host: HostOption = None, inventory: InventoryOption = None,
                   timeout: TimeoutOption = None, json: JsonOption = False) -> None:
    """Back up every managed device and configuration node (or --host ones); one commit per run."""
    if ctx.invoked_subcommand is not None:
        return
    from wifiops.engine.backup import run_backup
    from wifiops.estate import Estate
    from wifiops.face.progress import ProgressBar

    chosen = settings().with_timeout(timeout)
    report = run_backup(Estate.open(chosen, inventory), names=host or (),
                        processors=[ProgressBar("backup")])
    warnings(report.warnings)
    if json:
        emit_json({"repository": str(report.repository), "revision": report.revision, "pushed": report.pushed,
                   "log_dir": str(report.log_dir), "hosts": [h.to_dict() for h in report.hosts],
                   "warnings": report.warnings})
    else:
        table(f"Backup ({report.repository})", ["host", "result", "files changed"],
              ([h.host, "ok" if h.ok else "FAILED, previous backup kept", len(h.changed)] for h in report.hosts))
        errors.print(f"commit {report.revision[:12]}" if report.revision else "no change, no commit",
                     markup=False, highlight=False)
        if report.pushed:
            errors.print(f"push: {report.pushed}", markup=False, highlight=False, soft_wrap=True)
    failures([h.error or h.host for h in report.hosts if not h.ok], report.log_dir)
    raise typer.Exit(report.exit_code)


@app.command("history")
def history_command(target: Target, inventory: InventoryOption = None, json: JsonOption = False) -> None:
    """The versions of a host's or a node's backup, newest first."""
    from wifiops.engine.backup import history
    from wifiops.estate import Estate

    versions = history(Estate.open(settings(), inventory), target)
    if json:
        emit_json({"target": target, "versions": versions})
        return
    table(f"Backups of {target}", ["revision", "date", "summary"],
          ([v["revision"][:12], format_when(v["date"]), v["message"]] for v in versions), keys=["revision"])


@app.command("diff")
def diff_command(target: Target,
                 old: Annotated[Optional[str], typer.Argument(help="A revision or a date (2026-11-01).")] = None,
                 new: Annotated[Optional[str], typer.Argument(help="Another one (default: the files now).")] = None,
                 inventory: InventoryOption = None) -> None:
    """What changed in a host's or a node's backup between two versions (default: the last two)."""
    from wifiops.engine.backup import diff
    from wifiops.estate import Estate

    console.print(diff(Estate.open(settings(), inventory), target, old, new) or "no difference", markup=False,
                  highlight=False, soft_wrap=True)


@config_app.command("scrub")
def scrub_command(file: Annotated[Path, typer.Argument(help="A saved configuration.")],
                  inventory: InventoryOption = None) -> None:
    """Print a copy of FILE with every secret masked and the noise lines dropped."""
    from wifiops.engine.backup import scrub_file
    from wifiops.estate import Estate

    typer.echo(scrub_file(Estate.open(settings(), inventory), file), nl=False)


@config_app.command("diff")
def config_diff_command(running: Annotated[Path, typer.Argument(help="The running configuration (a saved file).")],
                        intended: Annotated[Path, typer.Argument(help="The intended configuration.")],
                        inventory: InventoryOption = None, json: JsonOption = False) -> None:
    """Compare two saved configurations: the commands that would make RUNNING the INTENDED one, and back. A
    secret masked (******) on one side and hashed (<scrubbed:...>) on the other is "not comparable", not a
    difference. Exit 0 when they are the same configuration (flush-left or indented), 1 when they differ.
    """
    from wifiops.engine.configdiff import config_diff

    result = config_diff(settings(), running, intended, inventory=inventory)  # offline: no Estate, no Nornir
    aside = result["not_comparable"]
    if json:
        emit_json(result)
        raise typer.Exit(0 if result["compliant"] else 1)
    if not result["compliant"]:
        console.rule("remediation")
        console.print(result["remediation"], markup=False, highlight=False, soft_wrap=True)
        console.rule("rollback")
        console.print(result["rollback"], markup=False, highlight=False, soft_wrap=True)
    if aside:
        console.rule("not comparable")
        console.print("\n".join(aside), markup=False, highlight=False, soft_wrap=True)
    verdict = "compliant: no difference" if result["compliant"] else "NOT compliant: the remediation above"
    if aside:
        verdict += (f"; {len(aside)} secret line(s) not comparable (masked ****** in one file, hashed "
                    "<scrubbed:...> in the other: compare a backup with a backup, or use `wifiops diff`)")
    say(f"verdict: {verdict}")
    raise typer.Exit(0 if result["compliant"] else 1)
