"""Watchdogs on the watchers (contract: the supervision tool itself has a 4-working-hour GTR): is the last good
backup too old, has the watch stopped vouching, has an incident passed its deadline. Pure: every fact and the
moment are passed in; `wifiops watchdog` (wifiops.engine.watchdog) gathers them, mails and remembers.

Each finding has a key; the engine mails a key once when it appears and once when it goes (its memory is a
small JSON file), so a cron running it every 10 minutes does not flood anybody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from wifiops.store.base import Incident
from wifiops.windows import describe

DEFAULT_BACKUP_HOURS = 26.0  # a nightly backup, and a couple of hours' slack (the timer's random delay, a slow night)
DEFAULT_WATCH_MINUTES = 15.0  # three 5-minute cycles: the watch is late, stopped, or its machine is down


@dataclass(frozen=True)
class Finding:
    key: str  # backup-old, watch-stopped, overdue:<id>
    message: str


def backup_finding(last_good: datetime | None, now: datetime, limit_hours: float) -> Finding | None:
    if last_good is None:
        return Finding("backup-old", "no good backup is known: neither a successful backup run in the journal nor a "
                       "commit in the backup repository (run `wifiops run playbooks/nightly-backup.yaml`)")
    age = now - last_good
    if age <= timedelta(hours=limit_hours):
        return None
    return Finding("backup-old", f"the last good backup is {_hours(age)} old ({describe(last_good)}), more than "
                   f"{limit_hours:g} h: check the nightly timer (systemctl status wifiops-backup.timer) and the "
                   "last run's record in the journal")


def watch_finding(watched_until: datetime | None, now: datetime, limit_minutes: float) -> Finding | None:
    if watched_until is None:
        return Finding("watch-stopped", "the watch never completed a cycle on this store: start it "
                       "(systemctl start wifiops-watch, or `wifiops watch`)")
    late = now - watched_until
    if late <= timedelta(minutes=limit_minutes):
        return None
    return Finding("watch-stopped", f"the watch has vouched for nothing since {describe(watched_until)} "
                   f"({_hours(late)} ago, limit {limit_minutes:g} min): it stopped, hangs, or its cycles fail; "
                   "check `systemctl status wifiops-watch` and its journal")


def overdue_findings(incidents: Iterable[Incident], now: datetime) -> list[Finding]:
    return [Finding(f"overdue:{i.id}", f"incident #{i.id} ({i.severity}, {i.kind} {i.subject}) passed its "
                    f"restoration deadline {describe(i.deadline)} and is not restored")
            for i in incidents if i.state != "restored" and i.deadline is not None and i.overdue(now)]


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"
