"""`wifiops report change REF`: the report of one intervention with its context, for the DOE, from the run
journal after the fact: reference, approver and approval date, the window's verdict or its override and
reason, engineer, outcome (a rolled-back run too, with the reason), health before and after, the steps, and
what changed in the configuration between the run's own "backup before" and "backup after".

Read after the run, not during it: every run gets a report, whatever its outcome, and a report can be made
again for any past run (the journal and the backups hold everything it says).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from wifiops.engine.journal import JOURNAL
from wifiops.readers import JOURNAL_BYTES, read_text
from wifiops.errors import WifiopsError
from wifiops.settings import Settings

if TYPE_CHECKING:
    from wifiops.estate import Estate

REVISION = re.compile(r"\brevision ([0-9a-f]{7,40})\b")
STILL = re.compile(r"\brevision unchanged \(still ([0-9a-f]{7,40})\)")
HEALTH = re.compile(r"(?P<up>\d+) of (?P<aps>\d+) APs up, (?P<clients>\d+) clients, (?P<findings>\d+) finding")


@dataclass
class ChangeReport:
    reference: str | None
    run: str  # the run folder's name
    playbook: str
    approver: str | None
    approved_on: str | None
    window: str  # "within the window", "not required", "forced: <reason>" or the rule broken
    window_detail: str | None  # the window check's own sentence
    engineer: str
    device_user: str | None
    started: str
    ended: str
    result: str
    reason: str | None  # why a run failed or was rolled back
    health: list[dict[str, Any]] = field(default_factory=list)  # step, ok, and figures when they parse
    steps: list[dict[str, Any]] = field(default_factory=list)
    after_rollback: list[str] = field(default_factory=list)
    before: str | None = None  # backup revisions compared
    after: str | None = None
    diff: dict[str, Any] | None = None  # the configuration report (wifiops/model/report.py Report.to_dict)
    diff_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def find_run(settings: Settings, wanted: str) -> dict[str, Any]:
    """The journal record of the latest production run whose reference or run folder is `wanted`."""
    path = settings.path(settings.run_dir) / JOURNAL
    records = []
    if path.exists():
        for line in read_text(path, JOURNAL_BYTES, "run journal").splitlines():  # bounded, as every reader
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if record.get("kind") == "playbook" and not record.get("check"):
                records.append(record)
    for record in reversed(records):
        if wanted in ((record.get("approval") or {}).get("reference"), PurePosixPath(str(record.get("folder"))).name):
            return record
    known = sorted({str((r.get("approval") or {}).get("reference")) for r in records if r.get("approval")})
    raise WifiopsError(f"no production run {wanted!r} in {path} (references: {', '.join(known) or 'none'})")


def change_report(estate: Estate, wanted: str) -> ChangeReport:
    from wifiops.engine.report import report_diff

    settings = estate.settings
    record = find_run(settings, wanted)
    approval = record.get("approval") or {}
    window = record.get("window") or None
    forced = record.get("forced") or None
    verdict = f"forced: {forced.get('reason')}" if forced else "not required" if not window else \
        "within the window" if window.get("allowed") else str(window.get("rule"))
    steps = [{"name": s["name"], "action": s["action"], "ok": s["ok"], "summary": s["summary"],
              "started": s["started"], "ended": s["ended"]} for s in record.get("steps", [])]
    failed = next((s for s in steps if not s["ok"] and s["action"] != "rollback"), None)
    reason = record.get("why") or (f"{failed['name']}: {failed['summary']}" if failed else None)
    health = [{"step": s["name"], "ok": s["ok"], "summary": s["summary"],
               **({k: int(v) for k, v in m.groupdict().items()} if (m := HEALTH.search(s["summary"])) else {})}
              for s in steps if s["action"] == "check"]
    report = ChangeReport(
        reference=approval.get("reference"), run=PurePosixPath(str(record.get("folder"))).name,
        playbook=str(record.get("name")), approver=approval.get("approver"), approved_on=approval.get("date"),
        window=verdict, window_detail=(window or {}).get("reason"), engineer=str(record.get("who")),
        device_user=record.get("device_user"), started=str(record.get("started")), ended=str(record.get("ended")),
        result=str(record.get("result")), reason=reason if record.get("result") != "ok" else None, health=health,
        steps=steps, after_rollback=list(record.get("after_rollback") or []))
    backups = [s for s in steps if s["action"] == "backup" and s["ok"]]
    # a backup that found nothing new says the commit it stands on: "revision unchanged (still 1a2b3c4d5e6f)"
    revisions = [m[1] if (m := REVISION.search(s["summary"]) or STILL.search(s["summary"])) else None
                 for s in backups]
    report.before = revisions[0] if revisions else None
    report.after = next((r for r in reversed(revisions[1:]) if r), report.before if len(revisions) > 1 else None)
    if report.before and report.after == report.before and len(revisions) > 1:
        # the last backup step found nothing new: the apply's own backup after its push (wifiops/engine/apply.py)
        # holds the change; it is the repository's last commit when the run ended
        report.after = _last_commit(settings, str(record.get("ended") or "")) or report.after
    if report.before and report.after:
        try:
            found = report_diff(estate, old=report.before,
                                new=report.after)
            report.diff = found.to_dict()
        except WifiopsError as exc:
            report.diff_error = str(exc)
    else:
        report.diff_error = "no backup before and after in this run"
    return report


def _last_commit(settings: Settings, ended: str) -> str | None:
    """The backup repository's last commit at `ended` (ISO), short; None when there is none to read."""
    import git

    try:
        repo = git.Repo(settings.path(settings.backup_dir))
        found = repo.git.log("-1", f"--before={ended}", "--format=%h") if ended else repo.git.log("-1", "--format=%h")
    except (git.GitError, OSError, ValueError):
        return None
    return found.strip() or None
