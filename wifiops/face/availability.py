"""`wifiops availability`: up time against the contract's 99 %, per device, AP group or site, over any period."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Annotated, Any, Literal, Optional

import typer

from wifiops.face.options import InventoryOption, JsonOption, settings
from wifiops.face.output import emit_json, say, table
from wifiops.when import format_when

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
    from wifiops.engine.availability import MIN_COVERAGE, availability
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
    title = (f"Availability by {by}, {format_when(since)} to {format_when(until)} (Paris time), target {target:g} %; "
             f"below {MIN_COVERAGE:.0%} of the period watched: insufficient")
    table(title, ["name", "kind", "devices", "raw %", "contract %", "down", "excluded", "watched", ""],
          ([r.name, r.kind, r.devices, figure(r), figure(r, contract=True), _span(r.down_s), _span(r.excluded_s),
            r.covered().removeprefix("watched "), "BELOW TARGET" if r in report.below else ""] for r in report.rows),
          optional=["kind", "devices", "excluded"])
    overall = report.overall
    if overall.percent is None or not overall.sufficient:  # one word for a figure that means nothing yet
        figures = figure(overall) or "no watched time"
    else:
        figures = f"{figure(overall, ' %')} raw, {figure(overall, ' %', contract=True) or '-'} as the contract counts"
    say(f"all APs: {figures}, {overall.covered()} ({len(report.below)} below {target:g} %"
        + (f", {len(report.insufficient)} insufficient" if report.insufficient else "") + ")")
    for e in report.exclusions:  # every exclusion said (contract): why a figure differs from the raw one
        say(f"excluded ({e.cause}): {format_when(e.start)} to {format_when(e.end)}, {e.what}")
    raise typer.Exit(report.exit_code)


def figure(row: Any, unit: str = "", *, contract: bool = False) -> str:
    """A percentage only where enough was watched to mean one (an engine.availability.Availability); `contract`:
    as the contract counts it (exclusions neither up nor down)."""
    value = row.contract_percent if contract else row.percent
    if value is None:
        return ""
    return f"{value:.3f}{unit}" if row.sufficient else "insufficient"


def _span(seconds: float) -> str:
    if not seconds:
        return ""
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else (f"{minutes} min" if minutes else f"{seconds:.0f} s")
