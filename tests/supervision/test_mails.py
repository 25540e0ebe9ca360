"""The supervision mails in the language of wifiops.yaml: French by default, English with `language: en`, Paris
time; what a person reads first (the subject and the first lines) is checked, from the watch and the watchdog."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from wifiops.engine.watchdog import run_watchdog
from wifiops.i18n import Localised
from wifiops.settings import load_settings
from wifiops.store.sqlite import SqliteStore
from wifiops.supervision.alerting import Alerting
from wifiops.supervision.evaluate import Reading, Sample
from wifiops.supervision.mails import said
from wifiops.supervision.rules import Rules
from wifiops.inventory.schema import Supervision
from wifiops.windows import PARIS

from watching import write_config

REPO = Path(__file__).resolve().parents[2]
FRIDAY = datetime(2026, 3, 13, 17, 5, tzinfo=PARIS)
DOWN = ("AP group DELACROIX (delacroix): 14 of 14 APs down (100 %, alert at 3 APs or 50 %): DLX-AP01, DLX-AP02")
UP = "AP group DELACROIX (delacroix): 0 of 14 APs down (0 %, alert at 3 APs or 50 %)"


def _mails(tmp_path: Path, language_line: str) -> list[tuple[str, str]]:
    """An AP group down for two cycles then up for three, watched with the settings of a wifiops.yaml."""
    settings = load_settings(write_config(tmp_path, REPO / "inventory" / "lab", language_line))
    store, sent = SqliteStore(tmp_path / "s.sqlite"), []  # type: ignore[var-annotated]

    def send(subject: str, body: str) -> tuple[str, bool]:
        sent.append((subject, body))
        return "sent to noc@louvre.example", True
    alerting = Alerting(store, Rules(Supervision()), send, [].append, language=settings.language)
    try:
        for step, bad in enumerate([True, True, False, False, False]):
            alerting.process(Reading(samples=[Sample("aps-down", "DELACROIX", bad, DOWN if bad else UP,
                                                     {"site": "delacroix", "group": "DELACROIX"})]),
                             FRIDAY + timedelta(minutes=5 * step))
    finally:
        store.close()
    return sent


def test_an_alert_mail_is_french_by_default(tmp_path: Path) -> None:
    (raised, raised_body), (cleared, cleared_body) = _mails(tmp_path, "")
    assert raised == "wifiops ALERTE aps-down DELACROIX [incident majeur n° 1]"
    assert raised_body.splitlines()[:3] == [
        "Groupe de bornes DELACROIX (delacroix) : 14 bornes hors service sur 14 (100 %, alerte à 3 bornes ou 50 %) : "
        "DLX-AP01, DLX-AP02",
        "",
        "Alerte aps-down:DELACROIX déclenchée le vendredi 13 mars 2026 à 17:10 (heure de Paris) par wifiops watch."]
    assert "Incident n° 1 : majeur, ouvert le vendredi 13 mars 2026 à 17:10 (heure de Paris). GTR infrastructure : " \
           "rétablir avant le lundi 16 mars 2026 à 11:10 (heure de Paris)." in raised_body
    assert cleared == "wifiops FIN D'ALERTE aps-down DELACROIX"
    assert cleared_body.splitlines()[2] == ("Alerte aps-down:DELACROIX déclenchée le vendredi 13 mars 2026 à 17:10 "
                                            "(heure de Paris), terminée le vendredi 13 mars 2026 à 17:25 (heure de "
                                            "Paris) (au bout de 15 min).")
    assert "Incident n° 1 rétabli dans le délai" in cleared_body


def test_an_alert_mail_is_english_with_language_en(tmp_path: Path) -> None:
    (raised, raised_body), (cleared, cleared_body) = _mails(tmp_path, "language: en\n")
    assert raised == "wifiops ALERT aps-down DELACROIX [major incident #1]"
    assert raised_body.splitlines()[:3] == [
        DOWN, "", "Alert aps-down:DELACROIX raised Friday 2026-03-13 17:10 (Europe/Paris) by wifiops watch."]
    assert "restore by Monday 2026-03-16 11:10 (Europe/Paris)." in raised_body
    assert cleared == "wifiops CLEARED aps-down DELACROIX"
    assert cleared_body.splitlines()[0] == UP and "Incident #1 restored within its deadline" in cleared_body


def test_the_watchdog_mails_in_the_language_of_wifiops_yaml(tmp_path: Path) -> None:
    now = datetime(2026, 3, 12, 9, 0, tzinfo=timezone.utc)
    for language, line, subject, first in (
            ("fr", "", "wifiops VEILLE backup-old",
             "la dernière sauvegarde réussie date de 30,0 h (mercredi 11 mars 2026 à 04:00 (heure de Paris)), plus de "
             "26 h : vérifiez le minuteur de nuit"),
            ("en", "language: en\n", "wifiops WATCHDOG backup-old",
             "the last good backup is 30.0 h old (Wednesday 2026-03-11 04:00 (Europe/Paris)), more than 26 h: check "
             "the nightly timer")):
        folder = tmp_path / language
        folder.mkdir()
        settings = load_settings(write_config(folder, REPO / "inventory" / "lab", line))
        (folder / "runs").mkdir()
        ended = (now - timedelta(hours=30)).isoformat()
        (folder / "runs" / "journal.jsonl").write_text(json.dumps(
            {"kind": "playbook", "name": "nightly-backup", "check": False, "result": "ok", "ended": ended,
             "steps": [{"name": "backup", "action": "backup", "ok": True, "ended": ended}]}) + "\n")
        store, sent = SqliteStore(folder / "runs" / "supervision.sqlite"), []  # type: ignore[var-annotated]

        def send(subject: str, body: str) -> str:
            sent.append((subject, body))
            return "sent to noc@louvre.example"
        try:
            run_watchdog(settings, store, now=now, backup_hours=26, watch_minutes=15, send=send)
        finally:
            store.close()
        assert sent[0][0] == subject and sent[0][1].startswith(first), language


def test_an_aps_sentence_is_said_in_french_and_kept_in_english() -> None:
    sentence = "LVR-PAL-AP001 (louvre-palais, group PALAIS, AP-515, PRIORITY): Down"
    assert said(sentence, Localised("fr").gettext) == \
        "LVR-PAL-AP001 (louvre-palais, groupe PALAIS, AP-515, PRIORITAIRE) : Hors service"
    assert said(sentence, Localised("en").gettext) == sentence


def test_a_sentence_of_no_known_shape_is_left_as_the_engine_wrote_it() -> None:
    def french(text: str) -> str:
        return {"did not answer": "ne répond pas", "%(name)s: %(rest)s": "%(name)s : %(rest)s"}.get(text, text)
    assert said("mm-1: did not answer", french) == "mm-1 : ne répond pas"
    assert said("cppm-2: the API login was refused (HTTP 401)", french) == "cppm-2: the API login was refused (HTTP 401)"
