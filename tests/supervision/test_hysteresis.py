"""Hysteresis: N bad samples of the last W raise, M good in a row clear; a flapping condition is one alert."""

from __future__ import annotations

from wifiops.inventory.schema import Hysteresis
from wifiops.store.base import Condition
from wifiops.supervision.hysteresis import step

TWO_OF_THREE = Hysteresis(raise_after=2, within=3, clear_after=3)


def run(samples: list[bool | None], rule: Hysteresis = TWO_OF_THREE) -> list[str]:
    """The changes a series of samples makes, as 'raise'/'clear' at their index."""
    state, changes = Condition("ap-down:X"), []
    for index, bad in enumerate(samples):
        state, change = step(state, bad, rule)
        if change == "raise":
            state = Condition(state.key, state.recent, state.good, alert=1)
        if change:
            changes.append(f"{change}@{index}")
    return changes


def test_one_bad_sample_does_not_raise() -> None:
    assert run([False, True, False, False, True, False, False]) == []


def test_two_bad_of_three_raise_and_three_good_in_a_row_clear() -> None:
    assert run([True, False, True, True, False, False, False]) == ["raise@2", "clear@6"]


def test_a_flapping_condition_is_raised_once_and_cleared_once_it_holds() -> None:
    flapping = [True, False] * 30  # down one minute, up the next, for an hour
    assert run(flapping + [False, False, False]) == ["raise@2", f"clear@{len(flapping) + 1}"]


def test_an_unknown_sample_changes_nothing() -> None:
    assert run([True, None, None, True]) == ["raise@3"]
    assert run([True, True, None, False, None, False, False]) == ["raise@1", "clear@6"]


def test_an_event_kind_raises_at_once() -> None:
    assert run([False, True, False, False], Hysteresis(raise_after=1, clear_after=2)) == ["raise@1", "clear@3"]


def test_a_cleared_condition_starts_afresh() -> None:
    # within 3, clear after 1: without a fresh start, the two old bad samples would raise again at once
    rule = Hysteresis(raise_after=2, within=3, clear_after=1)
    assert run([True, True, False, True, False], rule) == ["raise@1", "clear@2"]


def test_a_clean_condition_is_not_kept() -> None:
    state, _ = step(Condition("cpu:mc-1"), False, TWO_OF_THREE)
    assert state.clean
    state, _ = step(state, True, TWO_OF_THREE)
    assert not state.clean
