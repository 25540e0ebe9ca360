"""How a node's configuration is read and what of it is noise (backup.yaml): ArubaOS 8 facts a backup, a diff,
an apply and the NAPALM driver all read through the session (Aos8Session.prepare, .hierarchy, .committed)."""

from __future__ import annotations

import re
from functools import cache

from wifiops.aos8.configtext import syntax
from wifiops.aos8.data import Fact, load


class _Command(Fact):
    command: str
    file: str
    complete: str


class _Nodes(Fact):
    list: str
    path: str
    command: str
    absent: str = "$^"  # the refusal of a node that does not exist (yet): read as an empty node


class BackupSpec(Fact):
    """wifiops/aos8/backup.yaml: what to collect, when an answer is whole, which lines are noise."""

    prepare: list[str]
    device: list[_Command]
    nodes: _Nodes
    noise: list[str]


@cache
def spec() -> BackupSpec:
    return load("backup.yaml", BackupSpec)


@cache
def _noise() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in [syntax().banner, *spec().noise]))


def drop_noise(text: str) -> str:
    """The answer without the lines that change by themselves, ending in one newline."""
    noise = _noise()
    kept = [line.rstrip() for line in text.splitlines() if not noise.match(line)]
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept).rstrip("\n") + "\n"
