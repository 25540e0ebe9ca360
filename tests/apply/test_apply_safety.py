"""The safety of `wifiops apply --commit` (issue 23) on the lab over real SSH: one run per conductor at a time,
plans that are evidence, leftover pending lines found and purged, a device that stops answering mid-push, and
an apply right after an apply."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import git
import pytest

from applylab import (NODES, Wifiops, committed, config, config_lines, journal, records, said, session, wait_for,
                      wifiops)
from wifiops.engine.apply import apply
from wifiops.engine.plans import ApplyPlan, seal_key, sealed
from wifiops.settings import Settings
from wifiops.estate import Estate

REPO = Path(__file__).resolve().parents[2]


def test_a_second_apply_on_the_same_conductor_is_refused_naming_the_first(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    fresh_lab.fault("mm-1", "slow", 40)  # the first run is still pushing when the second starts
    since = fresh_lab.received_count("mm-1")
    first = Wifiops(cfg, "apply", "--commit", "--live", "--json")
    lock = tmp_path / "runs" / "locks" / "conductor-mm-1.lock"
    wait_for("the first run to hold the conductor", lambda: lock.exists() and lock.read_text().strip() != "", first)
    wait_for("the first run to push", lambda: "configure terminal" in fresh_lab.received("mm-1", since), first)
    code, text = said(cfg, "apply", "--commit", "--live")
    assert code == 1, text
    assert "the conductor mm-1 is in use by another run" in text and f"pid {first.proc.pid}" in text
    assert "apply --commit --live" in text and "since 20" in text and "nothing was done" in text
    code, refused = wifiops(cfg, "apply", "--commit", "--live")  # scripts get the holder as data
    assert code == 1 and refused["holder"]["pid"] == first.proc.pid and refused["result"] == "refused: in use"
    code, out, err = first.finish()
    assert code == 0, err
    # the lab's record: one session configured mm-1, and it sent exactly what its transcript says
    lines = fresh_lab._sync(fresh_lab.core.received_lines, "mm-1", since)
    configuring = {r["session"] for r in lines if r["line"] == "configure terminal"}
    assert len(configuring) == 1
    run = json.loads(out)
    sent = [line[4:] for line in (Path(run["log_dir"]) / "mm-1.log").read_text().splitlines()
            if line.startswith(">>> ")]
    assert config_lines([r["line"] for r in lines]) == config_lines(sent)
    assert not (lock.read_text().strip())  # released: nobody holds it


def test_a_plan_edited_by_hand_is_refused_and_the_lab_receives_nothing(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    _, planned = wifiops(cfg, "apply", "--live")
    data = json.loads(Path(planned["plan_file"]).read_text())
    data["nodes"][1]["remediation"] += 'ap system-profile "hand-made"\n  lms-ip 10.0.0.9\n!\n'
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data))
    since = fresh_lab.received_count("mm-1")
    code, text = said(cfg, "apply", "--commit", "--plan", str(tampered))
    assert code == 2 and "was changed after wifiops made it" in text and "nothing was sent" in text
    del data["seal"]
    tampered.write_text(json.dumps(data))
    code, text = said(cfg, "apply", "--commit", "--plan", str(tampered))
    assert code == 2 and "not sealed" in text
    assert fresh_lab.received_count("mm-1") == since  # not even a login


@pytest.mark.parametrize(("added", "why"), [
    ("write memory\n", "'write memory' is not configuration"),
    ('vlan-name one\rvlan-name two\n', "control character '\\r'"),
    ("  configuration purge-pending\n", "is not configuration"),
    ("reload\n", "'reload' is not configuration"),
    ("snmp-server-typo community x\n", "is no configuration object wifiops knows"),
    ("  description orphan\n", "indented under no block"),
])
def test_a_plan_line_that_is_not_configuration_is_refused_even_sealed(fresh_lab, tmp_path: Path, added: str,
                                                                      why: str) -> None:
    """Sealed again with the repository's own key (as a plan wifiops itself got wrong would be): the lines are
    checked all the same."""
    cfg = config(tmp_path, fresh_lab)
    _, planned = wifiops(cfg, "apply", "--live")
    data = json.loads(Path(planned["plan_file"]).read_text())
    data["nodes"][0]["remediation"] = added + data["nodes"][0]["remediation"]
    bad = tmp_path / "bad.json"
    bad.write_text(sealed(ApplyPlan.model_validate(data), seal_key(tmp_path / "backups" / ".git")).model_dump_json())
    since = fresh_lab.received_count("mm-1")
    code, text = said(cfg, "apply", "--commit", "--plan", str(bad))
    assert code == 2 and why in text and "node /md, line 1" in text and "nothing was sent" in text, text
    assert fresh_lab.received_count("mm-1") == since


def test_leftover_pending_lines_are_found_by_check_and_backup_and_purged_by_an_apply_with_nothing_to_send(
        fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    code, done = wifiops(cfg, "apply", "--commit", "--live")  # the estate as the intent: nothing left to send
    assert code == 0, done
    with session(fresh_lab) as mm:  # a session that ends before its write memory
        mm.configure(["vlan-name left-behind", "vlan-name left-too"], node="/md/Louvre")
    code, health = wifiops(cfg, "check")
    pending = [f for f in health["findings"] if f["check"] == "pending"]
    assert code == 1 and [f["subject"] for f in pending] == ["mm-1"]
    assert "2 line(s) pending" in pending[0]["message"] and "/md/Louvre" in pending[0]["message"]
    code, diffed = wifiops(cfg, "diff", "--live")  # compliant, but not clean: the next write memory commits them
    assert code == 1 and all(n["compliant"] for n in diffed["nodes"])  # (the firewall's rates are apart: issue 34)
    assert diffed["pending"] == {"/md/Louvre": ["vlan-name left-behind", "vlan-name left-too"]}
    code, text = said(cfg, "diff", "--live")
    assert code == 1 and "2 line(s) pending" in text and "/md/Louvre: vlan-name left-behind" in text
    code, backed = wifiops(cfg, "backup")
    mm1 = {h["host"]: h for h in backed["hosts"]}["mm-1"]
    assert code == 0 and mm1["ok"] and mm1["pending"] == {"/md/Louvre": ["vlan-name left-behind",
                                                                          "vlan-name left-too"]}
    assert "mm-1: 2 line(s) pending" in git.Repo(tmp_path / "backups").head.commit.message
    code, text = said(cfg, "backup")
    assert code == 0 and "mm-1: 2 line(s) pending" in " ".join(text.split())
    code, text = said(cfg, "apply", "--commit", "--live")
    assert code == 0, text
    assert "purged" in text and "left-behind" in text and "nothing to apply" in text
    assert fresh_lab.pending() == {}
    assert journal(tmp_path)[-1]["purged_pending"] is True


def test_a_run_killed_mid_push_leaves_lines_that_check_reports_and_the_next_apply_purges(fresh_lab,
                                                                                          tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    before = committed(fresh_lab)
    fresh_lab.fault("mm-1", "slow", 40)
    since = fresh_lab.received_count("mm-1")
    run = Wifiops(cfg, "apply", "--commit", "--live")
    wait_for("the push to start", lambda: "vlan-name intra" in fresh_lab.received("mm-1", since), run)
    run.kill()  # kill -9: no handler runs, nothing is purged
    fresh_lab.clear("mm-1")
    assert fresh_lab.pending()
    code, health = wifiops(cfg, "check")
    assert code == 1 and any(f["check"] == "pending" and "line(s) pending" in f["message"]
                             for f in health["findings"])
    assert committed(fresh_lab) == before
    code, done = wifiops(cfg, "apply", "--commit", "--live")
    assert code == 0, done
    assert "vlan-name intra" in done["purged_pending"]
    assert any("stale lock" in w and "apply --commit --live" in w for w in done["warnings"]), done["warnings"]
    assert fresh_lab.pending() == {}


def test_a_device_that_stops_answering_mid_push_is_named_once_and_rolled_back_through_a_new_session(
        fresh_lab, tmp_path: Path) -> None:
    baseline = committed(fresh_lab)
    since = fresh_lab.received_count("mm-1")
    fresh_lab.fault("mm-1", "slow", 30)
    hung = threading.Event()

    def hang_mid_push() -> None:  # the device goes silent once the push has begun
        deadline = time.monotonic() + 60
        while "vlan-name intra" not in fresh_lab.received("mm-1", since) and time.monotonic() < deadline:
            time.sleep(0.002)
        fresh_lab.fault("mm-1", "hang")
        hung.set()

    def back_when_reopening(said: str) -> None:  # ... and answers again for the new session
        if "opening a new session" in said:
            fresh_lab.clear("mm-1")

    watcher = threading.Thread(target=hang_mid_push, daemon=True)
    watcher.start()
    settings = Settings(root=REPO, run_dir=tmp_path / "runs", secrets_file=tmp_path / "none.yaml",
                        backup_dir=tmp_path / "backups", timeout=2)
    report = apply(Estate.open(settings, fresh_lab.inventory_dir), live=True, commit=True,
                   progress=back_when_reopening)
    watcher.join(timeout=5)
    assert hung.is_set()
    md = report.outcomes["/md"]
    assert md.status == "failed" and report.exit_code == 1
    assert "sent nothing for 2 s" in (md.error or "") and "'end'" not in (md.error or "")
    silent = re.search(r"the echo of '([^']+)'", md.error or "")
    assert silent and silent[1] in report.plan.nodes[0].remediation.splitlines()  # a line of the plan is named
    assert md.rollback == "restored"
    log = (report.log_dir / "mm-1.log").read_text()
    assert log.count("[NO ANSWER]") == 1 and "[REFUSED]" not in log
    assert "<the session was cut; wifiops opened a new one>" in log
    assert committed(fresh_lab) == baseline and fresh_lab.pending() == {}


def test_an_apply_right_after_an_apply_plans_from_the_backup_the_first_one_took(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    assert wifiops(cfg, "backup")[0] == 0
    code, first = wifiops(cfg, "apply", "--commit")  # planned from that backup
    assert code == 0 and first["backup_after"], first
    code, second = wifiops(cfg, "apply", "--commit")  # from the backup the first apply took after its push
    assert code == 0 and second["drift"] == {}, second
    assert second["source"].startswith("backup") and first["backup_after"] in second["source"]
    assert all(n["status"] == "unchanged" for n in second["nodes"])
    assert [r["result"] for r in records(tmp_path)] == ["applied", "applied"]
    assert set(NODES) >= {n["node"] for n in second["nodes"]}


def test_watch_raises_an_alert_for_lines_left_pending_and_clears_it_once_purged(fresh_lab, tmp_path: Path) -> None:
    from datetime import datetime

    from watched import Clock, Watched, write_config
    from wifiops.settings import load_settings
    from wifiops.store.sqlite import SqliteStore

    settings = load_settings(write_config(tmp_path, fresh_lab.inventory_dir))
    store = SqliteStore(settings.path(settings.run_dir) / "supervision.sqlite")
    try:
        watched = Watched(tmp_path / "wifiops.yaml", settings, store, Clock(datetime(2026, 3, 13, 17, 0)))
        assert "pending:mm-1" not in [a.key for a in watched.cycle().active]
        with session(fresh_lab) as mm:
            mm.configure(["vlan-name left-behind"], node="/md")
        raised = [a for _ in range(3) for a in watched.cycle().outcome.raised]  # the inventory's hysteresis
        assert [a.key for a in raised] == ["pending:mm-1"]
        assert "1 line(s) pending" in raised[0].message and "/md" in raised[0].message
        with session(fresh_lab) as mm:
            mm.purge_pending()
        cleared = [a for _ in range(4) for a in watched.cycle().outcome.cleared]
        assert [a.key for a in cleared] == ["pending:mm-1"]
    finally:
        store.close()
