"""The contract's window rules on fixed clocks: outside every touched site's opening hours, approved at least
10 working days before (louvre-estate.md). Dates are in 2026: Tuesday 1 December, Wednesday 2 December."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from wifiops import windows
from wifiops.errors import WifiopsError
from wifiops.windows import PARIS, Calendar, FrenchHolidays

REPO = Path(__file__).resolve().parents[2]


def _week(open_: str, close: str, late: dict[str, str] | None = None) -> dict[str, Any]:
    days = {d: {"open": open_, "close": (late or {}).get(d, close)}
            for d in ("monday", "wednesday", "thursday", "friday", "saturday", "sunday")}
    return {"days": days, "closed_days": ["tuesday"], "closed_dates": ["01-01", "05-01", "12-25"]}


# The opening-hours table of louvre-estate.md, written here from the reference (not read from the inventory).
CONTRACT_SITES: dict[str, Any] = {
    "louvre-palais": {"name": "Louvre - Palais", "public": True,
                      "hours": _week("09:00", "18:00", {"wednesday": "21:00", "friday": "21:00"})},
    "louvre-sainte-anne": {"name": "Louvre - Sainte-Anne (offices)", "public": False},
    "delacroix": {"name": "Musee Eugene Delacroix", "public": True, "hours": _week("09:30", "17:30")},
    "lievin": {"name": "Centre de conservation du Louvre, Lievin", "public": False},
}
APPROVED = date(2026, 4, 1)  # well ahead of every moment below, unless a test is about the approval
BOTH = ["louvre-palais", "delacroix"]


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    return Calendar.from_sites(CONTRACT_SITES)


def paris(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize("inventory", ["inventory", "inventory/lab"])
def test_shipped_inventories_carry_the_contracts_opening_hours(inventory: str) -> None:
    sites = yaml.safe_load((REPO / inventory / "defaults.yaml").read_text())["data"]["sites"]
    shipped, contract = Calendar.from_sites(sites).sites, Calendar.from_sites(CONTRACT_SITES).sites
    assert {k: s.hours for k, s in shipped.items()} == {k: s.hours for k, s in contract.items()}
    assert shipped["lievin"].hours is None and shipped["louvre-sainte-anne"].hours is None


# --- opening hours -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("when", "allowed"), [
    (paris(2026, 12, 1, 10, 0), True),   # Tuesday: both museums closed all day
    (paris(2026, 12, 2, 20, 0), False),  # Wednesday: the Louvre's late opening
    (paris(2026, 12, 2, 21, 0), True),   # ... closes at 21:00: the first allowed minute
    (paris(2026, 12, 2, 21, 30), True),
    (paris(2026, 5, 1, 12, 0), True),    # 1 May, a Friday: closed
    (paris(2026, 12, 25, 12, 0), True),  # 25 December, a Friday: closed
    (paris(2026, 11, 30, 7, 0), True),   # Monday before opening
    (paris(2026, 11, 30, 8, 59), True),
    (paris(2026, 11, 30, 9, 0), False),  # the Louvre opens at 09:00 (included)
    (paris(2026, 11, 30, 9, 30), False),
    (paris(2026, 11, 30, 18, 0), True),  # ... and closes at 18:00 (excluded)
])
def test_outside_opening_hours_of_every_site(calendar: Calendar, when: datetime, allowed: bool) -> None:
    verdict = calendar.check(when, approved_on=APPROVED)
    assert verdict.allowed is allowed, verdict.reason
    assert (verdict.rule is None) is allowed
    assert (verdict.next_allowed is None) is allowed


def test_a_refusal_names_the_rule_the_site_and_the_next_start(calendar: Calendar) -> None:
    verdict = calendar.check(paris(2026, 12, 2, 20, 0), approved_on=APPROVED)
    assert verdict.rule == "opening-hours"
    assert verdict.next_allowed == paris(2026, 12, 2, 21, 0)
    assert verdict.reason == ("Louvre - Palais is open 09:00-21:00 on Wednesday 2026-12-02 (Europe/Paris): the next "
                              "allowed start is Wednesday 2026-12-02 21:00 (Europe/Paris)")


def test_an_allowed_verdict_says_why(calendar: Calendar) -> None:
    verdict = calendar.check(paris(2026, 12, 1, 10, 0), approved_on=date(2026, 10, 1))
    assert "Louvre - Palais is closed on Tuesdays" in verdict.reason
    assert "Lievin is not open to the public" in verdict.reason
    assert "approved on 2026-10-01, 41 working days before 2026-12-01" in verdict.reason
    may_day = calendar.check(paris(2026, 5, 1, 12, 0), approved_on=APPROVED)
    assert may_day.allowed and "Louvre - Palais is closed on 1 May" in may_day.reason


def test_a_change_touching_two_museums_waits_for_both(calendar: Calendar) -> None:
    # Wednesday 18:30: Delacroix closed at 17:30, the Louvre open until 21:00.
    assert calendar.check(paris(2026, 12, 2, 18, 30), sites=["delacroix"], approved_on=APPROVED).allowed
    both = calendar.check(paris(2026, 12, 2, 18, 30), sites=BOTH, approved_on=APPROVED)
    assert not both.allowed and both.rule == "opening-hours"
    assert "Louvre - Palais is open" in both.reason and "Delacroix" not in both.reason
    assert both.next_allowed == paris(2026, 12, 2, 21, 0)
    # Monday 09:15: the Louvre is open, Delacroix not yet; 17:45: the Louvre still, Delacroix no longer.
    assert calendar.check(paris(2026, 11, 30, 9, 15), sites=["delacroix"], approved_on=APPROVED).allowed
    for minute in (paris(2026, 11, 30, 9, 15), paris(2026, 11, 30, 17, 45)):
        assert not calendar.check(minute, sites=BOTH, approved_on=APPROVED).allowed
    # Both open: both named.
    noon = calendar.check(paris(2026, 11, 30, 12, 0), sites=BOTH, approved_on=APPROVED)
    assert "Louvre - Palais is open 09:00-18:00 and Musee Eugene Delacroix is open 09:30-17:30" in noon.reason


def test_no_sites_named_means_every_site(calendar: Calendar) -> None:
    wednesday_evening = paris(2026, 12, 2, 18, 30)
    assert calendar.check(wednesday_evening, approved_on=APPROVED) == \
        calendar.check(wednesday_evening, sites=[], approved_on=APPROVED) == \
        calendar.check(wednesday_evening, sites=list(CONTRACT_SITES), approved_on=APPROVED)


def test_a_site_without_hours_is_never_open(calendar: Calendar) -> None:
    for when in (paris(2026, 11, 30, 12, 0), paris(2026, 12, 2, 20, 0), paris(2026, 12, 6, 15, 0)):
        verdict = calendar.check(when, sites=["lievin"], approved_on=APPROVED)
        assert verdict.allowed and "Lievin is not open to the public" in verdict.reason
        assert calendar.next_window(when, sites=["lievin"], approved_on=APPROVED) == when


def test_a_naive_moment_is_paris_time_and_other_zones_are_converted(calendar: Calendar) -> None:
    assert calendar.check(datetime(2026, 12, 2, 20, 0), approved_on=APPROVED) == \
        calendar.check(paris(2026, 12, 2, 20, 0), approved_on=APPROVED)
    # 19:30 UTC on Wednesday 1 July is 21:30 in Paris (summer time): after the Louvre's late closing.
    assert calendar.check(datetime(2026, 7, 1, 19, 30, tzinfo=timezone.utc), approved_on=APPROVED).allowed
    assert not calendar.check(datetime(2026, 7, 1, 18, 30, tzinfo=timezone.utc), approved_on=APPROVED).allowed


def test_an_unknown_site_is_an_error(calendar: Calendar) -> None:
    with pytest.raises(WifiopsError, match="unknown site 'louvre': the inventory's sites are louvre-palais"):
        calendar.check(paris(2026, 12, 1, 10, 0), sites=["louvre"], approved_on=APPROVED)


# --- approval, in working days -----------------------------------------------------------------------------

def test_working_days_exclude_weekends_and_french_public_holidays(calendar: Calendar) -> None:
    assert calendar.is_working_day(date(2026, 11, 10))        # Tuesday
    assert not calendar.is_working_day(date(2026, 11, 11))    # Armistice, a Wednesday
    assert not calendar.is_working_day(date(2026, 11, 14))    # Saturday
    assert not calendar.is_working_day(date(2026, 5, 14))     # Ascension
    # Strictly between: neither the approval day nor the day of the work counts.
    assert calendar.working_days_between(date(2026, 11, 2), date(2026, 11, 3)) == 0
    assert calendar.working_days_between(date(2026, 11, 2), date(2026, 11, 4)) == 1
    assert calendar.working_days_between(date(2026, 11, 4), date(2026, 11, 2)) == 0
    # Monday 2 to Tuesday 17 November: 3-6, 9-10, 12-13, 16 (the 11th is a holiday).
    assert calendar.working_days_between(date(2026, 11, 2), date(2026, 11, 17)) == 9
    assert calendar.working_days_between(date(2026, 11, 2), date(2026, 11, 18)) == 10


@pytest.mark.parametrize(("approved_on", "nine", "ten"), [
    (date(2026, 11, 2), paris(2026, 11, 17, 22, 0), paris(2026, 11, 18, 22, 0)),  # 11 November between
    (date(2026, 12, 14), paris(2026, 12, 29, 22, 0), paris(2026, 12, 30, 22, 0)),  # 25 December between
    (date(2026, 12, 24), paris(2027, 1, 11, 22, 0), paris(2027, 1, 12, 22, 0)),   # 25 December and 1 January
])
def test_approval_nine_versus_ten_working_days_with_a_holiday_between(
        calendar: Calendar, approved_on: date, nine: datetime, ten: datetime) -> None:
    assert calendar.working_days_between(approved_on, nine.date()) == 9
    assert calendar.working_days_between(approved_on, ten.date()) == 10
    refused = calendar.check(nine, sites=["lievin"], approved_on=approved_on)
    assert (refused.allowed, refused.rule) == (False, "approval-too-late")
    assert f"only 9 working day(s) before {nine.date()}" in refused.reason
    assert refused.next_allowed == datetime.combine(ten.date(), time(0), PARIS)  # the first day allowed
    assert calendar.check(ten, sites=["lievin"], approved_on=approved_on).allowed


def test_without_the_holiday_nine_would_have_been_ten() -> None:
    no_holidays = Calendar.from_sites(CONTRACT_SITES)
    no_holidays.public_holidays = set()
    assert no_holidays.working_days_between(date(2026, 11, 2), date(2026, 11, 17)) == 10


def test_approval_missing_or_after_the_work(calendar: Calendar) -> None:
    missing = calendar.check(paris(2026, 12, 1, 10, 0))
    assert (missing.allowed, missing.rule, missing.next_allowed) == (False, "approval-missing", None)
    assert "at least 10 working days before" in missing.reason
    after = calendar.check(paris(2026, 12, 1, 10, 0), approved_on=date(2026, 12, 3))
    assert after.rule == "approval-too-late" and "not before the day of the work (2026-12-01)" in after.reason
    assert calendar.check(paris(2026, 12, 1, 10, 0), approval_required=False).allowed


def test_approval_too_late_and_open_then_waits_for_both(calendar: Calendar) -> None:
    # Approved Monday 2 November: from Wednesday 18 November, and then after the Louvre's 21:00 closing.
    verdict = calendar.check(paris(2026, 11, 16, 12, 0), approved_on=date(2026, 11, 2))
    assert verdict.rule == "approval-too-late"
    assert verdict.next_allowed == paris(2026, 11, 18, 0, 0)
    assert calendar.next_window(paris(2026, 11, 18, 10, 0), approved_on=date(2026, 11, 2)) == paris(2026, 11, 18, 21, 0)


# --- next_window ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("after", "sites", "expected"), [
    (paris(2026, 12, 2, 10, 0), None, paris(2026, 12, 2, 21, 0)),            # Wednesday: the late closing
    (paris(2026, 12, 2, 10, 0), ["delacroix"], paris(2026, 12, 2, 17, 30)),
    (paris(2026, 12, 2, 10, 0), BOTH, paris(2026, 12, 2, 21, 0)),
    (paris(2026, 11, 30, 17, 59), BOTH, paris(2026, 11, 30, 18, 0)),
    (paris(2026, 11, 30, 9, 20), ["delacroix"], paris(2026, 11, 30, 9, 20)),  # allowed already: itself
    (paris(2026, 12, 1, 15, 0), None, paris(2026, 12, 1, 15, 0)),              # Tuesday
    (datetime(2026, 12, 2, 19, 0), None, paris(2026, 12, 2, 21, 0)),          # naive: Paris
    (datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc), None, paris(2026, 7, 1, 21, 0)),
])
def test_next_window(calendar: Calendar, after: datetime, sites: list[str] | None, expected: datetime) -> None:
    found = calendar.next_window(after, sites=sites, approved_on=APPROVED)
    assert found == expected and found.tzinfo == PARIS
    assert calendar.check(found, sites=sites, approved_on=APPROVED).allowed
    if found > windows.aware(after):  # nothing allowed in between, checked minute by minute
        minute = windows.aware(after)
        while minute < found:
            assert not calendar.check(minute, sites=sites, approved_on=APPROVED).allowed
            minute += timedelta(minutes=1)


def test_next_window_needs_an_approval_date_and_gives_up_after_its_bound(calendar: Calendar,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(WifiopsError, match="no approval date"):
        calendar.next_window(paris(2026, 12, 2, 10, 0))
    assert calendar.next_window(paris(2026, 12, 2, 10, 0), approval_required=False) == paris(2026, 12, 2, 21, 0)
    monkeypatch.setattr(windows, "SEARCH_DAYS", 0)
    with pytest.raises(WifiopsError, match="no maintenance window within 0 days"):
        calendar.next_window(paris(2026, 12, 2, 10, 0), approved_on=APPROVED)


# --- a site in another time zone, and work that must end before opening ---------------------------------------

NEW_YORK_SITE: dict[str, Any] = {"new-york": {"name": "Louvre New York", "public": True, "hours": {
    "timezone": "America/New_York",
    "days": {d: {"open": "09:00", "close": "18:00"} for d in windows.WEEKDAYS},
}}}


@pytest.mark.parametrize(("when", "allowed"), [
    (paris(2026, 12, 2, 15, 30), False),  # 09:30 in New York: open, though Paris's museums would be
    (paris(2026, 12, 2, 14, 59), True),   # 08:59 in New York: not yet
    (paris(2026, 12, 3, 0, 30), True),    # 18:30 in New York: closed at 18:00
    (paris(2026, 12, 2, 23, 59), False),  # 17:59 in New York: still open
])
def test_a_site_in_another_time_zone_is_judged_by_its_own_clock(when: datetime, allowed: bool) -> None:
    verdict = Calendar.from_sites(NEW_YORK_SITE).check(when, approved_on=APPROVED)
    assert verdict.allowed is allowed, verdict.reason
    if not allowed:
        assert "America/New_York" in verdict.reason and verdict.next_allowed == paris(2026, 12, 3, 0, 0)


def test_the_work_must_end_before_a_site_opens(calendar: Calendar) -> None:
    thursday_early = paris(2026, 12, 3, 7, 0)  # both museums closed; the Louvre opens at 09:00, Delacroix 09:30
    assert calendar.check(thursday_early, sites=BOTH, approved_on=APPROVED).allowed
    assert calendar.check(thursday_early, sites=BOTH, approved_on=APPROVED, duration=timedelta(hours=2)).allowed
    late = calendar.check(thursday_early, sites=BOTH, approved_on=APPROVED, duration=timedelta(hours=3))
    assert not late.allowed and late.rule == "opening-hours"
    assert "Louvre - Palais opens at Thursday 2026-12-03 09:00" in late.reason and "3h00" in late.reason
    assert late.next_allowed == paris(2026, 12, 3, 18, 0)  # Thursday evening, after the Louvre's closing


def test_a_long_work_waits_for_a_window_long_enough() -> None:
    ny = Calendar.from_sites(NEW_YORK_SITE)
    start = ny.next_window(paris(2026, 12, 2, 15, 30), approved_on=APPROVED, duration=timedelta(hours=14))
    assert start == paris(2026, 12, 3, 0, 0)  # 18:00 in New York: 15 h until it opens again
    assert ny.check(start, approved_on=APPROVED, duration=timedelta(hours=14)).allowed
    with pytest.raises(WifiopsError, match="no maintenance window"):  # 16 h fits no night of a site open daily
        ny.next_window(paris(2026, 12, 2, 15, 30), approved_on=APPROVED, duration=timedelta(hours=16))


def test_our_french_holidays_are_the_holidays_package_s_year_by_year() -> None:
    """FrenchHolidays (our rules, so `window check` need not load every country of `holidays`) against the
    package it replaced at start: every day from 2000 to 2100 (2005-2007 had no Whit Monday), both ways."""
    import holidays

    ours, theirs = FrenchHolidays(), holidays.France()
    day, differ = date(2000, 1, 1), []
    while day.year <= 2100:
        if (day in ours) != (day in theirs):
            differ.append(day)
        day += timedelta(days=1)
    assert differ == []
    assert date(2027, 3, 29) in ours and date(2027, 5, 17) in ours  # Easter and Whit Monday 2027
    assert date(2006, 6, 5) not in ours and datetime(2026, 5, 25, 23, 0) in ours
