"""Task `apply`: a plan pushed on the conductor MM as a transaction, one node step at a time.

The order of one run, in one session:
  1. `encrypt disable` (secrets print, so the state read back can be compared and restored);
  2. changes left pending by an earlier, cut session are shown and purged: a `write memory` would
     otherwise commit them with ours;
  3. every planned node is read; if one differs from the state the plan was made from, nothing is sent;
  4. each step (a node's changes, parents first, then its deletions, children first) is sent line by line,
     each answer checked; a refused line stops the step and purges what it left pending;
  5. `write memory`, checked;
  6. a node is read back after its last step and must be compliant with its intent;
  7. a failure in 4-6 counts; at `stop_after` failures every node this run committed is rolled back to
     what it was before the run (below it, only the failed node), and checked equal to it.
A line that gets no answer (the device went silent, the link was cut) is named after one timeout; a new session
is opened at once to purge what the old one left pending, and the rollback goes through it. An interruption
(Ctrl-C, SIGTERM: `interrupted` turns true) stops at the next line boundary and is a failure that rolls back
every node the run committed, whatever `stop_after` says.
Nothing is printed here: progress goes to the `progress` callback, the outcome back in the Result, and the
session's transcript (every line sent and answered) to the run's per-host log.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, cast

from nornir.core.task import Result, Task

from wifiops.aos8.connection import CONNECTION_NAME, Aos8Connection
from wifiops.aos8.hconfig import phases, plan
from wifiops.aos8.session import Aos8Session, Exchange
from wifiops.errors import CommandRefused, DeviceError, NoAnswer, NoPrompt, PlanDrift, SessionLost, WifiopsError

# What a node's outcome says, in the engineers' words.
UNCHANGED, APPLIED, FAILED, ROLLED_BACK, NOT_STARTED = "unchanged", "applied", "failed", "rolled back", "not started"
BEFORE_PUSH = "the backup taken before the push"  # the engine adds which revision of which repository
SILENT = (SessionLost, NoAnswer, NoPrompt)  # the session can no longer be trusted: open another one


class Interrupted(DeviceError):
    """Ctrl-C or SIGTERM: the run stops at a line boundary and rolls back what it committed."""


class Checks(Protocol):
    """What the engine knows and the session does not: the secrets behind a plan's keyed hashes, the state
    the plan was made from, and the intent."""

    def learn(self, text: str) -> None: ...
    def resolve(self, line: str) -> str: ...
    def drift(self, node: str, running: str) -> str | None: ...
    def verify(self, node: str, running: str) -> str | None: ...
    def same(self, before: str, after: str) -> bool: ...


@dataclass(frozen=True)
class Step:
    node: str
    phase: str  # "changes" or "deletions"
    lines: tuple[str, ...]
    last: bool  # the node's last step: it is verified against its intent after this one


@dataclass
class NodeOutcome:
    node: str
    status: str = UNCHANGED
    sent: int = 0  # configuration lines sent (not counting cd, configure terminal, exit)
    error: str | None = None
    rollback: str | None = None  # None: not needed; "restored"; or why it could not be

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ApplyOutcome:
    nodes: dict[str, NodeOutcome]
    purged: str | None = None  # what an earlier session had left pending, as `show configuration pending` said
    stopped: bool = False
    failures: int = 0
    events: list[str] = field(default_factory=list)
    interrupted: bool = False  # stopped by Ctrl-C or SIGTERM


def apply(task: Task, *, steps: list[Step], nodes: list[str], checks: Checks, stop_after: int = 1,
          progress: Callable[[str], None] = lambda _: None,
          interrupted: Callable[[], bool] = lambda: False) -> Result:
    """`steps` empty: only the leftovers of an earlier session are purged (and said)."""
    def checkpoint() -> None:
        if interrupted():
            raise Interrupted(task.host.name, "interrupted (Ctrl-C or SIGTERM), stopped at a line boundary")

    session = _session(task)
    outcome = ApplyOutcome({node: NodeOutcome(node) for node in nodes})
    _prepare(session)
    outcome.purged = _purge_leftovers(session, progress)
    before = {node: _read(session, node) for node in nodes}
    for text in before.values():
        checks.learn(text)
    drifted = {node: what for node, text in before.items() if (what := checks.drift(node, text))}
    if drifted:
        raise PlanDrift(task.host.name, drifted)
    resolved = [[checks.resolve(line) for line in step.lines] for step in steps]  # every secret, before any push
    committed: list[str] = []  # nodes this run committed, in order
    for step, lines in zip(steps, resolved):
        record = outcome.nodes[step.node]
        if outcome.stopped or record.status in (FAILED, ROLLED_BACK):
            if record.status == UNCHANGED:
                record.status = NOT_STARTED
            continue
        try:
            checkpoint()  # before the push, between two nodes
        except Interrupted:
            _note(session, "interrupted (Ctrl-C or SIGTERM): stopped here, before this step")
            outcome.interrupted = outcome.stopped = True
            progress(f"{step.node}: interrupted before its {step.phase}: not started")
            record.status = NOT_STARTED if record.status == UNCHANGED else record.status
            _restore(_session(task), [n for n in nodes if n in committed], before, checks, outcome, progress)
            continue
        progress(f"{step.node}: {step.phase}, {len(lines)} line(s)")
        try:
            session = _push(task, session, step, lines, record, committed, progress, checkpoint)
            checkpoint()  # after its write memory
            if step.last:
                problem = checks.verify(step.node, _read(session, step.node))
                checkpoint()  # during verify
                if problem:
                    raise _NotCompliant(f"not compliant after the push: {problem}")
            record.status = APPLIED
        except (DeviceError, _NotCompliant) as exc:
            if isinstance(exc, Interrupted):
                _note(_session(task), "interrupted (Ctrl-C or SIGTERM): stopped here, rolling back")
            record.status, record.error = FAILED, _worded(exc)
            outcome.failures += 1
            progress(f"{step.node}: FAILED: {record.error}")
            if isinstance(exc, Interrupted) or outcome.failures >= stop_after:
                outcome.stopped = True
                outcome.interrupted = outcome.interrupted or isinstance(exc, Interrupted)
                targets = [n for n in nodes if n in committed or n == step.node]
            else:
                targets = [step.node]
            session = _session(task)
            _restore(session, targets, before, checks, outcome, progress)
    return Result(host=task.host, result=outcome, changed=any(r.status == APPLIED for r in outcome.nodes.values()),
                  failed=outcome.failures > 0)


class _NotCompliant(Exception):
    """Read back after its push, the node still differs from its intent."""


def _worded(exc: BaseException) -> str:
    text = str(exc)
    host, sep, rest = text.partition(": ")
    return rest if sep and isinstance(exc, DeviceError) and host == exc.host else text


def _push(task: Task, session: Aos8Session, step: Step, lines: list[str], record: NodeOutcome,
          committed: list[str], progress: Callable[[str], None] = lambda _: None,
          checkpoint: Callable[[], None] = lambda: None) -> Aos8Session:
    """One step: its lines at its node, then `write memory`. A refused line, a failed commit or an interruption
    purges what the step left pending; a cut or silent session is reopened and purged, then the failure is
    raised."""
    mark = len(session.transcript.exchanges)
    wanted = {line.strip() for line in lines}
    try:
        session.configure(lines, node=step.node, checkpoint=checkpoint)
        session.commit()
    except SILENT as exc:
        progress(f"{step.node}: {_worded(exc)}; opening a new session to purge and roll back")
        try:  # what the cut session left pending must not wait for someone else's `write memory`
            _purge(_reconnect(task))
        except WifiopsError:
            pass  # said by the caller: the rollback cannot run either
        raise
    except (CommandRefused, Interrupted):
        _purge(session)
        raise
    finally:  # the lines the device took, a cut or refused step's too
        record.sent += sum(1 for e in session.transcript.exchanges[mark:]
                           if not e.refused and not e.lost and e.sent in wanted)
    committed.append(step.node)
    return session


def _restore(session: Aos8Session, nodes: list[str], before: dict[str, str], checks: Checks,
             outcome: ApplyOutcome, progress: Callable[[str], None]) -> None:
    """Each node back to what it was before the run: what differs now is planned from the live state to the
    state read at the start (all of the node, not only the intent's scope), pushed in two phases across
    nodes (re-created objects parents first, removed ones children first), committed, then compared."""
    order = sorted(nodes, key=_depth)
    try:
        plans = {node: phases(plan(_read(session, node), before[node]).remediation) for node in order}
        for node, phase in [(n, 0) for n in order] + [(n, 1) for n in reversed(order)]:
            lines = plans[node][phase].splitlines()
            if lines:
                progress(f"{node}: rolling back, {len(lines)} line(s)")
                try:
                    session.configure(lines, node=node)
                    session.commit()
                except CommandRefused:
                    _purge(session)
                    raise
        for node in order:
            record = outcome.nodes[node]
            restored = checks.same(before[node], _read(session, node))
            record.rollback = "restored" if restored else ("NOT restored: the node differs from its pre-change "
                                                           f"state; that state is in {BEFORE_PUSH}")
            if record.status == APPLIED:
                record.status = ROLLED_BACK
    except WifiopsError as exc:
        outcome.stopped = True  # a session that cannot restore cannot push either
        for node in order:
            outcome.nodes[node].rollback = (f"NOT restored: {_worded(exc)}; what is left pending is purged by the "
                                            "next `wifiops apply --commit`, and the node's pre-change configuration "
                                            f"is in {BEFORE_PUSH}")
    for node in order:
        progress(f"{node}: rollback {outcome.nodes[node].rollback}")


def _note(session: Aos8Session, what: str) -> None:
    """A line of the transcript that was not sent: what happened to the run there."""
    session.transcript.exchanges.append(Exchange(f"<{what}>", "", "", at=time.time()))


def _depth(node: str) -> tuple[int, str]:
    return node.rstrip("/").count("/"), node


def _read(session: Aos8Session, node: str) -> str:
    return session.committed(node)


def _session(task: Task) -> Aos8Session:
    return task.host.get_connection(CONNECTION_NAME, task.nornir.config)  # type: ignore[no-any-return]


def _prepare(session: Aos8Session) -> None:
    session.prepare()


def _purge_leftovers(session: Aos8Session, progress: Callable[[str], None]) -> str | None:
    """Changes pending at login (the `^` in the prompt) were left by a session cut before its `write memory`."""
    if not session.prompt.unsaved:
        return None
    pending = session.pending()
    progress("pending changes left by an earlier session: purging them before the push")
    _purge(session)
    return pending


def _purge(session: Aos8Session) -> None:
    session.purge_pending()
    if session.prompt.unsaved:
        raise CommandRefused(session.name, "configuration purge-pending", "",
                             "configuration purge-pending left changes pending (the prompt still shows ^); "
                             "check `show configuration pending` on the MM before anything else")


def _reconnect(task: Task) -> Aos8Session:
    plugin = cast(Aos8Connection, task.host.connections[CONNECTION_NAME])
    session = plugin.reopen()
    _prepare(session)
    return session
