"""One check of the estate read against the thresholds: the states availability counts, and each condition's sample.

A condition is `<alert kind>:<subject>`, sampled bad, good, or unknown (None) when this cycle could not tell:
the conductor did not answer, so nothing is known of the APs, or a host did not answer, so neither its CPU
nor its memory. Only the limits switched on are sampled; a condition no longer sampled at all in a complete
reading (its limit switched off, its AP gone from the inventory) has its alert cleared by the watch.

An AP group over its `aps_down` limit is one alert (a switch stack, an uplink): while its sample is bad, its
APs' own `ap-down` samples are held (unknown), so one outage is one mail, not one per AP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from nornir.core import Nornir

from wifiops.inventory.filters import MANAGED
from wifiops.model.health import HealthReport, licence_capacity
from wifiops.store.base import State, Subject
from wifiops.supervision.rules import Limits, Rules


@dataclass(frozen=True)
class Sample:
    """One condition as this cycle saw it; `message` says what is wrong when bad, how it stands when good."""

    kind: str
    subject: str
    bad: bool | None
    message: str
    facts: dict[str, Any] = field(default_factory=dict)  # priority, kind (of host), site, group

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}"


@dataclass
class Reading:
    """`complete`: the conductor answered, so every condition switched on was sampled; a condition missing from
    an incomplete reading (an SSID's clients) is not known this cycle, rather than no longer supervised."""

    complete: bool = True
    states: dict[Subject, State] = field(default_factory=dict)
    metrics: dict[tuple[str, str], float] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)


def evaluate(report: HealthReport, nr: Nornir, rules: Rules) -> Reading:
    snapshot = report.snapshot
    found = {(f.check, f.subject): f.message for f in report.findings}
    estate_read = snapshot["conductor"] in snapshot["hosts"]  # the conductor answers for the APs
    reading = Reading(complete=estate_read)
    _hosts(reading, nr, rules, snapshot, found, report.errors, estate_read)
    aps = [h for h in nr.inventory.hosts.values() if h.get("role") == "ap"]
    _aps(reading, aps, rules, snapshot, found, estate_read)
    if estate_read:
        _clients(reading, rules, snapshot)
        _licence(reading, rules.estate(), len(aps), snapshot)
    return reading


def _hosts(reading: Reading, nr: Nornir, rules: Rules, snapshot: dict[str, Any], found: dict[tuple[str, str], str],
           errors: Iterable[str], estate_read: bool) -> None:
    said = {line.split(":", 1)[0]: line for line in errors}
    for host in sorted(nr.filter(MANAGED).inventory.hosts.values(), key=lambda h: h.name):
        name, kind, site = host.name, host.get("role"), host.get("site")
        facts = {"kind": kind, "site": site}
        limits = rules.for_host(name, kind, site)
        seen = snapshot["hosts"].get(name)
        reading.states[Subject(kind or "host", name, site=site)] = "up" if seen is not None else "down"
        reading.samples.append(Sample("unreachable", name, seen is None,
                                      said.get(name, f"{name}: did not answer") if seen is None
                                      else f"{name}: answers", facts))
        if limits.sync:
            message = found.get(("device", name))
            reading.samples.append(Sample("sync", name, (message is not None) if estate_read else None,
                                          message or f"{name}: up and in sync", facts))
        if host.get("conductor") and seen is not None:  # changes left pending: the next write memory commits them
            message = found.get(("pending", name))
            reading.samples.append(Sample("pending", name, message is not None,
                                          message or f"{name}: no change left pending", facts))
        for kind_, measure, label, limit in (("cpu", "cpu_percent", "CPU", limits.cpu_percent),
                                             ("memory", "memory_percent", "memory", limits.memory_percent)):
            value = seen.get(measure) if seen else None
            if value is not None:
                reading.metrics[(name, measure)] = value
            if limit is not None:
                bad = None if value is None else value > limit
                reading.samples.append(Sample(kind_, name, bad, f"{name}: {label} {value if value is not None else '?'} %"
                                              f" (limit {limit:g} %)", facts))


def _aps(reading: Reading, aps: list[Any], rules: Rules, snapshot: dict[str, Any], found: dict[tuple[str, str], str],
         estate_read: bool) -> None:
    seen = snapshot["aps"]
    groups: dict[str, list[Any]] = {}
    for ap in aps:
        groups.setdefault(ap.get("ap_group"), []).append(ap)
    for group, members in sorted(groups.items()):
        site = members[0].get("site")
        limits = rules.for_group(group, site)
        down = [ap.name for ap in members if not (seen.get(ap.name) or {}).get("up")]
        group_bad = _group_sample(reading, group, site, len(members), down, limits, estate_read)
        if estate_read:
            reading.metrics[(group, "aps_up")] = len(members) - len(down)
            reading.metrics[(group, "aps_down")] = len(down)
        for ap in members:
            _ap_samples(reading, ap, seen.get(ap.name), limits, found, estate_read, held=bool(group_bad))


def _group_sample(reading: Reading, group: str, site: str | None, total: int, down: list[str], limits: Limits,
                  estate_read: bool) -> bool | None:
    if limits.aps_down is None and limits.aps_down_percent is None:
        return None
    share = len(down) * 100 / total if total else 0.0
    bad = ((limits.aps_down is not None and len(down) >= limits.aps_down)
           or (limits.aps_down_percent is not None and share >= limits.aps_down_percent)) if estate_read else None
    said = " or ".join([f"{limits.aps_down} APs"] * (limits.aps_down is not None)
                       + [f"{limits.aps_down_percent:g} %"] * (limits.aps_down_percent is not None))
    named = f": {', '.join(down[:5])}{' ...' if len(down) > 5 else ''}" if down else ""
    reading.samples.append(Sample("aps-down", group, bad, f"AP group {group} ({site}): {len(down)} of {total} APs "
                                  f"down ({share:.0f} %, alert at {said}){named}", {"site": site, "group": group}))
    return bad


def _ap_samples(reading: Reading, ap: Any, row: dict[str, Any] | None, limits: Limits,
                found: dict[tuple[str, str], str], estate_read: bool, held: bool) -> None:
    name, priority = ap.name, bool(ap.get("priority"))
    facts = {"priority": priority, "site": ap.get("site"), "group": ap.get("ap_group")}
    where = f"{ap.get('site')}, group {ap.get('ap_group')}, {ap.get('model')}" + (", PRIORITY" if priority else "")
    up = bool(row and row.get("up"))
    reading.states[Subject("ap", name, ap.get("ap_group"), ap.get("site"), priority)] = (
        ("up" if up else "down") if estate_read else "unknown")
    if limits.ap_down:
        status = (row or {}).get("status") or "not in the conductor's AP database"
        bad = None if not estate_read or held else not up
        reading.samples.append(Sample("ap-down", name, bad, f"{name} ({where}): {status}", facts))
    if limits.ap_rebooted:
        message = found.get(("ap-rebooted", name))
        reading.samples.append(Sample("ap-rebooted", name, (message is not None) if estate_read else None,
                                      message or f"{name} ({where}): no reboot since the last check", facts))
    if limits.clients_per_ap is not None:
        clients = (row or {}).get("clients")
        bad = None if not estate_read or clients is None else clients > limits.clients_per_ap
        reading.samples.append(Sample("clients-per-ap", name, bad, f"{name} ({where}): {clients} clients "
                                      f"(limit {limits.clients_per_ap})", facts))


def _clients(reading: Reading, rules: Rules, snapshot: dict[str, Any]) -> None:
    for ssid, clients in sorted(snapshot["clients"].items()):
        reading.metrics[(ssid, "clients")] = clients
        limit = rules.clients_per_ssid(ssid)
        if limit is not None:
            reading.samples.append(Sample("clients-per-ssid", ssid, clients > limit,
                                          f"SSID {ssid}: {clients} clients (limit {limit})"))
    reading.metrics[("estate", "clients")] = sum(snapshot["clients"].values())


def _licence(reading: Reading, limits: Limits, ap_count: int, snapshot: dict[str, Any]) -> None:
    if limits.licence_headroom is None and limits.licence_headroom_percent is None:
        return
    capacity = licence_capacity(snapshot["licences"])
    spare = capacity - ap_count
    share = spare * 100 / ap_count if ap_count else 100.0
    bad = ((limits.licence_headroom is not None and spare < limits.licence_headroom)
           or (limits.licence_headroom_percent is not None and share < limits.licence_headroom_percent))
    reading.samples.append(Sample("licence", "Access Points", bad, f"AP licences for {capacity} APs, {ap_count} in the "
                                  f"inventory: {spare} spare ({share:.0f} %)"))
