"""`wifiops incident list|show|ack|restore`: the incidents `wifiops watch` opened, and what people did about them.

Contract: each incident keeps its state (open, acknowledged, restored), who acted and what was done, for the
yearly report and for reversibility; every action is also a line of the run journal. The watch restores an
incident itself when its alert clears (that moment is what the GTR is held against); an engineer's
`restore` then adds what was done, keeping the first restoration time. An acknowledgement does not stop
the clock.

An incident can be given a cause the contract excludes (`wifiops incident exclude`: the Louvre's own network
or power, CAUSES): an event of the incident with who said so and why, journaled, and its span is left out of
the contractual availability (wifiops.engine.availability), as are approved maintenance windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from wifiops.engine.availability import Exclusion
from wifiops.engine.journal import JOURNAL, append_journal
from wifiops.errors import WifiopsError
from wifiops.settings import Settings
from wifiops.store.base import Alert, Incident, IncidentEvent, IncidentState, SupervisionStore, iso
from wifiops.supervision.maintenance import EXCLUDED


class UnknownIncident(WifiopsError):
    """No incident has that number."""


class IncidentRefused(WifiopsError):
    """The action does not apply to the incident as it stands (acknowledging a restored one)."""

    exit_code = 1


@dataclass
class IncidentView:
    incident: Incident
    events: list[IncidentEvent] = field(default_factory=list)
    alert: Alert | None = None

    def to_dict(self, now: datetime) -> dict[str, Any]:
        return {**self.incident.to_dict(now), "events": [e.to_dict() for e in self.events],
                "alert_detail": self.alert.to_dict() if self.alert else None}


def actor(settings: Settings, by: str | None) -> str:
    """Who acts: --by, else the engineer every change is signed with (`engineer:` of wifiops.yaml, the bastion
    login, the OS login: wifiops.credentials)."""
    if by and by.strip():
        return by.strip()
    from wifiops.credentials import engineer

    try:
        return engineer(settings)
    except (KeyError, OSError):  # no name for this uid (a container)
        return "an unnamed user"


def list_incidents(store: SupervisionStore, states: Sequence[IncidentState]) -> list[Incident]:
    return store.incidents(states)


def show_incident(store: SupervisionStore, number: int) -> IncidentView:
    incident = _get(store, number)
    return IncidentView(incident, store.events(number), store.alert(incident.alert) if incident.alert else None)


def acknowledge(settings: Settings, store: SupervisionStore, number: int, *, by: str | None, note: str | None,
                now: datetime) -> Incident:
    incident = _get(store, number)
    if incident.state == "restored":
        raise IncidentRefused(f"incident {number} was restored {iso(incident.restored_at)} by {incident.restored_by}: "
                              f"nothing to acknowledge; say what was done with `wifiops incident restore {number} "
                              "--note ...`")
    return _act(settings, store, incident, "acknowledged", actor(settings, by), note, now)


def restore(settings: Settings, store: SupervisionStore, number: int, *, by: str | None, note: str | None,
            now: datetime) -> Incident:
    incident = _get(store, number)
    action = "noted" if incident.state == "restored" else "restored"  # the first restoration time stays
    return _act(settings, store, incident, action, actor(settings, by), note, now)


def _act(settings: Settings, store: SupervisionStore, incident: Incident, action: str, who: str, note: str | None,
         now: datetime) -> Incident:
    after = store.act(incident.id, action, now, who, note)
    append_journal(settings, {"kind": f"incident-{action}", "at": iso(now), "incident": incident.id,
                              "subject": incident.subject, "by": who, "note": note, "state": after.state})
    return after


# Causes the contract does not hold the provider to (CCTP §5: "indisponibilités découlant ... de
# l'infrastructure réseau ou électrique du Musée du Louvre"); `planned` for work approved after the fact.
CAUSES: dict[str, str] = {
    "louvre-network": "the Louvre's own network (switches, links, fibre) failed",
    "louvre-power": "the Louvre's power failed (the building, a PoE switch's supply)",
    "planned": "approved maintenance the watch did not know of when it opened the incident",
    "third-party": "work by another contractor of the Louvre, outside the provider's scope",
}


def exclude(settings: Settings, store: SupervisionStore, number: int, *, cause: str, reason: str,
            by: str | None, now: datetime) -> Incident:
    """Give an incident a cause the contract excludes; the reason is required (the yearly report says it)."""
    incident = _get(store, number)
    if cause not in CAUSES:
        raise IncidentRefused(f"cause {cause!r} is not one the contract excludes: give one of {', '.join(CAUSES)}")
    if not reason.strip():
        raise IncidentRefused("an exclusion needs --reason \"...\": what showed it was the Louvre's (who said so)")
    return _act(settings, store, incident, EXCLUDED, actor(settings, by), f"{cause}: {reason.strip()}", now)


def incident_exclusions(store: SupervisionStore, now: datetime) -> list[Exclusion]:
    """The incidents given an excluded cause, as spans of their subject: from opening to restoration (or now)."""
    found = []
    for incident in store.incidents():
        marks = [e for e in store.events(incident.id) if e.action == EXCLUDED]
        if not marks:
            continue
        cause, _, reason = (marks[-1].note or "").partition(": ")
        group = incident.subject if incident.kind == "aps-down" else None
        found.append(Exclusion(incident.opened_at, incident.restored_at or now, cause,
                               f"incident #{incident.id} {incident.subject}: {reason}",
                               name=None if group else incident.subject, group=group))
    return found


def window_exclusions(settings: Settings, now: datetime) -> list[Exclusion]:
    """The approved maintenance windows of the run journal, as spans of their sites."""
    from wifiops.supervision.maintenance import read_journal, windows

    return [Exclusion(w.start, w.end or now, "planned", w.what + (f" (approval {w.reference})" if w.reference else ""),
                      sites=w.sites)
            for w in windows(read_journal(settings.path(settings.run_dir) / JOURNAL))]


def contract_exclusions(settings: Settings, store: SupervisionStore, now: datetime) -> list[Exclusion]:
    return window_exclusions(settings, now) + incident_exclusions(store, now)


def _get(store: SupervisionStore, number: int) -> Incident:
    found = store.incident(number)
    if found is None:
        raise UnknownIncident(f"no incident {number}: `wifiops incident list --state all` lists them")
    return found


# --- declared maintenance windows (`wifiops incident maintenance start|stop`) --------------------------------------

def start_maintenance(settings: Settings, *, sites: Sequence[str], reason: str, reference: str | None,
                      approved_on: date | None, by: str | None, now: datetime, inventory: Path | None = None,
                      force: bool = False) -> dict[str, Any]:
    """Declare an approved window from now: alerts on its sites are planned until it is stopped. Held to the
    window rules (wifiops.windows: outside opening hours, approved 10 working days before) unless forced."""
    from wifiops.estate import Estate
    from wifiops.windows import Calendar

    if not reason.strip():
        raise IncidentRefused("a maintenance window needs --reason \"...\" (what the work is)")
    calendar = Calendar.from_inventory(Estate.open(settings, inventory).nornir)
    verdict = calendar.check(now, sites=list(sites) or None, approved_on=approved_on)
    if not verdict.allowed and not force:
        raise IncidentRefused(f"not an approved window: {verdict.reason} (--force records an override)")
    record = {"kind": "maintenance-start", "id": f"{now:%Y%m%dT%H%M%S}", "at": iso(now),
              "sites": list(sites) or "all", "reason": reason.strip(), "reference": reference,
              "approved_on": approved_on.isoformat() if approved_on else None, "by": actor(settings, by),
              "window": {"allowed": verdict.allowed, "reason": verdict.reason, "forced": not verdict.allowed}}
    append_journal(settings, record)
    return record


def stop_maintenance(settings: Settings, *, window: str | None, by: str | None, now: datetime) -> dict[str, Any]:
    """End a declared window (the only open one when `window` is None)."""
    from wifiops.supervision.maintenance import open_ids, read_journal

    opened = open_ids(read_journal(settings.path(settings.run_dir) / JOURNAL))
    if window is None and len(opened) == 1:
        window = next(iter(opened))
    if window is None and opened:
        raise IncidentRefused(f"{len(opened)} maintenance windows are open ({', '.join(opened)}): give the one to stop")
    if window is None or window not in opened:
        said = ", ".join(opened) or "none"
        raise IncidentRefused(f"no open maintenance window {window or ''}".rstrip() + f": open ones: {said}")
    record = {"kind": "maintenance-stop", "id": window, "at": iso(now), "by": actor(settings, by)}
    append_journal(settings, record)
    return record


def moved_deadlines(settings: Settings, store: SupervisionStore, incidents: Sequence[Incident], now: datetime,
                    inventory: Path | None = None) -> dict[int, Any]:
    """Each incident with a deadline, after the approved windows over its site while it was open
    (wifiops.supervision.deadlines.Moved): what `list` and `show` say. The inventory is read only when a
    window could move one (its GTR classes and working hours)."""
    from wifiops.supervision.deadlines import moved
    from wifiops.supervision.rules import Rules

    found = maintenance_windows(settings)
    timed = [i for i in incidents if i.deadline is not None and i.gtr is not None]
    if not found or not timed:
        return {}
    rules = Rules.from_inventory(settings.inventory_dir(inventory))
    result: dict[int, Any] = {}
    for incident in timed:
        gtr = rules.gtr(incident.gtr)
        alert = store.alert(incident.alert) if incident.alert else None
        if gtr is None or incident.deadline is None:
            continue
        result[incident.id] = moved(incident.opened_at, incident.deadline, gtr, rules.working_time, found,
                                    alert.facts.get("site") if alert else None, restored=incident.restored_at,
                                    now=now)
    return result


def with_moved_deadlines(settings: Settings, store: SupervisionStore, incidents: Sequence[Incident], now: datetime,
                         inventory: Path | None = None) -> list[Incident]:
    """The incidents with the deadlines the windows moved: what the watchdog and the yearly report hold them to."""
    later = moved_deadlines(settings, store, incidents, now, inventory)
    return [replace(i, deadline=later[i.id].deadline) if i.id in later else i for i in incidents]


def maintenance_windows(settings: Settings) -> list[Any]:
    """Every approved window the journal knows, oldest first (wifiops.supervision.maintenance.Window)."""
    from wifiops.supervision.maintenance import read_journal, windows

    return list(windows(read_journal(settings.path(settings.run_dir) / JOURNAL)))
