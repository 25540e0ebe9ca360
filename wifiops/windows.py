"""Maintenance windows: may service-interrupting work start at a given moment, and if not, when.

Contract (louvre-estate.md, from the CCTP): maintenance that interrupts service happens outside the museums'
opening hours, and is approved by the Louvre's project manager at least 10 working days (jours ouvrés)
before. Opening hours are inventory data (`sites.<site>.hours` in defaults.yaml, wifiops.inventory.schema);
working days are Monday to Friday without French public holidays (FrenchHolidays below: the eleven of the
Code du travail since 2008, checked against the `holidays` package year by year in tests/windows; earlier years
are asked of that package).

The approval rule, precisely: the working days strictly after the approval day and strictly before the day
the work starts (Paris dates) must number at least 10. Neither end counts, as in a French "délai franc":
the approval day is already under way, and the day of the work is not notice. Approved on Monday
2026-11-02, the work may start from Wednesday 2026-11-18 (11 November is a holiday), not on the 17th.

Pure: no clock is read and nothing is opened here; every moment is passed in.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from wifiops.errors import WifiopsError
from wifiops.inventory.hours import WEEKDAYS, DayHours, Site

PARIS = ZoneInfo("Europe/Paris")  # the contract's clock: naive moments and approval dates are Paris time
APPROVAL_WORKING_DAYS = 10  # contract: approved at least 10 working days before the work
SEARCH_DAYS = 400  # how far next_window looks before it gives up (more than a year: every yearly closure)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


class FrenchHolidays(Container[date]):
    """France's public holidays (jours fériés, Code du travail L3133-1), year by year as asked. Our own eleven
    rules, not `holidays.France()`: that package loads every country it knows (about 0.3 s, issue 26: `wifiops
    window check` starts at once). Whit Monday is a holiday again since 2008; an earlier year is asked of the
    `holidays` package, loaded then only."""

    def __init__(self) -> None:
        self._years: dict[int, frozenset[date]] = {}

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        day = day.date() if isinstance(day, datetime) else day
        if day.year not in self._years:
            self._years[day.year] = _french_holidays(day.year)
        return day in self._years[day.year]


def _french_holidays(year: int) -> frozenset[date]:
    if year < 2008:
        import holidays

        return frozenset(holidays.France(years=year))
    easter = _easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [easter + timedelta(days=n) for n in (1, 39, 50)]  # Easter Monday, Ascension, Whit Monday
    return frozenset([date(year, month, day) for month, day in fixed] + moving)


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous algorithm of Meeus, Jones and Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@dataclass(frozen=True)
class Verdict:
    """May the work start then? `rule` names the rule broken (None when allowed): "opening-hours",
    "approval-missing" or "approval-too-late". `next_allowed` is the first moment the same request would be
    allowed; None when it is allowed now, or when no moment can be (no approval date)."""

    allowed: bool
    reason: str
    rule: str | None
    next_allowed: datetime | None


class Calendar:
    """The estate's sites and the working-day calendar: the two inputs of the contract's window rules."""

    def __init__(self, sites: Mapping[str, Site], public_holidays: Container[date] | None = None) -> None:
        self.sites = dict(sites)
        # FrenchHolidays fills each year as it is asked about: no year range to keep up to date.
        self.public_holidays: Container[date] = FrenchHolidays() if public_holidays is None else public_holidays

    @classmethod
    def from_inventory(cls, nr: Any) -> Calendar:
        """The calendar of a loaded Nornir inventory (its defaults' `sites`, validated on load)."""
        return cls.from_sites(nr.inventory.defaults.data["sites"])

    @classmethod
    def from_sites(cls, sites: Mapping[str, Any]) -> Calendar:
        """The calendar of the defaults' `sites` mapping, as written in the YAML."""
        try:
            return cls({key: Site.model_validate(body) for key, body in sites.items()})
        except ValidationError as exc:
            raise WifiopsError(f"the sites' opening hours are not valid (run `wifiops inventory check`): "
                               f"{exc.errors()[0]['msg']}") from None

    # --- the two rules -------------------------------------------------------------------------------------

    def check(self, when: datetime, *, sites: Sequence[str] | None = None, approved_on: date | None = None,
              approval_required: bool = True, duration: timedelta | None = None) -> Verdict:
        """Whether work touching `sites` (None or empty: every site) may start at `when` (naive: Paris time)
        and, with `duration`, end before any of them opens: the work must fit the window, not only start in it."""
        moment, keys = aware(when), self._keys(sites)
        day = moment.astimezone(PARIS).date()
        ahead: int | None = None
        if approval_required:
            if approved_on is None:
                return Verdict(False, "no approval: maintenance that interrupts service must be approved by the "
                               f"Louvre's project manager at least {APPROVAL_WORKING_DAYS} working days before; "
                               "give the date it was approved", "approval-missing", None)
            ahead = self.working_days_between(approved_on, day)
            if ahead < APPROVAL_WORKING_DAYS:
                later = self.next_window(moment, sites=keys, approved_on=approved_on, duration=duration)
                said = (f"approved on {approved_on}, not before the day of the work ({day})" if approved_on >= day
                        else f"approved on {approved_on}, only {ahead} working day(s) before {day}")
                return Verdict(False, f"{said}, and the contract asks for at least {APPROVAL_WORKING_DAYS}: the "
                               f"next allowed start is {describe(later)}", "approval-too-late", later)
        opened = [(key, hours) for key in keys if (hours := self._open_hours(key, moment))]
        if opened:
            later = self.next_window(moment, sites=keys, approved_on=approved_on,
                                     approval_required=approval_required, duration=duration)
            local = moment.astimezone(PARIS)
            who = " and ".join(f"{self.sites[key].name} is open {hours.open:%H:%M}-{hours.close:%H:%M}"
                               f"{self._zone_said(key)}" for key, hours in opened)
            return Verdict(False, f"{who} on {_weekday(local)} {local:%Y-%m-%d} (Europe/Paris): the "
                           f"next allowed start is {describe(later)}", "opening-hours", later)
        if duration:
            opening = self._first_opening(keys, moment, moment + duration)
            if opening is not None:
                key, at = opening
                later = self.next_window(moment, sites=keys, approved_on=approved_on,
                                         approval_required=approval_required, duration=duration)
                return Verdict(False, f"the work ({_span(duration)}) would still be under way when "
                               f"{self.sites[key].name} opens at {describe(at)}: the next allowed start is "
                               f"{describe(later)}", "opening-hours", later)
        why = [self._closed_because(key, moment) for key in keys]
        if ahead is not None:
            why.append(f"approved on {approved_on}, {ahead} working days before {day} "
                       f"(at least {APPROVAL_WORKING_DAYS})")
        return Verdict(True, f"allowed at {describe(moment)}: {'; '.join(why)}", None, None)

    def next_window(self, after: datetime, *, sites: Sequence[str] | None = None, approved_on: date | None = None,
                    approval_required: bool = True, duration: timedelta | None = None) -> datetime:
        """The earliest moment at or after `after` that `check` allows, in Paris time.

        From the first day the approval allows, it steps to the closing time of every site open then, until
        no site is open; at most SEARCH_DAYS ahead.
        """
        moment, keys = aware(after), self._keys(sites)
        if approval_required:
            if approved_on is None:
                raise WifiopsError("no approval date: a window for maintenance that interrupts service starts "
                                   f"{APPROVAL_WORKING_DAYS} working days after its approval; give the date it "
                                   "was approved")
            moment = max(moment, datetime.combine(self.first_day_allowed(approved_on), time(0), tzinfo=PARIS))
        limit = moment + timedelta(days=SEARCH_DAYS)
        while moment <= limit:
            closing = [self._closing(key, moment, hours) for key in keys if (hours := self._open_hours(key, moment))]
            opening = self._first_opening(keys, moment, moment + duration) if duration and not closing else None
            if opening is not None:  # it would run into an opening: start once that site closes again
                key, at = opening
                hours = self._open_hours(key, at)
                assert hours is not None
                closing = [self._closing(key, at, hours)]
            if not closing:
                return moment.astimezone(PARIS)
            moment = max(closing)
        raise WifiopsError(f"no maintenance window within {SEARCH_DAYS} days of {describe(aware(after))} for "
                           f"{', '.join(keys)}: check the sites' opening hours in the inventory")

    # --- working days ---------------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, and not a French public holiday (jour ouvré)."""
        return day.weekday() < 5 and day not in self.public_holidays

    def working_days_between(self, start: date, end: date) -> int:
        """Working days strictly after `start` and strictly before `end` (0 when `end` is not later)."""
        return sum(self.is_working_day(start + timedelta(days=offset)) for offset in range(1, (end - start).days))

    def first_day_allowed(self, approved_on: date) -> date:
        """The first day work approved on `approved_on` may start: the day after its 10th working day."""
        day, counted = approved_on, 0
        while counted < APPROVAL_WORKING_DAYS:
            day += timedelta(days=1)
            counted += self.is_working_day(day)
        return day + timedelta(days=1)

    # --- opening hours --------------------------------------------------------------------------------------

    def _keys(self, sites: Sequence[str] | None) -> list[str]:
        """The sites asked for; none asked means every site (the safe reading of a change with no site)."""
        if isinstance(sites, str):
            sites = [sites]
        unknown = [key for key in sites or () if key not in self.sites]
        if unknown:
            raise WifiopsError(f"unknown site {', '.join(map(repr, unknown))}: the inventory's sites are "
                               f"{', '.join(self.sites)}")
        return list(dict.fromkeys(sites)) if sites else list(self.sites)

    def _open_hours(self, key: str, moment: datetime) -> DayHours | None:
        """The hours during which site `key` is open at `moment`, or None when it is closed then."""
        hours = self.sites[key].hours
        if hours is None:
            return None
        local = moment.astimezone(ZoneInfo(hours.timezone))
        weekday = WEEKDAYS[local.weekday()]
        if weekday in hours.closed_days or f"{local:%m-%d}" in hours.closed_dates:
            return None
        today = hours.days.get(weekday)
        return today if today is not None and today.open <= local.time() < today.close else None

    def _first_opening(self, keys: Sequence[str], start: datetime, end: datetime) -> tuple[str, datetime] | None:
        """The first moment strictly after `start` and before `end` at which one of the sites opens, in its own
        time zone (a site in New York opens at 09:00 New York time)."""
        found: list[tuple[datetime, str]] = []
        for key in keys:
            hours = self.sites[key].hours
            if hours is None:
                continue
            zone = ZoneInfo(hours.timezone)
            day = start.astimezone(zone).date()
            while day <= end.astimezone(zone).date():
                weekday = WEEKDAYS[day.weekday()]
                today = hours.days.get(weekday)
                if today is not None and weekday not in hours.closed_days and f"{day:%m-%d}" not in hours.closed_dates:
                    opens = datetime.combine(day, today.open, tzinfo=zone)
                    if start < opens < end:
                        found.append((opens, key))
                day += timedelta(days=1)
        if not found:
            return None
        at, key = min(found)
        return key, at

    def _zone_said(self, key: str) -> str:
        hours = self.sites[key].hours
        return f" ({hours.timezone} time)" if hours is not None and hours.timezone != "Europe/Paris" else ""

    def _closing(self, key: str, moment: datetime, today: DayHours) -> datetime:
        hours = self.sites[key].hours
        assert hours is not None  # only asked of a site open at `moment`
        zone = ZoneInfo(hours.timezone)
        return datetime.combine(moment.astimezone(zone).date(), today.close, tzinfo=zone)

    def _closed_because(self, key: str, moment: datetime) -> str:
        """Why site `key` is not open at `moment`, in words (for the reason of an allowed verdict)."""
        site = self.sites[key]
        if site.hours is None:
            return f"{site.name} is not open to the public"
        local = moment.astimezone(ZoneInfo(site.hours.timezone))
        weekday = WEEKDAYS[local.weekday()]
        if weekday in site.hours.closed_days:
            return f"{site.name} is closed on {weekday.capitalize()}s"
        if f"{local:%m-%d}" in site.hours.closed_dates:
            return f"{site.name} is closed on {local.day} {MONTHS[local.month - 1]}"
        today = site.hours.days[weekday]
        return f"{site.name} is closed then (open {today.open:%H:%M}-{today.close:%H:%M} on {weekday.capitalize()}s)"


def _span(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60:02d}"


def aware(moment: datetime) -> datetime:
    """A naive datetime is Paris wall time: the contract's and the engineers' clock."""
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment


def _weekday(moment: datetime) -> str:
    return WEEKDAYS[moment.weekday()].capitalize()  # not %A: the locale would change the words


def describe(moment: datetime) -> str:
    """A moment as the reasons say it: 'Wednesday 2026-12-02 21:00 (Europe/Paris)'."""
    local = moment.astimezone(PARIS)
    return f"{_weekday(local)} {local:%Y-%m-%d %H:%M} (Europe/Paris)"
