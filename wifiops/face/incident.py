"""`wifiops incident list|show|ack|restore|exclude|maintenance`: the incidents of supervision, who acted and what
was done, the causes the contract excludes, and the approved maintenance windows that mute alerts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Annotated, Literal, Optional

import typer

from wifiops.face.options import JsonOption, settings
from wifiops.face.output import console, emit_json, table

app = typer.Typer(help="Incidents opened by `wifiops watch`: list, show, acknowledge, restore.", no_args_is_help=True)

StateChoice = Literal["active", "open", "acknowledged", "restored", "all"]
STATES: dict[str, tuple[Literal["open", "acknowledged", "restored"], ...]] = {
    "active": ("open", "acknowledged"), "open": ("open",), "acknowledged": ("acknowledged",),
    "restored": ("restored",), "all": ("open", "acknowledged", "restored")}
ByOption = Annotated[Optional[str], typer.Option("--by", help="Who acts (default: `engineer:` of wifiops.yaml, else "
                                                 "your bastion login, else your OS login).")]
NoteOption = Annotated[Optional[str], typer.Option("--note", "-m", help="What was done, or what is planned.")]
NumberArgument = Annotated[int, typer.Argument(metavar="ID", help="The incident's number.")]


def _paris(moment: datetime | None) -> str:
    from wifiops.when import format_when

    return format_when(moment)


@app.command("list")
def list_command(
    state: Annotated[StateChoice, typer.Option("--state", help="Which incidents (default: not yet restored).")]
    = "active",
    json: JsonOption = False,
) -> None:
    """Incidents, oldest first, with their restoration deadline (Europe/Paris). Exit 0."""
    from wifiops.engine.incident import list_incidents
    from wifiops.store import open_store

    from wifiops.engine.incident import EXCLUDED, maintenance_windows, moved_deadlines

    now = datetime.now(timezone.utc)
    chosen = settings()
    store = open_store(chosen)
    try:
        found = list_incidents(store, STATES[state])
        later = moved_deadlines(chosen, store, found, now)
        found = [replace(i, deadline=later[i.id].deadline) if i.id in later else i for i in found]
        causes = {i.id: next((e.note for e in reversed(store.events(i.id)) if e.action == EXCLUDED), None)
                  for i in found}
        planned = [a for a in store.alerts(active=True) if a.facts.get("planned")]
    finally:
        store.close()
    current = [w for w in maintenance_windows(chosen) if w.start <= now and (w.end is None or w.end > now)]
    if json:
        emit_json({"state": state, "incidents": [{**i.to_dict(now), "excluded": causes[i.id],
                                                  "deadline_moved": later[i.id].said() or None if i.id in later
                                                  else None} for i in found],
                   "maintenance_now": [w.to_dict() for w in current],
                   "planned_alerts": [a.to_dict() for a in planned]})
        return
    table(f"Incidents ({state}: {len(found)})", ["#", "severity", "state", "subject", "opened", "deadline", "", "summary"],
          ([i.id, i.severity, i.state, i.subject, _paris(i.opened_at), _paris(i.deadline),
            "OVERDUE" if i.overdue(now) else ("excluded" if causes[i.id] else ""), i.summary] for i in found),
          keys=["#", "subject"], optional=["state", "opened"])
    for number, moves in later.items():
        if moves.said():
            console.print(f"incident {number}: {moves.said()}", markup=False, highlight=False, soft_wrap=True)
    for number, cause in causes.items():
        if cause:
            console.print(f"incident {number} excluded from the contractual availability: {cause}", markup=False,
                          highlight=False, soft_wrap=True)
    for w in current:
        sites = ", ".join(w.sites) if w.sites is not None else "every site"
        console.print(f"maintenance window open since {_paris(w.start)} on {sites}: {w.what}; alerts there are "
                      "planned (no incident, not an outage)", markup=False, highlight=False, soft_wrap=True)
    if planned:
        console.print(f"{len(planned)} alert(s) active as planned: " + ", ".join(a.key for a in planned[:10])
                      + (" ..." if len(planned) > 10 else ""), markup=False, highlight=False, soft_wrap=True)


@app.command("show")
def show_command(number: NumberArgument, json: JsonOption = False) -> None:
    """One incident with its alert and every action on it. Exit 2 if there is no such incident."""
    from wifiops.engine.incident import moved_deadlines, show_incident
    from wifiops.store import open_store

    now = datetime.now(timezone.utc)
    chosen = settings()
    store = open_store(chosen)
    try:
        view = show_incident(store, number)
        later = moved_deadlines(chosen, store, [view.incident], now).get(number)
    finally:
        store.close()
    said = later.said() if later else ""
    if later is not None:
        view.incident = replace(view.incident, deadline=later.deadline)
    if json:
        emit_json({**view.to_dict(now), "deadline_moved": said or None})
        return
    i = view.incident
    console.print(f"incident {i.id}: {i.severity}, {i.state}{' (OVERDUE)' if i.overdue(now) else ''}", markup=False)
    for label, value in (("subject", f"{i.kind} {i.subject}"), ("summary", i.summary),
                         ("GTR", i.gtr or "none (a planned fix)"), ("opened", _paris(i.opened_at)),
                         ("deadline", _paris(i.deadline) or "none"), ("restored", _paris(i.restored_at) or "not yet")):
        console.print(f"  {label}: {value}", markup=False, highlight=False, soft_wrap=True)
    if said:
        console.print(f"  {said}", markup=False, highlight=False, soft_wrap=True)
    table("Actions", ["when", "who", "action", "note"],
          ([_paris(e.at), e.who, e.action, e.note] for e in view.events))


def _act(action: Literal["ack", "restore"], number: int, by: str | None, note: str | None, json: bool) -> None:
    from wifiops.engine.incident import acknowledge, restore
    from wifiops.store import open_store

    now = datetime.now(timezone.utc)
    chosen = settings()
    store = open_store(chosen)
    try:
        verb = acknowledge if action == "ack" else restore
        incident = verb(chosen, store, number, by=by, note=note, now=now)
    finally:
        store.close()
    if json:
        emit_json(incident.to_dict(now))
        return
    who = incident.acknowledged_by if action == "ack" else incident.restored_by
    console.print(f"incident {incident.id}: {incident.state} (by {who})", markup=False, highlight=False)


@app.command("ack")
def ack_command(number: NumberArgument, by: ByOption = None, note: NoteOption = None, json: JsonOption = False) -> None:
    """Someone is on it. The deadline still runs. Exit 1 if the incident is already restored."""
    _act("ack", number, by, note, json)


@app.command("restore")
def restore_command(number: NumberArgument, by: ByOption = None, note: NoteOption = None,
                    json: JsonOption = False) -> None:
    """The service is back; --note says what was done. On an incident the watch restored already (its alert
    cleared), the note is added and the restoration time stays."""
    _act("restore", number, by, note, json)


@app.command("exclude")
def exclude_command(
    number: NumberArgument,
    cause: Annotated[str, typer.Option("--cause", help="louvre-network, louvre-power, planned or third-party.")],
    reason: Annotated[str, typer.Option("--reason", "-m", help="What showed it (who said so); recorded.")],
    by: ByOption = None,
    json: JsonOption = False,
) -> None:
    """A cause the contract excludes: the incident's span leaves the contractual availability (the raw figure
    keeps it). Exit 1 for an unknown cause or no reason, 2 for no such incident."""
    from wifiops.engine.incident import exclude
    from wifiops.store import open_store

    now = datetime.now(timezone.utc)
    chosen = settings()
    store = open_store(chosen)
    try:
        incident = exclude(chosen, store, number, cause=cause, reason=reason, by=by, now=now)
    finally:
        store.close()
    if json:
        emit_json({**incident.to_dict(now), "excluded": f"{cause}: {reason.strip()}"})
        return
    console.print(f"incident {incident.id}: excluded from the contractual availability ({cause})", markup=False,
                  highlight=False)


maintenance_app = typer.Typer(help="Approved maintenance windows: alerts on their sites are planned.",
                              no_args_is_help=True)
app.add_typer(maintenance_app, name="maintenance")


@maintenance_app.command("start")
def maintenance_start_command(
    reason: Annotated[str, typer.Option("--reason", "-m", help="What the work is.")],
    site: Annotated[Optional[list[str]], typer.Option("--site", help="A site the work touches (repeat; default: "
                                                      "every site).")] = None,
    approved_on: Annotated[Optional[datetime], typer.Option("--approved-on", formats=["%Y-%m-%d"],
                                                            help="The day the Louvre approved it.")] = None,
    reference: Annotated[Optional[str], typer.Option("--reference", help="The approval's reference.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Declare it although the window rules refuse now "
                                        "(recorded as forced).")] = False,
    by: ByOption = None,
    json: JsonOption = False,
) -> None:
    """From now until `stop`, alerts on these sites open no incident and count as planned. Exit 1 if the window
    rules refuse it (opening hours, approval 10 working days before)."""
    from wifiops.engine.incident import start_maintenance

    record = start_maintenance(settings(), sites=site or [], reason=reason, reference=reference,
                               approved_on=approved_on.date() if approved_on else None, by=by,
                               now=datetime.now(timezone.utc), force=force)
    if json:
        emit_json(record)
        return
    sites = record["sites"] if isinstance(record["sites"], str) else ", ".join(record["sites"])
    console.print(f"maintenance window {record['id']} open on {sites}: stop it with `wifiops incident "
                  f"maintenance stop {record['id']}`", markup=False, highlight=False, soft_wrap=True)


@maintenance_app.command("stop")
def maintenance_stop_command(
    window: Annotated[Optional[str], typer.Argument(metavar="[ID]", help="The window (default: the only open one).")]
    = None,
    by: ByOption = None,
    json: JsonOption = False,
) -> None:
    """End a declared window: alerts there count again. Exit 1 if no such window is open."""
    from wifiops.engine.incident import stop_maintenance

    record = stop_maintenance(settings(), window=window, by=by, now=datetime.now(timezone.utc))
    if json:
        emit_json(record)
        return
    console.print(f"maintenance window {record['id']} closed", markup=False, highlight=False)
