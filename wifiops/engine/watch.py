"""`wifiops watch`: the checks on a schedule; samples, alerts, incidents and their mails (issue 16).

One cycle: open the inventory (so an edited threshold counts from the next cycle on), run `wifiops check`
(wifiops.engine.check), read it against the thresholds (wifiops.supervision.evaluate), keep the states in
the store, then raise, clear, mail and remind (wifiops.supervision.alerting); last, when due, count the
connected users for the statistics (wifiops.engine.stats: after the alerts, so that a slow user table never
delays one). The check's run folders go to `<run_dir>/watch/`, the last KEEP_CHECKS kept (their transcripts
explain a recent alert; a year of them would be 105,000 folders), and reboots are judged against the previous
cycle's snapshot there; the statistics' folders too (their transcripts hold no user: tasks/stats.py).

The clock is a parameter (`now`, `sleep`): tests step it, never wait.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from wifiops.engine.check import SNAPSHOT, run_check
from wifiops.engine.journal import append_journal
from wifiops.engine.run import secret_store
from wifiops.engine.stats import SampleReport, sample_clients
from wifiops.errors import WifiopsError
from wifiops.estate import open_nornir
from wifiops.notify import NotifyError, send_mail
from wifiops.settings import Settings
from wifiops.store import Store
from wifiops.store.base import Alert, Incident, Observation, iso
from wifiops.supervision.alerting import Alerting, Outcome
from wifiops.supervision.evaluate import evaluate
from wifiops.supervision.rules import Rules
from wifiops.when import format_when

DEFAULT_INTERVAL = 300.0  # seconds: 5 minutes, the sampling the availability figures are sized for
KEEP_CHECKS = 12  # check folders kept in <run_dir>/watch/ (an hour at the default interval)
WATCH_DIR = "watch"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class CycleReport:
    at: datetime
    duration_s: float = 0.0
    check_s: float = 0.0  # of which reading the estate
    complete: bool = False  # the conductor answered: every AP was seen
    errors: list[str] = field(default_factory=list)  # hosts not checked; or why the cycle failed
    failed: bool = False  # the cycle itself failed (inventory, store): nothing was judged
    transitions: int = 0  # state changes written to the store
    outcome: Outcome = field(default_factory=Outcome)
    active: list[Alert] = field(default_factory=list)
    open_incidents: list[Incident] = field(default_factory=list)
    statistics: SampleReport = field(default_factory=SampleReport)

    @property
    def exit_code(self) -> int:
        return 2 if self.failed else (1 if self.active else 0)

    def to_dict(self) -> dict[str, Any]:
        o = self.outcome
        return {"at": iso(self.at), "duration_s": round(self.duration_s, 3), "check_s": round(self.check_s, 3),
                "complete": self.complete, "failed": self.failed, "errors": self.errors,
                "transitions": self.transitions, "raised": [a.to_dict() for a in o.raised],
                "cleared": [a.to_dict() for a in o.cleared], "opened": [i.to_dict(self.at) for i in o.opened],
                "reminded": [i.to_dict(self.at) for i in o.reminded], "mails": o.mails,
                "active": [a.to_dict() for a in self.active],
                "open_incidents": [i.to_dict(self.at) for i in self.open_incidents],
                "statistics": self.statistics.to_dict()}


def run_cycle(settings: Settings, store: Store, *, now: Callable[[], datetime] = utc_now,
              interval: float = DEFAULT_INTERVAL, inventory: Path | None = None) -> CycleReport:
    """One cycle at `now()`; `interval` is how long its samples vouch for (the next cycle is due then)."""
    at = now()
    started = time.perf_counter()
    directory = settings.inventory_dir(inventory)
    nr = open_nornir(settings, directory)
    rules = Rules.from_defaults(nr.inventory.defaults.data)
    checking, checks = time.perf_counter(), _check_settings(settings)
    health = run_check(checks, inventory=directory, nr=nr)
    cycle = CycleReport(at, check_s=time.perf_counter() - checking, errors=list(health.errors))
    reading = evaluate(health, nr, rules)
    cycle.complete = reading.complete
    cycle.transitions = store.record(Observation(at, interval, reading.states, reading.metrics))
    redact = secret_store(settings, directory).redact
    alerting = Alerting(store, rules, _sender(settings, redact), lambda record: append_journal(settings, record))
    cycle.outcome = alerting.process(reading, at)
    cycle.active = store.alerts(active=True)
    cycle.open_incidents = store.incidents(("open", "acknowledged"))
    try:
        cycle.statistics = sample_clients(checks, store, nr, at)
    except WifiopsError as exc:  # the figures wait for the next sample; the supervision goes on
        cycle.statistics = SampleReport(note=f"not counted: {exc}")
    _prune(checks.path(checks.run_dir))
    cycle.duration_s = time.perf_counter() - started
    return cycle


def watch(settings: Settings, store: Store, *, interval: float = DEFAULT_INTERVAL, once: bool = False,
          cycles: int | None = None, now: Callable[[], datetime] = utc_now,
          sleep: Callable[[float], None] = time.sleep, on_cycle: Callable[[CycleReport], None] | None = None,
          inventory: Path | None = None) -> CycleReport:
    """Cycle every `interval` seconds (from the start of one to the start of the next; at once when a cycle ran
    longer), until `once` or `cycles` are done, or forever. A cycle that fails (an inventory being edited, the
    store locked) is reported and the watch goes on: it is the supervision."""
    done = 0
    while True:
        start = now()
        try:
            report = run_cycle(settings, store, now=lambda: start, interval=interval, inventory=inventory)
        except WifiopsError as exc:
            if once:
                raise
            report = CycleReport(start, failed=True, errors=[str(exc)])
        if on_cycle is not None:
            on_cycle(report)
        done += 1
        if once or (cycles is not None and done >= cycles):
            return report
        wait = interval - (now() - start).total_seconds()
        if wait > 0:
            sleep(wait)


def _check_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"run_dir": settings.path(settings.run_dir) / WATCH_DIR})


def _prune(folder: Path) -> None:
    """Keep the last KEEP_CHECKS check folders (the newest holds the snapshot the next reboot check reads), and as
    many of the statistics' folders."""
    done = sorted(p.parent for p in folder.glob(f"*-check/{SNAPSHOT}"))
    for old in done[:-KEEP_CHECKS] + sorted(folder.glob("*-stats"))[:-KEEP_CHECKS]:
        shutil.rmtree(old, ignore_errors=True)


def _sender(settings: Settings, redact: Callable[[str], str]) -> Callable[[str, str], tuple[str, bool]]:
    def send(subject: str, body: str) -> tuple[str, bool]:
        if not settings.mail.recipients:  # the journal still has it; nothing to retry
            return "not sent: no mail.recipients in wifiops.yaml", True
        try:
            return f"sent to {', '.join(send_mail(settings, subject, body, redact=redact))}", True
        except NotifyError as exc:
            return f"NOT sent (tried again next cycle): {exc}", False
    return send


NAMED = 5  # active alerts a cycle's line names (all of them are in --json)


def summary_line(report: CycleReport) -> str:
    """One line per cycle, for people watching the terminal."""
    if report.failed:
        return f"{format_when(report.at, seconds=True)} cycle FAILED: {'; '.join(report.errors)}"
    o = report.outcome
    named = ", ".join(f"{a.kind} {a.subject}" for a in report.active[:NAMED])
    more = f" and {len(report.active) - NAMED} more" if len(report.active) > NAMED else ""
    parts = [f"{format_when(report.at, seconds=True)} cycle {report.duration_s:.1f} s",
             f"{len(report.active)} alert(s) active" + (f" ({named}{more})" if named else "")]
    for label, items in (("raised", o.raised), ("cleared", o.cleared), ("incident(s) opened", o.opened),
                         ("reminder(s)", o.reminded)):
        if items:
            parts.append(f"{len(items)} {label}")
    if not report.complete:
        parts.append("the conductor did not answer: APs unknown")
    if report.statistics.sampled:
        parts.append(f"{report.statistics.clients} client(s) counted")
    elif report.statistics.errors:
        parts.append("clients not counted: " + "; ".join(report.statistics.errors))
    return ", ".join(parts)

