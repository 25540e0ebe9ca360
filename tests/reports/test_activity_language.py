"""The yearly activity report (issue 27) in the contract's structure (CCTP §6), French by default, with the
engineer's analysis from activity/<year>.md included where the contract asks for it, and a section not
written said so; `language: en` gives the same report in English."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from wifiops.cli import app

runner = CliRunner()
INVENTORY = Path(__file__).resolve().parents[2] / "inventory" / "lab"
ANALYSIS = """# Analyse 2026

## Avancement des actions structurantes

- Migration des 7210 vers les 9240 : **terminée** en décembre.

## Analyse de tendance

La fréquentation du WiFi visiteurs progresse ; action préventive : second lien Internet.

## Risques

Fin de support des ClearPass C2000 : remplacement proposé au premier trimestre.
"""


def config(tmp_path: Path, *extra: str) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {INVENTORY}", f"run_dir: {tmp_path / 'runs'}",
                               f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                               *extra]) + "\n")
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "journal.jsonl").write_text(json.dumps({
        "kind": "playbook", "name": "change-window", "check": False, "started": "2026-03-10T09:00:00+00:00",
        "who": "n.engineer", "approval": {"reference": "CHG-7"}, "result": "rolled back", "steps": []}) + "\n")
    (tmp_path / "activity").mkdir()
    (tmp_path / "activity" / "2026.md").write_text(ANALYSIS)
    return path


def activity(cfg: Path, out: Path, fmt: str) -> str:
    result = runner.invoke(app, ["--config", str(cfg), "report", "activity", "--year", "2026", "--format", fmt,
                                 "--out", str(out)])
    assert result.exit_code == 0, (result.output, result.exception)
    return out.read_text()


def test_french_in_the_contracts_order_with_the_engineers_analysis(tmp_path: Path) -> None:
    text = activity(config(tmp_path), tmp_path / "a.md", "md")
    assert text.startswith("# Rapport d'activité 2026 : le WiFi du louvre-lab")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == ["1. Avancement des actions structurantes",
                        "2. Arbitrages et décisions proposés pour chaque activité",
                        "3. Suivi des indicateurs du contrat",
                        "4. Analyse de tendance, actions correctives et préventives",
                        "5. Analyse des risques et actions préventives ou de réduction proposées",
                        "6. Propositions d'adaptation pour optimiser le fonctionnement du contrat",
                        "Annexe — fenêtres de maintenance du mois suivant"]
    # next month (the report is made today): each day with its windows; Tuesdays the Louvre is closed all day
    windows = re.findall(r"^\| (\d+ \w+ \d{4}) \| (.+) \|$", text.split("Annexe — fenêtres")[1], re.M)
    assert 28 <= len(windows) <= 31 and all(periods != "—" for _day, periods in windows)
    assert any(periods.startswith("00:00–") for _day, periods in windows)
    assert "- Migration des 7210 vers les 9240 : **terminée** en décembre." in text
    assert "action préventive : second lien Internet" in text and "Fin de support des ClearPass C2000" in text
    missing = "*Analyse à rédiger : section « Arbitrages et décisions proposés pour chaque activité » de " \
              "activity/2026.md.*"  # beside wifiops.yaml: never the path of the engineer's machine
    assert missing in text
    assert "| mars | 0 | 0 |" in text and "| Incidents ouverts | 0 |" in text
    assert "| 10 mars 2026, 10:00 | change-window | annulée (retour arrière) | n.engineer | CHG-7 |" in text
    assert "| Opération | Exécutions | Ayant modifié la configuration | Non réussies |" in text
    assert "| change-window | 1 | 0 | 1 |" in text  # the volume of activity by kind
    html = activity(tmp_path / "wifiops.yaml", tmp_path / "a.html", "html")
    assert '<html lang="fr">' in html and "<li>Migration des 7210 vers les 9240 : <strong>terminée</strong>" in html
    assert "<h2>3. Suivi des indicateurs du contrat</h2>" in html and "<table>" in html


def test_english_with_language_en(tmp_path: Path) -> None:
    text = activity(config(tmp_path, "language: en"), tmp_path / "a.md", "md")
    assert text.startswith("# Activity report 2026: the WiFi of the louvre-lab")
    assert "## 1. Progress of the structural actions" in text and "| March | 0 | 0 |" in text
    assert "- Migration des 7210" in text  # the engineer's words as written
    assert "*Analysis to write: section “Decisions proposed for each activity” of " in text


def test_the_analysis_skeleton_has_the_contracts_sections_the_report_recognises(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    (tmp_path / "activity" / "2026.md").unlink()
    made = runner.invoke(app, ["--config", str(cfg), "report", "activity", "--year", "2026", "--init-analysis"])
    assert made.exit_code == 0, made.output
    skeleton = (tmp_path / "activity" / "2026.md").read_text()
    assert "## Risques" not in skeleton and "## Analyse des risques et actions préventives" in skeleton
    filled = skeleton.replace("\n\n## ", "\nÀ suivre.\n\n## ") + "Rien à signaler.\n"
    (tmp_path / "activity" / "2026.md").write_text(filled)
    text = activity(cfg, tmp_path / "a.md", "md")
    assert "Analyse à rédiger" not in text and text.count("À suivre.") == 4 and "Rien à signaler." in text
    again = runner.invoke(app, ["--config", str(cfg), "report", "activity", "--year", "2026", "--init-analysis"])
    assert again.exit_code == 0 and (tmp_path / "activity" / "2026.md").read_text() == filled


def test_a_runbook_report_in_french() -> None:
    from wifiops.reports.render import render_runbook

    record = {"name": "change-window", "result": "rolled back", "check": False, "who": "n.engineer",
              "device_user": "admin", "started": "2026-12-08T09:00:00+00:00", "ended": "2026-12-08T09:20:00+00:00",
              "playbook": "playbooks/change-window.yaml", "approval": {"reference": "CHG-7", "approver": "N. Name",
                                                                      "date": "2026-11-16"},
              "window": None, "forced": None,
              "steps": [{"name": "health after", "action": "check", "section": "post_checks", "ok": False,
                         "summary": "DELACROIX went down", "started": "2026-12-08T09:05:00+00:00", "ended": "2026-12-08T09:10:00+00:00", "hosts": {},
                         "log_dirs": []}]}
    text = render_runbook(record, "md", language="fr")
    assert text.startswith("# Procédure change-window : annulée (retour arrière)")
    assert "Validation CHG-7 par N. Name le 16 novembre 2026." in text and "## Ce qui a échoué" in text
    assert "8 décembre 2026, 10:00 à 8 décembre 2026, 10:20" in text  # Paris time, in words
    assert "| 1 | health after | vérifications finales | **ÉCHEC** | 8 décembre 2026, 10:05 |" in text
    html = render_runbook(record, "html", language="fr")
    assert '<html lang="fr">' in html and "<h2>État de santé à chaque contrôle</h2>" in html
    assert render_runbook(record, "md").startswith("# Procédure change-window")  # French by default
    assert render_runbook(record, "md", language="en").startswith("# Runbook change-window: rolled back")


def test_an_incidents_summary_is_said_in_the_reports_language(tmp_path: Path) -> None:
    """The watch wrote the summary in English; the yearly report says it in wifiops.yaml's language."""
    from datetime import datetime, timezone

    from wifiops.store.sqlite import SqliteStore

    for language in ("fr", "en"):
        folder = tmp_path / language
        folder.mkdir()
        cfg = config(folder, f"language: {language}")
        store = SqliteStore(folder / "runs" / "supervision.sqlite")
        try:
            opened = datetime(2026, 3, 13, 16, 10, tzinfo=timezone.utc)
            store.open_incident(alert=None, kind="aps-down", subject="DELACROIX", severity="major",
                                gtr="infrastructure", at=opened, deadline=datetime(2026, 3, 16, 10, 10, tzinfo=timezone.utc),
                                by="wifiops watch",
                                summary="AP group DELACROIX (delacroix): 14 of 14 APs down (100 %, alert at 3 APs)")
        finally:
            store.close()
        text = activity(cfg, folder / "a.md", "md")
        said = ("Groupe de bornes DELACROIX (delacroix) : 14 bornes hors service sur 14 (100 %, alerte à 3 bornes)"
                if language == "fr" else "AP group DELACROIX (delacroix): 14 of 14 APs down (100 %, alert at 3 APs)")
        assert f"| 1 | DELACROIX: {said} | infrastructure |" in text, language
