"""One function per step action: call the verb's engine function, say in one line what happened.

Each returns a StepResult: ok or not, a summary for the table, the run folders it wrote (transcripts),
per-host results where the verb has them, and what a later step may need (a check's snapshot, an
apply's plan). With `check` (a dry run) nothing changes a device and no mail leaves: apply plans only,
backup and notify say what they would do, confirm is answered yes.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wifiops.engine.scope import Scope
from wifiops.errors import WifiopsError
from wifiops.playbooks import schema
from wifiops.settings import Settings

if TYPE_CHECKING:
    from wifiops.estate import Estate


@dataclass
class StepResult:
    ok: bool
    summary: str
    log_dirs: list[str] = field(default_factory=list)
    hosts: dict[str, str] = field(default_factory=dict)  # host or node -> "ok" or what went wrong
    data: dict[str, Any] = field(default_factory=dict)  # for later steps: snapshot, plan, revision
    declined: bool = False  # not ok because the engineer said no: its own outcome, neither ok nor failed


@dataclass
class Context:
    """What every step of one playbook run shares: the estate opened once for the run, among the rest."""

    estate: Estate
    check: bool
    limit: Sequence[str]
    results: dict[str, StepResult]  # earlier steps, by name
    redact: Callable[[str], str]
    confirm: Callable[[str], bool]  # a plan confirmation (`--yes` answers it)
    progress: Callable[[str], None]
    # a physical step: (step name, question) -> (answer, who answered and how); never answered by `--yes`
    physical: Callable[[str, str], tuple[bool, str]] | None = None
    step: str = ""  # the step running now
    next_apply: schema.Apply | None = None  # the apply a plan confirmation is about
    shown_plan: Path | None = None  # the plan the engineer confirmed: the next apply sends exactly that
    rehearsed: list[Scope] = field(default_factory=list)  # --check: the scopes of the applies not performed
    clock: Callable[[], float] = time.monotonic  # settling waits: injected in tests (the lab's clock)
    sleep: Callable[[float], None] = time.sleep
    rehearsal_within: timedelta | None = None  # the playbook's `rehearsed_within`: its plan rehearsed on a twin since
    rehearsing: bool = False  # this run is the rehearsal (on a twin)
    record: Callable[[], dict[str, Any]] | None = None  # this run as recorded so far (the DOE step's history)

    @property
    def settings(self) -> Settings:
        return self.estate.settings


def _list(value: list[str] | str | None, default: Sequence[str] = ()) -> list[str]:
    if value is None or value == "" or value == []:
        return list(default)
    return [value] if isinstance(value, str) else list(value)


def backup(ctx: Context, params: schema.Backup) -> StepResult:
    if ctx.check:
        return StepResult(True, f"would back up {', '.join(params.hosts) or 'every managed host'}")
    from wifiops.engine.backup import run_backup

    report = run_backup(ctx.estate, names=params.hosts)
    hosts = {h.host: "ok" if h.ok else (h.error or "failed") for h in report.hosts}
    failed = [h for h in report.hosts if not h.ok]
    head = None if report.revision else _head(ctx.settings)  # nothing new: the commit it stands on, for reports
    summary = (f"{len(report.hosts) - len(failed)} of {len(report.hosts)} host(s) backed up, revision "
               f"{(report.revision or 'unchanged')[:12]}" + (f" (still {head[:12]})" if head else "")
               + (f"; failed: {', '.join(h.host for h in failed)}" if failed else ""))
    if report.pushed not in (None, "ok"):
        summary += f"; push failed: {report.pushed}"
    return StepResult(report.exit_code == 0, summary, [str(report.log_dir)], hosts,
                      {"revision": report.revision or head})


def render(ctx: Context, params: schema.Render) -> StepResult:
    from wifiops.engine.render import render_intent

    report = render_intent(ctx.estate, limit=_list(params.limit, ctx.limit),
                           features=_list(params.feature))
    return StepResult(True, f"{len(report.nodes)} node(s) rendered, {sum(n.lines for n in report.nodes)} line(s)")


def diff(ctx: Context, params: schema.Diff) -> StepResult:
    from wifiops.engine.apply import with_intent
    from wifiops.engine.diff import compliance

    overrides = _overrides(params.intent, params.move_ap_groups)
    nr = with_intent(ctx.estate.fresh(), overrides) if overrides else None
    report = compliance(ctx.estate, limit=_list(params.limit, ctx.limit),
                        features=_list(params.feature), live=params.live, nr=nr)
    off = [n.node for n in report.nodes if not n.compliant]
    hosts = {n.node: "compliant" if n.compliant else "not compliant" for n in report.nodes}
    summary = f"{len(report.nodes) - len(off)} of {len(report.nodes)} node(s) compliant" + (
        f"; not: {', '.join(off)}" if off else "")
    summary += "".join(f"; {s.segment} pending on the firewall" for s in report.firewall if s.pending)
    if ctx.check and params.expect == "compliant" and off:  # nothing was pushed: this is what a push must fix
        return StepResult(True, f"would verify: {summary} before the push", hosts=hosts)
    return StepResult(not off or params.expect == "any", summary, hosts=hosts)


def scope_of(ctx: Context, params: schema.Apply, name: str) -> Scope:
    """The step's declared scope, or its `feature` and `limit`: what it was asked to change. In a rehearsal,
    what the earlier applies would have sent is accepted too: they did not send it."""
    given = params.scope
    if given is None:
        found = Scope.of(features=_list(params.feature), nodes=_list(params.limit, ctx.limit), why=name)
    else:
        found = Scope.of(features=given.features, nodes=given.nodes, kinds=given.objects, why=name)
    return replace(found, rehearsed=tuple(ctx.rehearsed)) if ctx.check else found


def apply(ctx: Context, params: schema.Apply) -> StepResult:
    from wifiops.engine.apply import apply as apply_plan
    from wifiops.engine.scope import OutOfScope

    scope = scope_of(ctx, params, ctx.step)
    shown, ctx.shown_plan = ctx.shown_plan, None  # the plan the engineer confirmed, if this apply follows one
    try:
        report = apply_plan(ctx.estate, limit=_list(params.limit, ctx.limit),
                            features=_list(params.feature), live=params.live, commit=not ctx.check,
                            plan_file=shown,
                            stop_after=params.stop_after, progress=ctx.progress,
                            target_opmode=_list(params.target_opmode),
                            intent=_overrides(params.intent, params.move_ap_groups), scope=scope)
    except OutOfScope as exc:
        return StepResult(False, ctx.redact(str(exc)), data={"out_of_scope": [ctx.redact(str(d))
                                                                              for d in exc.differences]})
    changed = report.plan.changed
    if ctx.check:
        ctx.rehearsed.append(replace(scope, rehearsed=()))
    if not report.committed:
        verb = "would send" if changed else "nothing to send"
        lines = sum(n.lines for n in changed)
        return StepResult(report.exit_code == 0, f"{verb}: {lines} line(s) to {len(changed)} node(s)"
                          if changed else verb, [str(report.log_dir)], data={"plan": report.plan_file})
    hosts = {o.node: o.status + (f" ({o.error})" if o.error else "") + (f", {o.rollback}" if o.rollback else "")
             for o in report.outcomes.values()}
    if report.error:
        summary = report.error
    elif report.drift:
        summary = f"refused: {', '.join(report.drift)} changed since the plan was made; nothing was sent"
    else:
        applied = [o.node for o in report.outcomes.values() if o.status == "applied"]
        failed = [o.node for o in report.outcomes.values() if o.status == "failed"]
        if failed:
            summary = f"FAILED on {', '.join(failed)}: " + "; ".join(hosts[n] for n in failed) + (
                f"; rolled back with {', '.join(applied)}" if applied else "; nothing of this step stays")
        else:
            summary = f"applied to {', '.join(applied)}" if applied else "nothing to send"
    return StepResult(report.exit_code == 0, summary, [str(report.log_dir)], hosts,
                      {"plan": report.plan_file, "backup": report.backup_revision,
                       "applied": [o.node for o in report.outcomes.values() if o.status == "applied"]})


def _overrides(intent: dict[str, dict[str, Any]] | str, move: schema.MoveApGroups | None) -> dict[str, dict[str, Any]]:
    if isinstance(intent, str):  # filled from the playbook's vars before the step runs; a string left is a mistake
        raise WifiopsError(f"intent: {intent!r} is not a mapping of groups and hosts to their intent")
    merged = {name: dict(values) for name, values in intent.items()}
    for group in _list(move.groups) if move else []:
        merged.setdefault(group, {})["cluster"] = move.to if move else None
    return merged


def check(ctx: Context, params: schema.Check) -> StepResult:
    """A health check; with `settle:`, repeated until its condition holds or its deadline passes (the network
    takes minutes to settle after a move), saying how long it waited. In a rehearsal, a condition about a move
    that was not performed is not judged: the step says what it would wait for."""
    settle = schema.settling()[params.settle] if params.settle else None
    deadline = _seconds(params.deadline) or (settle.deadline if settle else 0)
    if ctx.check and params.group_on and ctx.rehearsed:
        found = _check_once(ctx, params.model_copy(update={"group_on": None}))
        what = settle.waits_for if settle else "every AP of the group up on the new controllers"
        group = params.group_on.get("group")
        return StepResult(found.ok, f"would wait up to {deadline or 0} s for {what} ({group}), after a move this "
                          f"rehearsal did not make; today: {found.summary}", found.log_dirs, found.hosts, found.data)
    started = ctx.clock()
    result = _check_once(ctx, params)
    if settle is None or ctx.check:
        return result
    attempts = 1
    while not result.ok and ctx.clock() - started < deadline:
        ctx.progress(f"  waiting for {settle.waits_for}: {result.summary.split('; ')[-1]} "
                     f"({ctx.clock() - started:.0f} s of {deadline} s)")
        ctx.sleep(min(settle.interval, max(0.0, deadline - (ctx.clock() - started))))
        result = _check_once(ctx, params)
        attempts += 1
    took = ctx.clock() - started
    waited = (f"{'settled' if result.ok else 'NOT settled'} after {took:.0f} s ({attempts} check(s), deadline "
              f"{deadline} s): {settle.waits_for}")
    ctx.progress(f"  {waited}")
    result.summary = f"{result.summary}; {waited}"
    result.data["waited"] = waited
    return result


def _seconds(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        found = int(value)
    except ValueError:
        raise WifiopsError(f"deadline: {value!r} is not a number of seconds") from None
    if not 1 <= found <= 86400:
        raise WifiopsError(f"deadline: {found} s is not between 1 s and a day")
    return found


def _check_once(ctx: Context, params: schema.Check) -> StepResult:
    from wifiops.engine.check import SNAPSHOT, compare, load_snapshot, run_check

    report = run_check(ctx.estate, names=params.hosts)
    found = report.to_dict()["summary"]
    ok = report.exit_code == 0 or (params.allow_findings and not report.errors)
    summary = f"{found['aps_up']} of {found['aps_seen']} APs up, {found['clients']} clients, " \
              f"{len(report.findings)} finding(s)" + (f", {len(report.errors)} host(s) unreachable" if report.errors else "")
    hosts = {e.split(":", 1)[0]: e for e in report.errors}
    if params.compare_with:
        earlier = ctx.results.get(params.compare_with)
        if earlier is None or "snapshot" not in earlier.data:
            return StepResult(False, f"no snapshot from step {params.compare_with!r} to compare with")
        change = compare(load_snapshot(Path(earlier.data["snapshot"])), report.snapshot)
        lost = change["aps_went_down"] + change["aps_gone"]
        if lost:
            ok = False
            summary += f"; since {params.compare_with!r}: {len(lost)} AP(s) went down ({', '.join(lost[:5])}" \
                       f"{'...' if len(lost) > 5 else ''})"
        else:
            summary += f"; since {params.compare_with!r}: no AP went down"
        short = {ssid: c for ssid, c in change["clients"].items() if c["after"] < 0.9 * c["before"]}
        if params.clients_back and short:
            ok = False
            summary += "; clients did not come back to " + ", ".join(
                f"{ssid} ({c['before']} -> {c['after']})" for ssid, c in short.items())
    if params.group_on:
        group, switches = str(params.group_on.get("group")), set(params.group_on.get("switches") or [])
        aps = {name: ap for name, ap in report.snapshot["aps"].items() if ap.get("group") == group}
        astray = sorted(name for name, ap in aps.items() if not ap.get("up") or ap.get("switch_ip") not in switches)
        if not aps or astray:
            ok = False
            summary += f"; {len(astray)} of {len(aps)} AP(s) of {group} not up on {', '.join(sorted(switches))}" + (
                f" ({', '.join(astray[:5])}{'...' if len(astray) > 5 else ''})" if astray else "")
        else:
            summary += f"; all {len(aps)} AP(s) of {group} up on {', '.join(sorted(switches))}"
    return StepResult(ok, summary, [str(report.log_dir)], hosts, {"snapshot": str(report.log_dir / SNAPSHOT)})


def report(ctx: Context, params: schema.Report) -> StepResult:
    from wifiops.engine.report import report_diff
    from wifiops.paths import inside, write_atomically
    from wifiops.reports.render import render as render_report

    out = inside(ctx.settings.root, params.out, "report")  # a variable in `out` never leads out of the repository
    if ctx.check:
        return StepResult(True, f"would write {params.out}")
    old = None
    if params.since:
        earlier = ctx.results.get(params.since)
        old = (earlier.data.get("revision") or earlier.data.get("backup")) if earlier else None
        if not old:
            return StepResult(False, f"step {params.since!r} left no backup revision to report from")
    found = report_diff(ctx.estate, limit=_list(params.limit, ctx.limit), old=old,
                        intended=params.intended, live=params.intended)
    write_atomically(out, render_report(found, params.format))
    return StepResult(True, f"{out}: {len(found.nodes)} node(s), {found.added} line(s) added, {found.removed} removed",
                      data={"report": str(out)})


def notify(ctx: Context, params: schema.Notify) -> StepResult:
    subject, body = ctx.redact(params.subject), ctx.redact(params.body)
    if ctx.check:
        return StepResult(True, f"would mail {', '.join(params.to) or 'mail.recipients'}: {subject}")
    from wifiops.notify import NotifyError, send_mail

    try:  # a mail that cannot leave is a warning of the run, not a failed change
        sent = send_mail(ctx.settings, subject, body, redact=ctx.redact, recipients=params.to or None)
    except NotifyError as exc:
        return StepResult(True, f"NOT mailed: {subject}", data={"warning": f"not mailed: {exc}"})
    return StepResult(True, f"mailed {', '.join(sent)}: {subject}")


def confirm(ctx: Context, params: str | schema.Confirm) -> StepResult:
    """A plan confirmation prints the plan of the next apply (per node, its exact lines and their count), keeps
    it in the record, and the apply then sends that plan and nothing else. A physical step is asked of the
    engineer (or named with --confirm-step), and the record says who answered."""
    question, physical = (params, False) if isinstance(params, str) else (params.ask, params.physical)
    data: dict[str, Any] = {}
    if not physical and ctx.next_apply is not None:
        shown = _plan_of(ctx, ctx.next_apply)
        data["plan"] = shown
        ctx.progress(_plan_text(shown))
        if "refused" in shown:
            return StepResult(False, f"not asked: {shown['refused']}", data=data)
        if ctx.rehearsal_within is not None and not ctx.check and not ctx.rehearsing and shown.get("nodes"):
            from wifiops.engine.rehearsal import unrehearsed

            missing = unrehearsed(ctx.settings, shown, ctx.rehearsal_within)
            if missing:
                return StepResult(False, f"not asked: {missing}", data=data)
    if ctx.check:
        return StepResult(True, f"would ask{' (physical step)' if physical else ''}: {question}", data=data)
    if physical:
        answer, who = (ctx.physical or (lambda _n, q: (ctx.confirm(q), "the caller")))(ctx.step, question)
        data["answered_by"] = who
        return StepResult(answer, f"{'confirmed' if answer else 'NOT confirmed'} by {who}: {question}", data=data,
                          declined=not answer and not who.startswith("nobody"))
    answer = ctx.confirm(question)
    if answer and "file" in data.get("plan", {}):
        ctx.shown_plan = Path(data["plan"]["file"])
    return StepResult(answer, f"{'confirmed' if answer else 'declined'}: {question}", data=data, declined=not answer)


def _plan_of(ctx: Context, params: schema.Apply) -> dict[str, Any]:
    """The next apply's plan, made now and saved (nothing sent): per node, its lines and their count."""
    from wifiops.engine.apply import apply as apply_plan
    from wifiops.engine.scope import OutOfScope

    scope = scope_of(ctx, params, ctx.step)
    try:
        report = apply_plan(ctx.estate, limit=_list(params.limit, ctx.limit),
                            features=_list(params.feature), live=params.live, commit=False,
                            target_opmode=_list(params.target_opmode),
                            intent=_overrides(params.intent, params.move_ap_groups), scope=scope)
    except OutOfScope as exc:
        return {"refused": ctx.redact(str(exc)), "scope": scope.describe()}
    nodes = [{"node": n.node, "lines": n.lines, "remediation": ctx.redact(n.remediation)} for n in report.plan.changed]
    return {"file": str(report.plan_file), "scope": scope.describe(), "nodes": nodes,
            "lines": sum(n["lines"] for n in nodes)}


def _plan_text(shown: dict[str, Any]) -> str:
    if "refused" in shown:
        return f"the plan: {shown['refused']}"
    if not shown["nodes"]:
        return f"the plan (scope: {shown['scope']}): nothing to send, every node is as intended"
    out = [f"the plan (scope: {shown['scope']}): {shown['lines']} line(s) to {len(shown['nodes'])} node(s)"]
    for node in shown["nodes"]:
        out.append(f"  {node['node']}: {node['lines']} line(s)")
        out += [f"    {line}" for line in node["remediation"].splitlines() if line.strip()]
    return "\n".join(out)


def clearpass(ctx: Context, params: schema.ClearPass) -> StepResult:
    from wifiops.engine.clearpass import ClearPassEstate, compare_servers, copy_devices, status

    estate = ClearPassEstate(ctx.estate)
    if params.action == "status":
        found = status(estate, params.hosts)
        hosts = {s.name: f"ok, {s.version.version}" if s.version else (s.error or "failed") for s in found.servers}
        answered = sum(1 for s in found.servers if s.ok)
        return StepResult(found.exit_code == 0, f"{answered} of {len(found.servers)} ClearPass server(s) answer",
                          hosts=hosts)
    if params.action == "delete_copied":
        return _delete_copied(ctx, estate, params)
    if params.action == "ensure":
        return _ensure(ctx, estate, params)
    a, b = _two(params)
    if params.action == "compare":
        same = compare_servers(estate, a, b)
        counts = f"{len(same.missing)} missing on {b}, {len(same.extra)} only on {b}, {len(same.differing)} differing"
        if ctx.check and not same.same:  # the copy before it sent nothing: say what it must have made
            return StepResult(True, f"would compare {a} and {b}: today {counts}")
        return StepResult(same.same, f"{a} and {b}: " + ("the same network devices" if same.same else counts))
    if params.action == "copy":
        copied = copy_devices(estate, a, b, commit=not ctx.check)
        verb = "copied" if copied.commit else "would copy"
        names = copied.created if copied.commit else [d.name for d in copied.to_create]
        summary = f"{verb} {len(names)} network device(s) from {a} to {b}"
        if copied.error:
            summary += f"; {copied.error}"
        return StepResult(copied.exit_code == 0, summary, [str(copied.folder)] if copied.folder else [],
                          data={"created": list(copied.created), "b": b})
    raise WifiopsError(f"clearpass: unknown action {params.action!r}")


def _ensure(ctx: Context, estate: Any, params: schema.ClearPass) -> StepResult:
    """The inventory's `hosts` as network devices (RADIUS clients) on `b`, each with its NAS address and the
    RADIUS secret of the intent; those already there are left. `created` feeds delete_copied, its undo."""

    if not params.b or not params.hosts:
        raise WifiopsError("clearpass ensure needs `b` (a server) and `hosts` (inventory hosts)")
    inventory = ctx.estate.nornir.inventory.hosts
    unknown = [h for h in params.hosts if h not in inventory]
    if unknown:
        raise WifiopsError(f"clearpass ensure: no host {', '.join(unknown)} in the inventory")
    secret = estate.store.get(estate.radius_secret_name(params.b))
    created: list[str] = []
    with estate.client(params.b) as target:
        missing = [h for h in params.hosts if target.network_device_named(h) is None]
        if ctx.check:
            return StepResult(True, f"would add {len(missing)} network device(s) to {params.b}: {', '.join(missing)}")
        for name in missing:
            host = inventory[name]
            address = host.get("nas_ip") or host.get("mgmt_ip")
            target.create_network_device({"name": name, "ip_address": address, "vendor_name": "Aruba",
                                          "description": f"{host.get('model')} {host.get('site')}"},
                                         {"radius_secret": secret})
            created.append(name)
    return StepResult(True, f"added {len(created)} network device(s) to {params.b}"
                      + (f": {', '.join(created)}" if created else ""), data={"created": created, "b": params.b})


def _delete_copied(ctx: Context, estate: Any, params: schema.ClearPass) -> StepResult:
    """The undo of a copy step: the devices it created on `b` deleted, newest first."""
    if not params.b:
        raise WifiopsError("clearpass delete_copied needs `b`, the server the copy wrote to")
    b = params.b
    earlier = ctx.results.get(params.since or "")
    created = list((earlier.data.get("created") if earlier else None) or [])
    if ctx.check:
        return StepResult(True, f"would delete {len(created)} network device(s) from {b}")
    removed = []
    with estate.client(b) as target:
        for name in reversed(created):
            device = target.network_device_named(name)
            if device is not None:
                target.delete_network_device(device.id)
                removed.append(name)
    return StepResult(True, f"deleted {len(removed)} network device(s) from {b}")


def _two(params: schema.ClearPass) -> tuple[str, str]:
    if not params.a or not params.b:
        raise WifiopsError(f"clearpass {params.action} needs `a` and `b` (two servers)")
    return params.a, params.b


def _head(settings: Settings) -> str | None:
    from wifiops.backups.store import BackupRepo

    repo = BackupRepo(settings.path(settings.backup_dir))
    return repo.repo.head.commit.hexsha if repo.repo.head.is_valid() else None


def firewall(ctx: Context, params: schema.Firewall) -> StepResult:
    """The firewall's part of the change: its sheets written again and shown, then a physical confirmation
    (the engineer's own answer; `--confirm-step "firewall change"`); confirmed, they are recorded in the
    backup repository with who confirmed (wifiops/engine/firewall.py). Nothing pending: nothing asked."""
    from wifiops.credentials import engineer
    from wifiops.engine import firewall as fw
    from wifiops.engine.render import render_intent

    sheets = render_intent(ctx.estate).sheets
    fw.write_sheets(ctx.settings.path(ctx.settings.render_dir), sheets)  # the engineer works from these files
    found = [s for s in sheets if s.pending]
    if not found:
        return StepResult(True, "nothing pending on the firewall")
    said = "; ".join(f"{s.segment}: {s.summary()} ({s.files[0]})" for s in found)
    question = f"Done on the operator's firewall as its change sheet(s) say? {said}"
    if ctx.check:
        return StepResult(True, f"would ask (physical step): {question}")
    ctx.progress(question)
    physical = getattr(ctx, "physical", None)  # the physical-step answerer, where the runner gives one
    answer, who = physical(getattr(ctx, "step", fw.STEP), question) if physical else (
        ctx.confirm(question), engineer(ctx.settings))
    if not answer:
        return StepResult(False, f"NOT confirmed: still pending on the firewall: {said}",
                          data={"sheets": [s.to_dict() for s in found]})
    revision = fw.confirm(ctx.settings, found, who=who, reference=params.reference)
    return StepResult(True, f"confirmed by {who}: {said}", hosts={f"firewall {s.segment}": "confirmed"
                                                                  for s in found},
                      data={"revision": revision, "answered_by": who, "sheets": [s.to_dict() for s in found]})


def upgrade(ctx: Context, params: schema.Upgrade) -> StepResult:
    """The upgrade verb's plan (a dry run stops there) and run; a device back unhealthy has already been
    booted on its previous partition by the engine when this step fails (its own way back)."""
    from wifiops.engine.upgrade import execute, plan

    found, run = plan(ctx.estate, ctx.settings.path(Path(params.target)),
                      names=_list(params.hosts))
    order = ", ".join(s.host for s in found.steps if s.skip is None)
    if found.errors or found.findings:
        return StepResult(False, "; ".join(found.findings + found.errors), [str(found.log_dir)],
                          data={"plan": found.to_dict()})
    if ctx.check:
        first = next((s for s in found.steps if s.sends), None)
        sends = "" if first is None else (
            f"; each host is sent {', '.join(x for x in first.sends if not x.startswith('---'))} (as for "
            f"{first.host}) and waited for: {'; '.join(first.waits)}")
        md = next((s for s in found.steps if s.sends and s.role == "md" and s is not first), None)
        if md is not None:  # a controller's turn differs: the APs' preload, their rejoin, each group's allowance
            sends += (f"; each controller is sent {', '.join(x for x in md.sends if not x.startswith('---'))} (as for "
                      f"{md.host}) and waited for: {'; '.join(md.waits)}")
        sends += (f"; worst case {found.worst_case.total_seconds() / 3600:.1f} h (the window holds it), worst case with "
                  f"the way back: {(found.worst_case + found.way_back_worst_case).total_seconds() / 3600:.1f} h")
        return StepResult(True, f"would upgrade to {found.target.version}, in this order: {order or 'nothing'}{sends}",
                          [str(found.log_dir)], data={"plan": found.to_dict()})
    report = execute(found, run, progress=ctx.progress, timeout=float(ctx.settings.timeout))
    summary = (f"{found.target.version} on {order}" if report.stopped is None else f"stopped: {report.stopped}")
    if report.samples:  # what the record keeps of the service: each group's longest down time, the APs' releases
        worst = max(report.groups_down_s.items(), key=lambda x: x[1], default=None)
        summary += (f"; {report.samples} AP samples, longest AP group down: "
                    + (f"{worst[0]} {worst[1]:g} s" if worst else "none"))
    if report.ap_versions_after:
        summary += "; APs after: " + ", ".join(f"{n} {r}" for r, n in sorted(
            sum((Counter(v) for v in report.ap_versions_after.values()), Counter()).items()))
    return StepResult(report.code == 0, summary, [str(found.log_dir)],
                      {o.host: o.state if o.state in ("upgraded", "skipped") else f"{o.state}: {o.detail}"
                       for o in report.outcomes}, {"report": report.to_dict()})


def doe(ctx: Context, params: schema.Doe) -> StepResult:
    """The next DOE version with this run in its history (not journaled yet: given as pending, its outcome as
    it stands now). A build that fails is a warning: the change is done whatever its documentation says."""
    from wifiops.reports.doe import build

    if ctx.check:
        return StepResult(True, f"would build the next DOE version ({', '.join(params.formats)})")
    run = dict(ctx.record()) if ctx.record else {}
    if run.get("result") == "ok" and any(not s.get("ok") for s in run.get("steps", [])):
        run["result"] = "failed"  # a step that failed and let the run continue: the outcome the journal will say
    try:
        built = build(ctx.estate, clearpass=params.clearpass, formats=params.formats,
                      pending=[run] if run else [])
    except WifiopsError as exc:
        return StepResult(True, f"DOE NOT updated: {ctx.redact(str(exc))}",
                          data={"warning": f"the DOE was not updated: {exc}; run `wifiops doe build`"})
    root = ctx.settings.path(Path("."))
    folder = built.folder.relative_to(root) if built.folder.is_relative_to(root) else built.folder
    files = f"{folder} ({', '.join(sorted(built.files))})"
    said = f"DOE version {built.version['number']}" + ("" if built.new else " (nothing new)")
    return StepResult(True, f"{said}: {files}", data={"doe_version": built.version["number"]})


ACTIONS: dict[str, Callable[[Context, Any], StepResult]] = {
    "backup": backup, "render": render, "diff": diff, "apply": apply, "check": check, "report": report,
    "notify": notify, "confirm": confirm, "clearpass": clearpass, "firewall": firewall, "upgrade": upgrade,
    "doe": doe,
}
