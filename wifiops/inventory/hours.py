"""The sites of the estate and their opening hours (defaults.yaml `sites:`): what the maintenance window rules
(wifiops/windows.py) and the restoration deadlines read. A module of its own, below the inventory's whole
schema, so that `wifiops window check` validates the sites without building a hundred other models."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, model_validator

from wifiops.inventory.base import Strict
from wifiops.paths import SAFE_NAME_RULE, safe_name

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)  # in date.weekday() order

CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
MONTH_DAY = re.compile(r"([0-9]{2})-([0-9]{2})")


def _clock_time(value: Any) -> Any:
    """'HH:MM' in quotes: unquoted, YAML 1.1 reads 18:00 as the base-60 number 1080 (09:00 stays text)."""
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError('a time is written in quotes, as "18:00": unquoted, YAML reads 18:00 as a number '
                         "(base 60)")
    match = CLOCK.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError('a time is "HH:MM", from "00:00" to "23:59"')
    return time(int(match[1]), int(match[2]))


def _month_day(value: Any) -> Any:
    match = MONTH_DAY.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError('a closed date is "MM-DD" in quotes, as "12-25"')
    try:
        date(2000, int(match[1]), int(match[2]))  # a leap year: "02-29" is a day of the year
    except ValueError:
        raise ValueError(f"{value} is not a day of the year (MM-DD)") from None
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("unknown time zone: use an IANA name, as Europe/Paris") from None
    return value


def path_name(what: str) -> Any:
    """Host, site and AP names become path components (run folders, backups/<site>/<host>): one rule for all,
    wifiops.paths's, said here with file, line and field before anything is written."""
    def check(value: str) -> str:
        if not safe_name(value):
            raise ValueError(f"{what} name is {SAFE_NAME_RULE}")
        return value
    return AfterValidator(check)


SiteName = Annotated[str, path_name("a site")]
ClockTime = Annotated[time, BeforeValidator(_clock_time)]
MonthDay = Annotated[str, BeforeValidator(_month_day)]


class DayHours(Strict):
    """One day's opening to the public, from `open` (included) to `close` (excluded), local time."""

    open: ClockTime
    """Opening time, "HH:MM" local."""
    close: ClockTime
    """Closing time, "HH:MM" local, later the same day."""

    @model_validator(mode="after")
    def _opens_before_closing(self) -> DayHours:
        if self.open >= self.close:  # an opening past midnight is not modelled: no museum of the estate has one
            raise ValueError(f"opens at {self.open:%H:%M} and closes at {self.close:%H:%M}: "
                             "close must come later the same day")
        return self


class OpeningHours(Strict):
    """When a site is open to the public: service-interrupting maintenance happens outside (contract).

    Every weekday is said, open (`days`) or closed (`closed_days`): a weekday forgotten would read as closed,
    that is, maintenance allowed all day. `closed_dates` are yearly closures ("05-01"), local dates.
    """

    timezone: Annotated[str, AfterValidator(_timezone)] = "Europe/Paris"
    """The time zone the hours are in (IANA name)."""
    days: dict[Weekday, DayHours] = {}
    """Each open weekday's hours."""
    closed_days: list[Weekday] = []
    """The weekdays it is closed all day."""
    closed_dates: list[MonthDay] = []
    """The days of the year it is closed ("MM-DD", as "05-01")."""

    @model_validator(mode="after")
    def _every_weekday_said(self) -> OpeningHours:
        both = [day for day in WEEKDAYS if day in self.days and day in self.closed_days]
        if both:
            raise ValueError(f"{', '.join(both)}: both open (days) and closed (closed_days); keep one")
        unsaid = [day for day in WEEKDAYS if day not in self.days and day not in self.closed_days]
        if unsaid:
            raise ValueError(f"{', '.join(unsaid)}: neither open nor closed; give its hours under `days` or "
                             "list it in `closed_days`")
        return self


class Site(Strict):
    name: str
    """The site's full name, as the reports print it."""
    public: StrictBool
    """Whether the site is open to the public (an open SSID broadcast there needs a captive portal)."""
    # None: never open to the public (offices, the Liévin storage centre), so never an obstacle to maintenance.
    hours: OpeningHours | None = None


# The estate's sites by the short name hosts and AP groups use: at least one. One declaration for the full
# schema (DefaultsData) and the sites reader of `wifiops window` (sites.py).
Sites = Annotated[dict[SiteName, Site], Field(min_length=1)]
