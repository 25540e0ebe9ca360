"""Watchdogs on the watchers (contract: the supervision tool itself has a 4-working-hour GTR): is the last good
backup too old, has the watch stopped vouching, has an incident passed its deadline. Pure: every fact and the
moment are passed in; `wifiops watchdog` (wifiops.engine.watchdog) gathers them, mails and remembers.

Each finding has a key; the engine mails a key once when it appears and once when it goes (its memory is a
small JSON file), so a cron running it every 10 minutes does not flood anybody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from wifiops.store.base import Incident
from wifiops.windows import describe

DEFAULT_BACKUP_HOURS = 26.0  # a nightly backup, and a couple of hours' slack (the timer's random delay, a slow night)
DEFAULT_WATCH_MINUTES = 15.0  # three 5-minute cycles: the watch is late, stopped, or its machine is down


@dataclass(frozen=True)
class Finding:
    """`template % facts` in English (moments as datetimes, said by `describe`); the mail says the template in
    the configured language (wifiops.supervision.mails.watchdog_mail)."""

    key: str  # backup-old, watch-stopped, overdue:<id>
    template: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % {k: describe(v) if isinstance(v, datetime) else _hours(v) if isinstance(v, timedelta)
                                else v for k, v in self.facts.items()}


def _(message: str) -> str:
    """Marks a msgid for the catalogue (wifiops/reports/locale); the mail translates it."""
    return message


def backup_finding(last_good: datetime | None, now: datetime, limit_hours: float) -> Finding | None:
    if last_good is None:
        return Finding("backup-old", _("no good backup is known: neither a successful backup run in the journal nor "
                                       "a commit in the backup repository (run `wifiops run "
                                       "playbooks/nightly-backup.yaml`)"))
    age = now - last_good
    if age <= timedelta(hours=limit_hours):
        return None
    return Finding("backup-old", _("the last good backup is %(age)s old (%(when)s), more than %(limit)s h: check the "
                                   "nightly timer (systemctl status wifiops-backup.timer) and the last run's record "
                                   "in the journal"),
                   {"age": age, "when": last_good, "limit": f"{limit_hours:g}"})


def watch_finding(watched_until: datetime | None, now: datetime, limit_minutes: float) -> Finding | None:
    if watched_until is None:
        return Finding("watch-stopped", _("the watch never completed a cycle on this store: start it "
                                          "(systemctl start wifiops-watch, or `wifiops watch`)"))
    late = now - watched_until
    if late <= timedelta(minutes=limit_minutes):
        return None
    return Finding("watch-stopped", _("the watch has vouched for nothing since %(when)s (%(late)s ago, limit %(limit)s "
                                      "min): it stopped, hangs, or its cycles fail; check `systemctl status "
                                      "wifiops-watch` and its journal"),
                   {"when": watched_until, "late": late, "limit": f"{limit_minutes:g}"})


def overdue_findings(incidents: Iterable[Incident], now: datetime) -> list[Finding]:
    return [Finding(f"overdue:{i.id}", _("incident #%(id)s (%(severity)s, %(kind)s %(subject)s) passed its restoration "
                                         "deadline %(deadline)s and is not restored"),
                    {"id": i.id, "severity": i.severity, "kind": i.kind, "subject": i.subject, "deadline": i.deadline})
            for i in incidents if i.state != "restored" and i.deadline is not None and i.overdue(now)]


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"
