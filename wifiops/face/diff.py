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
    """Compliance per node and feature, what each node has that the intent does not model (left alone, never
    changed), then each node's remediation and rollback. Exit 0 compliant, 1 not."""
    from wifiops.engine.diff import compliance
    from wifiops.estate import Estate

    chosen = settings().with_timeout(timeout)
    report = compliance(Estate.open(chosen, inventory), limit=limit or (),
                        features=feature or (), live=live)
    if json:
        # compliant: the configuration is the intent (firewall rates confirmed included); lines left pending
        # are said apart (they are not configuration yet, but the next write memory commits them)
        emit_json({"compliant": all(n.compliant for n in report.nodes) and not any(s.pending for s in report.firewall),
                   "pending": report.pending,
                   "nodes": [n.to_dict() for n in report.nodes],
                   "firewall": [s.to_dict() for s in report.firewall]})
        raise typer.Exit(report.exit_code)
    table("Compliance", ["node", "source", "feature", "compliant"],
          [*([n.node, n.source, f, "yes" if ok else "NO"] for n in report.nodes for f, ok in n.features.items()),
           *(["firewall", "confirmed sheet", f"qos {s.segment}", "PENDING on the firewall" if s.pending else "yes"]
             for s in report.firewall)])
    sheets = chosen.path(chosen.render_dir) / "firewall"
    for sheet in report.firewall:
        if sheet.pending:
            console.print(f"firewall {sheet.segment}: {sheet.summary()}: pending until the change window's step "
                          f"'firewall change' is confirmed (sheet: `wifiops render` writes {sheets}/"
                          f"{sheet.segment}.md)", markup=False, highlight=False, soft_wrap=True)
        for where in sheet.stray_on:
            console.print(f"{where}: aaa bandwidth-contract \"{sheet.segment}\" shapes nothing (no role names it; the "
                          "firewall enforces the segment) and no plan removes it (the intent renders no contract "
                          "there): delete it at that node, approved like any change", markup=False, highlight=False,
                          soft_wrap=True)
    for node in report.nodes:
        if node.left_alone:  # a finding to read, never remediation: these lines are not sent
            console.rule(f"{node.node}: not modelled, left alone ({len(node.left_alone)})")
            console.print("\n".join(node.left_alone), markup=False, highlight=False, soft_wrap=True)
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
