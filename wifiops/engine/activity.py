"""`wifiops report activity --year Y`: the yearly activity report's figures (contract: indicators and trends).

Gathered from what the toolkit already keeps, nothing asked of a device:
- incidents (the store): opened in the year, by severity and month; for each major one with a restoration
  deadline, whether it was restored in time (GTR compliance), missed, or still open;
- availability (the store's state changes): the year and each month, for all APs and by site, against the target;
- changes made (the run journal, runs/journal.jsonl): every playbook run of the year that was not a rehearsal,
  its result, who ran it, its approval, its apply steps and the DOE reports it wrote (runbook reports and
  `report` steps);
- backups taken (the backup repository's git history): commits of the year by month, and those with a failure;
- client trends (the statistics): each month's mean and peak, the year by SSID, terminal type, OS and site, the
  hours of the day, the busiest day.
Months and the year are local time (the statistics' time zone).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from wifiops.engine.availability import availability
from wifiops.engine.incident import with_moved_deadlines
from wifiops.engine.journal import JOURNAL
from wifiops.readers import JOURNAL_BYTES, TEXT_BYTES, read_text
from wifiops.engine.stats import EstateFacts, hours_of_day
from wifiops.settings import Settings
from wifiops.store import Store
from wifiops.store.base import Incident, iso

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
FAILED_BACKUP = re.compile(r"\b([1-9]\d*) failed\b")


@dataclass
class ActivityReport:
    year: int
    estate: str
    timezone: str
    generated: str
    target_percent: float
    incidents: dict[str, Any] = field(default_factory=dict)
    availability: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    backups: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, str] = field(default_factory=dict)  # section -> the engineer's Markdown (ANALYSIS)
    analysis_file: str = ""  # where the engineer writes it: activity/<year>.md beside wifiops.yaml
    non_conformities: list[dict[str, Any]] = field(default_factory=list)  # GTR missed, months below target
    windows: dict[str, Any] = field(default_factory=dict)  # next month's maintenance windows (steering committee)
    contract: dict[str, Any] = field(default_factory=dict)  # the contractual figure and every exclusion of the year
    visits: dict[str, Any] = field(default_factory=dict)  # the monthly control visits' results of the year

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def activity_report(settings: Settings, store: Store, facts: EstateFacts, year: int, *, now: datetime,
                    inventory: Path | None = None) -> ActivityReport:
    zone = ZoneInfo(facts.statistics.timezone)
    start = datetime.combine(date(year, 1, 1), time(0), tzinfo=zone)
    end = min(datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=zone), max(now.astimezone(zone), start))
    months = [(datetime.combine(date(year, m, 1), time(0), tzinfo=zone),
               datetime.combine(date(year + (m == 12), m % 12 + 1, 1), time(0), tzinfo=zone)) for m in range(1, 13)]
    report = ActivityReport(year, facts.estate, facts.statistics.timezone, iso(now) or "", facts.target_percent)
    # each deadline as the approved windows moved it (wifiops.supervision.deadlines.moved)
    report.incidents = _incidents(with_moved_deadlines(settings, store, store.incidents(), now, inventory), start, end,
                                  zone, now)
    report.availability = _availability(store, facts, start, end, months)
    report.changes = _changes(settings.path(settings.run_dir) / JOURNAL, start, end)
    report.backups = _backups(settings.path(settings.backup_dir), start, end, zone)
    report.clients = _clients(store, facts, start, end, months)
    report.contract = _contract(settings, store, facts, start, end, now)
    report.visits = _visits(settings.path(settings.run_dir) / JOURNAL, start, end)
    report.windows = next_month_windows(settings.inventory_dir(inventory), now)
    path = analysis_path(settings, year)
    report.analysis_file, report.analysis = str(path), read_analysis(path)
    report.non_conformities = [{"kind": "gtr-missed", "what": f"{i['id']}: {i['subject']}", "when": i["opened_at"]}
                               for i in report.incidents.get("major", []) if i["verdict"] == "missed"] + \
        [{"kind": "availability-below-target", "what": month, "when": None}
         for month in report.availability.get("months_below_target", [])]
    return report


# The contract's structure for the yearly report (CCTP §6 "Rapport d'activité annuel"): the figures come from
# the toolkit, the analysis from the engineer, one Markdown file per year whose `## ` sections are matched to
# these by their title's words (French or English).
ANALYSIS = {
    "actions": ("avancement", "actions structurantes", "progress", "structural"),
    "decisions": ("arbitrage", "décision", "decision"),
    "trends": ("tendance", "correcti", "trend"),
    "risks": ("risque", "risk"),
    "proposals": ("proposition", "adaptation", "proposal"),
}


def analysis_path(settings: Settings, year: int) -> Path:
    return settings.root / "activity" / f"{year}.md"


def read_analysis(path: Path) -> dict[str, str]:
    """The engineer's analysis by section (ANALYSIS); a section left out is absent (the report says so)."""
    if not path.exists():
        return {}
    text = read_text(path, TEXT_BYTES, "analysis")  # bounded; a file that is not one is said, not skipped
    found: dict[str, str] = {}
    key: str | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            title = line[3:].strip().lower()
            key = next((k for k, words in ANALYSIS.items() if any(w in title for w in words)), None)
            continue
        if key is not None:
            found[key] = found.get(key, "") + line + "\n"
    return {k: v.strip() + "\n" for k, v in found.items() if v.strip()}


def _incidents(incidents: list[Incident], start: datetime, end: datetime, zone: ZoneInfo, now: datetime
               ) -> dict[str, Any]:
    found = [i for i in incidents if start <= i.opened_at < end]
    by_month = {"minor": [0] * 12, "major": [0] * 12}
    for i in found:
        by_month.setdefault(i.severity, [0] * 12)[i.opened_at.astimezone(zone).month - 1] += 1
    timed = [i for i in found if i.severity == "major" and i.deadline is not None]

    def verdict(i: Incident) -> str:
        if i.restored_at is not None:
            return "met" if i.restored_at <= i.deadline else "missed"  # type: ignore[operator]
        return "missed" if i.deadline is not None and now > i.deadline else "open"

    verdicts = Counter(verdict(i) for i in timed)
    judged = verdicts["met"] + verdicts["missed"]
    return {"total": len(found), "by_severity": dict(Counter(i.severity for i in found)), "by_month": by_month,
            "gtr": {"with_deadline": len(timed), "met": verdicts["met"], "missed": verdicts["missed"],
                    "open": verdicts["open"], "met_percent": round(verdicts["met"] * 100 / judged, 1) if judged else None,
                    "by_class": {k: dict(Counter(verdict(i) for i in timed if i.gtr == k))
                                 for k in sorted({i.gtr or "" for i in timed})}},
            "major": [{**{k: v for k, v in i.to_dict(now).items() if k in (
                "id", "kind", "subject", "gtr", "summary", "opened_at", "deadline", "restored_at", "restored_by",
                "state")}, "verdict": verdict(i)} for i in timed]}


def _availability(store: Store, facts: EstateFacts, start: datetime, end: datetime,
                  months: list[tuple[datetime, datetime]]) -> dict[str, Any]:
    def percent(value: float | None) -> float | None:
        return None if value is None else round(value, 3)

    year = availability(store, start=start, end=end, by="site", target_percent=facts.target_percent)
    monthly: list[float | None] = []
    for a, b in months:
        b = min(b, end)
        monthly.append(percent(availability(store, start=a, end=b, by="site").overall.percent) if b > a else None)
    below = [MONTHS[n] for n, p in enumerate(monthly) if p is not None and p < facts.target_percent]
    return {"overall": percent(year.overall.percent), "by_month": monthly, "months_below_target": below,
            "overall_sufficient": year.overall.sufficient, "overall_covered": year.overall.covered(),
            "sites": [{"site": r.name, "name": facts.site_name(r.name), "percent": percent(r.percent),
                       "down_s": round(r.down_s), "meets_target": None if r.percent is None else
                       r.percent >= facts.target_percent,
                       "sufficient": r.sufficient, "covered": r.covered()}  # a report says "insufficient"
                      for r in year.rows]}



def _contract(settings: Settings, store: Store, facts: EstateFacts, start: datetime, end: datetime,
              now: datetime) -> dict[str, Any]:
    """The year's availability as the contract counts it (exclusions left out), beside the raw one, and every
    exclusion of the year with its cause, counted by cause (docs/contract.md)."""
    from wifiops.engine.incident import contract_exclusions

    used = [e for e in contract_exclusions(settings, store, now) if e.start < end and e.end > start]
    year = availability(store, start=start, end=end, by="site", target_percent=facts.target_percent, exclusions=used)
    contract = year.overall.contract_percent
    return {"raw_percent": None if year.overall.percent is None else round(year.overall.percent, 3),
            "contract_percent": None if contract is None else round(contract, 3),
            "exclusions": [e.to_dict() for e in year.exclusions],
            "by_cause": dict(Counter(e.cause for e in year.exclusions))}


def _visits(journal: Path, start: datetime, end: datetime) -> dict[str, Any]:
    """The control visits recorded in the year (`wifiops visits record`): the APs seen, ok or at fault (the last
    result per AP counting, as `visits status` does), and the faults found."""
    last: dict[str, dict[str, Any]] = {}
    from wifiops.supervision.maintenance import read_journal

    for record in read_journal(journal):
        if record.get("kind") != "visit":
            continue
        try:
            at = datetime.fromisoformat(str(record["at"]))
        except (KeyError, ValueError):
            continue
        if start <= at < end:
            last[str(record.get("ap"))] = record
    faults = [{"ap": ap, "visit": r.get("visit"), "note": r.get("note"), "at": r.get("at")}
              for ap, r in sorted(last.items()) if r.get("result") == "fault"]
    return {"aps_visited": len(last), "ok": sum(1 for r in last.values() if r.get("result") == "ok"),
            "faults": faults, "visits": sorted({int(r["visit"]) for r in last.values() if str(r.get("visit")).isdigit()})}


def _changes(journal: Path, start: datetime, end: datetime) -> dict[str, Any]:
    runs: list[dict[str, Any]] = []
    lines = read_text(journal, JOURNAL_BYTES, "run journal").splitlines() if journal.exists() else []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(record, dict) or record.get("kind") != "playbook" or record.get("check"):
            continue
        try:
            started = datetime.fromisoformat(str(record.get("started")))
        except ValueError:
            continue
        if not start <= started < end:
            continue
        steps = [s for s in record.get("steps") or [] if isinstance(s, dict)]
        reports = list(record.get("reports") or []) + [
            str(s.get("summary", "")).split(": ", 1)[0] for s in steps if s.get("action") == "report" and s.get("ok")]
        runs.append({"started": iso(started), "playbook": record.get("name"), "result": record.get("result"),
                     "who": record.get("who"), "approval": (record.get("approval") or {}).get("reference"),
                     "forced": bool(record.get("forced")),
                     "applied": [s.get("summary") for s in steps if s.get("action") == "apply" and s.get("ok")],
                     "doe_reports": reports})
    changed = [r for r in runs if r["applied"]]
    return {"runs": runs, "total": len(runs), "with_changes": len(changed),
            "by_result": dict(Counter(str(r["result"]) for r in runs)),
            "by_playbook": [{"playbook": name, "runs": n, "applied": sum(1 for r in changed if r["playbook"] == name),
                             "not_ok": sum(1 for r in runs if r["playbook"] == name and r["result"] != "ok")}
                            for name, n in sorted(Counter(str(r["playbook"]) for r in runs).items())],
            "doe_reports": sum(len(r["doe_reports"]) for r in runs), "forced": sum(r["forced"] for r in runs)}


def _backups(folder: Path, start: datetime, end: datetime, zone: ZoneInfo) -> dict[str, Any]:
    empty = {"commits": 0, "by_month": [0] * 12, "with_failures": 0, "first": None, "last": None}
    if not (folder / ".git").exists():
        return {**empty, "note": f"no backup repository at {folder}"}
    from wifiops.backups.store import BackupRepo

    versions = [v for v in BackupRepo(folder).history([]) if start <= datetime.fromisoformat(v.date) < end]
    by_month = [0] * 12
    for v in versions:
        by_month[datetime.fromisoformat(v.date).astimezone(zone).month - 1] += 1
    dates = sorted(v.date for v in versions)
    return {"commits": len(versions), "by_month": by_month,
            "with_failures": sum(bool(FAILED_BACKUP.search(v.message)) for v in versions),
            "first": dates[0] if dates else None, "last": dates[-1] if dates else None}


def _clients(store: Store, facts: EstateFacts, start: datetime, end: datetime,
             months: list[tuple[datetime, datetime]]) -> dict[str, Any]:
    tz = facts.statistics.timezone
    totals = store.client_totals(start, end, timezone=tz)
    monthly = [store.client_totals(a, min(b, end), timezone=tz) if min(b, end) > a else None for a, b in months]
    days = store.client_days(start.date(), (end.astimezone(ZoneInfo(tz))).date(), timezone=tz)
    busiest = max(days, key=lambda d: d.mean, default=None)

    def tallies(dimension: Any) -> list[dict[str, Any]]:
        return [{"key": t.key, "mean": round(t.mean, 1), "peak": t.peak}
                for t in store.client_counts(dimension, start, end, timezone=tz)]

    return {"samples": totals.samples, "mean": round(totals.mean, 1), "peak": totals.peak,
            "peak_at": iso(totals.peak_at),
            "by_month": [None if m is None or not m.samples else {"mean": round(m.mean, 1), "peak": m.peak}
                         for m in monthly],
            "busiest_day": None if busiest is None else {"day": busiest.start.date().isoformat(),
                                                         "mean": round(busiest.mean, 1), "peak": busiest.peak},
            "by_ssid": tallies("ssid"), "by_type": tallies("type"), "by_os": tallies("os"),
            "by_site": [{**t, "name": facts.site_name(t["key"])} for t in tallies("site")],
            "top_zones": tallies("zone")[:10],
            "hours": [{"hour": r.key, "mean": round(r.mean, 1), "peak": r.peak}
                      for r in hours_of_day(store.client_hours(start, end), tz)]}


def next_month_windows(directory: Path, now: datetime, step_minutes: int = 30) -> dict[str, Any]:
    """The month after `now`: for each day, the periods (Paris time) when service-interrupting work may be
    done (no site open: the contract's window rule, wifiops/windows.py), for the committee's planning."""
    from datetime import timedelta

    from wifiops.inventory.files import defaults_data
    from wifiops.windows import PARIS, Calendar

    calendar = Calendar.from_sites(defaults_data(directory)[1].get("sites") or {})
    local = now.astimezone(PARIS)
    first = date(local.year + (local.month == 12), local.month % 12 + 1, 1)
    days = []
    day = first
    while day.month == first.month:
        periods: list[list[str]] = []
        for n in range(24 * 60 // step_minutes):
            moment = datetime.combine(day, time(0), tzinfo=PARIS) + timedelta(minutes=n * step_minutes)
            if calendar.check(moment, approval_required=False).allowed:
                end = (moment + timedelta(minutes=step_minutes)).strftime("%H:%M").replace("00:00", "24:00")
                if periods and periods[-1][1] == moment.strftime("%H:%M"):
                    periods[-1][1] = end
                else:
                    periods.append([moment.strftime("%H:%M"), end])
        days.append({"day": day.isoformat(), "periods": periods})
        day += timedelta(days=1)
    return {"month": first.isoformat()[:7], "days": days}
