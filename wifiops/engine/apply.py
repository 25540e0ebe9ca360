"""`wifiops apply`: the plan of `wifiops diff`, shown (dry run, the default) or pushed as a transaction.

With `commit`: a fresh backup of every host the plan touches (refused if one fails), then the `apply` task
on the conductor MM (tasks/apply.py): leftovers of a cut session purged, drift refused, each node step
pushed line by line and committed, each node read back and judged against its intent, and on failure
the nodes this run changed rolled back to their state before it, and checked equal to it.

Nodes go one at a time, on one session of the conductor. Not in parallel, on purpose: the MM keeps
pending changes per administrator, not per session, so a `write memory` in one session would commit the
half-sent lines of another; and the hierarchy orders them anyway (a profile is created at /md before
/md/Louvre names it, and deleted after). The two members of a cluster are two device nodes: two steps,
the second started only once the first is committed and verified.
"""

from __future__ import annotations

import difflib
import json
import re
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from threading import Event
from typing import Any

from wifiops.tasks.apply import BEFORE_PUSH, ApplyOutcome, NodeOutcome, Step, apply as apply_task
from wifiops.backups.scrub import Scrubber, load_key
from wifiops.backups.store import BackupRepo
from wifiops.credentials import engineer
from wifiops.engine.backup import run_backup
from wifiops.engine.journal import append_journal
from wifiops.aos8.hconfig import plan
from wifiops.aos8.platform import aos8
from wifiops.engine.diff import compliance, judge, live_nodes, shared_kinds
from wifiops.engine.plans import (PLAN_FILE, ApplyPlan, NodePlan, check_lines, check_seal, digest, load, save,
                                  seal_key, sealed)
from wifiops.engine.render import NodeConfig, RenderReport, render_intent
from wifiops.engine.run import conductor_of, reason, start_run
from wifiops.engine.scope import Scope, owners_of, within
from wifiops.errors import PlanDrift, WifiopsError
from wifiops.estate import MANAGED, Estate
from wifiops.locks import conductor_lock, hold
from wifiops.paths import write_atomically
from wifiops.secrets import SCRUBBED
from wifiops.settings import Settings

TOKEN = re.compile(re.escape(SCRUBBED) + r"[0-9a-f]{12}>")
DRIFT_LINES = 40  # of each drifted node's diff, in the report; the whole diff is in the run's folder


@dataclass
class ApplyReport:
    plan: ApplyPlan
    plan_file: Path
    log_dir: Path
    committed: bool = False
    backup_revision: str | None = None
    backup_after: str | None = None  # the backup taken after the push, which the next plan starts from
    purged: str | None = None
    stopped: bool = False
    interrupted: bool = False
    outcomes: dict[str, NodeOutcome] = field(default_factory=dict)
    drift: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    engineer: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 applied (or nothing to apply), 1 refused (drift) or failed and restored, 2 a node not restored
        or the run could not start, 130 interrupted (Ctrl-C, SIGTERM) and every node restored or applied."""
        if self.error:
            return 2
        if any((o.rollback or "").startswith("NOT") for o in self.outcomes.values()):
            return 2
        if self.interrupted:
            return INTERRUPTED
        if self.drift or any(o.status == "failed" for o in self.outcomes.values()):
            return 1
        return 0

    @property
    def result(self) -> str:
        """The run in a few words, for the journal and the record."""
        if self.error:
            return "could not start" if not self.outcomes else "error"
        if self.drift:
            return "refused: drift"
        return {0: "applied", 1: "failed, restored", 2: "NOT restored", INTERRUPTED: "interrupted, restored"
                }[self.exit_code]

    def interruption(self) -> str:
        """The one line an interrupted run ends with: what is on each node now."""
        touched = [f"{o.node} {_state(o)}" for o in self.outcomes.values() if o.status not in ("unchanged",
                                                                                              "not started")]
        waiting = [o.node for o in self.outcomes.values() if o.status == "not started"]
        if not touched:
            return "interrupted: stopped at a line boundary before the push; nothing was sent"
        return ("interrupted: stopped at a line boundary; " + "; ".join(touched)
                + (f"; not started: {', '.join(waiting)}" if waiting else ""))

    def to_dict(self) -> dict[str, Any]:
        outcomes = self.outcomes
        return {
            "committed": self.committed, "engineer": self.engineer, "plan_file": str(self.plan_file),
            "log_dir": str(self.log_dir),
            "source": self.plan.source, "made": self.plan.made.isoformat(), "backup_revision": self.backup_revision,
            "backup_after": self.backup_after, "purged_pending": self.purged, "stopped": self.stopped,
            "interrupted": self.interrupted, "result": self.result, "error": self.error, "drift": self.drift,
            "warnings": self.warnings,
            "nodes": [{"node": n.node, "features": n.features, "lines": n.lines, "remediation": n.remediation,
                       "rollback": n.rollback,
                       **_outcome(outcomes.get(n.node), n)}
                      for n in self.plan.nodes],
        }


INTERRUPTED = 130  # the shell's code for a run stopped by SIGINT
RECORD_FILE = "record.json"


def apply(estate: Estate, *, limit: Sequence[str] = (),
          features: Sequence[str] = (), live: bool = False, plan_file: Path | None = None, commit: bool = False,
          stop_after: int = 1, progress: Callable[[str], None] = lambda _: None,
          target_opmode: Sequence[str] = (), intent: dict[str, dict[str, Any]] | None = None,
          scope: Scope | None = None) -> ApplyReport:
    """`target_opmode`: these SSIDs rendered at their `target_opmode` (a WPA3 move, one SSID at a time);
    `intent`: the intent at a runbook's step, in memory (see with_intent); `scope`: what this apply was asked
    to change (wifiops.engine.scope): a plan line outside it refuses the run before anything is sent.

    With `commit`, the run holds its conductor's lock from start to end (wifiops/locks.py: a second run is
    refused, naming the holder), and Ctrl-C or SIGTERM stop it at a line boundary and roll back."""
    if stop_after < 1:
        raise WifiopsError(f"--stop-after is a number of failed nodes, at least 1, not {stop_after}")
    # an intent changed in memory on a Nornir object of its own: the estate's stays as the inventory says
    nr = with_target_opmode(with_intent(estate.fresh(), intent or {}), target_opmode) if intent or target_opmode \
        else estate.nornir
    conductor = conductor_of(nr).name
    if not commit:
        return _apply(estate, nr, conductor, limit, features, live, plan_file, False, stop_after,
                      progress, intent, Event(), [], scope)
    stale: list[str] = []
    with hold(conductor_lock(estate.run_dir, conductor), f"the conductor {conductor}",
              on_stale=stale.append), interruptible() as stop:  # a stale lock is said in the report's warnings
        return _apply(estate, nr, conductor, limit, features, live, plan_file, True, stop_after,
                      progress, intent, stop, stale, scope)


def _apply(estate: Estate, nr: Any, conductor: str, limit: Sequence[str],
           features: Sequence[str], live: bool, plan_file: Path | None, commit: bool, stop_after: int,
           progress: Callable[[str], None], intent: dict[str, dict[str, Any]] | None, stop: Event,
           warnings: list[str], scope: Scope | None = None) -> ApplyReport:
    settings = estate.settings
    repo = BackupRepo(settings.path(settings.backup_dir))
    key = seal_key(repo.git_dir)
    saved = load(plan_file) if plan_file else None
    if saved is not None and plan_file is not None:
        check_seal(saved, key, plan_file)  # before anything else: an edited plan is not evidence
        check_lines(saved, plan_file)
        limit, features = saved.limit, saved.features
    rendered = render_intent(estate, limit=limit, nr=nr)
    intended = {n.node: n for n in rendered.nodes}
    run = start_run(estate, "apply", names=[conductor], nr=nr)
    with repo.locked(on_wait=progress):  # the scrub key is made once, by one run
        scrub = Scrubber(run.store, load_key(repo.git_dir))
    plan = saved or sealed(make_plan(estate, limit, features, live, nr, conductor, scrub, rendered), key)
    _check_intent(plan, intended, scrub, plan_file)
    if scope is not None:  # raises OutOfScope (exit 1) listing the differences nobody asked this step to fix
        within(plan, scope, {node: owners_of(n.by_feature) for node, n in intended.items()})
    report = ApplyReport(plan, save(plan, run.folder / PLAN_FILE), run.folder, engineer=engineer(settings),
                         warnings=list(warnings))
    if not commit:
        return report
    report.committed = True
    if not plan.changed:  # nothing to send; what an earlier session left pending is purged all the same
        aggregated = run.execute(apply_task, steps=[], nodes=[], checks=Checks(scrub, plan, {}), progress=progress,
                                 interrupted=stop.is_set)
        multi = aggregated[conductor]
        outcome = multi[0].result if len(multi) else None
        if not isinstance(outcome, ApplyOutcome):
            report.error = run.redact(reason(conductor, multi.exception))
        else:
            report.purged = run.redact(outcome.purged) if outcome.purged else None
        return _recorded(settings, report)
    if stop.is_set():  # Ctrl-C while planning: nothing was sent, nothing is backed up
        report.interrupted = True
        return _recorded(settings, report)
    progress(f"backing up {conductor} and the controllers under the changed nodes")
    targets = _targets(nr, conductor, plan)
    if intent:  # a host brought into service in memory (a successor) is backed up once the inventory says so
        reachable = set(estate.managed.inventory.hosts)
        targets = [name for name in targets if name in reachable]
    backed = run_backup(estate, names=targets, progress=progress)
    failed = [h for h in backed.hosts if not h.ok]
    if failed:
        report.error = ("the fresh backup failed, so nothing was sent: "
                        + "; ".join(h.error or h.host for h in failed))
        return _recorded(settings, report)
    revision = backed.revision or (repo.repo.head.commit.hexsha if repo.repo.head.is_valid() else None)
    report.backup_revision = revision[:12] if revision else None
    checks = Checks(scrub, plan, intended, shared_kinds(nr, list(intended.values())))
    aggregated = run.execute(apply_task, steps=steps_of(plan), nodes=[n.node for n in plan.nodes], checks=checks,
                             stop_after=stop_after, progress=progress, interrupted=stop.is_set)
    multi = aggregated[conductor]
    if isinstance(multi.exception, PlanDrift):
        report.drift = multi.exception.drifted
        return _recorded(settings, report)
    outcome = multi[0].result if len(multi) else None
    if not isinstance(outcome, ApplyOutcome):
        report.error = run.redact(reason(conductor, multi.exception))
        return _recorded(settings, report)
    report.outcomes, report.stopped, report.interrupted = outcome.nodes, outcome.stopped, outcome.interrupted
    report.purged = run.redact(outcome.purged) if outcome.purged else None
    where = f"revision {report.backup_revision} of {repo.folder}" if report.backup_revision else str(repo.folder)
    for record in report.outcomes.values():
        record.error = run.redact(record.error) if record.error else None
        if record.rollback and record.rollback.startswith("NOT"):
            said = run.redact(record.rollback)
            told = said.replace(BEFORE_PUSH, f"{BEFORE_PUSH}, {where}")
            record.rollback = told if told != said else f"{said}; pre-change backup: {where}"
    if any(o.status == "applied" for o in report.outcomes.values()):  # the next plan starts from what is there now
        after = run_backup(estate, names=targets, progress=progress)
        report.backup_after = after.revision[:12] if after.revision else None
        report.warnings += [h.error or h.host for h in after.hosts if not h.ok]
    return _recorded(settings, report)


def _recorded(settings: Settings, report: ApplyReport) -> ApplyReport:
    """The run's record (record.json in its folder) and its line in the run journal, whatever the result."""
    write_atomically(report.log_dir / RECORD_FILE, json.dumps(report.to_dict(), indent=1, default=str) + "\n")
    append_journal(settings, {"kind": "apply", "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              "engineer": report.engineer, "log_dir": str(report.log_dir),
                              "plan_file": str(report.plan_file), "backup_revision": report.backup_revision,
                              "backup_after": report.backup_after, "result": report.result,
                              "interrupted": report.interrupted, "purged_pending": bool(report.purged),
                              "nodes": {o.node: o.status for o in report.outcomes.values()},
                              "state": {o.node: _state(o) for o in report.outcomes.values()}})
    return report


def _state(outcome: NodeOutcome) -> str:
    """What a node is now, in the engineers' words: as the intent, as before the run, or unknown."""
    if (outcome.rollback or "").startswith("NOT"):
        return "NOT restored"
    if outcome.status == "applied":
        return "applied (as the intent)"
    if outcome.rollback == "restored":
        return "restored (as before the run)"
    return "unchanged (as before the run)"


@contextmanager
def interruptible() -> Iterator[Event]:
    """Ctrl-C and SIGTERM set the event instead of killing the run: the push stops at the next line boundary,
    purges and rolls back (tasks/apply.py), and the run writes its transcript, record and journal before it
    ends. Outside the main thread (no signal can be caught there) the event is never set."""
    stop = Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def caught(signum: int, _frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, caught) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def make_plan(estate: Estate, limit: Sequence[str], features: Sequence[str], live: bool,
              nr: Any, conductor: str, scrub: Scrubber, rendered: RenderReport) -> ApplyPlan:
    """The plan of `wifiops diff` (latest backup, or a live read), with what it was made from."""
    found = compliance(estate, limit=limit, features=features, live=live, nr=nr,
                       rendered=rendered)
    intended = {n.node: n for n in rendered.nodes}
    nodes = [NodePlan(node=n.node, base=n.running, intended=digest(scrub(intended[n.node].text)),
                      features=n.features, remediation=n.remediation, rollback=n.rollback)
             for n in sorted(found.nodes, key=lambda n: _depth(n.node))]
    return ApplyPlan(made=datetime.now(timezone.utc), source=found.nodes[0].source if found.nodes else "live",
                     inventory=str(estate.directory), conductor=conductor, limit=list(limit), features=list(features),
                     nodes=nodes)


def steps_of(plan: ApplyPlan) -> list[Step]:
    """Changes parents first, then deletions children first; each node verified after its last step."""
    ordered = sorted(plan.changed, key=lambda n: _depth(n.node))
    raw = [(n.node, "changes", n.changes) for n in ordered] + \
          [(n.node, "deletions", n.deletions) for n in reversed(ordered)]
    raw = [(node, phase, text) for node, phase, text in raw if text.strip()]
    last = {node: i for i, (node, _, _) in enumerate(raw)}
    return [Step(node, phase, tuple(text.splitlines()), last[node] == i) for i, (node, phase, text) in enumerate(raw)]


class Checks:
    """The engine's side of the transaction (tasks.apply.Checks): secrets, drift, compliance, equality."""

    def __init__(self, scrub: Scrubber, plan: ApplyPlan, intended: dict[str, NodeConfig],
                 scope: dict[str, set[str]] | None = None) -> None:
        self.scrub, self.plan, self.intended = scrub, plan, intended
        self.scope = scope or {}
        self.bases = {n.node: n.base for n in plan.nodes}
        self.secrets: dict[str, str] = {}
        for node in intended.values():
            self.learn(node.text)

    def learn(self, text: str) -> None:
        self.secrets.update(self.scrub.tokens(text))

    def resolve(self, line: str) -> str:
        def value(match: re.Match[str]) -> str:
            token = match.group(0)
            if token not in self.secrets:
                raise WifiopsError(f"the plan holds a secret ({token}) that is neither in the secrets store nor on "
                                   "the device any more; nothing was sent; plan again with `wifiops apply`")
            return self.secrets[token]
        return TOKEN.sub(value, line)

    def drift(self, node: str, running: str) -> str | None:
        base, now = self.bases[node], self.scrub(running)
        if base == now:
            return None
        diff = list(difflib.unified_diff(base.splitlines(), now.splitlines(), f"{node} (planned from)",
                                         f"{node} (now)", lineterm="", n=1))
        cut = diff[:DRIFT_LINES] + ([f"... {len(diff) - DRIFT_LINES} more line(s)"] if len(diff) > DRIFT_LINES else [])
        return "\n".join(cut)

    def verify(self, node: str, running: str) -> str | None:
        judged = judge(self.intended[node], self.scrub(running), self.scrub, "live", self.plan.features,
                       extra_kinds=self.scope.get(node, set()))
        if judged.compliant:
            return None
        lines = [line.strip() for line in judged.remediation.splitlines() if line.strip() not in ("", aos8().block_end)]
        return f"{len(lines)} line(s) still differ, first {lines[0]!r}" if lines else "it differs from its intent"

    def same(self, before: str, after: str) -> bool:
        """Equal to the pre-change state line for line (an object re-created is listed after its kind's
        others, as the device lists them in creation order)."""
        return sorted(self.scrub(before).splitlines()) == sorted(self.scrub(after).splitlines())


def _check_intent(plan: ApplyPlan, intended: dict[str, NodeConfig], scrub: Scrubber, plan_file: Path | None) -> None:
    changed = [n.node for n in plan.nodes if n.node not in intended or digest(scrub(intended[n.node].text)) != n.intended]
    if changed:
        raise WifiopsError(f"{plan_file}: the intent of {', '.join(changed)} changed since this plan was made; "
                           "plan again with `wifiops apply` and review it")


def _targets(nr: Any, conductor: str, plan: ApplyPlan) -> list[str]:
    """The conductor, and each controller whose device node is, or is under, a node the plan changes."""
    changed = [n.node.rstrip("/") for n in plan.changed]
    under = [h.name for h in nr.filter(MANAGED).inventory.hosts.values()
             if h.get("config_path") and h.name != conductor
             and any(h["config_path"] == node or h["config_path"].startswith(node + "/") for node in changed)]
    return [conductor, *sorted(under)]


def revert(estate: Estate, *, plan_file: Path,
           progress: Callable[[str], None] = lambda _: None) -> ApplyReport:
    """Each node a plan changed brought back to the configuration the plan was made from (a playbook's
    rollback, after a later step failed): planned from the live state over the whole node, pushed and checked
    by the same transaction, and judged equal to that configuration rather than to the intent. A secret
    rotated since cannot be put back (its value is gone): the revert then refuses before sending anything."""
    conductor = estate.conductor.name
    with hold(conductor_lock(estate.run_dir, conductor), f"the conductor {conductor}",
              on_stale=progress):
        return _revert(estate, conductor, plan_file, progress)


def _revert(estate: Estate, conductor: str, plan_file: Path,
            progress: Callable[[str], None]) -> ApplyReport:
    settings, directory, nr = estate.settings, estate.directory, estate.nornir
    repo = BackupRepo(settings.path(settings.backup_dir))
    key = seal_key(repo.git_dir)
    saved = load(plan_file)
    check_seal(saved, key, plan_file)  # the configuration it goes back to is the plan's: it must be the one made
    run = start_run(estate, "revert", names=[conductor])
    scrub = Scrubber(run.store, load_key(repo.git_dir))
    targets = {n.node: n.base for n in saved.changed}
    live = live_nodes(estate, nr, conductor, list(targets))
    nodes = []
    for node, target in targets.items():
        now = scrub(live[node])
        back = plan(now, target)
        nodes.append(NodePlan(node=node, base=now, intended=digest(target), features={},
                              remediation=run.redact(back.remediation), rollback=run.redact(back.rollback)))
    reverting = sealed(ApplyPlan(made=datetime.now(timezone.utc), source="live", inventory=str(directory),
                                 conductor=conductor, limit=[], features=[], nodes=nodes), key)
    report = ApplyReport(reverting, save(reverting, run.folder / PLAN_FILE), run.folder, committed=True)
    if not reverting.changed:
        return report
    checks = _Revert(scrub, reverting, targets)
    aggregated = run.execute(apply_task, steps=steps_of(reverting), nodes=[n.node for n in nodes], checks=checks,
                             stop_after=1, progress=progress)
    multi = aggregated[conductor]
    outcome = multi[0].result if len(multi) else None
    if not isinstance(outcome, ApplyOutcome):
        report.error = run.redact(reason(conductor, multi.exception))
        return report
    report.outcomes, report.stopped = outcome.nodes, outcome.stopped
    return report


class _Revert(Checks):
    """A revert is judged against the configuration it goes back to, not against the intent."""

    def __init__(self, scrub: Scrubber, plan: ApplyPlan, targets: dict[str, str]) -> None:
        super().__init__(scrub, plan, {})
        self.targets = targets

    def verify(self, node: str, running: str) -> str | None:
        if sorted(self.scrub(running).splitlines()) == sorted(self.targets[node].splitlines()):
            return None
        return "it differs from the configuration it was to go back to"


def with_intent(nr: Any, overrides: dict[str, dict[str, Any]]) -> Any:
    """The estate with some keys of some groups' or hosts' data replaced, in memory: the intent as it will be at
    a runbook's step (a server group's order, a controller in service). The inventory's files are unchanged:
    they say where the estate is going once an engineer writes the end state in them."""
    for name, values in overrides.items():
        owner = nr.inventory.groups.get(name) or nr.inventory.hosts.get(name)
        if owner is None:
            raise WifiopsError(f"intent: no group or host {name!r} in the inventory")
        owner.data.update(values)
    return nr


def with_target_opmode(nr: Any, ssids: Sequence[str]) -> Any:
    """The estate with the named SSIDs at their `target_opmode`, in memory only: the inventory still says what
    runs today until an engineer changes it."""
    wanted, found = set(ssids), set()
    for group in nr.inventory.groups.values():
        for ssid in group.data.get("ssids") or []:
            if ssid.get("name") in wanted:
                if not ssid.get("target_opmode"):
                    raise WifiopsError(f"SSID {ssid['name']} has no target_opmode in the inventory")
                ssid["opmode"] = ssid["target_opmode"]
                found.add(ssid["name"])
    if wanted - found:
        raise WifiopsError(f"no SSID {', '.join(sorted(wanted - found))} in the inventory's intent")
    return nr


def _outcome(outcome: NodeOutcome | None, planned: NodePlan) -> dict[str, Any]:
    if outcome is None:
        return {"status": "planned" if planned.lines else "unchanged", "sent": 0, "error": None, "restore": None}
    return {"status": outcome.status, "sent": outcome.sent, "error": outcome.error, "restore": outcome.rollback}


def _depth(node: str) -> tuple[int, str]:
    return node.rstrip("/").count("/"), node

