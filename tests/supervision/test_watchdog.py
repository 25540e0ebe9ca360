"""`wifiops watchdog` on a store and a journal filled here (no lab): an old backup, a stopped watch and an
overdue incident each alert once, and say so again only after they were gone."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.engine.watchdog import run_watchdog
from wifiops.settings import load_settings
from wifiops.store.base import Incident, Observation, Subject
from wifiops.store.sqlite import SqliteStore

from watching import write_config

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 12, 9, 0, tzinfo=timezone.utc)
runner = CliRunner()


def backup_run(ended: datetime, ok: bool = True) -> dict[str, object]:
    return {"kind": "playbook", "name": "nightly-backup", "check": False, "result": "ok" if ok else "failed",
            "ended": ended.isoformat(), "steps": [{"name": "backup", "action": "backup", "ok": ok,
                                                   "ended": ended.isoformat()}]}


def setup(tmp_path: Path, *records: dict[str, object]) -> tuple[Path, SqliteStore]:
    config = write_config(tmp_path, REPO / "inventory" / "lab")
    (tmp_path / "runs").mkdir(exist_ok=True)
    (tmp_path / "runs" / "journal.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return config, SqliteStore(tmp_path / "runs" / "supervision.sqlite")


def watched(store: SqliteStore, until: datetime) -> None:
    store.record(Observation(until - timedelta(minutes=5), 300, {Subject("ap", "A"): "up"}))


def test_an_old_backup_alerts_once_and_clears_after_a_good_night(tmp_path: Path) -> None:
    config, store = setup(tmp_path, backup_run(NOW - timedelta(hours=30)), backup_run(NOW - timedelta(hours=2),
                                                                                      ok=False))
    settings, sent = load_settings(config), []  # type: ignore[var-annotated]
    watched(store, NOW)

    def send(subject: str, body: str) -> str:
        sent.append(subject)
        return "sent to noc@louvre.example"
    try:
        first = run_watchdog(settings, store, now=NOW, backup_hours=26, watch_minutes=15, send=send)
        again = run_watchdog(settings, store, now=NOW + timedelta(minutes=10), backup_hours=26, watch_minutes=15,
                             send=send)
        assert [f.key for f in first.findings] == ["backup-old"] and first.exit_code == 1
        assert "30.0 h old" in first.findings[0].message  # the failed night is not a good backup
        assert again.exit_code == 1 and sent == ["wifiops VEILLE backup-old"]  # mailed once, in French by default
        with (tmp_path / "runs" / "journal.jsonl").open("a") as journal:
            journal.write(json.dumps(backup_run(NOW + timedelta(minutes=15))) + "\n")
        watched(store, NOW + timedelta(minutes=20))
        fine = run_watchdog(settings, store, now=NOW + timedelta(minutes=20), backup_hours=26, watch_minutes=15,
                            send=send)
        assert fine.exit_code == 0 and sent[-1] == "wifiops VEILLE backup-old terminée"
    finally:
        store.close()


def test_a_stopped_watch_and_an_overdue_incident_alert_from_the_cli(tmp_path: Path) -> None:
    now = datetime.now(timezone.utc)
    config, store = setup(tmp_path, backup_run(now - timedelta(hours=1)))
    watched(store, now - timedelta(minutes=40))  # the last cycle vouched until 40 minutes ago
    store.open_incident(alert=None, kind="ap-down", subject="LVR-PAL-AP001", severity="major", gtr="ap",
                        summary="down", at=now - timedelta(days=9), deadline=now - timedelta(hours=1), by="w")
    store.close()
    result = runner.invoke(app, ["--config", str(config), "watchdog", "--json"])
    assert result.exit_code == 1, result.output
    found = json.loads(result.output)
    assert [f["key"] for f in found["findings"]] == ["watch-stopped", "overdue:1"]
    assert all("no mail.recipients" in line for line in found["mails"])
    quiet = runner.invoke(app, ["--config", str(config), "watchdog", "--watch-minutes", "60", "--json"])
    mails = json.loads(quiet.output)["mails"]  # overdue already said; the watch within the new limit: cleared
    assert quiet.exit_code == 1 and [line.split(":")[0] for line in mails] == ["watch-stopped cleared"]
    assert [f["key"] for f in json.loads(quiet.output)["findings"]] == ["overdue:1"]


def test_an_overdue_incident_the_watch_mailed_is_not_mailed_again_by_the_watchdog(tmp_path: Path) -> None:
    config, store = setup(tmp_path, backup_run(NOW - timedelta(hours=1)))
    watched(store, NOW)
    for n, by in ((1, "wifiops watch"), (2, None)):
        store.open_incident(alert=None, kind="ap-down", subject=f"LVR-PAL-AP00{n}", severity="major", gtr="ap",
                            summary="down", at=NOW - timedelta(days=9), deadline=NOW - timedelta(hours=1), by="w")
        if by:
            store.act(n, "overdue", NOW - timedelta(minutes=50), by, "sent to noc@louvre.example")
    sent: list[str] = []
    try:
        report = run_watchdog(load_settings(config), store, now=NOW, backup_hours=26, watch_minutes=15,
                              send=lambda subject, body: sent.append(subject) or "sent")
        assert [f.key for f in report.findings] == ["overdue:1", "overdue:2"] and report.exit_code == 1
        assert sent == ["wifiops VEILLE overdue:2"]  # #1 was mailed by the watch itself
    finally:
        store.close()


def test_a_second_watch_on_the_same_store_is_refused(tmp_path: Path) -> None:
    """The first watch is another process (locks are re-entrant within one): the second is refused, says who
    watches, and may start once the first has gone, however it went (here: killed)."""
    import subprocess
    import sys

    import pytest

    from wifiops.engine.watch import watch
    from wifiops.locks import LockHeld

    config, store = setup(tmp_path)
    settings = load_settings(config)
    first = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from wifiops.engine.watch import _one_watcher; "
         "from pathlib import Path; from wifiops.settings import load_settings\n"
         "with _one_watcher(load_settings(Path(sys.argv[1]))):\n print('watching', flush=True); time.sleep(600)",
         str(config)], stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "watching"
        with pytest.raises(LockHeld, match=f"one `wifiops watch` per store.*pid {first.pid} ") as refused:
            watch(settings, store, once=True)
        assert refused.value.exit_code == 1
        first.kill()
        first.wait(timeout=30)
        assert watch(settings, store, once=True) is not None  # the next one may start
    finally:
        first.kill()
        store.close()


OPENED = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Paris: 4 working hours, 14:00


def moved_incident(tmp_path: Path) -> tuple[Path, SqliteStore, Incident]:
    """mm-1 down at OPENED, due at 14:00 Paris; a 2-hour window over its site moves that to 16:00."""
    config, store = setup(tmp_path, backup_run(OPENED),
                          {"kind": "maintenance-start", "id": "w1", "at": "2026-03-10T11:00:00+01:00",
                           "sites": ["louvre-palais"], "reason": "fibre works", "reference": "LVR-2026-114"},
                          {"kind": "maintenance-stop", "id": "w1", "at": "2026-03-10T13:00:00+01:00"})
    alert = store.raise_alert("mm-down:mm-1", "mm-down", "mm-1", "mm-1 down", {"site": "louvre-palais"}, OPENED)
    incident = store.open_incident(alert=alert.id, kind="mm-down", subject="mm-1", severity="major",
                                   gtr="infrastructure", summary="mm-1 down", at=OPENED,
                                   deadline=OPENED + timedelta(hours=4), by="wifiops watch")
    store.link_incident(alert.id, incident.id)
    return config, store, incident


def test_an_incident_whose_deadline_a_window_moved_is_not_overdue_before_the_moved_deadline(tmp_path: Path) -> None:
    config, store, incident = moved_incident(tmp_path)
    settings, opened = load_settings(config), OPENED

    def overdue(at: datetime) -> list[str]:
        watched(store, at)
        found = run_watchdog(settings, store, now=at, backup_hours=26, watch_minutes=15, send=lambda s, b: "sent")
        return [f.key for f in found.findings if f.key.startswith("overdue:")]
    try:
        assert overdue(opened + timedelta(hours=5, minutes=30)) == []  # 15:30: past 14:00, before 16:00
        assert overdue(opened + timedelta(hours=7)) == [f"overdue:{incident.id}"]  # 17:00
    finally:
        store.close()


def test_the_staff_page_shows_the_deadline_a_window_moved(tmp_path: Path) -> None:
    """The page holds an incident to the deadline the watch and the watchdog use (moved by the approved window
    over its site), not the one set when it opened: at 15:30 Paris it is 30 min early, not 1 h 30 late."""
    import httpx

    from wifiops.face.web.app import BackgroundServer, make_app

    config, store, incident = moved_incident(tmp_path)
    settings = load_settings(config)
    store.close()
    at = OPENED + timedelta(hours=5, minutes=30)  # 15:30 Paris: past 14:00, before the moved 16:00
    server = BackgroundServer(make_app(settings, settings.inventory_dir(), now=lambda: at)).start()
    try:
        shown = httpx.get(server.url + "/api/now").json()["incidents"]
    finally:
        server.stop()
    assert [(i["id"], i["deadline"], i["overdue"], i["left_s"]) for i in shown] == [
        (incident.id, "2026-03-10T16:00:00+01:00", False, 30 * 60)]
