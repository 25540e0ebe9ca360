"""`wifiops report change REF` (issue 27) on the lab: an intervention's report with its context, in French, for a
change window that went through and for one rolled back after its health check failed."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.playbooks.test_playbooks import APPROVAL, LAB_SECRETS, config as playbook_config, run
from wifiops.cli import app

runner = CliRunner()


def change(cfg: Path, reference: str, out: Path, *args: str) -> dict:
    result = runner.invoke(app, ["--config", str(cfg), "report", "change", reference, "--out", str(out), *args,
                                 "--json"])
    assert result.exit_code == 0, (result.output, result.exception)
    return json.loads(result.stdout)["report"]


def test_a_change_window_report_says_which_change_who_approved_the_window_and_health(fresh_lab,
                                                                                     tmp_path: Path) -> None:
    done = run(tmp_path, fresh_lab, "change-window.yaml", *APPROVAL, confirm=lambda question: True)
    assert done.result == "ok"
    cfg = playbook_config(tmp_path, fresh_lab)
    data = change(cfg, "CHG-1", tmp_path / "chg.md", "--format", "md")
    assert data["result"] == "ok" and data["reason"] is None and data["before"] != data["after"]
    assert [h["step"] for h in data["health"]] == ["health before", "health after"]
    assert data["health"][0]["aps"] == 358 and data["diff"]["added"] > 0
    text = (tmp_path / "chg.md").read_text()
    assert text.startswith("# Compte rendu d'intervention CHG-1")
    assert "| Validée par | N. Engineer |" in text and "| Date de validation | 16 novembre 2026 |" in text
    assert "| Fenêtre | dans la fenêtre |" in text and "| Début | 8 décembre 2026, 10:00 |" in text
    assert "| Résultat | **réussie** |" in text
    assert "| health before | réussie | 358 / 358 | 8\u202f000 | 0 |" in text
    assert "## Ce qui a changé dans la configuration" in text and "### Nœud `/md" in text
    html_data = change(cfg, "CHG-1", tmp_path / "chg.html")
    assert html_data["reference"] == "CHG-1" and "<h1>Compte rendu d'intervention CHG-1</h1>" in \
        (tmp_path / "chg.html").read_text()
    for secret in LAB_SECRETS:
        assert secret not in text and secret not in (tmp_path / "chg.html").read_text()


def test_a_rolled_back_change_window_has_its_report_saying_so_and_why(fresh_lab, tmp_path: Path) -> None:
    def an_ap_group_fails_meanwhile(question: str) -> bool:  # after `health before`, before the push
        fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
        return True

    done = run(tmp_path, fresh_lab, "change-window.yaml", *APPROVAL, confirm=an_ap_group_fails_meanwhile)
    fresh_lab.clear("mm-1")
    assert done.result == "rolled back"
    cfg = playbook_config(tmp_path, fresh_lab)
    data = change(cfg, "CHG-1", tmp_path / "back.md", "--format", "md")
    assert data["result"] == "rolled back" and "health after" in data["reason"]
    text = (tmp_path / "back.md").read_text()
    assert "| Résultat | **annulée (retour arrière)** |" in text
    assert "| Motif | health after: " in text and "went down" in text
    undone = [s for s in data["steps"] if s["action"] == "rollback"]
    assert undone and all(s["ok"] for s in undone)
    assert f"| {undone[0]['name']} | réussie |" in text

    # the change done again: its backup before finds nothing new (the rollback's backup holds the same), its report
    # still compares the configuration before and after
    again = run(tmp_path, fresh_lab, "change-window.yaml", "change=CHG-2", "approver=N. Engineer",
                "approved_on=2026-11-16", confirm=lambda question: True)
    assert again.result == "ok" and "unchanged" in next(s.summary for s in again.steps if s.name == "backup before")
    redone = change(cfg, "CHG-2", tmp_path / "again.md", "--format", "md")
    assert redone["diff"] and redone["diff"]["added"] > 0, redone["diff_error"]


def test_english_with_language_en_and_an_unknown_reference_said(fresh_lab, tmp_path: Path) -> None:
    done = run(tmp_path, fresh_lab, "change-window.yaml", *APPROVAL, confirm=lambda question: True)
    assert done.result == "ok"
    cfg = playbook_config(tmp_path, fresh_lab)
    cfg.write_text(cfg.read_text() + "language: en\n")
    change(cfg, "CHG-1", tmp_path / "en.md", "--format", "md")
    text = (tmp_path / "en.md").read_text()
    assert text.startswith("# Intervention report CHG-1") and "| Approval date | 16 November 2026 |" in text
    missing = runner.invoke(app, ["--config", str(cfg), "report", "change", "CHG-9", "--out", str(tmp_path / "x")])
    assert missing.exit_code != 0 and "no production run 'CHG-9'" in str(missing.exception) + missing.output
    assert "CHG-1" in str(missing.exception) + missing.output
