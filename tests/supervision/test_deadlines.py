"""Restoration deadlines on fixed clocks, for each GTR class of the contract: an incident opened on a Friday at
17:00, on the eve of a French public holiday, during the night; working hours as inventory data."""

from __future__ import annotations

from datetime import datetime

import pytest

from wifiops.inventory.schema import GtrClass, OpeningHours, Supervision
from wifiops.supervision.deadlines import WorkingTime, deadline, moved
from wifiops.supervision.maintenance import Window
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


# --- maintenance windows that run while an incident is open ------------------------------------------------------

def window(start: str, end: str | None, sites: tuple[str, ...] | None = ("DENON",), reference: str | None = "LVR-2026-114"
           ) -> Window:
    return Window(paris(start), paris(end) if end else None, sites, "change-window", reference)


def test_a_window_over_the_site_while_open_moves_the_deadline_by_its_working_time() -> None:
    opened = paris("2026-03-10 10:00")  # Tuesday: 4 working hours, due at 14:00
    due = deadline(opened, CONTRACT.gtr["infrastructure"], WORKING)
    found = moved(opened, due, CONTRACT.gtr["infrastructure"], WORKING, [window("2026-03-10 11:00", "2026-03-10 13:00")],
                  "DENON", restored=None, now=paris("2026-03-10 13:30"))
    assert found.deadline == paris("2026-03-10 16:00")
    assert found.said() == "deadline moved by 2 h: maintenance window LVR-2026-114"


def test_a_window_elsewhere_after_restoration_or_at_night_moves_nothing() -> None:
    opened, gtr = paris("2026-03-10 10:00"), CONTRACT.gtr["infrastructure"]
    due = deadline(opened, gtr, WORKING)
    now = paris("2026-03-12 09:00")
    for windows, site, restored in (
            ([window("2026-03-10 11:00", "2026-03-10 13:00", ("RICHELIEU",))], "DENON", None),
            ([window("2026-03-10 11:00", "2026-03-10 13:00")], "DENON", paris("2026-03-10 10:30")),
            ([window("2026-03-10 20:00", "2026-03-10 23:00")], "DENON", None)):  # no working time in it
        found = moved(opened, due, gtr, WORKING, windows, site, restored=restored, now=now)
        assert (found.deadline, found.said()) == (due, "")


def test_around_the_clock_a_night_window_counts_and_a_window_still_open_runs_to_now() -> None:
    opened, gtr = paris("2026-03-10 10:00"), CONTRACT.gtr["priority-ap"]  # 24 h: Wednesday 10:00
    due = deadline(opened, gtr, WORKING)
    closed = moved(opened, due, gtr, WORKING, [window("2026-03-10 20:00", "2026-03-10 22:30", None, None)], "DENON",
                   restored=None, now=paris("2026-03-11 09:00"))
    assert closed.deadline == paris("2026-03-11 12:30")
    assert closed.said() == "deadline moved by 2 h 30: maintenance window change-window"
    still_open = moved(opened, due, gtr, WORKING, [window("2026-03-10 20:00", None)], "DENON", restored=None,
                       now=paris("2026-03-10 23:00"))
    assert still_open.deadline == paris("2026-03-11 13:00")


def test_a_moved_deadline_that_reaches_into_a_later_window_moves_again() -> None:
    opened, gtr = paris("2026-03-10 10:00"), CONTRACT.gtr["infrastructure"]  # due 14:00
    due = deadline(opened, gtr, WORKING)
    windows = [window("2026-03-10 12:00", "2026-03-10 13:00"), window("2026-03-10 14:30", "2026-03-10 15:30", None,
                                                                          "LVR-2026-115")]
    found = moved(opened, due, gtr, WORKING, windows, "DENON", restored=None, now=paris("2026-03-10 16:00"))
    assert found.deadline == paris("2026-03-10 16:00")  # 1 h moves it to 15:00, inside the second: 1 h more
    assert found.said() == "deadline moved by 2 h: maintenance window LVR-2026-114, LVR-2026-115"
