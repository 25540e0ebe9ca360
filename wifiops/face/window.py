"""`wifiops window check|next`: may service-interrupting maintenance start then, and if not, when.

The rules are wifiops.windows' (contract: outside every touched site's opening hours, approved at least
10 working days before); this face parses the moments, loads the inventory's sites and renders the verdict.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from wifiops.face.options import InventoryOption, JsonOption, settings
from wifiops.face.output import emit_json, errors, say

if TYPE_CHECKING:
    from wifiops.windows import Calendar

app = typer.Typer(help="Maintenance windows: outside opening hours, approved 10 working days ahead (contract).",
                  no_args_is_help=True)

WHEN_FORMAT = "YYYY-MM-DD HH:MM (Europe/Paris time), or ISO 8601 with an offset (2026-12-02T21:00+01:00)"
HAS_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _moment(text: str) -> datetime:
    """A moment with its time of day: a bare date would silently mean midnight."""
    try:
        if HAS_TIME.match(text.strip()):
            return datetime.fromisoformat(text.strip())
    except ValueError:
        pass
    raise typer.BadParameter(f"expected {WHEN_FORMAT}, got {text!r}")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _duration(text: str) -> timedelta:
    found = DURATION.match(text.strip())
    if not found:
        raise typer.BadParameter(f"expected a duration as 90min or 2h, got {text!r}")
    return timedelta(hours=int(found[1])) if found[2] == "h" else timedelta(minutes=int(found[1]))


DURATION = re.compile(r"^(\d{1,4})(min|h)$")
DurationOption = Annotated[Optional[timedelta], typer.Option(
    "--duration", parser=_duration, metavar="90min|2h", help="How long the work takes: it must end before any "
    "touched site opens (default: only its start is judged).")]
SiteOption = Annotated[Optional[list[str]], typer.Option(
    "--site", "-s", help="A site the work touches, as named in the inventory (repeatable; default: every site).")]
ApprovedOnOption = Annotated[Optional[date], typer.Option(
    "--approved-on", parser=_day, metavar="YYYY-MM-DD", help="The day the Louvre's project manager approved it.")]


def _calendar(inventory: Path | None) -> Calendar:
    """The sites of the inventory, from defaults.yaml alone (wifiops/inventory/sites.py)."""
    from wifiops.inventory.sites import checked_sites
    from wifiops.windows import Calendar

    return Calendar.from_sites(checked_sites(settings().inventory_dir(inventory)))


@app.command("check")
def check_command(
    when: Annotated[datetime, typer.Argument(metavar="DATETIME", parser=_moment,
                                             help=f"When the work starts: {WHEN_FORMAT}.")],
    site: SiteOption = None,
    approved_on: ApprovedOnOption = None,
    duration: DurationOption = None,
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """May service-interrupting work start at DATETIME (and, with --duration, end before any site opens)? Exit 0 allowed, 1 refused (with the rule broken and the
    next allowed start), 2 bad input."""
    from wifiops.windows import PARIS, aware

    calendar = _calendar(inventory)
    verdict = calendar.check(when, sites=site, approved_on=approved_on, duration=duration)
    if json:
        emit_json({"allowed": verdict.allowed, "reason": verdict.reason, "rule": verdict.rule,
                   "next_allowed": _iso(verdict.next_allowed), "when": _iso(aware(when).astimezone(PARIS)),
                   "sites": site or list(calendar.sites), "approved_on": _iso(approved_on),
                   "duration_minutes": int(duration.total_seconds() // 60) if duration else None})
    elif verdict.allowed:
        say(verdict.reason)
    else:
        errors.print(f"refused ({verdict.rule}): {verdict.reason}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(0 if verdict.allowed else 1)


@app.command("next")
def next_command(
    after: Annotated[Optional[datetime], typer.Option(
        "--after", metavar="DATETIME", parser=_moment, help=f"From when (default: now): {WHEN_FORMAT}.")] = None,
    site: SiteOption = None,
    approved_on: ApprovedOnOption = None,
    duration: DurationOption = None,
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """The earliest moment service-interrupting work may start. Without --approved-on, the answer is for an
    approval given on the --after day (today), and says so."""
    from wifiops.windows import PARIS, aware, describe

    start = aware(after).astimezone(PARIS) if after is not None else datetime.now(PARIS)
    approval = approved_on or start.date()
    calendar = _calendar(inventory)
    found = calendar.next_window(start, sites=site, approved_on=approval, duration=duration)
    if json:
        emit_json({"next_allowed": _iso(found), "after": _iso(start), "sites": site or list(calendar.sites),
                   "approved_on": _iso(approval), "approval_assumed": approved_on is None})
        return
    assumed = f" (if approved on {approval})" if approved_on is None else ""
    say(f"next allowed start: {describe(found)}{assumed}")


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()
