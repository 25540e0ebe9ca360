"""`wifiops watchdog`: are the watchers alive (the last good backup, the watch's last cycle, overdue incidents)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

import typer

from wifiops.face.options import JsonOption, settings
from wifiops.face.output import console, emit_json, errors


def watchdog_command(
    backup_hours: Annotated[float, typer.Option("--backup-hours", min=1.0, max=24 * 400.0,
                                                help="Alert when the last good backup is older (hours).")] = 26.0,
    watch_minutes: Annotated[float, typer.Option("--watch-minutes", min=1.0, max=7 * 24 * 60.0,
                                                 help="Alert when the watch vouched for nothing this long "
                                                 "(minutes).")] = 15.0,
    json: JsonOption = False,
) -> None:
    """A cheap check for a cron line or a systemd timer: each problem mailed and journaled once when it appears
    and once when it is gone. Nothing reaches a device. Exit 0 all well, 1 findings, 2 errors."""
    from wifiops.engine.watchdog import run_watchdog
    from wifiops.store import open_store

    chosen = settings()
    store = open_store(chosen)
    try:
        report = run_watchdog(chosen, store, now=datetime.now(timezone.utc), backup_hours=backup_hours,
                              watch_minutes=watch_minutes)
    finally:
        store.close()
    if json:
        emit_json(report.to_dict())
        raise typer.Exit(report.exit_code)
    if not report.findings:
        console.print("watchdog: the last good backup and the watch are within their limits; no incident overdue",
                      markup=False, highlight=False, soft_wrap=True)
    for finding in report.findings:
        errors.print(f"{finding.key}: {finding.message}", style="red", markup=False, highlight=False, soft_wrap=True)
    for line in report.mails:
        console.print(f"  mail {line}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(report.exit_code)
