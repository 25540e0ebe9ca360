"""A playbook run's summary mail (issue 27) in the language of wifiops.yaml: French by default with Paris time in
words, English with `language: en`; the reason of a rollback and the hosts that did not go well said."""

from __future__ import annotations

from wifiops.reports.render import playbook_mail

RUN = {"name": "change-window", "playbook": "playbooks/change-window.yaml", "result": "rolled back", "check": False,
       "started": "2026-12-08T09:00:00+00:00", "who": "n.engineer", "folder": "runs/20261208T090000Z-run",
       "why": "health after: 14 AP(s) went down", "window": {"reason": "allowed"}, "forced": None,
       "steps": [{"name": "apply", "ok": True, "summary": "applied to /md", "hosts": {"/md": "applied"}},
                 {"name": "health after", "ok": False, "summary": "14 AP(s) went down",
                  "hosts": {"mm-1": "mm-1: DELACROIX down"}}]}


def test_french_by_default_english_with_language_en() -> None:
    subject, body = playbook_mail(RUN, "fr")
    assert subject == "wifiops : change-window annulée (retour arrière)"
    assert body.splitlines()[:2] == [
        "Procédure change-window (playbooks/change-window.yaml) : annulée (retour arrière)",
        "Commencée le 8 décembre 2026, 10:00 (heure de Paris) par n.engineer"]
    assert "Annulé parce que health after: 14 AP(s) went down" in body and "Fenêtre : allowed" in body
    # a step's summary of a known shape is said in French; one of no known shape is kept as written
    assert "[ok] apply: appliqué à /md\n[ÉCHEC] health after: 14 AP(s) went down\n    mm-1: DELACROIX down\n" in body
    subject, body = playbook_mail({**RUN, "check": True}, "en")
    assert subject == "wifiops: change-window rolled back (dry run)"
    assert body.startswith("Playbook change-window (playbooks/change-window.yaml): rolled back\n"
                           "Started 8 December 2026, 10:00 (Paris time) by n.engineer\n")
    assert "Rolled back because health after" in body and "[FAILED] health after" in body
    assert "[ok] apply: applied to /md\n" in body
