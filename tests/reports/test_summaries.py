"""A playbook step's summary in the report's language (wifiops/reports/summaries.py): each part of a known shape
said in French, a part of no known shape kept as written, English left exactly as the steps wrote it."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from wifiops.i18n import Localised, translations
from wifiops.reports.summaries import said

FRENCH = Localised("fr").gettext
ENGLISH = Localised("en").gettext
SOURCE = Path(__file__).resolve().parents[2] / "wifiops" / "reports" / "summaries.py"


@pytest.mark.parametrize(("summary", "french"), [
    ("8 of 8 host(s) backed up, revision 3f2a1b9c0d1e", "8 hôte(s) sur 8 sauvegardé(s), révision 3f2a1b9c0d1e"),
    ("5 of 6 host(s) backed up, revision unchanged (still 3f2a1b9c0d1e); failed: mc-2",
     "5 hôte(s) sur 6 sauvegardé(s), révision inchangée (toujours 3f2a1b9c0d1e) ; en échec : mc-2"),
    ("350 of 358 APs up, 42 clients, 2 finding(s); since 'health before': 3 AP(s) went down (a, b, c)",
     "350 bornes en service sur 358, 42 clients, 2 constat(s) ; depuis 'health before' : 3 borne(s) tombée(s) "
     "(a, b, c)"),
    ("FAILED on /md: failed (% Invalid input detected at '^' marker.); rolled back with /md/Louvre",
     "ÉCHEC sur /md : failed (% Invalid input detected at '^' marker.) ; retour arrière avec /md/Louvre"),
    ("2 of 12 AP(s) of LIEVIN not up on 10.150.1.13, 10.150.1.14 (ap-1, ap-2); NOT settled after 60 s "
     "(3 check(s), deadline 60 s): the AP group rejoins",
     "2 borne(s) de LIEVIN sur 12 hors service sur 10.150.1.13, 10.150.1.14 (ap-1, ap-2) ; NON stabilisé après "
     "60 s (3 vérification(s), délai 60 s) : the AP group rejoins"),
    ("DOE version 3: doe/v3 (DOE.md, DOE.pdf)", "DOE version 3 : doe/v3 (DOE.md, DOE.pdf)"),
])
def test_a_summary_of_known_shapes_reads_in_french(summary: str, french: str) -> None:
    assert said(summary, FRENCH) == french
    assert said(summary, ENGLISH) == summary  # English: exactly as the step wrote it


def test_a_part_of_no_known_shape_is_kept_as_written() -> None:
    """A device's own words or a playbook's are never rewritten: left in English, whole."""
    assert said("ssh: connection refused by 10.150.1.11; nothing to send", FRENCH) == \
        "ssh: connection refused by 10.150.1.11 ; rien à envoyer"


def test_every_shape_is_in_the_french_catalogue() -> None:
    french = translations("fr")
    found = [message for _line, message, _c, _ctx in extract_from_file("python", str(SOURCE), keywords={"_": None})]
    missing = [m for m in found if french.gettext(m) == m]
    assert len(found) > 40 and missing == []
