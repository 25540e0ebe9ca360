"""`wifiops incident list|show|ack|restore`: the incidents `wifiops watch` opened, and what people did about them.

Contract: each incident keeps its state (open, acknowledged, restored), who acted and what was done, for the
yearly report and for reversibility; every action is also a line of the run journal. The watch restores an
incident itself when its alert clears (that moment is what the GTR is held against); an engineer's
`restore` then adds what was done, keeping the first restoration time. An acknowledgement does not stop
the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wifiops.engine.journal import append_journal
from wifiops.errors import WifiopsError
from wifiops.settings import Settings
from wifiops.store.base import Alert, Incident, IncidentEvent, IncidentState, SupervisionStore, iso


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


def _get(store: SupervisionStore, number: int) -> Incident:
    found = store.incident(number)
    if found is None:
        raise UnknownIncident(f"no incident {number}: `wifiops incident list --state all` lists them")
    return found
