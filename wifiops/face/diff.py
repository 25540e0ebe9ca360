"""`wifiops diff`: each node's latest backup (or a live read) against the rendered intent, per feature."""

from __future__ import annotations

from typing import Annotated

import typer

from wifiops.face.options import FeatureOption, InventoryOption, JsonOption, NodeLimitOption, TimeoutOption, settings
from wifiops.face.output import console, emit_json, table


def diff_command(
    limit: NodeLimitOption = None,
    feature: FeatureOption = None,
    live: Annotated[bool, typer.Option("--live", help="Read the nodes from the conductor MM now, not from "
                                       "the latest backup.")] = False,
    inventory: InventoryOption = None,
    timeout: TimeoutOption = None,
    json: JsonOption = False,
) -> None:
    """Compliance per node and feature, then each node's remediation and rollback. Exit 0 compliant, 1 not."""
    from wifiops.engine.diff import compliance

    chosen = settings().with_timeout(timeout)
    report = compliance(chosen, inventory=chosen.inventory_dir(inventory), limit=limit or (),
                        features=feature or (), live=live)
    if json:
        emit_json({"compliant": all(n.compliant for n in report.nodes), "pending": report.pending,
                   "nodes": [n.to_dict() for n in report.nodes]})
        raise typer.Exit(report.exit_code)
    table("Compliance", ["node", "source", "feature", "compliant"],
          ([n.node, n.source, f, "yes" if ok else "NO"] for n in report.nodes for f, ok in n.features.items()))
    for node in report.nodes:
        if node.compliant:
            continue
        console.rule(f"{node.node}: remediation")
        console.print(node.remediation, markup=False, highlight=False, soft_wrap=True)
        console.rule(f"{node.node}: rollback")
        console.print(node.rollback, markup=False, highlight=False, soft_wrap=True)
    if report.pending:
        from wifiops.engine.backup import pending_finding
        from wifiops.face.output import errors

        errors.print(pending_finding("the conductor", report.pending), style="red", markup=False, highlight=False,
                     soft_wrap=True)
        for path, lines in report.pending.items():
            errors.print("\n".join(f"  {path}: {line.strip()}" for line in lines), markup=False, highlight=False,
                         soft_wrap=True)
    raise typer.Exit(report.exit_code)
