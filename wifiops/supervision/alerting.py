"""From samples to alerts, incidents, mails and journal lines: what one cycle of `wifiops watch` decides.

Each condition's sample goes through its hysteresis (wifiops.supervision.hysteresis). A raised alert opens an
incident when an incident rule of the inventory matches it (severity, GTR class, deadline in working time),
is mailed once (in wifiops.yaml's language: wifiops.supervision.mails) and written to the run journal; its
clearing restores the incident (by the watch: the moment
the service came back is what the GTR is held against), is mailed and journaled. An open incident whose
deadline is within its class's margin gets one reminder. A mail the server did not take is tried again next
cycle; a mail with nobody to send to is recorded as such, once.

No clock and no SMTP of its own: the moment, the sender and the journal are passed in (tests feed readings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from wifiops.store.base import Alert, Condition, Incident, SupervisionStore, iso
from wifiops.supervision import compliance
from wifiops.supervision.deadlines import deadline, moved
from wifiops.supervision.evaluate import Reading
from wifiops.supervision.hysteresis import step
from wifiops.supervision.mails import WATCHER, cleared_mail, overdue_mail, raised_mail, reminder_mail
from wifiops.supervision.maintenance import EXCLUDED, RECENT, Window, covering
from wifiops.supervision.rules import Rules

__all__ = ["WATCHER", "Alerting", "Outcome", "cleared_mail", "overdue_mail", "raised_mail", "reminder_mail"]
DEFAULT_MARGIN_MINUTES = 60  # a reminder's margin when the incident's GTR class is no longer in the inventory
OVERDUE = "overdue"  # the incident event saying the watch mailed its missed deadline

# A mail sender: (subject, body) -> (what became of it, whether it is done). Not done: try again next cycle.
Sender = Callable[[str, str], tuple[str, bool]]
Journal = Callable[[Mapping[str, Any]], None]


@dataclass
class Outcome:
    raised: list[Alert] = field(default_factory=list)
    cleared: list[Alert] = field(default_factory=list)
    opened: list[Incident] = field(default_factory=list)
    reminded: list[Incident] = field(default_factory=list)
    overdue: list[Incident] = field(default_factory=list)  # passed their deadline this cycle (mailed once)
    mails: list[str] = field(default_factory=list)  # one line per mail tried: what, and what became of it
    planned: list[int] = field(default_factory=list)  # incidents found, afterwards, inside an approved window


class Alerting:
    def __init__(self, store: SupervisionStore, rules: Rules, send: Sender, journal: Journal,
                 maintenance: Sequence[Window] = (), language: str = "fr") -> None:
        self.store, self.rules, self.send, self.journal = store, rules, send, journal
        self.language = language  # of the mails (wifiops.yaml `language:`); the journal and the store keep English
        self.maintenance = list(maintenance)  # approved windows: an alert inside one is planned, no incident

    def process(self, reading: Reading, at: datetime) -> Outcome:
        outcome = Outcome()
        self._conditions(reading, at, outcome)
        self._planned_after_the_fact(at, outcome)
        self._remind(at, outcome)
        self._overdue(at, outcome)
        self._retry_mails(outcome)
        return outcome

    def _planned_after_the_fact(self, at: datetime, outcome: Outcome) -> None:
        """A playbook journals its run when it ends: an incident the watch opened during that run, on a site the
        run covered, is marked planned then (excluded from the contractual availability, said in the list)."""
        recent = [w for w in self.maintenance if w.end is None or w.end > at - RECENT]
        if not recent:
            return
        earliest = min(w.start for w in recent)
        for incident in self.store.incidents():
            if incident.opened_at < earliest or incident.alert is None:
                continue
            alert = self.store.alert(incident.alert)
            window = covering(recent, incident.opened_at, alert.facts.get("site") if alert else None)
            if window is None or any(e.action == EXCLUDED for e in self.store.events(incident.id)):
                continue
            note = f"planned: opened during the approved work of {window.what}"
            self.store.act(incident.id, EXCLUDED, at, WATCHER, note)
            outcome.planned.append(incident.id)
            self.journal({"kind": "incident-excluded", "at": iso(at), "incident": incident.id,
                          "subject": incident.subject, "by": WATCHER, "note": note})

    # --- hysteresis -------------------------------------------------------------------------------------------

    def _conditions(self, reading: Reading, at: datetime, outcome: Outcome) -> None:
        remembered = self.store.conditions()
        changed: list[Condition] = []
        sampled: set[str] = set()
        for sample in reading.samples:
            sampled.add(sample.key)
            before = remembered.get(sample.key) or Condition(sample.key)
            rule = compliance.HYSTERESIS if sample.kind in compliance.KINDS else self.rules.hysteresis(sample.kind)
            after, change = step(before, sample.bad, rule)
            if change == "raise":
                alert = self._raise(sample.key, sample.kind, sample.subject, sample.message, sample.facts, at, outcome)
                after = replace(after, alert=alert.id)
            elif change == "clear" and before.alert is not None:
                self._clear(before.alert, at, sample.message, outcome)
            if after != before and not (after.clean and sample.key not in remembered):
                changed.append(after)
        if reading.complete:  # a condition no longer sampled at all is no longer supervised
            for key, condition in remembered.items():
                if key not in sampled:
                    if condition.alert is not None:
                        self._clear(condition.alert, at, f"{key}: no longer supervised (its limit is off, or it "
                                    "left the inventory)", outcome)
                    changed.append(Condition(key))
        self.store.save_conditions(changed)

    def _raise(self, key: str, kind: str, subject: str, message: str, facts: Mapping[str, Any], at: datetime,
               outcome: Outcome) -> Alert:
        window = covering(self.maintenance, at, facts.get("site"))
        if window is not None:  # kept with the alert, so that its clearing is said planned too
            facts = {**facts, "planned": window.what, "planned_reference": window.reference}
        alert = self.store.raise_alert(key, kind, subject, message, facts, at)
        incident = None if window is not None else self._open_incident(alert, at)
        if incident is not None:
            outcome.opened.append(incident)
            alert = replace(alert, incident=incident.id)
        mail = self._mail(alert, "raised", incident)
        outcome.raised.append(replace(alert, raise_mail=mail))
        self.journal({"kind": "alert-raised", "at": iso(at), "alert": alert.id, "key": key, "subject": subject,
                      "message": message, "incident": incident.id if incident else None,
                      "severity": incident.severity if incident else None,
                      "deadline": iso(incident.deadline) if incident else None, "mail": mail,
                      "planned": facts.get("planned")})
        outcome.mails.append(f"alert {key} raised: {mail}")
        return alert

    def _clear(self, alert_id: int, at: datetime, message: str, outcome: Outcome) -> None:
        alert = self.store.clear_alert(alert_id, at, message)
        incident = self.store.incident(alert.incident) if alert.incident else None
        if incident is not None and incident.state != "restored":
            incident = self.store.act(incident.id, "restored", at, WATCHER, f"the alert cleared: {message}")
        if alert.raise_mail is None:  # the server refused it so far: the raise goes first, then its clearing
            outcome.mails.append(f"alert {alert.key} raised (again): {self._mail(alert, 'raised', incident)}")
        mail = self._mail(alert, "cleared", incident)
        outcome.cleared.append(replace(alert, clear_mail=mail))
        self.journal({"kind": "alert-cleared", "at": iso(at), "alert": alert.id, "key": alert.key,
                      "subject": alert.subject, "message": message, "raised_at": iso(alert.raised_at),
                      "incident": alert.incident, "mail": mail})
        outcome.mails.append(f"alert {alert.key} cleared: {mail}")

    def _open_incident(self, alert: Alert, at: datetime) -> Incident | None:
        rule = self.rules.incident_rule(alert.kind, alert.facts)
        if rule is None and alert.kind in compliance.KINDS:  # contract: a failed check is a minor ticket
            incident = self.store.open_incident(alert=alert.id, kind=alert.kind, subject=alert.subject,
                                                severity=compliance.MINOR, gtr=None, summary=alert.message, at=at,
                                                deadline=None, by=WATCHER)
            self.store.link_incident(alert.id, incident.id)
            return incident
        if rule is None:
            return None
        gtr = self.rules.gtr(rule.gtr)
        due = deadline(at, gtr, self.rules.working_time) if gtr is not None else None
        incident = self.store.open_incident(alert=alert.id, kind=alert.kind, subject=alert.subject,
                                            severity=rule.severity, gtr=rule.gtr if gtr else None,
                                            summary=alert.message, at=at, deadline=due, by=WATCHER)
        self.store.link_incident(alert.id, incident.id)
        return incident

    # --- mail ---------------------------------------------------------------------------------------------------

    def _mail(self, alert: Alert, which: str, incident: Incident | None) -> str:
        subject, body = (raised_mail(alert, incident, self.language) if which == "raised"
                         else cleared_mail(alert, incident, self.language))
        result, done = self.send(subject, body)
        if done:
            self.store.set_mail(alert.id, "raised" if which == "raised" else "cleared", result)
        return result

    def _retry_mails(self, outcome: Outcome) -> None:
        handled = {a.id for a in outcome.raised} | {a.id for a in outcome.cleared}
        for alert in self.store.alerts(unmailed=True):
            if alert.id in handled:
                continue
            incident = self.store.incident(alert.incident) if alert.incident else None
            if alert.raise_mail is None:
                outcome.mails.append(f"alert {alert.key} raised (again): {self._mail(alert, 'raised', incident)}")
            if alert.cleared_at is not None and alert.clear_mail is None:
                outcome.mails.append(f"alert {alert.key} cleared (again): {self._mail(alert, 'cleared', incident)}")

    # --- reminders ------------------------------------------------------------------------------------------------

    def _remind(self, at: datetime, outcome: Outcome) -> None:
        for stored in self.store.incidents(("open", "acknowledged")):
            incident = self._moved(stored, at)
            if incident.deadline is None or incident.reminded_at is not None:
                continue
            gtr = self.rules.gtr(incident.gtr)
            margin = timedelta(minutes=gtr.remind_before_minutes if gtr else DEFAULT_MARGIN_MINUTES)
            if at < incident.deadline - margin:
                continue
            if self._in_window(incident, at):  # the work on its site is approved: nobody is chased meanwhile
                continue
            result, done = self.send(*reminder_mail(incident, at, self.language))
            outcome.mails.append(f"incident {incident.id} reminder: {result}")
            if done:
                reminded = self.store.act(incident.id, "reminded", at, WATCHER, result)
                outcome.reminded.append(reminded)
                self.journal({"kind": "incident-reminder", "at": iso(at), "incident": incident.id,
                              "subject": incident.subject, "deadline": iso(incident.deadline), "mail": result})


    def _overdue(self, at: datetime, outcome: Outcome) -> None:
        """An incident not restored by its deadline is mailed once, by the watch itself, as soon as a cycle sees
        it (an `overdue` event on the incident remembers it; `wifiops watchdog` mails it only if the watch
        did not). A mail the server did not take is tried again next cycle."""
        for stored in self.store.incidents(("open", "acknowledged")):
            incident = self._moved(stored, at)
            if incident.deadline is None or at <= incident.deadline or self._in_window(incident, at):
                continue
            if any(event.action == OVERDUE for event in self.store.events(incident.id)):
                continue
            result, done = self.send(*overdue_mail(incident, at, self.language))
            outcome.mails.append(f"incident {incident.id} overdue: {result}")
            if done:
                outcome.overdue.append(self.store.act(incident.id, OVERDUE, at, WATCHER, result))
                self.journal({"kind": "incident-overdue", "at": iso(at), "incident": incident.id,
                              "subject": incident.subject, "deadline": iso(incident.deadline), "mail": result})

    def _moved(self, incident: Incident, at: datetime) -> Incident:
        """The incident with its deadline pushed back by the windows over its site while it was open."""
        gtr = self.rules.gtr(incident.gtr)
        if not self.maintenance or incident.deadline is None or gtr is None or incident.alert is None:
            return incident
        alert = self.store.alert(incident.alert)
        site = alert.facts.get("site") if alert is not None else None
        later = moved(incident.opened_at, incident.deadline, gtr, self.rules.working_time, self.maintenance, site,
                      restored=incident.restored_at, now=at)
        return replace(incident, deadline=later.deadline)

    def _in_window(self, incident: Incident, at: datetime) -> bool:
        if not self.maintenance or incident.alert is None:
            return False
        alert = self.store.alert(incident.alert)
        return alert is not None and covering(self.maintenance, at, alert.facts.get("site")) is not None
