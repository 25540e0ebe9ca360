"""playbooks/upgrade.yaml on the lab over real SSH: rehearsed (--check) it plans and sends nothing that
changes a device; run, every MM and controller ends on the target with every AP up, a report written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.upgrade.test_upgrade import ORDER, aps_up, changes_sent, counts, running, target
from wifiops.playbooks.runner import run_playbook
from wifiops.settings import Settings

REPO = Path(__file__).resolve().parents[2]
TUESDAY_NIGHT = datetime(2026, 12, 8, 23, 0, tzinfo=ZoneInfo("Europe/Paris"))  # both museums closed
VARS = {"change": "CHG-29", "approver": "N. Engineer", "approved_on": "2026-11-16"}


def settings(tmp_path: Path) -> Settings:
    return Settings(root=tmp_path, run_dir=tmp_path / "runs", secrets_file=tmp_path / "none.yaml",
                    backup_dir=tmp_path / "backups", templates=REPO / "templates" / "aruba_os", timeout=5)


def run_for_real(lab, tmp_path: Path, smtp_server, fault: str | None = None,  # type: ignore[no-untyped-def]
                 deadline: float = 20):
    """The runbook run (not rehearsed) on a lab with quick reloads, mail to the NOC; `fault` on mc-2 first."""
    lab.settle(reload=1.0, rejoin=0.5)
    if fault:
        lab.fault("mc-2", fault)
    chosen = smtp_server.settings_for(settings(tmp_path), recipients=["noc@louvre.example"])
    return run_playbook(chosen, REPO / "playbooks" / "upgrade.yaml", inventory=lab.inventory_dir,
                        now=TUESDAY_NIGHT, confirm=lambda _: True,
                        variables={**VARS, "target": str(target(tmp_path, deadline=deadline))})


def test_the_rehearsal_plans_each_step_and_changes_nothing(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    report = run_playbook(settings(tmp_path), REPO / "playbooks" / "upgrade.yaml", inventory=fresh_lab.inventory_dir,
                          check=True, now=TUESDAY_NIGHT, variables={**VARS, "target": str(target(tmp_path))})
    assert report.exit_code == 0, report.to_dict()
    step = next(s for s in report.to_dict()["steps"] if s["name"] == "upgrade")
    assert "mm-2, mm-4, mm-3, mm-1, mc-1, mc-2" in step["summary"]
    assert "copy tftp: 10.150.0.50 ArubaOS_MM_8.10.0.14_91234 system: partition 1" in step["summary"]
    assert "reload" in step["summary"] and "back within 20 s running 8.10.0.14" in step["summary"]
    assert "each controller is sent" in step["summary"] and "ap image-preload activate all-aps partition 1" in step[
        "summary"] and "ap_group_downtime_s" in step["summary"]
    assert "worst case with the way back:" in step["summary"]
    assert changes_sent(fresh_lab, since) == []


def test_the_runbook_upgrades_the_estate(fresh_lab, tmp_path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    report = run_for_real(fresh_lab, tmp_path, smtp_server)
    assert report.exit_code == 0, report.to_dict()
    assert {h: running(fresh_lab, h) for h in ORDER} == {h: "8.10.0.14" for h in ORDER}
    assert aps_up(fresh_lab) == 358
    assert report.reports and all(Path(r).exists() for r in report.reports)
    assert "8.10.0.14" in Path(report.reports[0]).read_text()
    step = next(s for s in report.to_dict()["steps"] if s["name"] == "upgrade")
    assert "AP samples, longest AP group down:" in step["summary"] and "APs after: 358 8.10.0.14 (91234)" in step[
        "summary"]
    assert smtp_server.messages


def test_a_controller_whose_aps_do_not_rejoin_is_taken_back_and_the_record_and_mail_say_so(
        fresh_lab, tmp_path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    report = run_for_real(fresh_lab, tmp_path, smtp_server, "aps-no-rejoin", deadline=6)
    assert report.exit_code == 1
    step = next(s for s in report.to_dict()["steps"] if s["name"] == "upgrade")
    assert "mc-2: rolled-back" in step["summary"] and "taken back" in step["summary"]
    assert {h: running(fresh_lab, h) for h in ORDER} == {h: "8.10.0.12" for h in ORDER}  # one release, the old one
    assert aps_up(fresh_lab) == 358
    assert any("rolled-back" in m.body and "taken back" in m.body for m in smtp_server.messages)
    assert report.reports and "taken back" in Path(report.reports[0]).read_text()


def test_the_second_controller_not_coming_back_is_booted_back_from_its_console_and_the_estate_taken_back(
        fresh_lab, tmp_path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    # the lab's inventory gives the controllers a console-server line
    report = run_for_real(fresh_lab, tmp_path, smtp_server, "boot-fail", deadline=4)
    assert report.exit_code == 1
    step = next(s for s in report.to_dict()["steps"] if s["name"] == "upgrade")
    assert "mc-2: rolled-back" in step["summary"] and "booted partition 0 from its console" in step["summary"]
    assert "taken back" in step["summary"]
    assert {h: running(fresh_lab, h) for h in ("mm-1", "mm-2", "mc-1", "mc-2")} == dict.fromkeys(
        ("mm-1", "mm-2", "mc-1", "mc-2"), "8.10.0.12")
    assert aps_up(fresh_lab) == 358
    assert any("taken back" in m.body for m in smtp_server.messages)
    assert report.reports and "taken back" in Path(report.reports[0]).read_text()
