"""`wifiops check`: the live estate against what the inventory says it should be; each check kept as a snapshot.

Findings, each one line for people: APs expected but missing or down (priority APs first, then by site,
group and model), APs present but unknown or in another group, APs rebooted since the last check (uptime
went down), MMs and controllers not `up` or not `UPDATE SUCCESSFUL`, licence capacity below the AP count,
CPU or memory above the inventory's limits, rows of an answer that could not be read. Clients per SSID and
per AP are reported, not judged (`wifiops watch` judges them, against the inventory's thresholds). Exit 0
healthy, 1 findings, 2 a host could not be checked.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from wifiops.tasks.check import HostReadings, check as check_task

from wifiops.engine.backup import pending_finding
from wifiops.engine.run import reason, start_run
from wifiops.errors import WifiopsError
from wifiops.estate import MANAGED, Estate
from wifiops.inventory.schema import HealthLimits
from wifiops.model.health import SNAPSHOT, Finding, HealthReport, licence_capacity
from wifiops.paths import write_atomically
from wifiops.readers import Unreadable, read_json

SNAPSHOT_BYTES = 64 * 2**20  # a snapshot of 358 APs and their clients is 200 KiB; 20,000 APs about 12 MiB

SWITCH_OK = ("up", "UPDATE SUCCESSFUL")  # `show switches`: Status, Configuration State of a healthy device


def run_check(estate: Estate, *, names: Sequence[str] = (), processors: Sequence[Any] = ()) -> HealthReport:
    nr = estate.nornir
    conductor = estate.conductor.name
    run = start_run(estate, "check", names=list(names) or ())
    if names and conductor not in run.nr.inventory.hosts:  # the estate's view comes from the conductor
        run = start_run(estate, "check", names=[*names, conductor])
    aggregated = run.execute(check_task, processors)
    readings: dict[str, HostReadings] = {}
    errors = []
    for name in sorted(aggregated):
        multi = aggregated[name]
        if multi.failed:
            errors.append(run.redact(reason(name, multi.exception)))
        else:
            readings[name] = multi.result
    taken = datetime.now(timezone.utc).isoformat(timespec="seconds")
    snapshot = _snapshot(taken, readings, conductor)
    previous_file = _previous(estate.run_dir, run.folder)
    previous = read_json(previous_file, SNAPSHOT_BYTES, "snapshot") if previous_file else None
    report = HealthReport(taken, run.folder, snapshot, errors=errors,
                          previous=str(previous_file) if previous_file else None)
    aps = [h for h in nr.inventory.hosts.values() if h.get("role") == "ap"]
    if conductor in readings:
        report.findings += _ap_findings(aps, snapshot["aps"], previous)
        report.findings += _device_findings(nr, snapshot["switches"])
        report.findings += _licence_findings(len(aps), snapshot["licences"])
    for name, reading in readings.items():
        limits = HealthLimits.model_validate(nr.inventory.hosts[name].get("health") or {})
        report.findings += _load_findings(name, snapshot["hosts"][name], limits)
        if reading.pending:
            report.findings.append(Finding("pending", name, run.redact(pending_finding(name, reading.pending))))
        for command, parsed in reading.parsed.items():
            report.findings += [Finding("unreadable", name, f"{name}: line {u.line} of `{command}` could not be "
                                        f"read ({u.why}): {u.text.strip()[:80]!r}") for u in parsed.unparsed]
    write_atomically(run.folder / SNAPSHOT, json.dumps(snapshot, indent=1) + "\n")
    return report


# --- the snapshot: what was seen, in the shape a later check or a playbook compares -------------------------

def _snapshot(taken: str, readings: dict[str, HostReadings], conductor: str) -> dict[str, Any]:
    hosts = {}
    for name, reading in readings.items():
        version = _first(reading, "show version")
        cpu = _first(reading, "show cpuload")
        memory = _first(reading, "show memory")
        used = (memory.get("used_kb") or 0) * 100 / memory["total_kb"] if memory.get("total_kb") else None
        hosts[name] = {"version": version.get("version"), "uptime_s": version.get("uptime_s"),
                       "cpu_percent": round(100 - cpu["idle"], 1) if cpu.get("idle") is not None else None,
                       "memory_percent": round(used, 1) if used is not None else None}
    estate = readings.get(conductor)
    records = (lambda command: estate.parsed[command].records if estate and command in estate.parsed else [])
    clients = {r["name"]: r.get("clients") for r in records("show ap active")}  # an AP down is not active
    return {
        "taken": taken, "conductor": conductor, "hosts": hosts,
        "aps": {r["name"]: {**{k: r.get(k) for k in ("group", "status", "up", "uptime_s", "ap_type", "switch_ip",
                                                     "standby_ip")}, "clients": clients.get(r["name"])}
                for r in records("show ap database long")},
        "switches": {r["name"]: {k: r.get(k) for k in ("ip", "type", "model", "version", "status", "config_state")}
                     for r in records("show switches")},
        "licences": [{k: r.get(k) for k in ("service_type", "count", "expires", "flags")}
                     for r in records("show license")],
        "clients": {r["essid"]: r.get("clients") or 0 for r in records("show ap essid")},
    }


def _first(reading: HostReadings, command: str) -> dict[str, Any]:
    parsed = reading.parsed.get(command)
    return parsed.records[0] if parsed and parsed.records else {}


def latest_snapshot(run_dir: Path) -> Path:
    found = _previous(run_dir, None)
    if found is None:
        raise WifiopsError(f"no snapshot of `wifiops check` in {run_dir}: run `wifiops check` first")
    return found


def _previous(run_dir: Path, current: Path | None) -> Path | None:
    found = sorted(p for p in run_dir.glob(f"*-check/{SNAPSHOT}") if p.parent != current)
    return found[-1] if found else None


# --- the comparisons -------------------------------------------------------------------------------------------

def _ap_findings(aps: list[Any], seen: dict[str, dict[str, Any]], previous: dict[str, Any] | None) -> list[Finding]:
    """Per AP of the inventory; priority APs first, then by site, group, model and name."""
    findings: list[Finding] = []
    order = sorted(aps, key=lambda h: (not h.get("priority"), h.get("site") or "", h.get("ap_group") or "",
                                       h.get("model") or "", h.name))
    before = (previous or {}).get("aps", {})
    for ap in order:
        where = f"{ap.get('site')}, group {ap.get('ap_group')}, {ap.get('model')}" + (", PRIORITY" if ap.get("priority") else "")
        priority = bool(ap.get("priority"))
        row = seen.get(ap.name)
        if row is None:
            findings.append(Finding("ap-missing", ap.name, f"{ap.name} ({where}): not in the conductor's AP database",
                                    priority))
            continue
        if not row.get("up"):
            findings.append(Finding("ap-down", ap.name, f"{ap.name} ({where}): {row.get('status') or 'not up'}",
                                    priority))
        if row.get("group") != ap.get("ap_group"):
            findings.append(Finding("ap-wrong-group", ap.name, f"{ap.name}: in AP group {row.get('group')}, the "
                                    f"inventory says {ap.get('ap_group')}", priority))
        was = before.get(ap.name, {}).get("uptime_s")
        now = row.get("uptime_s")
        if isinstance(was, int) and isinstance(now, int) and now < was:
            findings.append(Finding("ap-rebooted", ap.name, f"{ap.name} ({where}): rebooted since the last check "
                                    f"(up {now} s, was {was} s)", priority))
    known = {ap.name for ap in aps}
    findings += [Finding("ap-unknown", name, f"{name}: in the conductor's AP database (group {row.get('group')}) but "
                         "not in the inventory") for name, row in sorted(seen.items()) if name not in known]
    return findings


def _device_findings(nr: Any, switches: dict[str, dict[str, Any]]) -> list[Finding]:
    findings = []
    for host in sorted(nr.filter(MANAGED).inventory.hosts.values(), key=lambda h: h.name):
        row = switches.get(host.name) or next((r for r in switches.values() if r.get("ip") == host.get("mgmt_ip")), None)
        if row is None:
            findings.append(Finding("device", host.name, f"{host.name}: not in the conductor's `show switches`"))
        elif (row.get("status"), row.get("config_state")) != SWITCH_OK:
            findings.append(Finding("device", host.name, f"{host.name}: status {row.get('status')}, configuration "
                                    f"{row.get('config_state')} (expected {SWITCH_OK[0]}, {SWITCH_OK[1]})"))
    return findings


def _licence_findings(ap_count: int, licences: list[dict[str, Any]]) -> list[Finding]:
    capacity = licence_capacity(licences)
    if capacity >= ap_count:
        return []
    return [Finding("licence", "Access Points", f"AP licences for {capacity} APs, the inventory has {ap_count}")]


def _load_findings(host: str, seen: dict[str, Any], limits: HealthLimits) -> list[Finding]:
    findings = []
    cpu, memory = seen.get("cpu_percent"), seen.get("memory_percent")
    if cpu is not None and cpu > limits.cpu_max_percent:
        findings.append(Finding("cpu", host, f"{host}: CPU {cpu:.0f} %, above its limit of {limits.cpu_max_percent:g} %"))
    if memory is not None and memory > limits.memory_max_percent:
        findings.append(Finding("memory", host, f"{host}: memory {memory:.0f} % used, above its limit of "
                                f"{limits.memory_max_percent:g} %"))
    return findings


# --- before and after a change ----------------------------------------------------------------------------------

def load_snapshot(path: Path) -> dict[str, Any]:
    try:
        data = read_json(path, SNAPSHOT_BYTES, "snapshot")  # bounded: wifiops.readers
    except Unreadable as exc:
        raise WifiopsError(f"{exc}; is it a snapshot of `wifiops check`?") from None
    if not isinstance(data, dict) or not {"aps", "clients", "switches"} <= set(data):
        raise WifiopsError(f"{path}: not a snapshot of `wifiops check` (no aps, clients or switches)")
    return data


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What a change did: APs that went down or came up, APs gone or new, clients per SSID, devices whose
    state changed."""
    was, now = before["aps"], after["aps"]
    went_down = sorted(n for n in was if was[n].get("up") and not (now.get(n) or {}).get("up"))
    came_up = sorted(n for n in now if now[n].get("up") and not (was.get(n) or {}).get("up"))
    clients = {ssid: {"before": before["clients"].get(ssid, 0), "after": after["clients"].get(ssid, 0)}
               for ssid in sorted(set(before["clients"]) | set(after["clients"]))}
    devices = {name: {"before": before["switches"].get(name), "after": after["switches"].get(name)}
               for name in sorted(set(before["switches"]) | set(after["switches"]))
               if before["switches"].get(name) != after["switches"].get(name)}
    counts = Counter({ssid: c["after"] - c["before"] for ssid, c in clients.items()})
    return {"before": before.get("taken"), "after": after.get("taken"), "aps_went_down": went_down,
            "aps_came_up": came_up, "aps_gone": sorted(set(was) - set(now)), "aps_new": sorted(set(now) - set(was)),
            "clients": clients, "clients_left": {s: -d for s, d in counts.items() if d < 0}, "devices": devices}
