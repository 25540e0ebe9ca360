"""`wifiops availability`: the share of watched time each AP, AP group, site or controller was up, against 99 %.

Counted from the store's state changes (wifiops.store), over any period: time nobody watched (the watch
stopped, the conductor did not answer) is neither up nor down, so a stopped watch does not make the
estate look perfect or broken. A group or a site is its APs' time added up (an AP down an hour in a group of
24 is 1/24 of that hour down): the WiFi service as the visitors meet it. By group, the MMs and controllers
count under their kind (mm, md); the overall figure is every AP's.

Two figures (contract, CCTP §5): the raw one, every down minute watched; and the contractual one, where the
down time inside an exclusion is neither up nor down: approved maintenance (wifiops.supervision.maintenance)
is not an outage, and an incident given an excluded cause (`wifiops incident exclude`: the Louvre's own
network or power) is not the provider's. The target is held against the contractual figure; every exclusion
is listed with the report.

Every figure says what it covers: the watched share of its devices' time over the period (`coverage`). Below
MIN_COVERAGE it is insufficient: said as such, never as a percentage to a person, and not counted below the
target (one minute watched in thirty days tells nothing of the month).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from wifiops.store.base import Subject, SupervisionStore, Uptime, iso

By = Literal["device", "group", "site"]
BY: tuple[By, ...] = ("device", "group", "site")
MIN_COVERAGE = 0.5  # the share of the period that must have been watched for a figure to mean something


@dataclass(frozen=True)
class Availability:
    name: str
    kind: str  # ap, mm, md (a device); group, kind or site (an aggregate)
    devices: int
    up_s: float
    down_s: float
    site: str | None = None
    excluded_s: float = 0.0  # of down_s, the down time inside exclusions (maintenance, the Louvre's causes)
    period_s: float = 0.0  # the period asked for, once per device: what full coverage would be

    @property
    def percent(self) -> float | None:
        watched = self.up_s + self.down_s
        return self.up_s * 100 / watched if watched else None

    @property
    def contract_percent(self) -> float | None:
        """As the contract counts it: excluded down time is neither up nor down."""
        watched = self.up_s + self.down_s - self.excluded_s
        return self.up_s * 100 / watched if watched > 0 else None

    @property
    def watched_s(self) -> float:
        return self.up_s + self.down_s

    @property
    def coverage(self) -> float | None:
        """The share of its devices' time over the period that was watched (0 to 1)."""
        whole = self.devices * self.period_s
        return min(1.0, self.watched_s / whole) if whole else None

    @property
    def sufficient(self) -> bool:
        return self.percent is not None and (self.coverage is None or self.coverage >= MIN_COVERAGE)

    def covered(self) -> str:
        """What the figure covers, for people: `watched 1 min of 30 d`."""
        return f"watched {span(self.watched_s / max(self.devices, 1))} of {span(self.period_s)}"

    def to_dict(self, target: float) -> dict[str, Any]:
        percent, contract = self.percent, self.contract_percent
        coverage = self.coverage
        return {"name": self.name, "kind": self.kind, "site": self.site, "devices": self.devices,
                "availability_percent": None if percent is None else round(percent, 3),
                "contract_availability_percent": None if contract is None else round(contract, 3),
                "up_s": round(self.up_s, 1), "down_s": round(self.down_s, 1),
                "excluded_down_s": round(self.excluded_s, 1),
                "watched_s": round(self.watched_s, 1), "period_s": round(self.period_s, 1),
                "coverage_percent": None if coverage is None else round(coverage * 100, 1),
                "sufficient": self.sufficient,
                "meets_target": None if contract is None or not self.sufficient else contract >= target}


@dataclass(frozen=True)
class Exclusion:
    """A span whose down time the contract does not count, for the subjects it names: approved maintenance
    (`cause` planned, by site) or an incident given a cause (its AP, host, or AP group)."""

    start: datetime
    end: datetime
    cause: str
    what: str  # the window's playbook or reason, or "incident #N: <reason>"
    sites: tuple[str, ...] | None = None  # None: every site (a window), or not by site (an incident)
    name: str | None = None  # an AP's or host's name
    group: str | None = None  # an AP group (an aps-down incident)

    def matches(self, subject: Subject) -> bool:
        if self.name is not None:
            return subject.name == self.name
        if self.group is not None:
            return subject.kind == "ap" and subject.group == self.group
        return self.sites is None or subject.site in self.sites

    def to_dict(self) -> dict[str, Any]:
        return {"from": iso(self.start), "to": iso(self.end), "cause": self.cause, "what": self.what,
                "sites": list(self.sites) if self.sites is not None else None, "name": self.name,
                "group": self.group}


@dataclass
class AvailabilityReport:
    start: datetime
    end: datetime
    by: By
    target_percent: float
    rows: list[Availability]
    overall: Availability
    exclusions: list[Exclusion] = field(default_factory=list)

    @property
    def below(self) -> list[Availability]:
        return [r for r in self.rows
                if r.sufficient and r.contract_percent is not None and r.contract_percent < self.target_percent]

    @property
    def insufficient(self) -> list[Availability]:
        return [r for r in self.rows if not r.sufficient]

    @property
    def exit_code(self) -> int:
        return 1 if self.below else 0

    def to_dict(self) -> dict[str, Any]:
        return {"from": iso(self.start), "to": iso(self.end), "by": self.by, "target_percent": self.target_percent,
                "rows": [r.to_dict(self.target_percent) for r in self.rows],
                "overall": self.overall.to_dict(self.target_percent),
                "below_target": [r.name for r in self.below], "min_coverage_percent": MIN_COVERAGE * 100,
                "insufficient": [r.name for r in self.insufficient],
                "exclusions": [e.to_dict() for e in self.exclusions]}


def availability(store: SupervisionStore, *, start: datetime, end: datetime, by: By = "device",
                 target_percent: float = 99.0, exclusions: Sequence[Exclusion] = ()) -> AvailabilityReport:
    excluded = excluded_down(store, start, end, exclusions)
    uptimes = [u for u in store.uptimes(start, end) if u.up_s or u.down_s]
    aps = [u for u in uptimes if u.subject.kind == "ap"]
    period = max(0.0, (end - start).total_seconds())
    if by == "device":
        rows = [Availability(u.subject.name, u.subject.kind, 1, u.up_s, u.down_s, u.subject.site,
                             excluded.get(_key(u.subject), 0.0), period)
                for u in sorted(uptimes, key=lambda u: (u.subject.kind != "ap", u.subject.kind, u.subject.name))]
    elif by == "group":
        rows = _added(aps, lambda u: u.subject.group or "?", "group", period, excluded)
        rows += _added([u for u in uptimes if u.subject.kind != "ap"], lambda u: u.subject.kind, "kind", period,
                       excluded)
    else:
        rows = _added(aps, lambda u: u.subject.site or "?", "site", period, excluded)
    overall = _total("APs", "estate", aps, period, excluded)
    used = [e for e in exclusions if e.start < end and e.end > start]
    return AvailabilityReport(start, end, by, float(target_percent), rows, overall, used)


def excluded_down(store: SupervisionStore, start: datetime, end: datetime,
                  exclusions: Sequence[Exclusion]) -> dict[tuple[str, str], float]:
    """Each subject's down seconds inside at least one exclusion (overlapping exclusions counted once): the
    period cut at every exclusion's ends, and each piece under an exclusion read from the store."""
    cuts = sorted({min(max(m, start), end) for e in exclusions for m in (e.start, e.end)} | {start, end})
    found: dict[tuple[str, str], float] = {}
    for a, b in zip(cuts, cuts[1:]):
        active = [e for e in exclusions if e.start <= a and e.end >= b]
        if not active or a >= b:
            continue
        for uptime in store.uptimes(a, b):
            if uptime.down_s and any(e.matches(uptime.subject) for e in active):
                key = _key(uptime.subject)
                found[key] = found.get(key, 0.0) + uptime.down_s
    return found


def _key(subject: Subject) -> tuple[str, str]:
    return subject.kind, subject.name


def span(seconds: float) -> str:
    """A duration as people say it: `45 s`, `12 min`, `3 h 05 min`, `30 d`, `2 d 4 h`."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d" + (f" {hours} h" if hours else "")
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _added(uptimes: Iterable[Uptime], key: Any, kind: str, period: float,
           excluded: dict[tuple[str, str], float] | None = None) -> list[Availability]:
    groups: dict[str, list[Uptime]] = {}
    for uptime in uptimes:
        groups.setdefault(key(uptime), []).append(uptime)
    return [_total(name, kind, members, period, excluded) for name, members in sorted(groups.items())]


def _total(name: str, kind: str, members: list[Uptime], period: float,
           excluded: dict[tuple[str, str], float] | None = None) -> Availability:
    sites = {u.subject.site for u in members}
    total = Availability(name, kind, len(members), sum(u.up_s for u in members), sum(u.down_s for u in members),
                         sites.pop() if len(sites) == 1 else None, period_s=period)
    if excluded:
        total = replace(total, excluded_s=sum(excluded.get(_key(u.subject), 0.0) for u in members))
    return total
