"""`wifiops report activity --year Y` on a lab year in miniature: an AP group down and restored in time (its GTR
met), availability below target that month, playbook runs from the journal (a rehearsal and last year's left out)
with their DOE reports, backups from the repository's history, client trends from the statistics; HTML with its
charts inline, Markdown with its charts beside it; no client identity anywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from wifiops.backups.store import BackupRepo
from wifiops.cli import app
from wifiops.engine.journal import append_journal

from statlab import Watched, identities, lab_counts

runner = CliRunner()


def playbook(started: str, *, check: bool = False, applied: bool = True) -> dict:
    steps = [{"name": "backup", "action": "backup", "ok": True, "summary": "6 of 6 host(s) backed up"}]
    if applied:
        steps += [{"name": "apply", "action": "apply", "ok": True, "summary": "applied: 3 line(s) to 1 node(s)"},
                  {"name": "doe", "action": "report", "ok": True,
                   "summary": "reports/CHG-42.html: 1 node(s), 3 line(s) added, 0 removed"}]
    return {"kind": "playbook", "name": "change-window", "check": check, "started": started, "who": "nadia",
            "approval": {"reference": "CHG-42", "approver": "louvre", "date": "2026-02-20"}, "forced": None,
            "steps": steps, "result": "ok", "reports": ["reports/CHG-42-runbook.md"] if applied else []}


def test_the_yearly_report_from_the_store_the_journal_and_the_backups(watched: Watched, fresh_lab, monkeypatch,
                                                                     tmp_path: Path) -> None:
    expected = lab_counts(fresh_lab)
    watched.cycle(then_advance=300)  # Friday 13 March 2026, 17:00
    fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
    watched.cycle(then_advance=300)
    opened = watched.cycle(then_advance=300).outcome.opened  # 17:10: the incident, 4 working hours
    assert [i.subject for i in opened] == ["DELACROIX"]
    fresh_lab.clear("mm-1")
    for _ in range(3):
        watched.cycle(then_advance=300)  # restored at the third good sample, in time
    settings = watched.settings
    for line in (playbook("2026-03-02T20:00:00+01:00"), playbook("2026-03-03T20:00:00+01:00", check=True),
                 playbook("2025-12-01T20:00:00+01:00"), playbook("2026-04-01T02:30:00+02:00", applied=False)):
        append_journal(settings, line)
    for ap, result, note, at in (("LVR-PAL-AP001", "ok", None, "2026-03-16T10:00:00+01:00"),
                                 ("LVR-PAL-AP002", "fault", "5 GHz radio silent", "2026-03-16T10:20:00+01:00"),
                                 ("LVR-PAL-AP003", "ok", None, "2025-11-16T10:00:00+01:00")):  # last year's
        append_journal(settings, {"kind": "visit", "at": at, "visit": 1, "ap": ap, "result": result, "note": note,
                                  "by": "nadia"})
    excluded = runner.invoke(app, ["--config", str(watched.config), "incident", "exclude", str(opened[0].id),
                                   "--cause", "louvre-power", "--reason", "EDF cut, PC securite log"])
    assert excluded.exit_code == 0, excluded.output
    (settings.path(settings.run_dir) / "journal.jsonl").open("a").write("not json\n")
    repo = BackupRepo(settings.path(settings.backup_dir))
    for n, when in enumerate(("2026-03-01T02:30:00+01:00", "2026-03-02T02:30:00+01:00")):
        monkeypatch.setenv("GIT_COMMITTER_DATE", when)
        monkeypatch.setenv("GIT_AUTHOR_DATE", when)
        repo.write("louvre-palais/mm-1/running-config.cfg", f"hostname mm-1\n! {n}\n")
        repo.commit(["louvre-palais/mm-1/running-config.cfg"], f"backup {when}: 1 host(s) changed, {n} failed")

    out = tmp_path / "activity-2026.html"
    watched.config.write_text(watched.config.read_text() + "language: en\n")  # French is tests/reports' part
    result = runner.invoke(app, ["--config", str(watched.config), "report", "activity", "--year", "2026", "--out",
                                 str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["report"]
    incidents = report["incidents"]
    assert incidents["total"] == 1 and incidents["by_month"]["major"][2] == 1
    assert incidents["gtr"] == {"with_deadline": 1, "met": 1, "missed": 0, "open": 0, "met_percent": 100.0,
                                "by_class": {"infrastructure": {"met": 1}}}
    availability = report["availability"]
    assert availability["by_month"][2] < 99 and availability["months_below_target"] == ["March"]
    assert availability["by_month"][0] is None  # nothing watched in January
    delacroix = next(s for s in availability["sites"] if s["site"] == "delacroix")
    assert delacroix["meets_target"] is False and delacroix["down_s"] == 14 * 10 * 60  # down at 17:05 and 17:10
    changes = report["changes"]
    assert (changes["total"], changes["with_changes"], changes["doe_reports"]) == (2, 1, 2)
    assert changes["runs"][0]["doe_reports"] == ["reports/CHG-42-runbook.md", "reports/CHG-42.html"]
    assert changes["runs"][0]["approval"] == "CHG-42"
    contract = report["contract"]  # the power cut is the Louvre's: excluded from the contractual figure only
    assert contract["by_cause"] == {"louvre-power": 1} and contract["exclusions"][0]["group"] == "DELACROIX"
    assert contract["raw_percent"] < contract["contract_percent"]  # the span from the incident's opening
    visits = report["visits"]
    assert (visits["aps_visited"], visits["ok"], visits["visits"]) == (2, 1, [1])
    assert visits["faults"] == [{"ap": "LVR-PAL-AP002", "visit": 1, "note": "5 GHz radio silent",
                                 "at": "2026-03-16T10:20:00+01:00"}]
    backups = report["backups"]
    assert backups["commits"] == 2 and backups["by_month"][2] == 2 and backups["with_failures"] == 1
    clients = report["clients"]
    assert clients["samples"] == 2 and clients["peak"] == expected["total"][""]  # 17:00 and 17:15: every 15 min
    assert {t["key"]: t["peak"] for t in clients["by_ssid"]} == dict(expected["ssid"])
    assert clients["by_month"][2]["peak"] == expected["total"][""] and clients["busiest_day"]["day"] == "2026-03-13"

    html = out.read_text()
    assert html.count("<svg") >= 6 and "<script" not in html and not re.search(r"(src|href)=\"https?:", html)
    assert "Activity report 2026" in html and "CHG-42" in html and "DELACROIX" in html

    md_out = tmp_path / "activity-2026.md"
    result = runner.invoke(app, ["--config", str(watched.config), "report", "activity", "--year", "2026", "--format",
                                 "md", "--out", str(md_out)])
    assert result.exit_code == 0, result.output
    text = md_out.read_text()
    links = re.findall(r"!\[[^]]*\]\(([^)]+\.svg)\)", text)
    assert len(links) >= 6 and all((tmp_path / link).read_text().startswith("<svg") for link in links)
    assert "| March | 0 | 1 |" in text and "| Restored within the deadline | 1 (100.0 %) |" in text
    # the committee sees the contractual figure, what it leaves out and why, and what the visits found
    assert "| Exclusions (down time the contract does not count) | 1 |" in text
    assert "| APs checked on a control visit / found at fault | 2 / 1 |" in text
    assert re.search(r"\| [^|]+ \| [^|]+ \| louvre-power \| incident #\d+", text), text
    assert "| LVR-PAL-AP002 | 1 | 5 GHz radio silent |" in text
    for value in identities(fresh_lab):
        assert value not in html and value not in text, value


def test_a_year_with_nothing_says_so(watched: Watched) -> None:
    watched.config.write_text(watched.config.read_text() + "language: en\n")
    result = runner.invoke(app, ["--config", str(watched.config), "report", "activity", "--year", "2024", "--format",
                                 "md"])
    assert result.exit_code == 0, result.output
    assert "No playbook run recorded" in result.stdout and "No connection statistics this year" in result.stdout
    assert "| Incidents opened | 0 |" in result.stdout
