"""Restoration deadlines (GTR): by when an incident opened at a given moment must be restored.

Contract (CCTP, major anomalies): central or remote WiFi infrastructure, servers and the supervision tool
4 working hours; APs 5 working days, or 1 day for a priority AP. The classes are inventory data
(`supervision.gtr`); working time runs in the provider's working hours (`supervision.working_hours`:
Monday to Friday 08:00-18:00 by default, a Saturday morning if the data says so), never on a French public
holiday: the holidays of maintenance windows' calendar (wifiops.windows.Calendar), not a second list.

- `working_hours: H`: only time inside working hours counts. Opened Friday 17:00 with 4 h: 1 h on Friday,
  3 h on Monday, so Monday 11:00. Opened at night, the clock starts at the next opening.
- `working_days: D`: the same point of the working day, D working days later. Opened Friday 17:00: the
  next Friday 17:00. Opened at night or on a day off, the clock starts at the next opening; a deadline that
  falls on an opening is said as the previous working day's close, the same working moment (nobody works
  in between, and "by Friday 18:00" is what the engineers read).
- `hours: H`: around the clock (the priority AP's "1 jour": the contract does not say "ouvré" there).

An approved maintenance window over the incident's site that runs while it is open (wifiops.supervision.
maintenance) is time the provider may not work on it: that time, counted on the class's own clock (working
time, or around the clock), does not count against the GTR, so the deadline moves later by it (`moved`).

Pure: no clock is read; every moment is passed in, aware (a naive one is Paris time).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from wifiops.errors import WifiopsError
from wifiops.inventory.schema import WEEKDAYS, GtrClass, OpeningHours
from wifiops.supervision.maintenance import Window
from wifiops.windows import Calendar, aware

SEARCH_DAYS = 400  # more than a year of days off in a row means the working hours are wrong


class WorkingTime:
    """The provider's working hours on working days: where "working hours" and "working days" run."""

    def __init__(self, hours: OpeningHours, calendar: Calendar | None = None) -> None:
        self.hours = hours
        self.calendar = calendar or Calendar({})
        self.zone = ZoneInfo(hours.timezone)

    def period(self, day: date) -> tuple[datetime, datetime] | None:
        """The working period of `day` (local date), or None on a day off: a weekday without hours, a closed
        date, or a French public holiday (the calendar of maintenance windows)."""
        if day in self.calendar.public_holidays:
            return None
        weekday = WEEKDAYS[day.weekday()]
        if weekday in self.hours.closed_days or f"{day:%m-%d}" in self.hours.closed_dates:
            return None
        today = self.hours.days.get(weekday)
        if today is None:
            return None
        return (datetime.combine(day, today.open, tzinfo=self.zone), datetime.combine(day, today.close, tzinfo=self.zone))

    def periods(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The working periods still to come at `start`, the first one cut at `start`."""
        moment = aware(start).astimezone(self.zone)
        day = moment.date()
        for _ in range(SEARCH_DAYS):
            found = self.period(day)
            if found is not None and found[1] > moment:
                yield max(found[0], moment), found[1]
            day += timedelta(days=1)
        raise WifiopsError(f"no working hours within {SEARCH_DAYS} days: check supervision.working_hours in the "
                           "inventory's defaults")

    def add_hours(self, start: datetime, hours: float) -> datetime:
        left = timedelta(hours=hours)
        for begin, end in self.periods(start):
            if end - begin >= left:
                return begin + left
            left -= end - begin
        raise AssertionError("periods() ends by raising")  # pragma: no cover

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The working time from `start` to `end`."""
        counted = timedelta(0)
        if end <= start:
            return counted
        for begin, close in self.periods(start):
            if begin >= end:
                break
            counted += min(close, end) - begin
        return counted

    def add_days(self, start: datetime, days: int) -> datetime:
        anchor, _ = next(self.periods(start))
        day, counted = anchor.date(), 0
        while counted < days:
            day += timedelta(days=1)
            counted += self.period(day) is not None
        found = self.period(day)
        assert found is not None
        opening, closing = found
        moment = min(max(datetime.combine(day, anchor.time(), tzinfo=self.zone), opening), closing)
        if moment == opening:  # the same working moment as the close of the working day before
            _, moment = self._previous_period(day)
        return moment

    def _previous_period(self, day: date) -> tuple[datetime, datetime]:
        for _ in range(SEARCH_DAYS):
            day -= timedelta(days=1)
            found = self.period(day)
            if found is not None:
                return found
        raise WifiopsError(f"no working hours within {SEARCH_DAYS} days: check supervision.working_hours")


def deadline(opened: datetime, gtr: GtrClass, working: WorkingTime) -> datetime:
    """When an incident of class `gtr` opened at `opened` must be restored, in the working hours' time zone."""
    if gtr.hours is not None:
        return (aware(opened).astimezone(timezone.utc) + timedelta(hours=gtr.hours)).astimezone(working.zone)
    if gtr.working_hours is not None:
        return working.add_hours(opened, gtr.working_hours)
    assert gtr.working_days is not None  # the schema asks for exactly one of the three
    return working.add_days(opened, gtr.working_days)


@dataclass(frozen=True)
class Moved:
    """A deadline after the maintenance windows that ran while its incident was open."""

    deadline: datetime
    by: timedelta  # on the class's clock: working time, or around the clock for `hours`
    windows: tuple[str, ...]  # each window as people name it: its approval's reference, else what it was

    def said(self) -> str:
        """"deadline moved by 2 h: maintenance window LVR-2026-114", or "" when nothing moved it."""
        if not self.by:
            return ""
        return f"deadline moved by {_hours(self.by)}: maintenance window {', '.join(self.windows)}"


def moved(opened: datetime, due: datetime, gtr: GtrClass, working: WorkingTime, found: Iterable[Window],
          site: str | None, *, restored: datetime | None, now: datetime) -> Moved:
    """`due` (the deadline set at opening) pushed back by the windows over `site` between the opening and the
    restoration (or `now`, and `now` ends a window still open). Moving the deadline can take in more of a
    window, so it is moved again until it holds."""
    start = aware(opened)
    over = [w for w in found if w.sites is None or (site is not None and site in w.sites)]
    stop = aware(restored) if restored is not None else aware(now)
    clock = (lambda a, b: b - a) if gtr.hours is not None else working.between
    later, total, named = due, timedelta(0), tuple[str, ...]()
    for _ in range(len(over) + 2):  # each pass takes in at least one more window, or holds
        limit = min(later, stop)
        spans = sorted((max(w.start, start), min(w.end or stop, limit), w) for w in over)
        spans = [(a, b, w) for a, b, w in spans if a < b]
        counted, reach = timedelta(0), start
        for a, b, _w in spans:  # overlapping windows count once
            a = max(a, reach)
            if a < b:
                counted += clock(a, b)
                reach = b
        named = tuple(dict.fromkeys(w.reference or w.what for _a, _b, w in spans))
        if counted == total:
            break
        total = counted
        later = (due.astimezone(timezone.utc) + total if gtr.hours is not None
                 else working.add_hours(due, total.total_seconds() / 3600)).astimezone(working.zone)
    return Moved(later, total, named if total else ())


def _hours(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" + (f" {rest:02d}" if rest else "") if hours else f"{rest} min"
