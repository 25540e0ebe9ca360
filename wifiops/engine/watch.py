"""`wifiops watch`: the checks on a schedule; samples, alerts, incidents and their mails (issue 16).

One cycle: open the inventory (so an edited threshold counts from the next cycle on), run `wifiops check`
(wifiops.engine.check), read it against the thresholds (wifiops.supervision.evaluate), keep the states in
the store, then raise, clear, mail and remind (wifiops.supervision.alerting); last, when due, count the
connected users for the statistics (wifiops.engine.stats: after the alerts, so that a slow user table never
delays one). The check's run folders go to `<run_dir>/watch/`, the last KEEP_CHECKS kept (their transcripts
explain a recent alert; a year of them would be 105,000 folders), and reboots are judged against the previous
cycle's snapshot there; the statistics' folders too (their transcripts hold no user: tasks/stats.py).

Configuration drift against the intent and pending leftover changes (wifiops.supervision.compliance) are
read every `compliance_every` seconds (`wifiops watch`: a day by default; off when None), from the latest backup (`compliance_live`: from the
devices), and become minor incidents; when the last one ran is kept in `<run_dir>/watch/compliance.json`.

The clock is a parameter (`now`, `sleep`): tests step it, never wait.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from wifiops.engine.check import SNAPSHOT, run_check
from wifiops.engine.journal import JOURNAL, append_journal
from wifiops.engine.stats import SampleReport, sample_clients
from wifiops.errors import WifiopsError
from wifiops.estate import Estate
from wifiops.notify import NotifyError, send_mail
from wifiops.settings import Settings
from wifiops.locks import hold
from wifiops.store import Store, store_path
from wifiops.store.base import Alert, Incident, Observation, check_interval, iso
from wifiops.clearpass.client import ClearPassClient
from wifiops.supervision.alerting import Alerting, Outcome
from wifiops.supervision.clearpass import ServerSeen, evaluate_clearpass
from wifiops.supervision.evaluate import Sample, evaluate
from wifiops.supervision.maintenance import read_journal, windows
from wifiops.supervision.rules import Rules
from wifiops.when import format_when

DEFAULT_COMPLIANCE_EVERY = 24 * 3600.0  # seconds: the contract's nightly check of each device's configuration
COMPLIANCE_STATE = "compliance.json"
COMPLIANCE_RETRY = 3600.0  # seconds: a compliance check that could not run is tried again then
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
    compliance: str | None = None  # what the configuration check found, when it ran this cycle (or why not)

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
                "statistics": self.statistics.to_dict(), "compliance": self.compliance}


def run_cycle(settings: Settings, store: Store, *, now: Callable[[], datetime] = utc_now,
              interval: float = DEFAULT_INTERVAL, inventory: Path | None = None,
              compliance_every: float | None = None, compliance_live: bool = False) -> CycleReport:
    """One cycle at `now()`; `interval` is how long its samples vouch for (the next cycle is due then). One cycle at
    a time per store (wifiops/locks.py): a timer's `watch --once` and an engineer's would record, raise and mail
    twice; the second waits for the first, then refuses naming it."""
    named = str(getattr(store, "path", None) or store_path(settings))
    if named == ":memory:":  # a store of this process alone
        return _cycle(settings, store, now=now, interval=interval, inventory=inventory,
                      compliance_every=compliance_every, compliance_live=compliance_live)
    path = Path(named)
    with hold(path.with_name(path.name + ".lock"), f"the supervision store {path}", wait=STORE_WAIT):
        return _cycle(settings, store, now=now, interval=interval, inventory=inventory,
                      compliance_every=compliance_every, compliance_live=compliance_live)


STORE_WAIT = 120.0  # seconds a cycle waits for another one on the same store


def _cycle(settings: Settings, store: Store, *, now: Callable[[], datetime], interval: float,
           inventory: Path | None, compliance_every: float | None = None,
           compliance_live: bool = False) -> CycleReport:
    at = now()
    started = time.perf_counter()
    estate = Estate.open(settings, inventory)  # once a cycle: an inventory edited meanwhile is read at the next
    nr = estate.nornir
    rules = Rules.from_defaults(nr.inventory.defaults.data)
    checking, checks = time.perf_counter(), estate.with_settings(_check_settings(settings))
    health = run_check(checks)
    cycle = CycleReport(at, check_s=time.perf_counter() - checking, errors=list(health.errors))
    reading = evaluate(health, nr, rules)
    cycle.complete = reading.complete
    seen, said = _clearpass_seen(estate)
    evaluate_clearpass(reading, seen, rules)
    cycle.errors += said
    extra, cycle.compliance = _compliance(estate, at, compliance_every, compliance_live,
                                          list(store.conditions()))
    reading.samples += extra
    cycle.transitions = store.record(Observation(at, interval, reading.states, reading.metrics))
    redact = estate.store.redact
    maintenance = windows(read_journal(settings.path(settings.run_dir) / JOURNAL))  # approved: alerts planned
    alerting = Alerting(store, rules, _sender(settings, redact), lambda record: append_journal(settings, record),
                        maintenance, language=settings.language)
    cycle.outcome = alerting.process(reading, at)
    cycle.active = store.alerts(active=True)
    cycle.open_incidents = store.incidents(("open", "acknowledged"))
    try:
        cycle.statistics = sample_clients(checks, store, at)
    except WifiopsError as exc:  # the figures wait for the next sample; the supervision goes on
        cycle.statistics = SampleReport(note=f"not counted: {exc}")
    _prune(checks.run_dir)
    cycle.duration_s = time.perf_counter() - started
    return cycle


def _clearpass_seen(opened: Estate) -> tuple[list[ServerSeen], list[str]]:
    """Each ClearPass server of the inventory, asked its version and its cluster (two API calls), all at once: a
    server that hangs costs the cycle one timeout, not one per server. Without the API client in the secrets
    store nothing is asked, and the cycle says so: no server is counted down for it."""
    from concurrent.futures import ThreadPoolExecutor

    from wifiops.engine.clearpass import ClearPassEstate
    from wifiops.errors import ClearPassError

    estate = ClearPassEstate(opened)
    try:
        servers = [(estate.server(name), estate.host(name).get("site")) for name in estate.names]
    except WifiopsError as exc:
        return [], [f"ClearPass not watched: {exc}"]

    def ask(server: Any, site: str | None) -> ServerSeen:
        try:
            with ClearPassClient(server) as client:
                client.version()
                return ServerSeen(server.name, site, members=client.cluster())
        except ClearPassError as exc:
            return ServerSeen(server.name, site, error=str(exc))

    if not servers:
        return [], []
    with ThreadPoolExecutor(max_workers=len(servers), thread_name_prefix="clearpass") as pool:
        return list(pool.map(lambda pair: ask(*pair), servers)), []


def watch(settings: Settings, store: Store, *, interval: float = DEFAULT_INTERVAL, once: bool = False,
          cycles: int | None = None, now: Callable[[], datetime] = utc_now,
          sleep: Callable[[float], None] = time.sleep, on_cycle: Callable[[CycleReport], None] | None = None,
          inventory: Path | None = None, compliance_every: float | None = None,
          compliance_live: bool = False) -> CycleReport:
    """Cycle every `interval` seconds (from the start of one to the start of the next; at once when a cycle ran
    longer), until `once` or `cycles` are done, or forever. A cycle that fails (an inventory being edited, the
    store locked) is reported and the watch goes on: it is the supervision."""
    try:
        check_interval(interval)  # bounded before anything is stored: the store must read back what it keeps
    except ValueError as exc:
        raise WifiopsError(str(exc)) from None
    with _one_watcher(settings):
        return _loop(settings, store, interval=interval, once=once, cycles=cycles, now=now, sleep=sleep,
                     on_cycle=on_cycle, inventory=inventory, compliance_every=compliance_every,
                     compliance_live=compliance_live)


@contextmanager
def _one_watcher(settings: Settings) -> Iterator[None]:
    """One `wifiops watch` per store (two would raise every alert twice and split the hysteresis): a lock beside
    the store (wifiops.locks: released by the system however the process ends), held while the watch runs. A
    second watch is refused at once (LockHeld, exit 1), saying who watches."""
    path = store_path(settings)
    what = (f"the supervision store {path} (one `wifiops watch` per store: stop the other one, or give this one "
            "its own store, `store:` in wifiops.yaml)")
    with hold(path.with_name(path.name + ".watch.lock"), what):
        yield


def _loop(settings: Settings, store: Store, *, interval: float, once: bool, cycles: int | None,
          now: Callable[[], datetime], sleep: Callable[[float], None],
          on_cycle: Callable[[CycleReport], None] | None, inventory: Path | None, compliance_every: float | None,
          compliance_live: bool) -> CycleReport:
    done = 0
    while True:
        start = now()
        try:
            report = run_cycle(settings, store, now=lambda: start, interval=interval, inventory=inventory,
                               compliance_every=compliance_every, compliance_live=compliance_live)
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


def _compliance(estate: Estate, at: datetime, every: float | None, live: bool,
                known: list[str]) -> tuple[list[Sample], str | None]:
    """The compliance samples of this cycle: the check's verdicts when it is due, else the remembered ones held."""
    from wifiops.supervision import compliance

    if not every:
        return [], None
    settings = estate.settings
    path = _check_settings(settings).path(_check_settings(settings).run_dir) / COMPLIANCE_STATE
    try:
        last = datetime.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["at"])
    except (OSError, ValueError, KeyError, TypeError):
        last = None
    if last is not None and (at - last).total_seconds() < every:
        return compliance.held(known), None
    from wifiops.engine.diff import compliance as check_compliance

    try:
        report = check_compliance(estate, live=live)
    except WifiopsError as exc:  # no backup yet, the MM unreachable for a live read: tried again in an hour
        retry = at - timedelta(seconds=max(every - COMPLIANCE_RETRY, 0))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"at": iso(retry)}) + "\n", encoding="utf-8")
        return compliance.held(known), f"configuration not checked: {exc}"
    found = compliance.samples(report)
    found += compliance.cleared_pending(known, found)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"at": iso(at)}) + "\n", encoding="utf-8")
    drifted = [s.subject for s in found if s.bad]
    return found, (f"configuration checked ({'live' if live else 'latest backup'}): {len(report.nodes)} node(s), "
                   + (f"not compliant: {', '.join(drifted)}" if drifted else "compliant"))


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
    if report.compliance:
        parts.append(report.compliance)
    if report.statistics.sampled:
        parts.append(f"{report.statistics.clients} client(s) counted")
    elif report.statistics.errors:
        parts.append("clients not counted: " + "; ".join(report.statistics.errors))
    return ", ".join(parts)

