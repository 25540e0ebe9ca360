"""SSID security as ArubaOS 8.10 wants it (arubaos8.md §7), from security.yaml: one table, no `if`s."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import model_validator

from wifiops.aos8.data import Fact, load

Pmf = Literal["none", "capable", "required"]
STRENGTH = {"none": 0, "capable": 1, "required": 2}


class _Mode(Fact):
    family: Literal["open", "personal", "enterprise"]
    pmf: tuple[Pmf, Pmf]  # without transition, with transition
    transition: bool = False
    pmf_implied: bool = False


class Security(Fact):
    transition_line: str
    accepted: tuple[str, ...]
    pmf_lines: dict[str, str]
    opmodes: dict[str, _Mode]
    auth_families: dict[str, list[str]]

    @model_validator(mode="after")
    def _rendered_are_accepted(self) -> Security:
        unknown = sorted(set(self.opmodes) - set(self.accepted))
        if unknown:
            raise ValueError(f"opmodes {', '.join(unknown)} have a rule but are not in `accepted`")
        return self


@dataclass(frozen=True)
class SsidSecurity:
    """What one SSID's profile gets beyond its opmode, and what the mode requires."""

    lines: list[str]
    pmf: Pmf
    required_pmf: Pmf
    family: str


@cache
def security() -> Security:
    return load("security.yaml", Security)


def ssid_security(opmode: str, *, transition: bool, pmf: Pmf | None) -> SsidSecurity | None:
    """None when wifiops has no rule for this opmode (the lint says so)."""
    table = security()
    mode = table.opmodes.get(opmode)
    if mode is None:
        return None
    on = transition and mode.transition
    required = mode.pmf[1 if on else 0]
    chosen: Pmf = pmf or required
    lines = [table.transition_line] if on else []
    if chosen != "none" and not mode.pmf_implied:
        lines.append(table.pmf_lines[chosen])
    return SsidSecurity(lines, chosen, required, mode.family)
