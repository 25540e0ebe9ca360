"""Supervision as the contract measures it (issue 28), without a lab: an alert inside an approved maintenance
window opens no incident and is mailed as planned; availability shows the raw figure and the contractual one,
where approved maintenance and an incident given the Louvre's power as cause are left out."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.engine.availability import availability
from wifiops.engine.incident import contract_exclusions, exclude
from wifiops.errors import WifiopsError
from wifiops.inventory.schema import Supervision
from wifiops.settings import load_settings
from wifiops.store.base import Observation, Subject
from wifiops.store.sqlite import SqliteStore
from wifiops.supervision.alerting import Alerting
from wifiops.supervision.evaluate import Reading, Sample
from wifiops.supervision.maintenance import windows
from wifiops.supervision.rules import Rules

from watching import write_config

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 10, 22, 0, tzinfo=timezone.utc)  # a Tuesday night: the Palais is closed
runner = CliRunner()


def playbook_record(start: datetime, end: datetime, sites: Any, *, check: bool = False, allowed: bool = True,
                    result: str = "ok") -> dict[str, Any]:
    """A `playbook` line of the run journal as wifiops.playbooks.runner writes it."""
    return {"kind": "playbook", "name": "change-window", "check": check, "result": result,
            "started": start.isoformat(), "ended": end.isoformat(),
            "approval": {"reference": "LVR-2026-031", "approver": "J. Martin", "date": "2026-02-20"},
            "window": {"allowed": allowed, "reason": "...", "sites": sites}}


def ap_down(name: str, site: str, bad: bool) -> Sample:
    return Sample("ap-down", name, bad, f"{name}: {'Down' if bad else 'Up'}",
                  {"priority": False, "site": site, "group": site.upper()})


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def __call__(self, subject: str, body: str) -> tuple[str, bool]:
        self.sent.append((subject, body))
        return "sent to noc@louvre.example", True


def test_windows_come_from_runs_that_interrupted_service_and_from_declared_ones() -> None:
    hour = timedelta(hours=1)
    records = [playbook_record(T0, T0 + hour, ["delacroix"]),
               playbook_record(T0, T0 + hour, "all", check=True),  # a dry run changed nothing
               playbook_record(T0, T0 + hour, "all", allowed=False, result="refused"),
               {"kind": "maintenance-start", "id": "w1", "at": (T0 + 2 * hour).isoformat(), "sites": "all",
                "reason": "cabling"},
               {"kind": "maintenance-start", "id": "w2", "at": (T0 + 3 * hour).isoformat(), "sites": ["louvre-palais"],
                "reason": "still on"},
               {"kind": "maintenance-stop", "id": "w1", "at": (T0 + 2.5 * hour).isoformat()},
               {"kind": "maintenance-stop"}]  # damaged: ignored
    found = windows(records)
    assert [(w.what, w.sites, w.end is None) for w in found] == [
        ("change-window", ("delacroix",), False), ("cabling", None, False), ("still on", ("louvre-palais",), True)]
    assert found[0].covers(T0 + hour / 2, "delacroix") and not found[0].covers(T0 + hour / 2, "louvre-palais")
    assert not found[0].covers(T0 + hour, "delacroix")  # the end is not inside
    assert found[1].covers(T0 + 2 * hour, None)  # every site: the SSIDs and licences too


def test_an_alert_inside_an_approved_window_opens_no_incident_and_is_mailed_planned(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    outbox, journal = Outbox(), []  # type: list[dict[str, Any]]
    [window] = windows([playbook_record(T0, T0 + timedelta(hours=2), ["delacroix"])])
    alerting = Alerting(store, Rules(Supervision()), outbox, journal.append, [window], language="en")
    try:
        at = T0
        for _ in range(4):
            alerting.process(Reading(samples=[ap_down("DLX-AP01", "delacroix", True),
                                              ap_down("PAL-AP01", "louvre-palais", True)]), at)
            at += timedelta(minutes=5)
        planned = [line for line in journal if line["kind"] == "alert-raised" and line["planned"]]
        assert [line["subject"] for line in planned] == ["DLX-AP01"]
        assert [i.subject for i in store.incidents()] == ["PAL-AP01"]  # the other site's outage still counts
        subjects = [subject for subject, _ in outbox.sent]
        assert "wifiops ALERT ap-down DLX-AP01 [planned]" in subjects
        assert any("approved maintenance window of change-window (approval LVR-2026-031)" in body
                   for _, body in outbox.sent)
        for _ in range(4):
            alerting.process(Reading(samples=[ap_down("DLX-AP01", "delacroix", False),
                                              ap_down("PAL-AP01", "louvre-palais", True)]), at)
            at += timedelta(minutes=5)
        assert "wifiops CLEARED ap-down DLX-AP01 [planned]" in [s for s, _ in outbox.sent]
        assert len([s for s, _ in outbox.sent if "DLX-AP01" in s]) == 2  # once raised, once cleared
    finally:
        store.close()


def _fill(store: SqliteStore, hours: int, down: dict[str, tuple[int, int]]) -> None:
    """`hours` of 5-minute cycles; an AP in `down` is down from its first to its last minute."""
    aps = {"DLX-AP01": ("DELACROIX", "delacroix"), "PAL-AP01": ("LOUVRE-PALAIS", "louvre-palais")}
    for minute in range(0, hours * 60, 5):
        states = {Subject("ap", name, group, site): ("down" if name in down and down[name][0] <= minute
                                                     < down[name][1] else "up")
                  for name, (group, site) in aps.items()}
        store.record(Observation(T0 + timedelta(minutes=minute), 300, states))  # type: ignore[arg-type]


def test_availability_leaves_out_maintenance_and_the_louvres_power(tmp_path: Path) -> None:
    config = write_config(tmp_path, REPO / "inventory" / "lab")
    settings = load_settings(config)
    journal = settings.path(settings.run_dir) / "journal.jsonl"
    journal.parent.mkdir(parents=True, exist_ok=True)
    # DELACROIX's AP down an hour inside its approved window; the Palais AP down an hour, a power cut
    journal.write_text(json.dumps(playbook_record(T0 + timedelta(hours=1), T0 + timedelta(hours=2),
                                                  ["delacroix"])) + "\n", encoding="utf-8")
    store = SqliteStore(settings.path(settings.run_dir) / "supervision.sqlite")
    try:
        _fill(store, 10, {"DLX-AP01": (60, 120), "PAL-AP01": (300, 360)})
        alert = store.raise_alert("ap-down:PAL-AP01", "ap-down", "PAL-AP01", "down", {}, T0 + timedelta(hours=5))
        incident = store.open_incident(alert=alert.id, kind="ap-down", subject="PAL-AP01", severity="major",
                                       gtr="ap", summary="down", at=T0 + timedelta(hours=5), deadline=None, by="w")
        store.act(incident.id, "restored", T0 + timedelta(hours=6), "w")
        end = T0 + timedelta(hours=10)
        before = availability(store, start=T0, end=end, exclusions=contract_exclusions(settings, store, end))
        # the window is excluded already: the raw figure counts both hours, the contractual one only the cut
        assert before.overall.percent is not None and before.overall.contract_percent is not None
        assert round(before.overall.percent, 2) == 90.0  # 2 h down of 20 AP-hours
        assert round(before.overall.contract_percent, 2) == round(18 * 100 / 19, 2)
        with pytest.raises(WifiopsError, match="louvre-power"):
            exclude(settings, store, incident.id, cause="louvre-cat", reason="x", by="eng", now=end)
        exclude(settings, store, incident.id, cause="louvre-power", reason="EDF cut, Louvre PC sécurité", by="eng",
                now=end)
        after = availability(store, start=T0, end=end, exclusions=contract_exclusions(settings, store, end))
        assert after.overall.percent is not None and round(after.overall.percent, 2) == 90.0  # the raw one keeps it
        assert after.overall.contract_percent == 100.0
        assert sorted(e.cause for e in after.exclusions) == ["louvre-power", "planned"]
        assert after.exit_code == 0 and before.exit_code == 1
        assert any('"kind": "incident-excluded"' in line for line in journal.read_text().splitlines())
    finally:
        store.close()


def test_the_cli_says_the_exclusion_and_the_two_figures(tmp_path: Path) -> None:
    config = write_config(tmp_path, REPO / "inventory" / "lab")
    store = SqliteStore(tmp_path / "runs" / "supervision.sqlite")
    _fill(store, 10, {"PAL-AP01": (300, 360)})
    alert = store.raise_alert("ap-down:PAL-AP01", "ap-down", "PAL-AP01", "down", {}, T0 + timedelta(hours=5))
    store.open_incident(alert=alert.id, kind="ap-down", subject="PAL-AP01", severity="major", gtr="ap",
                        summary="down", at=T0 + timedelta(hours=5), deadline=None, by="w")
    store.close()
    refused = runner.invoke(app, ["--config", str(config), "incident", "exclude", "1", "--cause", "louvre-power",
                                  "--reason", " "])
    assert isinstance(refused.exception, WifiopsError) and refused.exception.exit_code == 1
    done = runner.invoke(app, ["--config", str(config), "incident", "exclude", "1", "--cause", "louvre-power",
                               "--reason", "power cut in the Richelieu wing"])
    assert done.exit_code == 0, done.output
    listed = runner.invoke(app, ["--config", str(config), "incident", "list"])
    assert "louvre-power" in listed.output
    shown = runner.invoke(app, ["--config", str(config), "availability", "--from", "2026-03-10 23:00", "--to",
                                "2026-03-11 09:00"])  # the 10 watched hours (Paris): a figure, not "insufficient"
    assert "as the contract counts" in shown.output and "excluded (louvre-power)" in shown.output


def test_no_reminder_is_sent_while_a_window_covers_the_incidents_site(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    outbox = Outbox()
    hour = timedelta(hours=1)
    alert = store.raise_alert("ap-down:DLX-AP01", "ap-down", "DLX-AP01", "down", {"site": "delacroix"}, T0)
    store.open_incident(alert=alert.id, kind="ap-down", subject="DLX-AP01", severity="major", gtr="ap",
                        summary="down", at=T0, deadline=T0 + 2 * hour, by="w")
    [window] = windows([playbook_record(T0 + hour, T0 + 3 * hour, ["delacroix"])])
    try:
        english = Alerting(store, Rules(Supervision()), outbox, [].append, [window], language="en")
        english.process(Reading(), T0 + 2 * hour)
        assert not [s for s, _ in outbox.sent if "REMINDER" in s]
        english.process(Reading(), T0 + 3 * hour)
        assert [s for s, _ in outbox.sent if "REMINDER" in s][0].startswith("wifiops REMINDER incident #1")
    finally:
        store.close()


def test_an_incident_opened_during_a_run_journaled_at_its_end_is_marked_planned(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    outbox, journal = Outbox(), []  # type: list[dict[str, Any]]
    at = T0
    try:
        during = Alerting(store, Rules(Supervision()), outbox, journal.append,
                          language="en")  # the run is not journaled yet
        for _ in range(2):
            during.process(Reading(samples=[ap_down("DLX-AP01", "delacroix", True),
                                            ap_down("PAL-AP01", "louvre-palais", True)]), at)
            at += timedelta(minutes=5)
        assert [i.subject for i in store.incidents()] == ["DLX-AP01", "PAL-AP01"]
        ended = windows([playbook_record(T0, at, ["delacroix"])])  # the run's record, at its end
        for _ in range(2):  # said once, however many cycles follow
            Alerting(store, Rules(Supervision()), outbox, journal.append, ended, language="en").process(Reading(), at)
            at += timedelta(minutes=5)
        marks = {i.subject: [e.note for e in store.events(i.id) if e.action == "excluded"] for i in store.incidents()}
        assert marks == {"DLX-AP01": ["planned: opened during the approved work of change-window"], "PAL-AP01": []}
        assert [line["incident"] for line in journal if line["kind"] == "incident-excluded"] == [1]
    finally:
        store.close()


def test_a_window_opened_while_an_incident_is_open_moves_its_deadline_and_the_overdue_mail(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    outbox = Outbox()
    rules = Rules(Supervision())
    opened = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Paris: 4 working hours, 14:00
    alert = store.raise_alert("mm-down:mm-1", "mm-down", "mm-1", "mm-1 down", {"site": "louvre-palais"}, opened)
    incident = store.open_incident(alert=alert.id, kind="mm-down", subject="mm-1", severity="major",
                                   gtr="infrastructure", summary="mm-1 down", at=opened,
                                   deadline=datetime(2026, 3, 10, 13, 0, tzinfo=timezone.utc), by="w")
    store.link_incident(alert.id, incident.id)
    # the window starts after the incident opened, covers its site for 2 working hours
    found = windows([{"kind": "maintenance-start", "id": "w1", "at": (opened + timedelta(hours=1)).isoformat(),
                      "sites": ["louvre-palais"], "reason": "fibre works", "reference": "LVR-2026-114"},
                     {"kind": "maintenance-stop", "id": "w1", "at": (opened + timedelta(hours=3)).isoformat()}])
    alerting = Alerting(store, rules, outbox, lambda record: None, found, language="en")
    try:
        alerting.process(Reading(), opened + timedelta(hours=4, minutes=30))  # 14:30: the first deadline passed
        assert not [s for s, _ in outbox.sent if "OVERDUE" in s]
        alerting.process(Reading(), opened + timedelta(hours=6, minutes=1))  # 16:01: past the moved one, 16:00
        [(subject, body)] = [(s, b) for s, b in outbox.sent if "OVERDUE" in s]
        assert "mm-1" in subject and "16:00" in body
    finally:
        store.close()
