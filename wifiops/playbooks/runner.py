"""`wifiops run PLAYBOOK`: a playbook checked whole, held to its maintenance window, run step by step, journaled.

Before anything runs: the file against the schema, the variables (every `{{ vars.x }}` must be given), the
approval's date, and, for a playbook that interrupts service, the window: outside the opening hours of
every site it touches and approved at least 10 working days before (wifiops/windows.py). `--force` with a
reason overrides the window; the override is in the record. Then pre-checks (a failure stops before any
change), steps (each with its `on_failure`: stop, rollback the changes this run applied, or continue),
post-checks. The record (who, when, what, which approval, the window's verdict, per-step and per-host
results, the run folders with the transcripts) is appended as one JSON line to `<run_dir>/journal.jsonl`.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
import traceback
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from functools import partial
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, ParamSpec

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from wifiops.readers import JOURNAL_BYTES, read_text
from wifiops.credentials import engineer
from wifiops.engine.journal import JOURNAL, RUN_LOG, append_journal, new_run_dir
from wifiops.errors import WifiopsError
from wifiops.estate import Estate
from wifiops.yamlsource import Finding, dotted, load_yaml
from wifiops.playbooks import schema
from wifiops.playbooks.steps import ACTIONS, Context, StepResult
from wifiops.settings import Settings

__all__ = ["JOURNAL", "PlaybookReport", "run_playbook"]  # JOURNAL: the file the records go to
log = logging.getLogger("wifiops.playbook")
# The sandbox: a playbook's expressions reach no attribute of Python's internals (no os.popen from a
# `{{ ''.__class__... }}`), even in a --check rehearsal. `--var` values are data passed in, never rendered.
_ENV = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
ITEMS_SO_FAR = "__items_so_far__"
_WHOLE_VAR = re.compile(r"^\{\{\s*vars\.(\w+)\s*\}\}$")


@dataclass
class StepRecord:
    name: str
    action: str
    section: str  # pre_checks, steps, post_checks
    ok: bool
    summary: str
    started: str
    ended: str
    on_failure: str
    log_dirs: list[str] = field(default_factory=list)
    hosts: dict[str, str] = field(default_factory=dict)
    plan: dict[str, Any] | None = None  # a plan confirmation: the plan shown (per node, exact lines, counts)
    answered_by: str | None = None  # a physical step: who answered, and how
    waited: str | None = None  # a settling check: what it waited for, and how long
    declined: bool = False  # the engineer answered no: neither ok nor failed


@dataclass
class PlaybookReport:
    playbook: str
    name: str
    check: bool
    started: str
    folder: Path
    who: str  # the engineer (wifiops.credentials.engineer)
    device_user: str | None
    vars: dict[str, Any]
    approval: dict[str, str] | None
    window: dict[str, Any] | None
    forced: dict[str, str] | None = None
    steps: list[StepRecord] = field(default_factory=list)
    result: str = "ok"  # ok, failed, refused, declined (the engineer said no), rolled back, NOT restored (exit 2)
    ended: str = ""
    notified: str | None = None  # None: no mail due; "sent to ...", "would send", or why it failed
    reports: list[str] = field(default_factory=list)  # the runbook report's files
    why: str | None = None  # a run that failed or rolled back: the step and what it said
    after_rollback: list[str] = field(default_factory=list)  # health, backup and report taken after a rollback
    warnings: list[str] = field(default_factory=list)  # said, not failed: a mail that could not be sent
    rehearsing: dict[str, Any] | None = None  # this run is a rehearsal on a twin (issue 32): which backup, fidelity
    rehearsed: dict[str, Any] | None = None  # a real run: the rehearsal of the same plan, if any (engine/rehearsal.py)

    @property
    def exit_code(self) -> int:
        """The outcome of the work alone: a mail that could not be sent is a warning (`notified`), not an error;
        an undo that failed (NOT restored) is 2."""
        if self.result == "ok":
            return 0
        return 2 if self.result == "NOT restored" else 1

    def to_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["folder"] = str(self.folder)
        return found


_OPENED: ContextVar[list[tuple[Settings, dict[str, Any]]]] = ContextVar("maintenance_opened")
P = ParamSpec("P")


def _closes_its_window(run: Callable[P, PlaybookReport]) -> Callable[P, PlaybookReport]:
    """A run that interrupts service (not a dry run, allowed by its window or forced) journals its window open
    (`maintenance-start`) before its first step; this journals it closed (`maintenance-stop`) when the run
    ends, failed or interrupted (Ctrl-C) too. Supervision (wifiops/supervision/maintenance.py) opens no
    incident in between."""
    @functools.wraps(run)
    def closing(*args: P.args, **kwargs: P.kwargs) -> PlaybookReport:
        token = _OPENED.set([])
        try:
            return run(*args, **kwargs)
        finally:
            _close_windows()  # those _finish did not close: the run failed on an error, or Ctrl-C
            _OPENED.reset(token)
    return closing


def _close_windows() -> None:
    opened = _OPENED.get([])
    while opened:
        settings, record = opened.pop()
        append_journal(settings, {"kind": "maintenance-stop", "id": record["id"], "at": _now(), "by": record["by"]})


@_closes_its_window
def run_playbook(settings: Settings, path: Path, *, inventory: Path | None = None, check: bool = False,
                 limit: Sequence[str] = (), variables: dict[str, Any] | None = None, force: bool = False,
                 reason: str | None = None, now: datetime | None = None,
                 confirm: Callable[[str], bool] = lambda _: False,
                 progress: Callable[[str], None] = lambda _: None,
                 physical: Callable[[str, str], tuple[bool, str]] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 rehearsing: dict[str, Any] | None = None) -> PlaybookReport:
    """`confirm`: answers plan confirmations (the plan is printed first); `physical`: (step, question) ->
    (answer, who answered) for steps done by hand, by default `confirm` answering as "the caller"; `clock` and
    `sleep`: what settling checks wait with (tests pass the lab's clock)."""
    book = schema.load_playbook(path)
    values = {**book.vars, **_given(path, book, variables or {})}
    missing = [v for v in book.required_vars if values.get(v) in (None, "")]
    if missing:
        raise schema.PlaybookError([_finding(path, ("required_vars",), f"give {', '.join(missing)} with "
                                            + " ".join(f"--var {v}=..." for v in missing))])
    planned = [(section, step, item, _rendered(path, step, values, item, done), _undo(path, step, values, item, done))
               for section, steps in (("pre_checks", book.pre_checks), ("steps", book.steps),
                                      ("post_checks", book.post_checks))
               for group in _groups(steps)
               for item, done in _loop(_items(path, group[0], values))
               for step in group]
    approval = _approval(path, book, values)
    if force and not (reason or "").strip():
        raise WifiopsError("--force needs --reason \"...\": the override goes into the run record")
    for _, step, _, params, _ in planned:
        if step.action == "report":
            _confined(settings, path, (step.name, "out"), step.params.out, params.out)
    if book.runbook_report:
        _confined(settings, path, ("runbook_report",), book.runbook_report,
                  _render(path, ("runbook_report",), book.runbook_report, values, None))
    estate = Estate.open(settings, inventory)  # once for the run: every step works on it
    started = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    folder = new_run_dir(estate.run_dir, "run")
    store = estate.store
    report = PlaybookReport(str(path), book.name, check, started.isoformat(timespec="seconds"), folder,
                            engineer(settings), None, values, approval, None, rehearsing=rehearsing)
    report.device_user = estate.nornir.inventory.defaults.username
    report.window = _window(estate.nornir, book, approval, started) if book.interrupts_service else None
    used = _used(settings, approval) if approval and not check else None
    if used:
        if not force:
            report.result, report.why = "refused", used
            progress(f"refused: {used}")
            return _finish(settings, report, book, store.redact, progress)
        report.forced = {"reason": reason or "", "rule": "approval-reused"}
        progress(f"approval reused (--force): {used}")
    if report.window is not None and not report.window["allowed"]:
        if force:
            rules = [r for r in ((report.forced or {}).get("rule"), report.window.get("rule")) if r]
            report.forced = {"reason": reason or "", "rule": ", ".join(rules)}
            progress(f"window overridden (--force): {report.window['reason']}")
        elif check:
            progress(f"the window would refuse this run: {report.window['reason']}")
        else:
            report.result = "refused"
            return _finish(settings, report, book, store.redact, progress)
    if report.window is not None and not check:  # allowed, or forced: the window opens (_closes_its_window)
        record = {"kind": "maintenance-start", "id": f"run-{folder.name}", "at": _now(),
                  "sites": report.window["sites"], "reason": f"playbook {book.name}",
                  "reference": (approval or {}).get("reference"), "by": report.who, "run": str(folder),
                  "window": {"allowed": report.window["allowed"], "reason": report.window["reason"],
                             "forced": not report.window["allowed"]}}
        append_journal(settings, record)
        _OPENED.get().append((settings, record))
    ctx = Context(estate, check, limit, {}, store.redact, confirm, progress, physical, clock=clock,
                  sleep=sleep, rehearsal_within=book.rehearsal_span, rehearsing=rehearsing is not None,
                  record=lambda: json.loads(json.dumps(report.to_dict(), default=str)))
    done: list[tuple[str, schema.Step, schema.Undo | None, StepResult]] = []  # forward steps, for a rollback
    stopped, failed, declined = False, False, False
    for index, (section, step, item, params, undo) in enumerate(planned):
        if stopped:
            break
        name = step.name + (f" [{item}]" if item is not None else "")
        progress(f"{'(dry run) ' if check else ''}{name}")
        begun = _now()
        following = planned[index + 1] if index + 1 < len(planned) else None
        ctx.step = step.name
        ctx.next_apply = following[3] if following and following[1].action == "apply" else None
        result = _run_step(ctx, step, params, folder)
        ctx.results[step.name] = result
        if result.data.get("warning"):
            report.warnings.append(f"{name}: {store.redact(str(result.data['warning']))}")
        if result.ok and section != "pre_checks":
            done.append((step.name + (f" [{item}]" if item is not None else ""), step, undo, result))
        report.steps.append(StepRecord(name, step.action, section, result.ok, store.redact(result.summary), begun,
                                       _now(), step.on_failure, result.log_dirs,
                                       {k: store.redact(v) for k, v in result.hosts.items()},
                                       result.data.get("plan") if step.action == "confirm" else None,
                                       result.data.get("answered_by"), result.data.get("waited"), result.declined))
        progress(f"  {_state(result)}: {store.redact(result.summary)}")
        if result.ok:
            continue
        if result.declined:
            declined = True
        else:
            failed = True
        report.why = report.why or f"{name}: {store.redact(result.summary)}"
        if step.on_failure == "continue" and section != "pre_checks":
            continue
        stopped = True  # a failed pre-check stops before any change, whatever it says
        if step.on_failure == "rollback" and section != "pre_checks":
            report.result = _rollback(ctx, done, report, progress, store.redact)
            if report.result == "rolled back" or any(s.action == "rollback" for s in report.steps):
                _after_rollback(ctx, book, report, planned, done, progress)
    if (failed or declined) and report.result == "ok":
        report.result = "failed" if failed else "declined"
    return _finish(settings, report, book, store.redact, progress)


def _state(step: StepResult | StepRecord) -> str:
    return "ok" if step.ok else ("declined" if step.declined else "FAILED")


def _run_step(ctx: Context, step: schema.Step, params: Any, folder: Path) -> StepResult:
    try:
        return ACTIONS[step.action](ctx, params)
    except WifiopsError as exc:
        return StepResult(False, ctx.redact(str(exc)))
    except Exception as exc:  # a bug of ours: one line here, the traceback in the run's log
        with (folder / RUN_LOG).open("a", encoding="utf-8") as out:
            out.write(ctx.redact("".join(traceback.format_exception(exc))))
        return StepResult(False, f"unexpected {type(exc).__name__}: {ctx.redact(str(exc))} (a bug of wifiops; the "
                          f"traceback is in {folder / RUN_LOG})")


def _rollback(ctx: Context, done: list[tuple[str, schema.Step, schema.Undo | None, StepResult]],
              report: PlaybookReport, progress: Callable[[str], None], redact: Callable[[str], str]) -> str:
    """Every forward step of this run undone, newest first: its `undo:` when it has one, else, for an apply
    that changed nodes, each node back to the configuration its plan was made from."""
    from wifiops.engine.apply import revert
    from wifiops.playbooks.steps import apply as apply_step, clearpass as clearpass_step

    if ctx.check:
        return "failed"
    restored = True
    for name, step, undo, result in reversed(done):
        applied = step.action == "apply" and bool(result.data.get("applied"))
        if undo is None and not applied:
            continue
        progress(f"undoing {name}")
        begun = _now()
        try:
            if undo is not None and undo.apply is not None:
                back = apply_step(ctx, undo.apply)
            elif undo is not None and undo.clearpass is not None:
                back = clearpass_step(ctx, undo.clearpass)
            elif applied:
                reverted = revert(ctx.estate, plan_file=Path(result.data["plan"]),
                                  progress=progress)
                ok = reverted.exit_code == 0
                failures = "; ".join(f"{o.node}: {o.status}" + (f" ({o.error})" if o.error else "")
                                     + (f", {o.rollback}" if o.rollback else "")
                                     for o in reverted.outcomes.values() if o.status != "applied")
                back = StepResult(ok, ("restored " + ", ".join(reverted.outcomes) if reverted.outcomes else
                                       "nothing to restore") if ok else
                                  f"NOT restored: {reverted.error or failures or 'the revert did not complete'}",
                                  [str(reverted.log_dir)])
            else:
                continue
        except WifiopsError as exc:
            back = StepResult(False, f"NOT undone: {redact(str(exc))}")
        restored &= back.ok
        report.steps.append(StepRecord(f"undo {name}", "rollback", "rollback", back.ok, redact(back.summary),
                                       begun, _now(), "stop", back.log_dirs))
        progress(f"  {'ok' if back.ok else 'FAILED'}: {redact(back.summary)}")
    return "rolled back" if restored else "NOT restored"


def _after_rollback(ctx: Context, book: schema.Playbook, report: PlaybookReport, planned: list[Any],
                    done: list[tuple[str, schema.Step, schema.Undo | None, StepResult]],
                    progress: Callable[[str], None]) -> None:
    """After a rollback, what any change ends with: the health of the estate, a backup (the repository must not
    stay on a half-changed snapshot), and the DOE report of what was changed and reverted (the playbook's own
    report step, reading from its first backup; a runbook's report is written at the end anyway)."""
    from wifiops.playbooks.steps import backup as backup_step, check as check_step

    if ctx.check:
        return
    backups = [(step, params) for _, step, _, params, _ in planned if step.action == "backup"]
    reports = [params for _, step, _, params, _ in planned if step.action == "report"]
    todo: list[tuple[str, str, Callable[[], StepResult]]] = [
        ("health after the rollback", "check", lambda: check_step(ctx, schema.Check(allow_findings=True))),
        ("backup after the rollback", "backup",
         lambda: backup_step(ctx, backups[0][1] if backups else schema.Backup()))]
    applied = [(name, Path(result.data["plan"])) for name, step, _, result in done
               if step.action == "apply" and result.data.get("applied")]
    if applied:
        first = reports[0] if reports else schema.Report(out=f"reports/{book.name}-{report.started[:10]}.html")
        out = str(first.out).removesuffix(f".{first.format}") + f"-rolled-back.{first.format}"
        todo.append(("DOE report of the rollback", "report",
                     lambda: _rollback_report(ctx, applied, report.why or "a step failed", out, first.format)))
    for _, step, _, params, _ in planned:  # the DOE brought up to date: a rolled-back change is in its history too
        if step.action == "doe":
            todo.append(("DOE update after the rollback", "doe", partial(ACTIONS["doe"], ctx, params)))
            break
    for name, action, run in todo:
        progress(name)
        begun = _now()
        try:
            result = run()
        except WifiopsError as exc:
            result = StepResult(False, ctx.redact(str(exc)))
        ctx.results[name] = result
        report.steps.append(StepRecord(name, action, "after rollback", result.ok, ctx.redact(result.summary), begun,
                                       _now(), "continue", result.log_dirs,
                                       {k: ctx.redact(v) for k, v in result.hosts.items()}))
        report.after_rollback.append(f"{name}: {'ok' if result.ok else 'FAILED'}: {ctx.redact(result.summary)}")
        progress(f"  {'ok' if result.ok else 'FAILED'}: {ctx.redact(result.summary)}")


def _rollback_report(ctx: Context, applied: list[tuple[str, Path]], why: str, out: str, fmt: str) -> StepResult:
    from wifiops.engine.report import report_rollback
    from wifiops.paths import write_atomically
    from wifiops.reports.render import render as render_report

    path = ctx.settings.path(Path(out))
    found = report_rollback(ctx.estate, applied=applied, why=why)
    write_atomically(path, render_report(found, fmt))
    return StepResult(True, f"{path}: {len(found.nodes)} node(s) changed then reverted", data={"report": str(path)})


def _finish(settings: Settings, report: PlaybookReport, book: schema.Playbook, redact: Callable[[str], str],
            progress: Callable[[str], None]) -> PlaybookReport:
    report.ended = _now()
    due = "always" in book.notify_on or ("failure" in book.notify_on and report.result != "ok")
    if due:
        from wifiops.reports.render import playbook_mail

        # in the language of wifiops.yaml (French by default), Paris time
        subject, body = playbook_mail(json.loads(json.dumps(report.to_dict(), default=str)), settings.language)
        if report.check:
            report.notified = "would send: " + subject
        else:
            from wifiops.notify import NotifyError, send_mail

            try:
                sent = send_mail(settings, subject, body, redact=redact)
                report.notified = f"sent to {', '.join(sent)}"
            except NotifyError as exc:
                report.notified = f"NOT sent: {exc}"
                report.warnings.append(f"the summary mail was not sent: {exc}")
    if book.runbook_report:
        report.reports = _runbook_report(settings, report, _render(Path(report.playbook), ("runbook_report",),
                                                                   book.runbook_report, report.vars, None))
    if report.rehearsing is None and not report.check:
        from wifiops.engine.rehearsal import link

        report.rehearsed = link(settings, report.to_dict())  # the keyed hash of its plan, its rehearsal if any
    record = report.to_dict()
    (report.folder / "record.json").write_text(json.dumps(record, default=str) + "\n", encoding="utf-8")
    _close_windows()  # before the run's record, which stays the journal's last line
    append_journal(settings, {"kind": "playbook", **record})
    return report


def _runbook_report(settings: Settings, report: PlaybookReport, base: str) -> list[str]:
    """The run as a runbook report for the DOE, `<base>.md` and `<base>.html` (relative to wifiops.yaml)."""
    from wifiops.paths import inside, write_atomically
    from wifiops.reports.render import render_runbook

    record = json.loads(json.dumps(report.to_dict(), default=str))
    written = []
    for fmt in ("md", "html"):
        out = inside(settings.root, f"{base}.{fmt}", "runbook report")  # a variable never leads out of the repository
        write_atomically(out, render_runbook(record, fmt, settings.language, settings.path(Path("."))))
        written.append(str(out))
    return written


def _window(estate: Any, book: schema.Playbook, approval: dict[str, str] | None, when: datetime) -> dict[str, Any]:
    from wifiops.windows import Calendar

    calendar = Calendar.from_inventory(estate)
    approved_on = date.fromisoformat(approval["date"]) if approval else None
    verdict = calendar.check(when, sites=book.sites or None, approved_on=approved_on, duration=book.span)
    return {"allowed": verdict.allowed, "reason": verdict.reason, "rule": verdict.rule,
            "next_allowed": verdict.next_allowed.isoformat() if verdict.next_allowed else None,
            "sites": book.sites or "all", "when": when.isoformat(timespec="seconds"), "duration": book.duration}


def _given(path: Path, book: schema.Playbook, given: dict[str, Any]) -> dict[str, Any]:
    """The `--var` values, as data: a variable given several times is a list where the playbook's own value is a
    list (features, AP groups), and refused elsewhere (an approval has one reference)."""
    for name, value in given.items():
        if isinstance(value, list) and not isinstance(book.vars.get(name), list):
            raise schema.PlaybookError([_finding(path, ("vars",), f"--var {name} given {len(value)} times "
                                                 f"({', '.join(map(repr, value))}): {name} takes one value")])
    return dict(given)


def _confined(settings: Settings, path: Path, where: tuple[str, ...], template: str, rendered: str) -> None:
    """A path made from variables stays in the folder the playbook names before its first variable
    (`reports/{{ vars.change }}.html` stays in reports/): a variable never leads out of it."""
    literal = template.split("{{", 1)[0]
    folder = settings.path(Path(literal.rsplit("/", 1)[0] if "/" in literal else ".")).resolve()
    target = settings.path(Path(rendered)).resolve()
    if Path(rendered).is_absolute() != Path(literal or ".").is_absolute() or not target.is_relative_to(folder) \
            or ".." in Path(rendered).parts:
        raise schema.PlaybookError([_finding(path, where, f"{rendered!r} leads out of {folder}: a variable names a "
                                            "file in that folder, without '/' or '..'")])


def _used(settings: Settings, approval: dict[str, str]) -> str | None:
    """The earlier run this approval's reference authorised, if any: a reference authorises one run."""
    journal = settings.path(settings.run_dir) / JOURNAL
    if not journal.exists():
        return None
    lines = read_text(journal, JOURNAL_BYTES, "run journal").splitlines()  # bounded: a FIFO is refused, not read
    for line in reversed(lines):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if (record.get("kind") == "playbook" and not record.get("check") and record.get("result") != "refused"
                and (record.get("approval") or {}).get("reference") == approval["reference"]):
            return (f"approval {approval['reference']} already authorised the run of {record.get('name')} started "
                    f"{record.get('started')} ({record.get('folder')}): a reference authorises one run; a new "
                    "run needs a new approval, or --force --reason")
    return None


def _approval(path: Path, book: schema.Playbook, values: dict[str, Any]) -> dict[str, str] | None:
    if book.approval is None:
        return None
    found = {key: _render(path, ("approval", key), value, values, None)
             for key, value in book.approval.model_dump().items()}
    try:
        date.fromisoformat(found["date"])
    except ValueError:
        raise schema.PlaybookError([_finding(path, ("approval", "date"), f"{found['date']!r} is not a date "
                                            "(YYYY-MM-DD)")]) from None
    return found


def _groups(steps: list[schema.Step]) -> list[list[schema.Step]]:
    """Consecutive steps with the same `foreach` form one group, run once per item (check, apply, check)."""
    groups: list[list[schema.Step]] = []
    for step in steps:
        if groups and step.foreach is not None and groups[-1][0].foreach == step.foreach:
            groups[-1].append(step)
        else:
            groups.append([step])
    return groups


def _loop(items: list[str | None]) -> list[tuple[str | None, list[str]]]:
    """Each item with the items up to it (`{{ items_so_far }}`: an SSID moved stays moved)."""
    return [(item, [i for i in items[:n + 1] if i is not None]) for n, item in enumerate(items)]


def _items(path: Path, step: schema.Step, values: dict[str, Any]) -> list[str | None]:
    if step.foreach is None:
        return [None]
    if isinstance(step.foreach, list):
        return list(step.foreach)
    whole = _WHOLE_VAR.match(step.foreach.strip())
    value = values.get(whole.group(1)) if whole else _render(path, (step.name, "foreach"), step.foreach, values, None)
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _rendered(path: Path, step: schema.Step, values: dict[str, Any], item: str | None, done: list[str]) -> Any:
    """The step's parameters with their variables filled in, checked again against the schema."""
    params = step.params
    if isinstance(params, str):
        return _render(path, (step.name,), params, values, item)
    data = _fill(path, step.name, params.model_dump(), {**values, ITEMS_SO_FAR: done}, item)
    try:
        return type(params).model_validate(data)
    except Exception as exc:
        raise schema.PlaybookError([_finding(path, (step.name,), str(exc).splitlines()[-1])]) from None


def _undo(path: Path, step: schema.Step, values: dict[str, Any], item: str | None,
          done: list[str]) -> schema.Undo | None:
    if step.undo is None:
        return None
    data = _fill(path, step.name, step.undo.model_dump(), {**values, ITEMS_SO_FAR: done}, item)
    try:
        return schema.Undo.model_validate(data)
    except Exception as exc:
        raise schema.PlaybookError([_finding(path, (step.name, "undo"), str(exc).splitlines()[-1])]) from None


def _fill(path: Path, where: str, value: Any, values: dict[str, Any], item: str | None) -> Any:
    if isinstance(value, str):
        if value.strip() == "{{ items_so_far }}":
            return list(values.get(ITEMS_SO_FAR) or [])
        whole = _WHOLE_VAR.match(value.strip())
        if whole and whole.group(1) in values and not isinstance(values[whole.group(1)], str):
            return values[whole.group(1)]  # a list or null given whole stays one
        return _render(path, (where,), value, values, item)
    if isinstance(value, list):
        return [_fill(path, where, v, values, item) for v in value]
    if isinstance(value, dict):
        return {k: _fill(path, where, v, values, item) for k, v in value.items()}
    return value


def _render(path: Path, where: tuple[str, ...], text: str, values: dict[str, Any], item: str | None) -> str:
    try:
        return _ENV.from_string(text).render(vars=values, item=item)
    except jinja2.TemplateError as exc:
        raise schema.PlaybookError([_finding(path, where, f"{exc} (in {text!r}; give it with "
                                            "--var NAME=VALUE)")]) from None


def _finding(path: Path, where: tuple[str, ...], message: str) -> Finding:
    """A problem found once the variables are known, at its line: `where` starts with a step's name or a key."""
    doc = load_yaml(path)
    data = doc.data if isinstance(doc.data, dict) else {}
    for section in ("pre_checks", "steps", "post_checks"):
        for index, step in enumerate(data.get(section) or []):
            if isinstance(step, dict) and step.get("name") == where[0]:
                key = (section, index, *where[1:])
                return Finding(path, doc.line_of(key), dotted(key), message)
    return doc.finding(where, message)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
