"""The monthly control visits (CCTP §5: one day a month, all the APs over a few months): a plan spreading
every AP of the inventory over N visits, priority APs in the first, each visit in walking order (visits.yaml);
each AP's result recorded (ok, or a fault with a note) as a line of the run journal; what remains.

Pure: the APs, the records and the order are passed in; wifiops.engine.visits reads and writes them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ORDER_FILE = Path(__file__).with_name("visits.yaml")
RESULTS = ("ok", "fault")


@dataclass(frozen=True)
class Ap:
    name: str
    site: str
    zone: str
    priority: bool = False


@dataclass
class Visit:
    number: int
    aps: list[Ap] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"visit": self.number, "aps": [ap.name for ap in self.aps],
                "priority": sum(ap.priority for ap in self.aps), "areas": areas(self.aps)}


@dataclass(frozen=True)
class Order:
    sites: tuple[str, ...] = ()
    areas: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = ORDER_FILE) -> Order:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(tuple(data.get("sites") or ()), {k: tuple(v) for k, v in (data.get("areas") or {}).items()})

    def key(self, ap: Ap) -> tuple[Any, ...]:
        area = area_of(ap.zone)
        listed = self.areas.get(ap.site, ())
        number = re.search(r"\d+", ap.zone)
        return (self.sites.index(ap.site) if ap.site in self.sites else len(self.sites), ap.site,
                listed.index(area) if area in listed else len(listed), area,
                int(number.group()) if number else 0, ap.zone, ap.name)


def area_of(zone: str) -> str:
    return zone.split()[0] if zone.split() else zone


def areas(aps: Iterable[Ap]) -> list[str]:
    return list(dict.fromkeys(f"{ap.site}/{area_of(ap.zone)}" for ap in aps))


def plan(aps: Sequence[Ap], visits: int, order: Order | None = None) -> list[Visit]:
    """Every AP once over `visits` visits of about the same size: the priority APs first (all in the first
    visit, however many), then the others in walking order, each visit then walked in that order."""
    if visits < 1:
        raise ValueError("give at least one visit")
    order = order or Order.load()
    size = math.ceil(len(aps) / visits) if aps else 0
    first = sorted((ap for ap in aps if ap.priority), key=order.key)
    rest = sorted((ap for ap in aps if not ap.priority), key=order.key)
    planned = [Visit(n + 1) for n in range(visits)]
    planned[0].aps = list(first)
    index = 0
    for visit in planned:
        room = max(size - len(visit.aps), 0) if visit.number < visits else len(rest) - index
        visit.aps += rest[index:index + room]
        index += room
        visit.aps.sort(key=order.key)
    return planned


@dataclass
class Status:
    visit: int
    planned: int
    done: int
    faults: list[dict[str, Any]]
    remaining: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"visit": self.visit, "planned": self.planned, "done": self.done, "faults": self.faults,
                "remaining": self.remaining}


def status(planned: Sequence[Mapping[str, Any]], records: Iterable[Mapping[str, Any]]) -> list[Status]:
    """Per visit of the plan, what was recorded (the last result of each AP counts) and what remains."""
    last: dict[str, Mapping[str, Any]] = {}
    for record in records:
        if record.get("kind") == "visit" and isinstance(record.get("ap"), str):
            last[record["ap"]] = record
    found = []
    for visit in planned:
        names = list(visit["aps"])
        done = [n for n in names if n in last]
        faults = [{"ap": n, "note": last[n].get("note"), "at": last[n].get("at"), "by": last[n].get("by")}
                  for n in done if last[n].get("result") == "fault"]
        found.append(Status(int(visit["visit"]), len(names), len(done), faults, [n for n in names if n not in last]))
    return found
