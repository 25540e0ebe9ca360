"""Alerts from samples, without a lab: one mail per alert however it flaps, incidents by the inventory's rules,
a refused mail tried again, a reminder once before the deadline, an alert no longer supervised cleared."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from wifiops.inventory.schema import Supervision
from wifiops.store.sqlite import SqliteStore
from wifiops.supervision.alerting import Alerting
from wifiops.supervision.evaluate import Reading, Sample
from wifiops.supervision.rules import Rules
from wifiops.windows import PARIS

from watching import Clock


class Outbox:
    """A sender that keeps the mails; `refuse` makes the server refuse them (tried again later)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.refuse = False

    def __call__(self, subject: str, body: str) -> tuple[str, bool]:
        if self.refuse:
            return "NOT sent: the server refused it", False
        self.sent.append((subject, body))
        return "sent to noc@louvre.example", True

    def subjects(self) -> list[str]:
        return [subject for subject, _ in self.sent]


class Harness:
    def __init__(self, store: SqliteStore, supervision: Supervision = Supervision()) -> None:
        self.store, self.outbox, self.journal = store, Outbox(), []
        self.clock = Clock(datetime(2026, 3, 11, 10, 0, tzinfo=PARIS))  # a Wednesday
        self.alerting = Alerting(store, Rules(supervision), self.outbox, self.journal.append, language="en")

    def cycle(self, *samples: Sample, complete: bool = True) -> Any:
        outcome = self.alerting.process(Reading(complete=complete, samples=list(samples)), self.clock())
        self.clock.advance(300)
        return outcome


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    store = SqliteStore(tmp_path / "supervision.sqlite")
    try:
        yield Harness(store)
    finally:
        store.close()


def ap_down(bad: bool | None, name: str = "LVR-PAL-AP001", priority: bool = False) -> Sample:
    facts: Mapping[str, Any] = {"priority": priority, "site": "louvre-palais", "group": "LOUVRE-PALAIS"}
    return Sample("ap-down", name, bad, f"{name}: {'Down' if bad else 'Up'}", dict(facts))


def test_a_flapping_ap_is_mailed_once_raised_and_once_cleared(harness: Harness) -> None:
    for minute in range(30):
        harness.cycle(ap_down(minute % 2 == 0))
    assert harness.outbox.subjects() == ["wifiops ALERT ap-down LVR-PAL-AP001 [major incident #1]"]
    for _ in range(3):
        harness.cycle(ap_down(False))
    assert harness.outbox.subjects()[1:] == ["wifiops CLEARED ap-down LVR-PAL-AP001"]
    assert [line["kind"] for line in harness.journal] == ["alert-raised", "alert-cleared"]
    [incident] = harness.store.incidents()
    assert incident.state == "restored" and incident.restored_by == "wifiops watch"


def test_incident_class_and_deadline_follow_the_inventory_rules(harness: Harness) -> None:
    opened_at = harness.clock()
    harness.cycle(ap_down(True, "A", priority=True), ap_down(True, "B"),
                  Sample("ap-rebooted", "C", True, "C: rebooted", {"priority": False}))
    assert [a.key for a in harness.store.alerts(active=True)] == ["ap-rebooted:C"]  # at once; ap-down needs two
    harness.cycle(ap_down(True, "A", priority=True), ap_down(True, "B"))
    by_subject = {i.subject: i for i in harness.store.incidents()}
    assert set(by_subject) == {"A", "B"}  # an AP reboot is an alert, not an incident
    a, b = by_subject["A"], by_subject["B"]
    raised = opened_at.replace(minute=5)
    assert (a.severity, a.gtr, a.deadline) == ("major", "priority-ap", raised.replace(day=12))
    assert (b.severity, b.gtr, b.deadline) == ("major", "ap", raised.replace(day=18))  # 5 working days
    assert harness.store.events(a.id)[0].action == "opened"


def test_a_mail_the_server_refused_is_sent_next_cycle_and_only_then(harness: Harness) -> None:
    harness.outbox.refuse = True
    harness.cycle(ap_down(True))
    harness.cycle(ap_down(True))
    assert harness.outbox.sent == [] and harness.journal[0]["mail"].startswith("NOT sent")
    harness.outbox.refuse = False
    harness.cycle(ap_down(True))
    harness.cycle(ap_down(True))
    assert harness.outbox.subjects() == ["wifiops ALERT ap-down LVR-PAL-AP001 [major incident #1]"]
    [alert] = harness.store.alerts()
    assert alert.raise_mail == "sent to noc@louvre.example"


def test_a_raise_not_yet_mailed_goes_before_its_clearing(harness: Harness) -> None:
    harness.outbox.refuse = True
    harness.cycle(ap_down(True))
    harness.cycle(ap_down(True))
    harness.cycle(ap_down(False))
    harness.cycle(ap_down(False))
    harness.outbox.refuse = False
    harness.cycle(ap_down(False))
    assert [s.split(" ")[1] for s in harness.outbox.subjects()] == ["ALERT", "CLEARED"]
    assert harness.store.alerts(unmailed=True) == []


def test_a_reminder_once_within_the_margin_of_the_deadline(harness: Harness) -> None:
    aps_down = Sample("aps-down", "DELACROIX", True, "AP group DELACROIX: 14 of 14 APs down", {"site": "delacroix"})
    harness.cycle(aps_down)
    harness.cycle(aps_down)  # raised at 10:05: infrastructure, 4 working hours, reminded an hour before 14:05
    [incident] = harness.store.incidents()
    assert incident.deadline == datetime(2026, 3, 11, 14, 5, tzinfo=PARIS)
    reminders = []
    while harness.clock() <= incident.deadline:
        reminders += harness.cycle(aps_down).reminded
    assert [(r.id, r.reminded_at) for r in reminders] == [(incident.id, datetime(2026, 3, 11, 13, 5, tzinfo=PARIS))]
    assert sum("REMINDER" in s for s in harness.outbox.subjects()) == 1
    assert harness.journal[-1]["kind"] == "incident-reminder"


def test_an_incident_past_its_deadline_is_mailed_once_by_the_watch(harness: Harness) -> None:
    aps_down = Sample("aps-down", "DELACROIX", True, "AP group DELACROIX: 14 of 14 APs down", {"site": "delacroix"})
    harness.cycle(aps_down)
    harness.cycle(aps_down)
    [incident] = harness.store.incidents()
    while harness.clock() <= incident.deadline:
        assert not harness.cycle(aps_down).overdue
    harness.outbox.refuse = True  # the first try is refused: tried again next cycle
    assert not harness.cycle(aps_down).overdue
    harness.outbox.refuse = False
    late = [i.id for _ in range(6) for i in harness.cycle(aps_down).overdue]
    assert late == [incident.id]
    overdue = [s for s in harness.outbox.subjects() if "OVERDUE" in s]
    assert overdue == [f"wifiops OVERDUE incident #{incident.id} aps-down DELACROIX: deadline passed"]
    assert [e.action for e in harness.store.events(incident.id)].count("overdue") == 1
    assert harness.journal[-1]["kind"] == "incident-overdue"


def test_an_alert_no_longer_sampled_is_cleared_only_by_a_complete_reading(harness: Harness) -> None:
    ssid = Sample("clients-per-ssid", "Louvre_WiFi_Gratuit", True, "SSID Louvre_WiFi_Gratuit: 13000 clients")
    harness.cycle(ssid)
    harness.cycle(ssid)
    assert len(harness.store.alerts(active=True)) == 1
    harness.cycle(complete=False)  # the conductor did not answer: the SSID's clients are unknown
    assert len(harness.store.alerts(active=True)) == 1
    harness.cycle()  # the limit was switched off in the inventory
    assert harness.store.alerts(active=True) == [] and harness.store.conditions() == {}
    assert "no longer supervised" in (harness.store.alerts()[0].clear_message or "")


def test_good_samples_of_a_quiet_estate_write_no_condition(harness: Harness) -> None:
    harness.cycle(*(ap_down(False, f"AP{n}") for n in range(300)))
    assert harness.store.conditions() == {}
