"""`wifiops watch`: supervision on a schedule (or once, from a timer): alerts mailed, incidents opened, a line a cycle."""

from __future__ import annotations

import json as jsonlib
import sys
from typing import Annotated

import typer

from wifiops.face.options import InventoryOption, JsonOption, TimeoutOption, settings
from wifiops.face.output import console, emit_json, errors
from wifiops.when import format_when


def watch_command(
    interval: Annotated[float, typer.Option(
        "--interval", min=1.0, max=7 * 24 * 3600.0, help="Seconds from the start of one cycle to the start of the next; also how long "
        "each cycle's samples count for in availability (run --once from a timer with the timer's period).")] = 300.0,
    once: Annotated[bool, typer.Option("--once", help="One cycle, then exit: 0 nothing alerting, 1 alerts active, "
                                       "2 the cycle failed.")] = False,
    compliance_hours: Annotated[float, typer.Option(
        "--compliance-hours", min=0.0, max=24 * 31.0, help="Hours between two checks of the configuration against "
        "the intent (drift, pending changes: minor incidents), read from the latest backup; 0: never.")] = 24.0,
    compliance_live: Annotated[bool, typer.Option("--compliance-live", help="Read the configuration from the "
                                                  "devices rather than the latest backup.")] = False,
    inventory: InventoryOption = None,
    timeout: TimeoutOption = None,
    json: JsonOption = False,
) -> None:
    """Check the estate every --interval seconds against the inventory's thresholds: keep its states in the
    store, raise and clear alerts with hysteresis, mail each alert once (and its clearing), journal them, open
    incidents with their restoration deadline and remind before it. Ctrl-C stops it."""
    from wifiops.engine.watch import CycleReport, summary_line, watch
    from wifiops.store import open_store

    chosen = settings().with_timeout(timeout)

    def show(report: CycleReport) -> None:
        if json:
            if once:
                emit_json(report.to_dict())
            else:  # JSON Lines: one object per cycle, for a pipe
                sys.stdout.write(jsonlib.dumps(report.to_dict(), default=str) + "\n")
                sys.stdout.flush()
            return
        console.print(summary_line(report), markup=False, highlight=False, soft_wrap=True)
        for alert in report.outcome.raised:
            errors.print(f"  ALERT {alert.message} ({alert.raise_mail})", style="red", markup=False,
                         highlight=False, soft_wrap=True)
        for alert in report.outcome.cleared:
            console.print(f"  cleared {alert.clear_message} ({alert.clear_mail})", markup=False, highlight=False,
                          soft_wrap=True)
        for incident in report.outcome.reminded:
            errors.print(f"  reminder: incident {incident.id} {incident.subject}, deadline {format_when(incident.deadline)}",
                         markup=False, highlight=False, soft_wrap=True)
        if report.errors:
            for line in report.errors:
                errors.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)

    store = open_store(chosen)
    try:
        report = watch(chosen, store, interval=interval, once=once, on_cycle=show,
                       inventory=chosen.inventory_dir(inventory),
                       compliance_every=compliance_hours * 3600 or None, compliance_live=compliance_live)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
    finally:
        store.close()
    raise typer.Exit(report.exit_code)
