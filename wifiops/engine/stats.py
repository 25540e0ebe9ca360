"""`wifiops stats` and the statistics `wifiops watch` samples: connections counted from the controllers' user tables.

Sampling (`sample_clients`, from a watch cycle every `statistics.sample_every_minutes` of the inventory):
`show user-table` on every controller in service (tasks/stats.py), the wireless users counted once each (the
members of a cluster could both list a user; a MAC seen twice counts once), per SSID, per device fingerprint
and its terminal type and OS (wifiops/aos8/devicetypes.yaml), per zone and site of the user's AP (the inventory's
`zone` and `site` of that AP), per session length (the user's age against the captive portal's `session_hours`
of the intent, 12 h in the contract). Count, do not track: the MACs live in a set for the length of the count;
the store receives numbers per key (wifiops.store.stats) and nothing else. A sample is recorded only when every
controller answered: half a cluster's users would read as half the visitors.

Reading (`statistics`): the mean and peak per key over any period, the total hour by hour or day by day, and
the hours of the day (wifiops.store.stats explains why means and peaks add up over days and hours).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from nornir.core import Nornir
from pydantic import ValidationError

from wifiops.tasks.stats import user_table
from wifiops.aos8.devicetypes import device_types
from wifiops.engine.run import reason, start_run
from wifiops.errors import InventoryError
from wifiops.estate import MANAGED, Estate
from wifiops.inventory.files import defaults_data
from wifiops.inventory.schema import DefaultsData, Statistics
from wifiops.store.base import iso
from wifiops.store.stats import ClientSample, Dimension, Slot, StatisticsStore, Tally, Totals

# The session lengths counted (upper bound in seconds, key); the last bucket starts at the portal's 12 h.
SESSION_BUCKETS: tuple[tuple[float, str], ...] = (
    (15 * 60, "under 15 min"), (3600, "15 min to 1 h"), (3 * 3600, "1 to 3 h"), (6 * 3600, "3 to 6 h"),
    (12 * 3600, "6 to 12 h"), (float("inf"), "12 h or more"))
SESSION_ORDER = {key: n for n, (_, key) in enumerate(SESSION_BUCKETS)}
NO_FINGERPRINT = "none"  # a user the controller did not fingerprint (an empty Type cell)
UNKNOWN_SITE, UNKNOWN_ZONE = "unknown", "AP not in the inventory"
DUE_FRACTION = 0.9  # a sample is due once 90 % of the interval passed: a cycle a few seconds early still counts
DAYS_OF_HOURS = 3  # a period up to this many days is drawn hour by hour, a longer one day by day

By = Literal["ssid", "type", "os", "device", "zone", "site", "hour", "session"]
BY: tuple[By, ...] = get_args(By)


# --- the inventory's part -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EstateFacts:
    """What the commands that only read the store need of the inventory: defaults.yaml alone (no 358-AP load)."""

    estate: str
    statistics: Statistics
    sites: dict[str, str]  # site -> its name for people
    target_percent: float

    def site_name(self, site: str) -> str:
        return self.sites.get(site, site)


def estate_facts(directory: Path) -> EstateFacts:
    path, raw = defaults_data(directory)
    try:
        data = DefaultsData.model_validate(raw)
    except ValidationError as exc:
        raise InventoryError([], f"{path}: not valid (run `wifiops inventory check`): "
                             f"{exc.errors()[0]['msg']}") from None
    return EstateFacts(data.estate, data.statistics, {k: v.name for k, v in data.sites.items()},
                       float(data.supervision.target_percent))


def statistics_settings(nr: Nornir) -> Statistics:
    """The `statistics:` block of a loaded inventory (validated on load)."""
    return Statistics.model_validate(nr.inventory.defaults.data.get("statistics") or {})


def portal_limits(nr: Nornir) -> dict[str, float]:
    """SSID -> its captive portal's session limit in hours, from the intent (`ssids[].portal` and
    `captive_portals[].session_hours`, wherever a node sets them)."""
    holders = [*nr.inventory.groups.values(), *nr.inventory.hosts.values()]
    hours = {p["name"]: float(p["session_hours"]) for h in holders for p in (h.data.get("captive_portals") or [])
             if isinstance(p, dict) and p.get("name") and p.get("session_hours")}
    return {s["name"]: hours[s["portal"]] for h in holders for s in (h.data.get("ssids") or [])
            if isinstance(s, dict) and s.get("portal") in hours}


def ap_places(nr: Nornir) -> dict[str, tuple[str, str]]:
    """AP name -> (site, zone) from the inventory."""
    return {h.name: (str(h.get("site") or UNKNOWN_SITE), str(h.get("zone") or UNKNOWN_ZONE))
            for h in nr.inventory.hosts.values() if h.get("role") == "ap"}


# --- counting ---------------------------------------------------------------------------------------------------

def session_bucket(age_s: float) -> str:
    return next(key for bound, key in SESSION_BUCKETS if age_s < bound)


def count_clients(tables: Mapping[str, Sequence[Mapping[str, Any]]], places: Mapping[str, tuple[str, str]],
                  limits: Mapping[str, float]) -> tuple[int, dict[str, dict[str, int]]]:
    """The wireless users of every controller's parsed user table, each counted once: (total, counts).

    A row without an ESSID is not a visitor's connection (an AP's tunnel, a wired user: arubaos8.md §4.6)."""
    types = device_types()
    seen: set[str] = set()  # MACs: in memory for this count only
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    total = 0
    for host in sorted(tables):
        for row in tables[host]:
            essid = row.get("essid")
            if not essid:
                continue
            mac = str(row.get("mac") or "").lower()
            if mac:
                if mac in seen:
                    continue
                seen.add(mac)
            total += 1
            fingerprint = str(row.get("type") or "").strip() or NO_FINGERPRINT
            kind = types.of(fingerprint)
            site, zone = places.get(str(row.get("ap_name") or ""), (UNKNOWN_SITE, UNKNOWN_ZONE))
            age = float(row.get("age_s") or 0)
            counts["ssid"][essid] += 1
            counts["device"][fingerprint] += 1
            counts["type"][kind.terminal] += 1
            counts["os"][kind.os] += 1
            counts["site"][site] += 1
            counts["zone"][f"{site}/{zone}"] += 1
            counts["session"][session_bucket(age)] += 1
            if essid in limits:
                counts["portal"]["over" if age > limits[essid] * 3600 else "within"] += 1
    seen.clear()
    return total, {dim: dict(keys) for dim, keys in counts.items()}


@dataclass
class SampleReport:
    """What a watch cycle did about the statistics."""

    sampled: bool = False
    note: str = ""  # why not, or what was counted
    clients: int | None = None
    hosts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unreadable: int = 0  # rows of the user tables that could not be read (counted as lines, never shown)
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"sampled": self.sampled, "note": self.note, "clients": self.clients, "hosts": self.hosts,
                "errors": self.errors, "unreadable_rows": self.unreadable, "duration_s": round(self.duration_s, 3)}


def due(store: StatisticsStore, at: datetime, config: Statistics) -> bool:
    last = store.last_clients()
    if last is None:
        return True
    elapsed = (at - last.at).total_seconds()
    return elapsed < 0 or elapsed >= config.sample_every_minutes * 60 * DUE_FRACTION


def sample_clients(estate: Estate, store: StatisticsStore, at: datetime, *,
                   config: Statistics | None = None, force: bool = False) -> SampleReport:
    """Count the connected users now and add them to the store, when due (or `force`)."""
    nr = estate.nornir
    config = config or statistics_settings(nr)
    if not config.enabled:
        return SampleReport(note="statistics are switched off (statistics: enabled: false)")
    if not force and not due(store, at, config):
        last = store.last_clients()
        return SampleReport(note=f"not due: last sample {iso(last.at) if last else None}, every "
                                 f"{config.sample_every_minutes} min")
    started = time.perf_counter()
    controllers = sorted(h.name for h in nr.filter(MANAGED).inventory.hosts.values() if h.get("role") == "md")
    if not controllers:
        return SampleReport(note="no controller in service in the inventory: nothing to count")
    run = start_run(estate, "stats", names=controllers)
    aggregated = run.execute(user_table, on_failed=True)  # a controller the check failed on is tried again
    report = SampleReport(hosts=controllers)
    tables = {}
    for name in controllers:
        multi = aggregated.get(name)
        if multi is None:
            report.errors.append(f"{name}: not read")
        elif multi.failed:
            report.errors.append(run.redact(reason(name, multi.exception)))
        else:
            tables[name] = multi.result.records
            report.unreadable += len(multi.result.unparsed)
    if report.errors:
        report.note = "not counted: every controller must answer (half a cluster's users would read as half the visitors)"
    else:
        total, counts = count_clients(tables, ap_places(nr), portal_limits(nr))
        tables.clear()
        store.record_clients(ClientSample(at, total, counts), timezone=config.timezone,
                             retention_days=config.retention_days)
        report.sampled, report.clients = True, total
        report.note = f"{total} client(s) counted on {len(controllers)} controller(s)"
    report.duration_s = time.perf_counter() - started
    return report


# --- reading ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    key: str
    mean: float
    peak: int
    share_percent: float | None  # of the mean total

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"key": self.key, "mean": round(self.mean, 1), "peak": self.peak,
                                 "share_percent": None if self.share_percent is None else round(self.share_percent, 1)}
        if "/" in self.key and self.key.split("/", 1)[0]:
            found["site"], found["zone"] = self.key.split("/", 1)
        return found


@dataclass
class StatsReport:
    start: datetime
    end: datetime
    timezone: str
    by: By
    totals: Totals
    rows: list[Row]
    series: list[Slot]  # hour by hour, or day by day
    grain: Literal["hour", "day"]
    portal: dict[str, Tally]  # within / over the portal's limit
    every_minutes: int
    site_names: dict[str, str] = field(default_factory=dict)

    @property
    def counted_s(self) -> float:
        """The time its samples stand for (each counts for the sampling interval)."""
        return self.totals.samples * self.every_minutes * 60.0

    @property
    def coverage(self) -> float | None:
        whole = (self.end - self.start).total_seconds()
        return min(1.0, self.counted_s / whole) if whole > 0 else None

    @property
    def sufficient(self) -> bool:
        from wifiops.engine.availability import MIN_COVERAGE

        return self.coverage is not None and self.coverage >= MIN_COVERAGE

    def covered(self) -> str:
        from wifiops.engine.availability import span

        return f"counted {span(self.counted_s)} of {span((self.end - self.start).total_seconds())}"

    def to_dict(self) -> dict[str, Any]:
        t = self.totals
        coverage = self.coverage
        return {"from": iso(self.start), "to": iso(self.end), "timezone": self.timezone, "by": self.by,
                "sample_every_minutes": self.every_minutes, "counted_s": self.counted_s,
                "coverage_percent": None if coverage is None else round(coverage * 100, 1),
                "sufficient": self.sufficient,
                "clients": {"samples": t.samples, "mean": round(t.mean, 1), "peak": t.peak, "peak_at": iso(t.peak_at)},
                "rows": [r.to_dict() for r in self.rows],
                "portal_sessions": {k: {"mean": round(v.mean, 1), "peak": v.peak} for k, v in self.portal.items()},
                "series": {"grain": self.grain, "points": [
                    {"start": iso(s.start), "samples": s.samples, "mean": round(s.mean, 1), "peak": s.peak,
                     "peak_at": iso(s.peak_at)} for s in self.series]},
                "site_names": self.site_names}


def statistics(store: StatisticsStore, *, start: datetime, end: datetime, by: By, config: Statistics,
               site_names: Mapping[str, str] | None = None) -> StatsReport:
    tz = config.timezone
    totals = store.client_totals(start, end, timezone=tz)
    if by == "hour":
        rows = hours_of_day(store.client_hours(start, end), tz)
    else:
        tallies = store.client_counts(_dimension(by), start, end, timezone=tz)
        if by == "session":
            tallies = sorted(tallies, key=lambda t: SESSION_ORDER.get(t.key, len(SESSION_ORDER)))
        rows = [Row(t.key, t.mean, t.peak, t.mean * 100 / totals.mean if totals.mean else None) for t in tallies]
    grain: Literal["hour", "day"] = "hour" if end - start <= timedelta(days=DAYS_OF_HOURS) else "day"
    zone = ZoneInfo(tz)
    series = (store.client_hours(start, end) if grain == "hour" else
              store.client_days(start.astimezone(zone).date(), (end - timedelta(microseconds=1)).astimezone(zone).date(),
                                timezone=tz))
    portal = {t.key: t for t in store.client_counts("portal", start, end, timezone=tz)}
    return StatsReport(start, end, tz, by, totals, rows, series, grain, portal, config.sample_every_minutes,
                       dict(site_names or {}))


def hours_of_day(hours: Iterable[Slot], timezone: str) -> list[Row]:
    """Each local hour of the day over the period: the mean of its samples and its peak; 24 rows, "00" to "23"."""
    zone = ZoneInfo(timezone)
    samples: Counter[int] = Counter()
    totals: Counter[int] = Counter()
    peaks: dict[int, int] = {}
    for slot in hours:
        hour = slot.start.astimezone(zone).hour
        samples[hour] += slot.samples
        totals[hour] += round(slot.mean * slot.samples)
        peaks[hour] = max(peaks.get(hour, 0), slot.peak)
    return [Row(f"{h:02d}", totals[h] / samples[h] if samples[h] else 0.0, peaks.get(h, 0), None) for h in range(24)]


def _dimension(by: By) -> Dimension:
    if by == "hour":
        raise ValueError("hour is not a dimension of the counts")
    return by
