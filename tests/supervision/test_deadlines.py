"""Restoration deadlines on fixed clocks, for each GTR class of the contract: an incident opened on a Friday at
17:00, on the eve of a French public holiday, during the night; working hours as inventory data."""

from __future__ import annotations

from datetime import datetime

import pytest

from wifiops.inventory.schema import GtrClass, OpeningHours, Supervision
from wifiops.supervision.deadlines import WorkingTime, deadline
from wifiops.windows import PARIS

CONTRACT = Supervision()  # the contract's classes and Monday-Friday 08:00-18:00
WORKING = WorkingTime(CONTRACT.working_hours)


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


CASES = [
    # Friday 17:00: one working hour left on Friday, the rest on Monday; around the clock, Saturday.
    ("friday 17:00", "2026-03-13 17:00", "infrastructure", "2026-03-16 11:00"),
    ("friday 17:00", "2026-03-13 17:00", "priority-ap", "2026-03-14 17:00"),
    ("friday 17:00", "2026-03-13 17:00", "ap", "2026-03-20 17:00"),
    # The eve of 1 May (a Friday in 2026): Thursday's last hour, then Monday; 8 May is a holiday too.
    ("eve of 1 May", "2026-04-30 17:00", "infrastructure", "2026-05-04 11:00"),
    ("eve of 1 May", "2026-04-30 17:00", "priority-ap", "2026-05-01 17:00"),
    ("eve of 1 May", "2026-04-30 17:00", "ap", "2026-05-11 17:00"),
    # The eve of 14 July (a Tuesday in 2026), at 16:00.
    ("eve of 14 July", "2026-07-13 16:00", "infrastructure", "2026-07-15 10:00"),
    ("eve of 14 July", "2026-07-13 16:00", "priority-ap", "2026-07-14 16:00"),
    ("eve of 14 July", "2026-07-13 16:00", "ap", "2026-07-21 16:00"),
    # The eve of Ascension Thursday (14 May 2026), at 17:00: Friday counts.
    ("eve of Ascension", "2026-05-13 17:00", "infrastructure", "2026-05-15 11:00"),
    # During the night: the clock starts at 08:00; five working days from an opening end at a closing.
    ("tuesday night", "2026-03-10 22:00", "infrastructure", "2026-03-11 12:00"),
    ("tuesday night", "2026-03-10 22:00", "priority-ap", "2026-03-11 22:00"),
    ("tuesday night", "2026-03-10 22:00", "ap", "2026-03-17 18:00"),
    ("wednesday 03:00", "2026-03-11 03:00", "infrastructure", "2026-03-11 12:00"),
    ("wednesday 03:00", "2026-03-11 03:00", "ap", "2026-03-17 18:00"),
    ("friday night", "2026-03-13 22:00", "infrastructure", "2026-03-16 12:00"),
    ("friday night", "2026-03-13 22:00", "ap", "2026-03-20 18:00"),
    ("saturday", "2026-03-14 10:00", "infrastructure", "2026-03-16 12:00"),
    # Around the clock across the change to summer time (Sunday 29 March 2026, 02:00 -> 03:00): 24 real hours.
    ("summer time", "2026-03-28 10:00", "priority-ap", "2026-03-29 11:00"),
]


@pytest.mark.parametrize(("case", "opened", "gtr", "due"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_the_contract_deadline_of_each_class(case: str, opened: str, gtr: str, due: str) -> None:
    found = deadline(paris(opened), CONTRACT.gtr[gtr], WORKING)
    assert found == paris(due) and found.utcoffset() == paris(due).utcoffset()


def test_the_same_moment_in_utc_gives_the_same_deadline() -> None:
    opened = paris("2026-03-13 17:00").astimezone(PARIS).astimezone(tz=None)
    assert deadline(opened, CONTRACT.gtr["infrastructure"], WORKING) == paris("2026-03-16 11:00")


def test_four_working_hours_exactly_to_the_close_end_at_the_close_not_the_next_opening() -> None:
    assert deadline(paris("2026-03-11 14:00"), CONTRACT.gtr["infrastructure"], WORKING) == paris("2026-03-11 18:00")


def test_working_hours_are_data_a_saturday_morning_counts() -> None:
    hours = CONTRACT.working_hours.model_dump()
    hours["days"]["saturday"] = {"open": "09:00", "close": "12:00"}
    hours["closed_days"] = ["sunday"]
    with_saturday = WorkingTime(OpeningHours.model_validate(hours))
    assert deadline(paris("2026-03-13 17:00"), CONTRACT.gtr["infrastructure"], with_saturday) == paris("2026-03-14 12:00")


def test_closed_dates_of_the_working_hours_are_days_off() -> None:
    hours = CONTRACT.working_hours.model_dump()
    hours["closed_dates"] = ["12-24", "12-31"]  # the provider closes on Christmas Eve and New Year's Eve
    closed = WorkingTime(OpeningHours.model_validate(hours))
    # Wednesday 23 December 2026, 17:00: 1 h; 24 closed, 25 a holiday, the weekend, Monday 28 from 08:00.
    assert deadline(paris("2026-12-23 17:00"), CONTRACT.gtr["infrastructure"], closed) == paris("2026-12-28 11:00")


def test_one_working_day_if_the_priority_class_is_read_that_way() -> None:
    one_working_day = GtrClass(working_days=1)
    assert deadline(paris("2026-03-13 17:00"), one_working_day, WORKING) == paris("2026-03-16 17:00")
    assert deadline(paris("2026-04-30 17:00"), one_working_day, WORKING) == paris("2026-05-04 17:00")
