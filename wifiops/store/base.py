"""The supervision store's contract: what `wifiops watch` keeps, and what incidents and availability read back.

A Protocol, so that an estate that outgrows SQLite can point the same engine at a real time-series database
by writing one class. Kept per cycle: the state of every AP and host (only its changes are written: a year
of 5-minute samples of 358 APs is 37 million samples, and a few thousand changes), the time the estate
was watched (the spans, so that time nobody looked is not counted as up), a few numbers per cycle (CPU,
memory, clients), the hysteresis of each condition, the alerts and the incidents with who did what.

Every moment crossing this interface is an aware datetime; how it is stored is the implementation's.
"""

from __future__ import annotations

import math

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal, Protocol

State = Literal["up", "down", "unknown"]
IncidentState = Literal["open", "acknowledged", "restored"]
INCIDENT_STATES: tuple[IncidentState, ...] = ("open", "acknowledged", "restored")


@dataclass(frozen=True)
class Subject:
    """Something whose availability is counted: an AP (kind `ap`) or an MM or controller (`mm`, `md`)."""

    kind: str
    name: str
    group: str | None = None  # an AP's group
    site: str | None = None
    priority: bool = False


@dataclass(frozen=True)
class Observation:
    """What one cycle saw: each subject's state, and the numbers worth a curve (subject, metric) -> value.

    `interval_s` is how long the cycle vouches for: the next one is due then. A subject left out of
    `states` is unknown from `at` on (gone from the inventory)."""

    at: datetime
    interval_s: float
    states: Mapping[Subject, State]
    metrics: Mapping[tuple[str, str], float] = field(default_factory=dict)


@dataclass(frozen=True)
class Condition:
    """What is remembered of one condition (`<alert kind>:<subject>`) between cycles (wifiops.supervision.hysteresis)."""

    key: str
    recent: str = ""  # the last samples, oldest first: "1" bad, "0" good; at most the rule's `within`
    good: int = 0  # good samples in a row
    alert: int | None = None  # the raised alert's id, while it is raised

    @property
    def clean(self) -> bool:
        """Nothing to remember: no alert and no bad sample in the window (the store keeps no row for it)."""
        return self.alert is None and "1" not in self.recent


@dataclass(frozen=True)
class Uptime:
    """A subject's counted time in a period: seconds up and down while watched (unknown time is neither)."""

    subject: Subject
    up_s: float
    down_s: float


@dataclass(frozen=True)
class Standing:
    """A subject's state now, and since when (the staff page's AP status, issue 18)."""

    subject: Subject
    state: State
    since: datetime


@dataclass(frozen=True)
class Alert:
    id: int
    key: str  # `<kind>:<subject>`, the condition it belongs to
    kind: str
    subject: str
    message: str
    facts: dict[str, Any]  # priority, kind (of host), site, group: what incident rules match on
    raised_at: datetime
    cleared_at: datetime | None = None
    clear_message: str | None = None
    incident: int | None = None
    raise_mail: str | None = None  # "sent to ...", "not sent: ..."; None: not sent yet (retried)
    clear_mail: str | None = None

    @property
    def active(self) -> bool:
        return self.cleared_at is None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "key": self.key, "kind": self.kind, "subject": self.subject, "message": self.message,
                "facts": self.facts, "raised_at": iso(self.raised_at), "cleared_at": iso(self.cleared_at),
                "clear_message": self.clear_message, "incident": self.incident,
                "mail": {"raised": self.raise_mail, "cleared": self.clear_mail}}


@dataclass(frozen=True)
class IncidentEvent:
    at: datetime
    who: str
    action: str  # opened, acknowledged, restored, reminded, noted
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "at": iso(self.at)}


@dataclass(frozen=True)
class Incident:
    id: int
    alert: int | None
    kind: str
    subject: str
    severity: str  # minor, major
    gtr: str | None  # the GTR class; None: no restoration deadline
    summary: str
    opened_at: datetime
    deadline: datetime | None
    state: IncidentState = "open"
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    restored_at: datetime | None = None
    restored_by: str | None = None
    reminded_at: datetime | None = None

    def overdue(self, now: datetime) -> bool:
        """Past its deadline and not restored (or restored after it)."""
        if self.deadline is None:
            return False
        return (self.restored_at or now) > self.deadline

    def to_dict(self, now: datetime | None = None) -> dict[str, Any]:
        met = None if self.deadline is None or self.restored_at is None else self.restored_at <= self.deadline
        return {"id": self.id, "alert": self.alert, "kind": self.kind, "subject": self.subject,
                "severity": self.severity, "gtr": self.gtr, "summary": self.summary,
                "opened_at": iso(self.opened_at), "deadline": iso(self.deadline), "state": self.state,
                "acknowledged_at": iso(self.acknowledged_at), "acknowledged_by": self.acknowledged_by,
                "restored_at": iso(self.restored_at), "restored_by": self.restored_by,
                "reminded_at": iso(self.reminded_at), "deadline_met": met,
                "overdue": self.overdue(now or datetime.now(timezone.utc))}


class SupervisionStore(Protocol):
    """Samples, alerts and incidents. Each call is its own transaction: a crash loses at most one cycle's end."""

    # --- samples ---
    def record(self, observation: Observation) -> int:
        """Keep one cycle: its states (writing only the changes), its metrics, the watched span. Returns how
        many state changes were written."""

    def states(self) -> list[Standing]:
        """Every subject's last known state, and since when."""

    def watched_until(self) -> datetime | None:
        """Until when the last cycle vouched (its moment plus its interval): past it, the watch is late or stopped."""

    def uptimes(self, start: datetime, end: datetime) -> list[Uptime]:
        """Every subject's up and down time between `start` and `end`, counting only the time watched."""

    def series(self, subject: str, metric: str, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
        """One metric's samples, oldest first."""

    # --- hysteresis ---
    def conditions(self) -> dict[str, Condition]:
        """The conditions with something to remember (a bad sample in their window, or a raised alert)."""

    def save_conditions(self, changed: Iterable[Condition]) -> None:
        """Keep these; a clean one is forgotten."""

    # --- alerts ---
    def raise_alert(self, key: str, kind: str, subject: str, message: str, facts: Mapping[str, Any],
                    at: datetime) -> Alert: ...

    def clear_alert(self, alert_id: int, at: datetime, message: str) -> Alert: ...

    def link_incident(self, alert_id: int, incident_id: int) -> None: ...

    def set_mail(self, alert_id: int, which: Literal["raised", "cleared"], result: str) -> None:
        """Record what became of the alert's mail; an alert whose mail is not recorded is retried."""

    def alert(self, alert_id: int) -> Alert | None: ...

    def alerts(self, *, active: bool | None = None, unmailed: bool = False) -> list[Alert]:
        """Alerts, oldest first: active only (True), cleared only (False), or all; `unmailed`: those whose
        raise or clear mail is still to send."""

    # --- incidents ---
    def open_incident(self, *, alert: int | None, kind: str, subject: str, severity: str, gtr: str | None,
                      summary: str, at: datetime, deadline: datetime | None, by: str) -> Incident: ...

    def incident(self, incident_id: int) -> Incident | None: ...

    def incidents(self, states: Sequence[IncidentState] = INCIDENT_STATES) -> list[Incident]: ...

    def act(self, incident_id: int, action: str, at: datetime, who: str, note: str | None = None) -> Incident:
        """Record an action (acknowledged, restored, reminded, noted) and the state it leads to."""

    def events(self, incident_id: int) -> list[IncidentEvent]: ...

    def close(self) -> None: ...


# The longest a cycle may vouch for (`wifiops watch --interval`): a week, for a weekly timer. Every number a store
# keeps is bounded so that what it wrote it can read back (a span to 1e300 s could not be a datetime again).
MAX_INTERVAL_S = 7 * 24 * 3600.0
# Moments a store keeps: from 1970 to the end of year 9999, datetime's own range.
LAST_STAMP = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp()


def check_interval(value: float, what: str = "--interval") -> float:
    """`value` seconds, or ValueError saying the bounds: finite, at least 1, at most MAX_INTERVAL_S."""
    if not (math.isfinite(value) and 1.0 <= value <= MAX_INTERVAL_S):
        raise ValueError(f"{what} {value!r}: give seconds, at least 1 and at most {MAX_INTERVAL_S:.0f} (a week)")
    return value


def stamp(moment: datetime) -> float:
    """How a store keeps a moment: seconds since the epoch, from an aware datetime only."""
    if moment.tzinfo is None:
        raise ValueError("the store takes aware moments only")
    return moment.timestamp()


def moment(value: float) -> datetime:
    """A kept moment back as an aware datetime (UTC); one beyond datetime's range (a store poisoned by an older
    wifiops) reads as the last representable moment rather than an OverflowError on every page."""
    if not math.isfinite(value) or value > LAST_STAMP:
        value = LAST_STAMP
    return datetime.fromtimestamp(value, timezone.utc)


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")
