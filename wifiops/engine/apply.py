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
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from wifiops.tasks.apply import ApplyOutcome, NodeOutcome, Step, apply as apply_task
from wifiops.backups.scrub import Scrubber, load_key
from wifiops.backups.store import BackupRepo
from wifiops.credentials import engineer
from wifiops.engine.backup import run_backup
from wifiops.engine.journal import append_journal
from wifiops.aos8.hconfig import plan
from wifiops.engine.diff import compliance, judge, live_nodes, shared_kinds
from wifiops.engine.plans import PLAN_FILE, ApplyPlan, NodePlan, digest, load, save
from wifiops.engine.render import NodeConfig, RenderReport, render_intent
from wifiops.engine.run import conductor_of, reason, start_run
from wifiops.errors import PlanDrift, WifiopsError
from wifiops.estate import MANAGED, open_nornir
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
    purged: str | None = None
    stopped: bool = False
    outcomes: dict[str, NodeOutcome] = field(default_factory=dict)
    drift: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    engineer: str = ""

    @property
    def exit_code(self) -> int:
        """0 applied (or nothing to apply), 1 refused (drift) or failed and restored, 2 a node not restored
        or the run could not start."""
        if self.error:
            return 2
        if any((o.rollback or "").startswith("NOT") for o in self.outcomes.values()):
            return 2
        if self.drift or any(o.status == "failed" for o in self.outcomes.values()):
            return 1
        return 0

    def to_dict(self) -> dict[str, Any]:
        outcomes = self.outcomes
        return {
            "committed": self.committed, "engineer": self.engineer, "plan_file": str(self.plan_file),
            "log_dir": str(self.log_dir),
            "source": self.plan.source, "made": self.plan.made.isoformat(), "backup_revision": self.backup_revision,
            "purged_pending": self.purged, "stopped": self.stopped, "error": self.error, "drift": self.drift,
            "nodes": [{"node": n.node, "features": n.features, "lines": n.lines, "remediation": n.remediation,
                       "rollback": n.rollback,
                       **_outcome(outcomes.get(n.node), n)}
                      for n in self.plan.nodes],
        }


def apply(settings: Settings, *, inventory: Path | None = None, limit: Sequence[str] = (),
          features: Sequence[str] = (), live: bool = False, plan_file: Path | None = None, commit: bool = False,
          stop_after: int = 1, progress: Callable[[str], None] = lambda _: None,
          target_opmode: Sequence[str] = (), intent: dict[str, dict[str, Any]] | None = None) -> ApplyReport:
    """`target_opmode`: these SSIDs rendered at their `target_opmode` (a WPA3 move, one SSID at a time);
    `intent`: the intent at a runbook's step, in memory (see with_intent)."""
    if stop_after < 1:
        raise WifiopsError(f"--stop-after is a number of failed nodes, at least 1, not {stop_after}")
    directory = settings.inventory_dir(inventory)
    nr = with_target_opmode(with_intent(open_nornir(settings, directory), intent or {}), target_opmode)
    conductor = conductor_of(nr).name
    saved = load(plan_file) if plan_file else None
    if saved is not None:
        limit, features = saved.limit, saved.features
    rendered = render_intent(settings, inventory=directory, limit=limit, nr=nr)
    intended = {n.node: n for n in rendered.nodes}
    repo = BackupRepo(settings.path(settings.backup_dir))
    run = start_run(settings, "apply", inventory=directory, names=[conductor], nr=nr)
    scrub = Scrubber(run.store, load_key(repo.git_dir))
    plan = saved or make_plan(settings, directory, limit, features, live, nr, conductor, scrub, rendered)
    _check_intent(plan, intended, scrub, plan_file)
    report = ApplyReport(plan, save(plan, run.folder / PLAN_FILE), run.folder, engineer=engineer(settings))
    if not commit or not plan.changed:
        return report
    report.committed = True
    progress(f"backing up {conductor} and the controllers under the changed nodes")
    targets = _targets(nr, conductor, plan)
    if intent:  # a host brought into service in memory (a successor) is backed up once the inventory says so
        reachable = set(open_nornir(settings, directory).filter(MANAGED).inventory.hosts)
        targets = [name for name in targets if name in reachable]
    backed = run_backup(settings, inventory=directory, names=targets)
    failed = [h for h in backed.hosts if not h.ok]
    if failed:
        report.error = ("the fresh backup failed, so nothing was sent: "
                        + "; ".join(h.error or h.host for h in failed))
        return report
    revision = backed.revision or (repo.repo.head.commit.hexsha if repo.repo.head.is_valid() else None)
    report.backup_revision = revision[:12] if revision else None
    checks = Checks(scrub, plan, intended, shared_kinds(nr, list(intended.values())))
    aggregated = run.execute(apply_task, steps=steps_of(plan), nodes=[n.node for n in plan.nodes], checks=checks,
                             stop_after=stop_after, progress=progress)
    multi = aggregated[conductor]
    if isinstance(multi.exception, PlanDrift):
        report.drift = multi.exception.drifted
        return report
    outcome = multi[0].result if len(multi) else None
    if not isinstance(outcome, ApplyOutcome):
        report.error = run.redact(reason(conductor, multi.exception))
        return report
    report.outcomes, report.stopped = outcome.nodes, outcome.stopped
    report.purged = run.redact(outcome.purged) if outcome.purged else None
    for record in report.outcomes.values():
        record.error = run.redact(record.error) if record.error else None
    append_journal(settings, {"kind": "apply", "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              "engineer": report.engineer, "log_dir": str(report.log_dir),
                              "plan_file": str(report.plan_file), "backup_revision": report.backup_revision,
                              "result": {0: "applied", 1: "failed, restored", 2: "NOT restored"}[report.exit_code],
                              "nodes": {o.node: o.status for o in report.outcomes.values()}})
    return report


def make_plan(settings: Settings, directory: Path, limit: Sequence[str], features: Sequence[str], live: bool,
              nr: Any, conductor: str, scrub: Scrubber, rendered: RenderReport) -> ApplyPlan:
    """The plan of `wifiops diff` (latest backup, or a live read), with what it was made from."""
    found = compliance(settings, inventory=directory, limit=limit, features=features, live=live, nr=nr,
                       rendered=rendered)
    intended = {n.node: n for n in rendered.nodes}
    nodes = [NodePlan(node=n.node, base=n.running, intended=digest(scrub(intended[n.node].text)),
                      features=n.features, remediation=n.remediation, rollback=n.rollback)
             for n in sorted(found.nodes, key=lambda n: _depth(n.node))]
    return ApplyPlan(made=datetime.now(timezone.utc), source=found.nodes[0].source if found.nodes else "live",
                     inventory=str(directory), conductor=conductor, limit=list(limit), features=list(features),
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
        lines = [line.strip() for line in judged.remediation.splitlines() if line.strip() not in ("", "!")]
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


def revert(settings: Settings, *, inventory: Path | None = None, plan_file: Path,
           progress: Callable[[str], None] = lambda _: None) -> ApplyReport:
    """Each node a plan changed brought back to the configuration the plan was made from (a playbook's
    rollback, after a later step failed): planned from the live state over the whole node, pushed and checked
    by the same transaction, and judged equal to that configuration rather than to the intent. A secret
    rotated since cannot be put back (its value is gone): the revert then refuses before sending anything."""
    directory = settings.inventory_dir(inventory)
    nr = open_nornir(settings, directory)
    conductor = conductor_of(nr).name
    saved = load(plan_file)
    repo = BackupRepo(settings.path(settings.backup_dir))
    run = start_run(settings, "revert", inventory=directory, names=[conductor], nr=nr)
    scrub = Scrubber(run.store, load_key(repo.git_dir))
    targets = {n.node: n.base for n in saved.changed}
    live = live_nodes(settings, directory, nr, conductor, list(targets))
    nodes = []
    for node, target in targets.items():
        now = scrub(live[node])
        back = plan(now, target)
        nodes.append(NodePlan(node=node, base=now, intended=digest(target), features={},
                              remediation=run.redact(back.remediation), rollback=run.redact(back.rollback)))
    reverting = ApplyPlan(made=datetime.now(timezone.utc), source="live", inventory=str(directory),
                          conductor=conductor, limit=[], features=[], nodes=nodes)
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

