"""`wifiops watchdog`: a cheap check of the watchers, for a cron line or a systemd timer next to the watch.

It reads the supervision store (until when the watch vouched, the incidents), the run journal (the last
backup run that succeeded) and the backup repository's last commit; nothing reaches a device. Each finding
(wifiops.supervision.watchdog) is mailed (in wifiops.yaml's language) and journaled once when it appears and
once when it is gone; what was said is remembered in `<run_dir>/watchdog.json`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from wifiops.engine.incident import with_moved_deadlines
from wifiops.engine.journal import JOURNAL, append_journal
from wifiops.notify import NotifyError, send_mail
from wifiops.paths import write_atomically
from wifiops.settings import Settings
from wifiops.store.base import SupervisionStore, iso
from wifiops.supervision.alerting import OVERDUE
from wifiops.supervision.mails import watchdog_cleared_mail, watchdog_mail
from wifiops.supervision.maintenance import read_journal
from wifiops.supervision.watchdog import Finding, backup_finding, overdue_findings, watch_finding
from wifiops.windows import aware

MEMORY = "watchdog.json"


@dataclass
class WatchdogReport:
    at: datetime
    findings: list[Finding] = field(default_factory=list)
    last_backup: datetime | None = None
    watched_until: datetime | None = None
    mails: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0

    def to_dict(self) -> dict[str, Any]:
        return {"at": iso(self.at), "last_good_backup": iso(self.last_backup), "watched_until": iso(self.watched_until),
                "findings": [{"key": f.key, "message": f.message} for f in self.findings], "mails": self.mails}


def last_good_backup(settings: Settings) -> datetime | None:
    """The latest of: the end of a journaled run whose backup step succeeded (a night with nothing changed
    commits nothing), and the backup repository's last commit (a `wifiops backup` by hand)."""
    found: list[datetime] = []
    for record in read_journal(settings.path(settings.run_dir) / JOURNAL):
        if record.get("kind") != "playbook" or record.get("check"):
            continue
        for step in record.get("steps") or []:
            if isinstance(step, dict) and step.get("action") == "backup" and step.get("ok"):
                try:
                    found.append(aware(datetime.fromisoformat(str(step.get("ended") or record.get("ended")))))
                except ValueError:
                    continue
    commit = _last_commit(settings.path(settings.backup_dir))
    if commit is not None:
        found.append(commit)
    return max(found) if found else None


def _last_commit(folder: Path) -> datetime | None:
    if not (folder / ".git").exists():
        return None
    try:
        from wifiops.backups.store import FAILED_TRAILER, BackupRepo

        repo = BackupRepo(folder).repo
        if not repo.head.is_valid():
            return None
        good = (c for c in repo.iter_commits(max_count=400) if FAILED_TRAILER not in str(c.message))
        return next((c.committed_datetime for c in good), None)  # a failed night's commit is no good backup
    except Exception:  # an unreadable repository: the journal still answers, and the finding says "none"
        return None


def run_watchdog(settings: Settings, store: SupervisionStore, *, now: datetime, backup_hours: float,
                 watch_minutes: float, send: Callable[[str, str], str] | None = None) -> WatchdogReport:
    report = WatchdogReport(now, last_backup=last_good_backup(settings), watched_until=store.watched_until())
    candidates = [backup_finding(report.last_backup, now, backup_hours),
                  watch_finding(report.watched_until, now, watch_minutes),
                  *overdue_findings(with_moved_deadlines(settings, store, store.incidents(("open", "acknowledged")),
                                                         now), now)]
    report.findings = [f for f in candidates if f is not None]
    send = send or _sender(settings)
    memory_path = settings.path(settings.run_dir) / MEMORY
    said = _read(memory_path)
    current = {f.key: f for f in report.findings}
    mailed_by_watch = {f"overdue:{i.id}" for i in store.incidents(("open", "acknowledged"))
                       if any(e.action == OVERDUE for e in store.events(i.id))}  # the watch said it already
    for key, finding in current.items():
        if key in said or key in mailed_by_watch:
            continue
        result = send(*watchdog_mail(key, finding.template, finding.facts, settings.language))
        report.mails.append(f"{key}: {result}")
        if not result.startswith("NOT sent"):  # the server refused it: said again next time
            said[key] = iso(now) or ""
        append_journal(settings, {"kind": "watchdog-raised", "at": iso(now), "key": key, "message": finding.message,
                                  "mail": result})
    for key in [k for k in said if k not in current]:
        if not key.startswith("overdue:"):  # an overdue incident is said once; its restoration is the watch's mail
            result = send(*watchdog_cleared_mail(key, now, settings.language))
            report.mails.append(f"{key} cleared: {result}")
            append_journal(settings, {"kind": "watchdog-cleared", "at": iso(now), "key": key, "mail": result})
            del said[key]
        elif not any(i.id == int(key.split(":", 1)[1]) for i in store.incidents(("open", "acknowledged"))):
            del said[key]
    memory_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(memory_path, json.dumps(said, indent=1) + "\n")
    return report


def _read(path: Path) -> dict[str, str]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _sender(settings: Settings) -> Callable[[str, str], str]:
    def send(subject: str, body: str) -> str:
        if not settings.mail.recipients:
            return "not sent: no mail.recipients in wifiops.yaml"
        try:
            return f"sent to {', '.join(send_mail(settings, subject, body, redact=lambda text: text))}"
        except NotifyError as exc:
            return f"NOT sent: {exc}"
    return send
