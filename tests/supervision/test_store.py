"""The SQLite store: state changes rather than samples, watched time in spans (a gap is neither up nor down),
incidents with every action, and a file that keeps all of it across processes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from wifiops.engine.availability import availability
from wifiops.store.base import Observation, Subject
from wifiops.store.sqlite import SqliteStore

T0 = datetime(2026, 3, 11, 9, 0, tzinfo=timezone.utc)
AP1 = Subject("ap", "AP1", "DELACROIX", "delacroix")
AP2 = Subject("ap", "AP2", "DELACROIX", "delacroix", priority=True)
MC1 = Subject("md", "mc-1", site="louvre-palais")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def observe(store: SqliteStore, minutes: float, states: dict[Subject, str], **metrics: float) -> int:
    return store.record(Observation(at(minutes), 300, states, {("estate", k): v for k, v in metrics.items()}))


def test_only_state_changes_are_written(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    assert observe(store, 0, {AP1: "up", AP2: "up", MC1: "up"}) == 3  # first seen
    assert [observe(store, 5 * n, {AP1: "up", AP2: "up", MC1: "up"}) for n in range(1, 12)] == [0] * 11
    assert observe(store, 60, {AP1: "down", AP2: "up", MC1: "up"}) == 1
    assert observe(store, 65, {AP2: "up", MC1: "up"}) == 1  # AP1 left the inventory: unknown from then on
    assert store.db.execute("SELECT COUNT(*) FROM transitions").fetchone()[0] == 5
    assert [(s.subject.name, s.state, s.since) for s in store.states()] == [
        ("AP1", "unknown", at(65)), ("AP2", "up", at(0)), ("mc-1", "up", at(0))]


def test_availability_counts_watched_time_only(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    for minute in range(0, 60, 5):  # 09:00-10:00 watched, AP1 down 09:30-09:45
        observe(store, minute, {AP1: "down" if 30 <= minute < 45 else "up", AP2: "up"})
    for minute in range(120, 180, 5):  # the watch stopped 10:00-11:00 (AP1 was down then too), back 11:00-12:00
        observe(store, minute, {AP1: "down" if minute < 135 else "up", AP2: "up"})
    uptimes = {u.subject.name: u for u in store.uptimes(at(0), at(180))}
    assert (uptimes["AP1"].up_s, uptimes["AP1"].down_s) == (90 * 60, 30 * 60)  # 2 watched hours, 30 min down
    assert (uptimes["AP2"].up_s, uptimes["AP2"].down_s) == (120 * 60, 0)
    report = availability(store, start=at(0), end=at(180), by="group")
    [group] = report.rows
    assert group.percent == 100 * (210 * 60) / (240 * 60) and report.exit_code == 1
    part = {u.subject.name: u for u in store.uptimes(at(40), at(130))}  # a period cut inside spans and changes
    assert (part["AP1"].up_s, part["AP1"].down_s) == (15 * 60, 15 * 60)


def test_a_late_cycle_within_one_interval_keeps_the_span(tmp_path: Path) -> None:
    store = SqliteStore(":memory:")
    for minute in (0, 5, 12, 17):  # 12: two minutes late, still within one interval of 10:05's end
        observe(store, minute, {AP1: "up"})
    assert store.db.execute("SELECT COUNT(*), MIN(start), MAX(until) FROM spans").fetchone() == (
        1, at(0).timestamp(), at(22).timestamp())


def test_metrics_are_kept_per_cycle(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    for minute in (0, 5, 10):
        observe(store, minute, {AP1: "up"}, clients=8000 + minute)
    assert store.series("estate", "clients", at(0), at(10)) == [(at(0), 8000.0), (at(5), 8005.0)]


def test_incidents_keep_who_did_what_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = SqliteStore(path)
    alert = store.raise_alert("aps-down:DELACROIX", "aps-down", "DELACROIX", "14 of 14 APs down", {"site": "delacroix"},
                              at(0))
    opened = store.open_incident(alert=alert.id, kind="aps-down", subject="DELACROIX", severity="major",
                                 gtr="infrastructure", summary=alert.message, at=at(0), deadline=at(240),
                                 by="wifiops watch")
    store.link_incident(alert.id, opened.id)
    store.close()
    again = SqliteStore(path)  # another process: `wifiops incident ack` while the watch runs
    acked = again.act(opened.id, "acknowledged", at(10), "alice", "on site at 11:00")
    assert (acked.state, acked.acknowledged_by, acked.acknowledged_at) == ("acknowledged", "alice", at(10))
    restored = again.act(opened.id, "restored", at(50), "bob", "switch stack power supply replaced")
    later = again.act(opened.id, "restored", at(70), "carol", "second note")
    assert (later.state, later.restored_at, later.restored_by) == ("restored", at(50), "bob") == (
        restored.state, restored.restored_at, restored.restored_by)
    assert not later.overdue(at(300)) and later.to_dict()["deadline_met"] is True
    assert [(e.who, e.action) for e in again.events(opened.id)] == [
        ("wifiops watch", "opened"), ("alice", "acknowledged"), ("bob", "restored"), ("carol", "restored")]
    assert again.alert(alert.id) is not None and again.alert(alert.id).incident == opened.id  # type: ignore[union-attr]
    assert again.incidents(("open", "acknowledged")) == []
