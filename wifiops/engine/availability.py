"""`wifiops availability`: the share of watched time each AP, AP group, site or controller was up, against 99 %.

Counted from the store's state changes (wifiops.store), over any period: time nobody watched (the watch
stopped, the conductor did not answer) is neither up nor down, so a stopped watch does not make the
estate look perfect or broken. A group or a site is its APs' time added up (an AP down an hour in a group of
24 is 1/24 of that hour down): the WiFi service as the visitors meet it. By group, the MMs and controllers
count under their kind (mm, md); the overall figure is every AP's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from wifiops.store.base import SupervisionStore, Uptime, iso

By = Literal["device", "group", "site"]
BY: tuple[By, ...] = ("device", "group", "site")


@dataclass(frozen=True)
class Availability:
    name: str
    kind: str  # ap, mm, md (a device); group, kind or site (an aggregate)
    devices: int
    up_s: float
    down_s: float
    site: str | None = None

    @property
    def percent(self) -> float | None:
        watched = self.up_s + self.down_s
        return self.up_s * 100 / watched if watched else None

    def to_dict(self, target: float) -> dict[str, Any]:
        percent = self.percent
        return {"name": self.name, "kind": self.kind, "site": self.site, "devices": self.devices,
                "availability_percent": None if percent is None else round(percent, 3),
                "up_s": round(self.up_s, 1), "down_s": round(self.down_s, 1),
                "meets_target": None if percent is None else percent >= target}


@dataclass
class AvailabilityReport:
    start: datetime
    end: datetime
    by: By
    target_percent: float
    rows: list[Availability]
    overall: Availability

    @property
    def below(self) -> list[Availability]:
        return [r for r in self.rows if r.percent is not None and r.percent < self.target_percent]

    @property
    def exit_code(self) -> int:
        return 1 if self.below else 0

    def to_dict(self) -> dict[str, Any]:
        return {"from": iso(self.start), "to": iso(self.end), "by": self.by, "target_percent": self.target_percent,
                "rows": [r.to_dict(self.target_percent) for r in self.rows],
                "overall": self.overall.to_dict(self.target_percent),
                "below_target": [r.name for r in self.below]}


def availability(store: SupervisionStore, *, start: datetime, end: datetime, by: By = "device",
                 target_percent: float = 99.0) -> AvailabilityReport:
    uptimes = [u for u in store.uptimes(start, end) if u.up_s or u.down_s]
    aps = [u for u in uptimes if u.subject.kind == "ap"]
    if by == "device":
        rows = [Availability(u.subject.name, u.subject.kind, 1, u.up_s, u.down_s, u.subject.site)
                for u in sorted(uptimes, key=lambda u: (u.subject.kind != "ap", u.subject.kind, u.subject.name))]
    elif by == "group":
        rows = _added(aps, lambda u: u.subject.group or "?", "group")
        rows += _added([u for u in uptimes if u.subject.kind != "ap"], lambda u: u.subject.kind, "kind")
    else:
        rows = _added(aps, lambda u: u.subject.site or "?", "site")
    overall = _total("APs", "estate", aps)
    return AvailabilityReport(start, end, by, float(target_percent), rows, overall)


def _added(uptimes: Iterable[Uptime], key: Any, kind: str) -> list[Availability]:
    groups: dict[str, list[Uptime]] = {}
    for uptime in uptimes:
        groups.setdefault(key(uptime), []).append(uptime)
    return [_total(name, kind, members) for name, members in sorted(groups.items())]


def _total(name: str, kind: str, members: list[Uptime]) -> Availability:
    sites = {u.subject.site for u in members}
    return Availability(name, kind, len(members), sum(u.up_s for u in members), sum(u.down_s for u in members),
                        sites.pop() if len(sites) == 1 else None)
