"""The French operating procedures the contract asks for: the four jobs of the card, each saying what to run,
what to check, what to do when it fails and whom to call, versioned in the plan (docs/procedures/plan.yaml)
exactly as each page and the plan's table say."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

DOCS = Path(__file__).resolve().parents[2] / "docs"
PROCEDURES = DOCS / "procedures"
SECTIONS = ("## Ce qu'il faut lancer", "## Ce qu'il faut vérifier", "## Que faire en cas d'échec", "## Qui appeler")


def plan() -> list[dict]:
    return yaml.safe_load((PROCEDURES / "plan.yaml").read_text(encoding="utf-8"))["documents"]


def test_the_four_jobs_have_a_procedure() -> None:
    titles = {d["title"] for d in plan()}
    assert titles == {"Fenêtre de maintenance planifiée", "Sauvegardes nocturnes",
                      "Runbooks de migration 7210 et ClearPass", "Mise à jour du DOE"}


def test_each_page_says_its_version_and_the_four_answers() -> None:
    index = (PROCEDURES / "index.md").read_text(encoding="utf-8")
    for document in plan():
        page = (PROCEDURES / document["page"]).read_text(encoding="utf-8")
        date = str(document["date"])
        assert page.startswith(f"# {document['id']} {document['title']}\n"), document["page"]
        assert f"**Version {document['version']} du {date}**" in page, f"{document['page']}: version or date"
        assert re.search(rf"^\| {re.escape(document['version'])} \| {date} \|", page, re.M), \
            f"{document['page']}: its history has no line for version {document['version']}"
        for section in SECTIONS:
            assert section in page, f"{document['page']}: no section {section!r}"
        row = f"| {document['id']} | [{document['title']}]({document['page']}) | {document['version']} | {date} |"
        assert row in index, f"procedures/index.md: the plan's table lacks {row}"


def test_whom_to_call_names_roles_not_numbers() -> None:
    for document in plan():
        page = (PROCEDURES / document["page"]).read_text(encoding="utf-8")
        call = page.split("## Qui appeler", 1)[1].split("\n## ", 1)[0]
        assert "**" in call and not re.search(r"\d{2}[ .]\d{2}[ .]\d{2}[ .]\d{2}", call), document["page"]
