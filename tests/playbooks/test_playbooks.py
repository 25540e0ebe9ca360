"""Playbooks (issue 13) on the lab over real SSH, with a real local SMTP server: refused before anything runs when
malformed, held to the maintenance window, run end to end (nightly-backup, change-window, wpa3-migration), a
failing step triggering its on_failure, the journal recording it, and the mail reaching the server."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from wifiops.aos8.session import Aos8Session
from wifiops.cli import app
from wifiops.engine.apply import apply
from wifiops.playbooks.runner import JOURNAL, run_playbook
from wifiops.playbooks.schema import PlaybookError
from wifiops.settings import Settings
from wifiops.estate import Estate

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
PLAYBOOKS = REPO / "playbooks"
PARIS = ZoneInfo("Europe/Paris")
TUESDAY_MORNING = datetime(2026, 12, 8, 10, 0, tzinfo=PARIS)  # both museums closed on Tuesdays
APPROVAL = ["change=CHG-1", "approver=N. Engineer", "approved_on=2026-11-16"]  # 16 working days before
LAB_SECRETS = ("lab-radius-key", "lab-multimedia-psk", "lab-ipsec-key", "lab-admin")
NODES = ["/md", "/md/Louvre"]


def settings(tmp_path: Path, smtp=None) -> Settings:
    base = Settings(root=tmp_path, run_dir=tmp_path / "runs", secrets_file=tmp_path / "none.yaml",
                    backup_dir=tmp_path / "backups", templates=REPO / "templates" / "aruba_os")
    return smtp.settings_for(base, recipients=["noc@louvre.example"]) if smtp else base


def config(tmp_path: Path, lab, smtp=None) -> Path:
    path = tmp_path / "wifiops.yaml"
    lines = [f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}", f"backup_dir: {tmp_path / 'backups'}",
             f"secrets_file: {tmp_path / 'none.yaml'}", f"templates: {REPO / 'templates' / 'aruba_os'}", "timeout: 5"]
    path.write_text("\n".join(lines) + "\n" + (smtp.yaml(recipients=["noc@louvre.example"]) if smtp else ""))
    return path


def journal(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "runs" / JOURNAL).read_text().splitlines()]


def run(tmp_path: Path, lab, name: str, *variables: str, smtp=None, now=TUESDAY_MORNING, **options):
    return run_playbook(settings(tmp_path, smtp), PLAYBOOKS / name, inventory=lab.inventory_dir, now=now,
                        variables=dict(v.split("=", 1) for v in variables), **options)


def committed(lab) -> dict[str, str]:
    user, password = lab.credentials
    with Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password, name="mm-1",
                             known_hosts=lab.known_hosts) as mm:
        mm.send("encrypt disable")
        return {node: mm.show(f"show configuration committed {node}") for node in NODES}


def test_a_malformed_playbook_is_refused_before_anything_runs(lab, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nsteps:\n  - name: one\n    backup: {}\n  - name: two\n    apply: {limitt: /md}\n")
    since = lab.received_count("mm-1")
    with pytest.raises(PlaybookError) as refused:
        run_playbook(settings(tmp_path), bad, inventory=lab.inventory_dir)
    assert f"{bad}:6: steps[1].apply.limitt" in str(refused.value)
    missing = runner.invoke(app, ["--config", str(config(tmp_path, lab)), "run", str(PLAYBOOKS / "change-window.yaml")])
    assert isinstance(missing.exception, PlaybookError) and "--var change=" in str(missing.exception)
    assert lab.received_count("mm-1") == since
    assert not (tmp_path / "runs" / JOURNAL).exists()


def test_nightly_backup_runs_from_the_shell_and_is_journaled(lab, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--config", str(config(tmp_path, lab)), "run", str(PLAYBOOKS / "nightly-backup.yaml"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    assert done["result"] == "ok" and done["steps"][0]["hosts"]["mc-1"] == "ok"
    record = journal(tmp_path)[-1]
    assert record["name"] == "nightly-backup" and record["who"] and record["steps"][0]["log_dirs"]
    assert (tmp_path / "backups" / ".git").is_dir()


def test_a_failed_nightly_backup_reaches_the_engineers_by_mail(fresh_lab, tmp_path: Path, smtp_server) -> None:
    fresh_lab.fault("mc-2", "refuse-login")
    report = run(tmp_path, fresh_lab, "nightly-backup.yaml", smtp=smtp_server)
    assert report.exit_code == 1 and report.result == "failed"
    assert report.notified == "sent to noc@louvre.example"
    [mail] = smtp_server.messages
    assert "nightly-backup échec" in mail.subject and "mc-2" in mail.body  # French by default and "login refused" in mail.body
    assert not any(secret in mail.body for secret in LAB_SECRETS)
    assert journal(tmp_path)[-1]["notified"] == "sent to noc@louvre.example"


def test_a_service_interrupting_playbook_keeps_to_its_window(fresh_lab, tmp_path: Path) -> None:
    wednesday_evening = datetime(2026, 12, 9, 20, 0, tzinfo=PARIS)  # the Louvre is open until 21:00
    since = fresh_lab.received_count("mm-1")
    refused = run(tmp_path, fresh_lab, "change-window.yaml", *APPROVAL, now=wednesday_evening)
    assert refused.result == "refused" and refused.exit_code == 1 and refused.steps == []
    assert refused.window and refused.window["rule"] and "21:00" in refused.window["next_allowed"]
    late = run(tmp_path, fresh_lab, "change-window.yaml", "change=CHG-2", "approver=N. Engineer",
               "approved_on=2026-12-01")  # 5 working days before the Tuesday: too late
    assert late.result == "refused" and late.window and "approval" in (late.window["rule"] or "")
    assert fresh_lab.received_count("mm-1") == since  # nothing reached the MM
    forced = run(tmp_path, fresh_lab, "change-window.yaml", *APPROVAL, now=wednesday_evening, check=True,
                 force=True, reason="emergency: radius key leaked")
    assert forced.forced == {"reason": "emergency: radius key leaked", "rule": refused.window["rule"]}
    records = journal(tmp_path)
    assert [r["result"] for r in records[-3:-1]] == ["refused", "refused"]
    assert records[-1]["forced"]["reason"] == "emergency: radius key leaked"


def test_change_window_runs_end_to_end_and_mails_its_summary(fresh_lab, tmp_path: Path, smtp_server) -> None:
    asked: list[str] = []
    report = run(tmp_path, fresh_lab, "change-window.yaml", *APPROVAL, smtp=smtp_server,
                 confirm=lambda question: asked.append(question) or True)
    assert report.result == "ok", [(s.name, s.summary) for s in report.steps]
    assert [s.name for s in report.steps] == ["health before", "backup before", "plan", "go ahead", "apply",
                                              "firewall change", "verify", "health after", "backup after", "DOE report",
                                              "DOE update"]
    assert asked[0] == "Send the plan of CHG-1 now?"  # then the firewall's sheets, never confirmed in this lab
    assert asked[1].startswith("Done on the operator's firewall") and len(asked) == 2
    assert (tmp_path / "reports" / "CHG-1.html").exists()
    [mail] = smtp_server.messages
    assert "change-window réussie" in mail.subject and "[ok] apply" in mail.body
    assert "Commencée le 8 décembre 2026, 10:00 (heure de Paris)" in mail.body
    assert journal(tmp_path)[-1]["approval"] == {"reference": "CHG-1", "approver": "N. Engineer",
                                                 "date": "2026-11-16"}


def test_a_dry_run_sends_no_configuration_and_no_mail(fresh_lab, tmp_path: Path, smtp_server) -> None:
    since = fresh_lab.received_count("mm-1")
    report = run(tmp_path, fresh_lab, "change-window.yaml", *APPROVAL, smtp=smtp_server, check=True)
    assert report.result == "ok" and report.notified and report.notified.startswith("would send")
    received = fresh_lab.received("mm-1", since)
    assert "configure terminal" not in received and "write memory" not in received
    assert smtp_server.messages == []
    assert any(s.summary.startswith("would send") for s in report.steps if s.name == "apply")


def test_a_failing_post_check_rolls_back_what_the_run_applied(fresh_lab, tmp_path: Path, smtp_server) -> None:
    baseline = committed(fresh_lab)

    def an_ap_group_fails_meanwhile(question: str) -> bool:  # after `health before`, before the push
        fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
        return True

    report = run(tmp_path, fresh_lab, "change-window.yaml", *APPROVAL, smtp=smtp_server,
                 confirm=an_ap_group_fails_meanwhile)
    assert report.result == "rolled back" and report.exit_code == 1
    steps = {s.name: s for s in report.steps}
    assert steps["apply"].ok and not steps["health after"].ok and "went down" in steps["health after"].summary
    undone = [s for s in report.steps if s.action == "rollback"]
    assert undone and all(s.ok for s in undone)
    assert "backup after" not in steps  # stopped at the failure
    # then what any change ends with: health, a backup, the DOE report of what was changed and reverted
    after = [s.name for s in report.steps if s.section == "after rollback"]
    assert after == ["health after the rollback", "backup after the rollback", "DOE report of the rollback",
                     "DOE update after the rollback"]
    assert all(steps[name].ok for name in after), [(n, steps[n].summary) for n in after]
    doe = (tmp_path / "reports" / "CHG-1-rolled-back.html").read_text()
    assert "Configuration modifiée, puis rétablie" in doe and "Retour arrière parce que health after" in doe
    fresh_lab.clear("mm-1")
    now = committed(fresh_lab)
    assert all(sorted(now[n].splitlines()) == sorted(baseline[n].splitlines()) for n in NODES)
    record = journal(tmp_path)[-1]
    assert record["result"] == "rolled back" and record["why"].startswith("health after:")
    [mail] = smtp_server.messages
    assert "annulée (retour arrière)" in mail.subject and "Annulé parce que health after:" in mail.body


def test_wpa3_migration_moves_one_ssid_at_a_time(fresh_lab, tmp_path: Path) -> None:
    apply(Estate.open(settings(tmp_path), fresh_lab.inventory_dir), live=True, commit=True)  # the lab at today's intent
    report = run(tmp_path, fresh_lab, "wpa3-migration.yaml", *APPROVAL, "ssids=Intra_Louvre,Multimedia_Louvre")
    assert report.result == "ok", [(s.name, s.summary) for s in report.steps]
    assert [s.name for s in report.steps] == [
        "backup before", "health before [Intra_Louvre]", "move to WPA3 [Intra_Louvre]", "health after [Intra_Louvre]",
        "health before [Multimedia_Louvre]", "move to WPA3 [Multimedia_Louvre]", "health after [Multimedia_Louvre]",
        "backup after", "DOE report", "DOE update"]
    md = committed(fresh_lab)["/md"]
    profiles = md.split("wlan ssid-profile")
    intra = next(p for p in profiles if p.startswith(' "intra-louvre"'))
    multimedia = next(p for p in profiles if p.startswith(' "multimedia-louvre"'))
    mobil = next(p for p in profiles if p.startswith(' "mobil-louvre"'))
    assert "wpa3-aes-ccm-128" in intra and "wpa3-sae-aes" in multimedia and "wpa2-aes" in mobil


def test_an_undefined_variable_is_refused_with_the_steps_line(tmp_path: Path) -> None:
    book = tmp_path / "vars.yaml"
    book.write_text("name: v\nsteps:\n  - name: one\n    backup: {}\n  - name: two\n"
                    "    apply: {limit: \"{{ vars.nope }}\"}\n")
    with pytest.raises(PlaybookError) as refused:
        run_playbook(settings(tmp_path), book)
    assert f"{book}:5: steps[1]:" in str(refused.value) and "nope" in str(refused.value)
