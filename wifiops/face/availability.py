"""`wifiops availability`: up time against the contract's 99 %, per device, AP group or site, over any period."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Annotated, Literal, Optional

import typer

from wifiops.face.options import InventoryOption, JsonOption, settings
from wifiops.face.output import console, emit_json, table

MOMENT_FORMAT = "YYYY-MM-DD, YYYY-MM-DD HH:MM (Europe/Paris), or ISO 8601 with an offset"
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DEFAULT_DAYS = 30


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"expected {MOMENT_FORMAT}, got {text!r}") from None


def availability_command(
    start: Annotated[Optional[str], typer.Option("--from", metavar="WHEN", help=f"Start of the period: {MOMENT_FORMAT} "
                                                 f"(default: {DEFAULT_DAYS} days before --to).")] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="WHEN", help="End of the period (default: now); a date "
                                               "alone means the end of that day.")] = None,
    by: Annotated[Literal["device", "group", "site"], typer.Option(
        "--by", help="device (every AP, MM, controller), group (AP groups; MMs and controllers by kind) or site (the "
        "APs of each site).")] = "device",
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """Availability from the samples of `wifiops watch`, counting only the time watched. Exit 0 every row meets the
    inventory's target (99 %), 1 some do not."""
    from wifiops.engine.availability import availability
    from wifiops.engine.incident import contract_exclusions
    from wifiops.store import open_store
    from wifiops.supervision.rules import Rules
    from wifiops.windows import PARIS, aware

    until = aware(_moment(end)).astimezone(PARIS) if end else datetime.now(PARIS)
    if end and DATE_ONLY.match(end.strip()):
        until = datetime.combine(until.date() + timedelta(days=1), time(0), tzinfo=PARIS)
    since = aware(_moment(start)).astimezone(PARIS) if start else until - timedelta(days=DEFAULT_DAYS)
    if since >= until:
        raise typer.BadParameter(f"--from ({since:%Y-%m-%d %H:%M}) must come before --to ({until:%Y-%m-%d %H:%M})")
    chosen = settings()
    target = Rules.from_inventory(chosen.inventory_dir(inventory)).supervision.target_percent
    store = open_store(chosen)
    try:
        report = availability(store, start=since, end=until, by=by, target_percent=target,
                              exclusions=contract_exclusions(chosen, store, until))
    finally:
        store.close()
    if json:
        emit_json(report.to_dict())
        raise typer.Exit(report.exit_code)
    title = f"Availability by {by}, {since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} (Europe/Paris), target {target:g} %"
    table(title, ["name", "kind", "devices", "raw %", "contract %", "down", "excluded", ""],
          ([r.name, r.kind, r.devices, _pct(r.percent), _pct(r.contract_percent), _span(r.down_s),
            _span(r.excluded_s), "BELOW TARGET" if r in report.below else ""] for r in report.rows))
    overall = report.overall
    console.print(f"all APs: {'no watched time' if overall.percent is None else f'{overall.percent:.3f} %'} raw, "
                  f"{'-' if overall.contract_percent is None else f'{overall.contract_percent:.3f} %'} as the "
                  f"contract counts ({len(report.below)} below {target:g} %)", markup=False, highlight=False)
    for e in report.exclusions:  # every exclusion said (contract): why a figure differs from the raw one
        console.print(f"excluded ({e.cause}): {e.start.astimezone(PARIS):%Y-%m-%d %H:%M} to "
                      f"{e.end.astimezone(PARIS):%Y-%m-%d %H:%M}, {e.what}", markup=False, highlight=False)
    raise typer.Exit(report.exit_code)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _span(seconds: float) -> str:
    if not seconds:
        return ""
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else (f"{minutes} min" if minutes else f"{seconds:.0f} s")
