"""`wifiops run PLAYBOOK --rehearse`: the whole playbook, for real, on a twin of the last backup (issue 32).

A twin (wifiops/lab/twin.py) of the estate's last backup is started on free ports; the playbook runs against
it with the twin's inventory copy as its only inventory (so no line can reach the estate): real pushes,
commits, verifications, rollbacks and checks, with the twin's AP moves and rejoin delays. Everything the run
writes goes to `<run_dir>/rehearsals/<time>-rehearsal/` (its runs and journal, its backups, its rendered
files, its supervision samples), never to the estate's backups or check snapshots. Then the twin is torn down,
and the journal gets one `rehearsal` record: the plan's keyed hash (wifiops/engine/rehearsal.py), the result,
the fidelity; a later real run of the same plan links to it.

Face-level, as `wifiops lab up` is: the one place besides the lab's CLI that starts a lab.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wifiops.errors import WifiopsError
from wifiops.settings import Settings

CONFIRMED_BY = "the rehearsal (on a twin: nothing reaches the estate)"


@dataclass
class Rehearsal:
    report: Any  # the PlaybookReport of the run on the twin
    fidelity: Any  # wifiops.lab.twinseed.Fidelity
    plan: str | None  # the keyed hash of the plan shown
    folder: Path  # where everything the run wrote is
    received: dict[str, int] = field(default_factory=dict)  # twin host -> configuration lines it received
    planned: list[list[str]] = field(default_factory=list)  # [section, step, action, on_failure] of the playbook

    @property
    def exit_code(self) -> int:
        return int(self.report.exit_code)

    def to_dict(self) -> dict[str, Any]:
        return {"rehearsal": True, "plan": self.plan, "folder": str(self.folder), "fidelity": self.fidelity.to_dict(),
                "received": self.received, "planned": self.planned, "run": self.report.to_dict()}


def rehearsal_settings(settings: Settings, scratch: Path, inventory: Path) -> Settings:
    """The estate's settings with every place a run writes moved into `scratch`, the twin's inventory, no
    bastion (the twin is on 127.0.0.1), mail off, and the twin's fixed lab login as the password command: the
    production `password_command` is never run for a rehearsal, nor production's password sent to a twin."""
    from wifiops.lab.twin import login_command

    data = settings.model_dump()
    for name in ("templates", "secrets_file"):
        data[name] = settings.path(Path(data[name]))
    data.update(root=scratch, inventory=inventory, run_dir=scratch / "runs", backup_dir=scratch / "backups",
                render_dir=scratch / "rendered", store=scratch / "supervision.sqlite", bastion=None, ssh_config=None,
                password_command=login_command(),
                mail={**data["mail"], "recipients": []})
    return Settings.model_validate(data)


def _planned(playbook: Path) -> list[list[str]]:
    from wifiops.playbooks import schema

    book = schema.load_playbook(playbook)
    return [[section, s.name, s.action, s.on_failure] for section, steps in
            (("pre_checks", book.pre_checks), ("steps", book.steps), ("post_checks", book.post_checks)) for s in steps]


def rehearse(settings: Settings, playbook: Path, *, inventory: Path | None = None, limit: Sequence[str] = (),
             variables: dict[str, Any] | None = None, faults: Sequence[str] = (),
             progress: Callable[[str], None] = lambda _: None, rejoin_delay: float | None = None,
             reload_delay: float | None = None) -> Rehearsal:
    """Start a twin of the last backup, run `playbook` on it, tear it down, journal the rehearsal. `faults`:
    `HOST KIND [ARG]` switched on in the twin before the run (what-if: a line refused, a save failing)."""
    from wifiops.engine.journal import append_journal, new_run_dir
    from wifiops.engine.rehearsal import KIND, plan_hash, plan_hashes
    from wifiops.lab import control, twin
    from wifiops.playbooks.runner import run_playbook

    planned = _planned(playbook)  # a playbook that does not load fails here, before a twin is started
    parsed = []
    for given in faults:
        words = given.split(None, 2)
        if len(words) < 2:
            raise WifiopsError(f"--twin-fault {given!r}: give HOST KIND [ARG], e.g. 'mm-1 reject-line ^vlan-name'")
        parsed.append((words[0], words[1], words[2] if len(words) > 2 else None))
    lab_dir = Path(tempfile.mkdtemp(prefix="wifiops-twin-"))  # short: a unix socket's path is at most 107 bytes
    progress("rehearsal: starting a twin of the last backup on free ports")
    try:
        try:
            status, fidelity = twin.up(settings, None, inventory_dir=settings.inventory_dir(inventory).resolve(),
                                       run_dir=lab_dir, free_ports=True, rejoin_delay=rejoin_delay,
                                       reload_delay=reload_delay, backup_inventory=inventory)
        except control.LabError as exc:
            raise WifiopsError(f"the rehearsal's twin could not start: {exc}") from None
        progress(f"twin of backup {fidelity.revision[:12]}: {fidelity.line()}")
        for said in fidelity.missing_secrets:
            progress(f"warning: {said}")
        try:
            for host, kind, arg in parsed:
                control.set_fault(host, kind, arg, run_dir=lab_dir)
                progress(f"twin fault: {host} {kind}{' ' + arg if arg else ''}")
            copy = Path(status.inventory_copy)
            # made once the twin is up: a twin that cannot start (no backup yet, bad input) leaves no empty folder
            scratch = new_run_dir(settings.path(settings.run_dir) / "rehearsals", "rehearsal")
            report = run_playbook(
                rehearsal_settings(settings, scratch, copy), playbook, inventory=copy, limit=limit,
                variables=variables, force=True, reason=f"rehearsal on a twin of backup {fidelity.revision[:12]}",
                confirm=lambda _: True, progress=progress, physical=lambda step, _: (True, CONFIRMED_BY),
                rehearsing={"revision": fidelity.revision, "fidelity": fidelity.line(),
                            "faults": [" ".join(w for w in f if w) for f in parsed]})
            received = {h.name: sum(1 for r in control.received(h.name, run_dir=lab_dir))
                        for h in status.hosts if h.protocol == "ssh"}
        except control.LabError as exc:
            raise WifiopsError(f"the rehearsal's twin: {exc}") from None
        finally:
            try:
                control.down(run_dir=lab_dir)
            except control.LabError as exc:
                progress(f"warning: the twin did not stop cleanly: {exc}")
    finally:
        shutil.rmtree(lab_dir, ignore_errors=True)
    found = Rehearsal(report, fidelity, plan_hash(settings, report.to_dict()), scratch, received, planned)
    append_journal(settings, {"kind": KIND, "name": report.name, "playbook": report.playbook, "plan": found.plan,
                              "plans": plan_hashes(settings, report.to_dict()),
                              "result": report.result, "started": report.started, "ended": report.ended,
                              "who": report.who, "revision": fidelity.revision, "fidelity": fidelity.line(),
                              "modelled": fidelity.modelled, "carried": fidelity.carried, "why": report.why,
                              "faults": report.rehearsing.get("faults") if report.rehearsing else [],
                              "folder": str(report.folder),
                              "steps": [[s.name, "ok" if s.ok else ("declined" if s.declined else "FAILED")]
                                        for s in report.steps]})
    return found


def rows(found: Rehearsal) -> list[list[str]]:
    """The playbook's steps as planned, side by side with what happened on the twin (rollbacks after)."""
    ran = list(found.report.steps)
    out = []
    for section, name, action, on_failure in found.planned:
        mine = [s for s in ran if s.name == name or s.name.startswith(name + " [")]
        for s in mine:
            ran.remove(s)
        state = ", ".join("ok" if s.ok else ("declined" if s.declined else "FAILED") for s in mine) or "not run"
        summary = "; ".join(s.summary for s in mine)
        out.append([name, f"{action}, on failure {on_failure}", state, summary])
    for s in ran:  # what the runner added: the rollback, the steps taken after it
        out.append([s.name, "(after a failure)", "ok" if s.ok else "FAILED", s.summary])
    return out


def carried_refusal(found: Rehearsal) -> str | None:
    """A line the twin refused that is of a kind it only carries: the refusal may be the twin's, not production's."""
    said = re.search(r"refused '([^']+)'", found.report.why or "")
    if not said:
        return None
    words = said.group(1).split()
    kinds = found.fidelity.kinds()
    kind = next((k for k in (" ".join(words[:2]), " ".join(words[1:2]), " ".join(words[:1])) if k in kinds), None)
    if kind is None:
        return None
    return (f"doubt: the refused line is of a kind the twin carries but does not model ({kind}, {kinds[kind]} "
            "line(s) carried): production may accept it; this failure says more about the lab than the change")


def show(found: Rehearsal) -> None:
    from wifiops.face.output import console, say, table, warnings

    report = found.report
    table(f"{report.name}: {report.result} (REHEARSAL on a twin of backup {found.fidelity.revision[:12]})",
          ["step", "planned", "on the twin", "summary"], rows(found))
    say(found.fidelity.line())
    if found.fidelity.aps_from:
        say(f"APs: {found.fidelity.aps_from}")
    shown = next((s.plan for s in report.steps if s.plan and not s.plan.get("refused")), None)
    if shown:
        say(f"plan: {shown.get('lines', 0)} line(s) to {len(shown.get('nodes') or [])} node(s); the twin's sessions "
            "typed " + ", ".join(f"{h} {n}" for h, n in found.received.items() if n) + " line(s) (shows and "
            "configuration, the rollback's too; `received` in --json)")
    if report.why:
        say(f"{'stopped' if report.result != 'ok' else 'noted'} because {report.why}")
        doubt = carried_refusal(found)
        if doubt:
            say(doubt)
    warnings([w for w in report.warnings if "mail" not in w])
    say("nothing was sent to the estate: the run's only inventory was the twin's, torn down since")
    console.print(f"rehearsal: {found.folder} (its runs, backups and journal); plan {found.plan or 'none shown'} "
                  "journaled: a real run of the same plan links to it", highlight=False, soft_wrap=True)
