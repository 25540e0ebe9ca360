"""`wifiops apply`: the plan per node (dry run, the default), or with --commit the transaction and its outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wifiops.face.options import FeatureOption, InventoryOption, JsonOption, NodeLimitOption, TimeoutOption, settings
from wifiops.face.output import console, emit_json, errors, table


def apply_command(
    limit: NodeLimitOption = None,
    feature: FeatureOption = None,
    commit: Annotated[bool, typer.Option("--commit", help="Push the plan: backup, drift check, push, write memory, "
                                         "verify, and roll back on failure. Without it nothing is sent.")] = False,
    plan: Annotated[Optional[Path], typer.Option("--plan", help="A plan saved by an earlier `wifiops apply` "
                                                 "(its plan.json): send exactly that.")] = None,
    live: Annotated[bool, typer.Option("--live", help="Plan from the nodes read now, not from the latest "
                                       "backup.")] = False,
    stop_after: Annotated[int, typer.Option("--stop-after", help="Stop at this many failed nodes and roll back "
                                            "every node the run changed (below it, a failed node is rolled "
                                            "back alone and the others go on).")] = 1,
    inventory: InventoryOption = None,
    timeout: TimeoutOption = None,
    json: JsonOption = False,
) -> None:
    """Show the lines each node would be sent (dry run), or push them with --commit. Exit 0 applied or nothing
    to do, 1 refused (drift) or failed and rolled back, 2 not restored or could not start."""
    from wifiops.engine.apply import apply
    from wifiops.estate import Estate
    from wifiops.locks import LockHeld

    chosen = settings().with_timeout(timeout)
    say = (lambda _: None) if json else (lambda text: errors.print(f"  {text}", markup=False, highlight=False,
                                                                   soft_wrap=True))
    try:
        report = apply(Estate.open(chosen, inventory), limit=limit or (), features=feature or (),
                       live=live, plan_file=plan, commit=commit, stop_after=stop_after, progress=say)
    except LockHeld as held:  # another run holds the conductor: nothing was done
        if not json:
            raise
        emit_json({"committed": False, "result": "refused: in use", "error": str(held),
                   "holder": held.holder.__dict__ if held.holder else None, "lock": str(held.path)})
        raise typer.Exit(held.exit_code) from None
    if json:
        emit_json(report.to_dict())
        raise typer.Exit(report.exit_code)
    plan_ = report.plan
    if not report.committed:
        table(f"Plan ({plan_.source}, {len(plan_.changed)} node(s) to change)", ["node", "lines", "features"],
              ([n.node, n.lines, ", ".join(f for f, ok in n.features.items() if not ok) or "-"] for n in plan_.nodes))
        for node in plan_.changed:
            console.rule(f"{node.node}: would send")
            console.print(node.remediation, markup=False, highlight=False, soft_wrap=True)
        if plan_.changed:
            errors.print(f"dry run: nothing was sent. To send exactly this plan: wifiops apply --commit --plan "
                         f"{report.plan_file}", markup=False, highlight=False, soft_wrap=True)
        else:
            errors.print("every node is compliant: nothing to apply", markup=False, highlight=False)
        raise typer.Exit(0)
    if report.purged:
        errors.print(f"warning: {plan_.conductor} had changes pending from an earlier session; they were purged "
                     "before anything else, so no `write memory` commits them:", markup=False, highlight=False,
                     soft_wrap=True)
        errors.print(report.purged, markup=False, highlight=False, soft_wrap=True)
    if not plan_.changed and not report.error:
        errors.print("every node is compliant: nothing to apply" + (" (the leftovers above were purged)"
                     if report.purged else ""), markup=False, highlight=False)
    for drifted, diff in report.drift.items():
        console.rule(f"{drifted}: changed since the plan was made")
        console.print(diff, markup=False, highlight=False, soft_wrap=True)
    if report.drift:
        errors.print(f"{plan_.conductor}: the running configuration changed since the plan was made, on "
                     f"{', '.join(report.drift)}; nothing was sent. Run `wifiops backup`, then `wifiops apply`, and "
                     "review the new plan", style="red", markup=False, highlight=False, soft_wrap=True)
    if report.outcomes:
        table(f"Apply on {plan_.conductor} (pre-change backup {report.backup_revision or '-'})",
              ["node", "status", "lines sent", "rollback"],
              ([o.node, o.status, o.sent, (o.rollback or "").split(":")[0]] for o in report.outcomes.values()))
    for outcome in report.outcomes.values():
        if outcome.error:
            errors.print(f"{outcome.node}: {outcome.error}", style="red", markup=False, highlight=False, soft_wrap=True)
        if (outcome.rollback or "").startswith("NOT"):
            errors.print(f"{outcome.node}: {outcome.rollback}", style="red", markup=False, highlight=False,
                         soft_wrap=True)
    if report.error:
        errors.print(f"{plan_.conductor}: {report.error}" if not report.error.startswith(plan_.conductor)
                     else report.error, style="red", markup=False, highlight=False, soft_wrap=True)
    for warning in report.warnings:
        errors.print(f"warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    if report.backup_after:
        errors.print(f"backup after the change: commit {report.backup_after} (the next plan starts from it)",
                     markup=False, highlight=False)
    errors.print(f"transcripts, plan and record: {report.log_dir}", markup=False, highlight=False)
    if report.interrupted:
        errors.print(report.interruption(), style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(report.exit_code)
