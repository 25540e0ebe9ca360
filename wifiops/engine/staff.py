"""What the Louvre's staff page shows (`wifiops serve`), read from the store: figures, never configuration.

Everything comes from the store that `wifiops watch` fills (its latest cycle for the APs and incidents, its latest
statistics sample for the connections): the page's process never opens a session to a device, so it needs no
device password and can show nothing it did not count. "Now" is therefore as fresh as the watch: the view says
when the watch last vouched for the estate and whether it is late.

Kept out, on purpose: addresses (an incident's summary has its IPv4 addresses masked), configuration, secrets,
and any client identity (the statistics have none to give: wifiops.store.stats).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wifiops.engine.availability import availability
from wifiops.engine.stats import EstateFacts
from wifiops.store import Store
from wifiops.store.base import Incident, Standing, iso

RECENT = timedelta(days=7)  # an SSID counted within this long is shown, at 0 when nobody is on it now
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b")
AP_KIND = "ap"


def staff_view(store: Store, facts: EstateFacts, now: datetime,
               moved: Callable[[Sequence[Incident]], Sequence[Incident]] = lambda found: found) -> dict[str, Any]:
    """`moved` gives the incidents the deadlines the approved maintenance windows pushed back
    (wifiops.engine.incident.with_moved_deadlines): the page shows the deadline the watch and the watchdog hold
    the contract to, not the one set when the incident opened."""
    zone = ZoneInfo(facts.statistics.timezone)
    until = store.watched_until()
    return {
        "generated": iso(now),
        "estate": facts.estate,
        "timezone": facts.statistics.timezone,
        "watch": {"until": iso(until), "late": until is None or now > until,
                  "late_s": None if until is None else max(0.0, round((now - until).total_seconds()))},
        "clients": _clients(store, facts, now),
        "aps": _aps(store.states(), facts),
        "controllers": [{"name": s.subject.name, "kind": s.subject.kind, "state": s.state, "since": iso(s.since)}
                        for s in store.states() if s.subject.kind != AP_KIND],
        "incidents": [_incident(i.to_dict(now), i.deadline, now)
                      for i in moved(store.incidents(("open", "acknowledged")))],
        "availability": _availability(store, facts, now.astimezone(zone)),
    }


def _clients(store: Store, facts: EstateFacts, now: datetime) -> dict[str, Any]:
    """The latest count. A site of the inventory, or an SSID counted in the last RECENT days, with no client
    now is a row at 0: the one a person looks for (Delacroix with nobody connected) never disappears."""
    last = store.last_clients()
    if last is None:
        return {"at": None, "total": None, "by_site": [], "by_ssid": [], "by_zone": [], "by_type": [], "by_os": []}
    counts = {dim: dict(found) for dim, found in last.counts.items()}
    for site in facts.sites:
        counts.setdefault("site", {}).setdefault(site, 0)
    for tally in store.client_counts("ssid", now - RECENT, now, timezone=facts.statistics.timezone):
        counts.setdefault("ssid", {}).setdefault(tally.key, 0)

    def ordered(dim: str) -> list[tuple[str, int]]:
        return sorted((counts.get(dim) or {}).items(), key=lambda kv: (-kv[1], kv[0]))

    zones = []
    for key, count in ordered("zone"):
        site, _, name = key.partition("/")
        zones.append({"site": site, "site_name": facts.site_name(site), "zone": name, "count": count})
    return {"at": iso(last.at), "total": last.clients,
            "by_site": [{"site": k, "name": facts.site_name(k), "count": c} for k, c in ordered("site")],
            "by_ssid": [{"ssid": k, "count": c} for k, c in ordered("ssid")],
            "by_zone": zones,
            "by_type": [{"type": k, "count": c} for k, c in ordered("type")],
            "by_os": [{"os": k, "count": c} for k, c in ordered("os")]}


def _aps(states: list[Standing], facts: EstateFacts) -> dict[str, Any]:
    aps = [s for s in states if s.subject.kind == AP_KIND]
    groups: dict[tuple[str, str], list[Standing]] = defaultdict(list)
    for standing in aps:
        groups[(standing.subject.site or "unknown", standing.subject.group or "unknown")].append(standing)
    sites: dict[str, dict[str, Any]] = {}
    for (site, group), members in sorted(groups.items()):
        entry = sites.setdefault(site, {"site": site, "name": facts.site_name(site), "up": 0, "down": 0,
                                        "unknown": 0, "priority_down": 0, "groups": []})
        tally: Counter[str] = Counter(str(s.state) for s in members)
        tally["priority"] = sum(s.subject.priority for s in members)
        tally["priority_down"] = sum(s.subject.priority for s in members if s.state == "down")
        down = [{"name": s.subject.name, "priority": s.subject.priority, "since": iso(s.since)}
                for s in sorted(members, key=lambda s: (not s.subject.priority, s.subject.name)) if s.state == "down"]
        for key in ("up", "down", "unknown", "priority_down"):
            entry[key] += tally[key]
        entry["groups"].append({"group": group, **{k: tally[k] for k in ("up", "down", "unknown", "priority",
                                                                          "priority_down")}, "down_aps": down})
    return {"total": len(aps), "up": sum(s.state == "up" for s in aps), "down": sum(s.state == "down" for s in aps),
            "unknown": sum(s.state == "unknown" for s in aps), "sites": list(sites.values())}


def _incident(found: dict[str, Any], deadline: datetime | None, now: datetime) -> dict[str, Any]:
    keep = ("id", "kind", "subject", "severity", "gtr", "opened_at", "deadline", "state", "overdue")
    return {**{k: found[k] for k in keep}, "summary": IPV4.sub("[address]", str(found["summary"])),
            "left_s": None if deadline is None else round((deadline - now).total_seconds())}


def _availability(store: Store, facts: EstateFacts, now: datetime) -> dict[str, Any]:
    """This month so far (the contract's figure is monthly), by site and for all APs."""
    start = datetime.combine(now.date().replace(day=1), time(0), tzinfo=now.tzinfo)
    if now <= start:
        return {"from": iso(start), "to": iso(now), "target_percent": facts.target_percent, "overall": None,
                "sites": []}
    report = availability(store, start=start, end=now, by="site", target_percent=facts.target_percent)

    def percent(value: float | None) -> float | None:
        return None if value is None else round(value, 3)

    return {"from": iso(start), "to": iso(now), "target_percent": facts.target_percent,
            "overall": percent(report.overall.percent) if report.overall.sufficient else None,
            "overall_covered": report.overall.covered(), "overall_sufficient": report.overall.sufficient,
            "overall_watched_s": round(report.overall.watched_s / max(report.overall.devices, 1)),
            "overall_period_s": round(report.overall.period_s),  # the page says them in its language
            "sites": [{"site": r.name, "name": facts.site_name(r.name),
                       "percent": percent(r.percent) if r.sufficient else None, "sufficient": r.sufficient,
                       "covered": r.covered(), "watched_s": round(r.watched_s / max(r.devices, 1)),
                       "period_s": round(r.period_s),
                       "meets_target": None if r.percent is None or not r.sufficient else
                       r.percent >= facts.target_percent}
                      for r in report.rows]}
