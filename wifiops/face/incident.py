"""`wifiops incident list|show|ack|restore`: the incidents of supervision, who acted and what was done."""

from __future__ import annotations

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

    now = datetime.now(timezone.utc)
    store = open_store(settings())
    try:
        found = list_incidents(store, STATES[state])
    finally:
        store.close()
    if json:
        emit_json({"state": state, "incidents": [i.to_dict(now) for i in found]})
        return
    table(f"Incidents ({state}: {len(found)})", ["#", "severity", "state", "subject", "opened", "deadline", "", "summary"],
          ([i.id, i.severity, i.state, i.subject, _paris(i.opened_at), _paris(i.deadline),
            "OVERDUE" if i.overdue(now) else "", i.summary] for i in found), keys=["#", "subject"],
          optional=["state", "opened"])


@app.command("show")
def show_command(number: NumberArgument, json: JsonOption = False) -> None:
    """One incident with its alert and every action on it. Exit 2 if there is no such incident."""
    from wifiops.engine.incident import show_incident
    from wifiops.store import open_store

    now = datetime.now(timezone.utc)
    store = open_store(settings())
    try:
        view = show_incident(store, number)
    finally:
        store.close()
    if json:
        emit_json(view.to_dict(now))
        return
    i = view.incident
    console.print(f"incident {i.id}: {i.severity}, {i.state}{' (OVERDUE)' if i.overdue(now) else ''}", markup=False)
    for label, value in (("subject", f"{i.kind} {i.subject}"), ("summary", i.summary),
                         ("GTR", i.gtr or "none (a planned fix)"), ("opened", _paris(i.opened_at)),
                         ("deadline", _paris(i.deadline) or "none"), ("restored", _paris(i.restored_at) or "not yet")):
        console.print(f"  {label}: {value}", markup=False, highlight=False, soft_wrap=True)
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
