"""Hysteresis: when a condition's samples become an alert, and when the alert ends.

A condition is raised after `raise_after` bad samples among its last `within` (in a row by default), and
cleared after `clear_after` good samples in a row. So one bad answer does not page anyone, and an AP that
goes down and up every other minute is one alert, raised once and kept until it has stayed up, rather than a
mail a minute. A sample that could not be taken (the conductor did not answer) changes nothing.

Pure: the state is a value the store keeps between cycles (and between `wifiops watch --once` runs).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from wifiops.inventory.schema import Hysteresis
from wifiops.store.base import Condition

Change = Literal["raise", "clear"] | None


def step(state: Condition, bad: bool | None, rule: Hysteresis) -> tuple[Condition, Change]:
    """The condition after one more sample, and whether its alert is to be raised or cleared now.

    The caller records the raised alert's id in the returned state (`alert`); a cleared condition starts
    afresh, so the bad samples that raised it cannot raise it again at once.
    """
    if bad is None:
        return state, None
    window = rule.within or rule.raise_after
    recent = (state.recent + ("1" if bad else "0"))[-window:]
    after = replace(state, recent=recent, good=0 if bad else state.good + 1)
    if after.alert is None and recent.count("1") >= rule.raise_after:
        return after, "raise"
    if after.alert is not None and after.good >= rule.clear_after:
        return Condition(state.key), "clear"
    return after, None
