"""`wifiops doe` (issue 27) on the lab over real SSH: the as-built file built from the inventory, the latest backup,
ClearPass and the journal after real change windows; numbered versions kept in git; French by default and English
with `language: en`; the A4 PDF rendered page by page and looked at."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import git
import pytest
import yaml
from jinja2.ext import babel_extract
from typer.testing import CliRunner

from tests.pdfpages import on_a4, pages as read_pages
from tests.playbooks.test_playbooks import APPROVAL, LAB_SECRETS, config as playbook_config, run
from wifiops.cli import app
from wifiops.reports.i18n import translations

runner = CliRunner()
TEMPLATES = Path(__file__).resolve().parents[2] / "wifiops" / "reports" / "templates"
CHROMIUM = shutil.which("chromium")
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")


def doe(cfg: Path, *args: str, code: int = 0) -> dict:
    result = runner.invoke(app, ["--config", str(cfg), "doe", *args, "--json"])
    assert result.exit_code == code, (result.output, result.exception)
    return json.loads(result.stdout) if code == 0 else {}


@pytest.fixture
def changed(fresh_lab, tmp_path: Path) -> Path:
    """A change window run for real on the lab (backup before and after, apply, DOE diff report)."""
    report = run(tmp_path, fresh_lab, "change-window.yaml", *APPROVAL, confirm=lambda question: True)
    assert report.result == "ok", [(s.name, s.summary) for s in report.steps]
    return playbook_config(tmp_path, fresh_lab)


def test_a_french_doe_from_the_estate_with_its_intervention_then_version_two(changed: Path, fresh_lab,
                                                                              tmp_path: Path) -> None:
    first = doe(changed, "build", "--format", "md", "--format", "html", "--out", str(tmp_path / "v1"))
    assert first["version"] == 1 and not first["new"] and first["language"] == "fr"  # the playbook's DOE step made it
    assert [i["label"] for i in first["interventions"]] == ["CHG-1 (change-window)"]
    text = (tmp_path / "v1" / "DOE.md").read_text()
    assert text.startswith("# Dossier des ouvrages exécutés — louvre-lab")
    assert "## 2. Équipements" in text and "## 5. Historique des interventions" in text
    # the equipment as the devices said it in the backup, the estate's figures, the intervention's context
    assert "| mc-1 | contrôleur | Louvre - Palais | Aruba7210 | CV7375514 | 8.10.0.12 LSR | 10.150.1.11 | en service |" \
        in text
    assert "358 bornes WiFi réparties en 4 groupes sur 4 sites" in text
    assert "| Louvre_WiFi_Gratuit | portail captif | opensystem | enhanced-open | 300 | cp-louvre |" in text
    assert "| regie-auditorium | 210 | adresses publiques | 203.0.113.0/29 | non | 250 | 1\u202f000 |" in text  # a narrow no-break space (CLDR)
    assert "| LOUVRE-PALAIS | Louvre - Palais |" in text and "| 300 | 38 |" in text
    assert "Tels que ClearPass cppm-1 les a donnés" in text and "| mc-1 | 10.150.1.11 | Aruba |" in text
    assert "| CHG-1 | change-window | N. Engineer, 16 novembre 2026 | dans la fenêtre |" in text
    assert "8 décembre 2026, 10:00 | réussie |" in text  # Paris time for people
    assert "apply: applied to /md, /md/Louvre" in text
    assert (tmp_path / "v1" / "synoptique.svg").read_text().count("<rect") >= 10
    for secret in LAB_SECRETS:
        assert secret not in text and secret not in (tmp_path / "v1" / "DOE.html").read_text()

    repo = git.Repo(tmp_path / "backups")
    assert repo.head.commit.message.startswith("DOE version 1: CHG-1 (change-window)")
    plan = json.loads((tmp_path / "backups" / "doe" / "versions.json").read_text())["versions"]
    assert [v["number"] for v in plan] == [1] and plan[0]["backup"] and plan[0]["date"].endswith("+00:00")

    unsent = runner.invoke(app, ["--config", str(changed), "doe", "send"])
    assert unsent.exit_code != 0 and "DOE version 1 has no DOE.pdf: run `wifiops doe build --format pdf`" in \
        str(unsent.exception)

    again = doe(changed, "build", "--format", "md")
    assert again["version"] == 1 and not again["new"] and again["commit"] is None

    later = run(tmp_path, fresh_lab, "change-window.yaml", "change=CHG-2", "approver=N. Engineer",
                "approved_on=2026-11-16", confirm=lambda question: True)
    assert later.result == "ok"
    second = doe(changed, "build", "--format", "md", "--out", str(tmp_path / "v2"))
    assert second["version"] == 2 and [i["label"] for i in second["interventions"]] == ["CHG-2 (change-window)"]
    text = (tmp_path / "v2" / "DOE.md").read_text()
    assert "| 1 | " in text and "| CHG-1 (change-window) | non envoyée |" in text
    assert "| 2 | " in text and "| CHG-2 (change-window) | non envoyée |" in text
    assert repo.head.commit.message.startswith("DOE version 2: CHG-2 (change-window)")


def test_english_with_language_en_and_clearpass_unreachable_said(changed: Path, fresh_lab, tmp_path: Path) -> None:
    changed.write_text(changed.read_text().replace("timeout: 5", "timeout: 1") + "language: en\n")
    fresh_lab.fault("cppm-1", "hang")  # the ClearPass in service does not answer
    data = doe(changed, "build", "--format", "md", "--out", str(tmp_path / "en"))
    text = (tmp_path / "en" / "DOE.md").read_text()
    assert data["language"] == "en" and text.startswith("# As-built file — louvre-lab")
    assert "| CHG-1 | change-window | N. Engineer, 16 November 2026 | within the window |" in text
    said = next(line for line in text.splitlines() if "ClearPass could not be read" in line)
    assert said.startswith("**ClearPass could not be read for this version (cppm-1: ") and "1 s" in said, said
    assert "its network devices are not listed.**" in text and "| mc-1 | 10.150.1.11 | Aruba |" not in text
    assert "Dossier" not in text and "bornes" not in text


def test_every_word_of_the_templates_is_translated_into_french() -> None:
    french = translations("fr")
    missing = []
    pages = TEMPLATES.parents[1] / "face" / "web" / "templates"  # the staff page too
    for template in sorted(t for t in [*TEMPLATES.glob("*.j2"), *pages.glob("*.j2")] if not t.name.startswith("stats")):
        with template.open("rb") as source:
            for _line, _function, message, _comments in babel_extract(source, ["_"], [], {
                    "extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}):
                text = message[0] if isinstance(message, tuple) else message
                if text is None:  # _(a variable): a message the code gives, in the catalogue by hand
                    continue
                if french.gettext(text) == text and text not in ("Architecture", "Configuration", "Version",
                                                                 "Description", "Date", "Zone", "Zones", "Site",
                                                                 "Segment", "Cluster", "QoS (Mbit/s)", "Site",
                                                                 "Session (h)", "Clients"):
                    missing.append(f"{template.name}: {text}")
    assert missing == []


def test_every_word_of_the_supervision_mails_is_translated_into_french() -> None:
    """The msgids the code marks with _() in the mails of the watch and the watchdog, and in the engine's
    sentences said at reading time (wifiops/supervision/mails.py, watchdog.py)."""
    from babel.messages.extract import extract_from_file

    french = translations("fr")
    found, missing = 0, []
    for source in ("mails.py", "watchdog.py"):
        path = TEMPLATES.parents[1] / "supervision" / source
        for _line, message, _comments, _context in extract_from_file("python", str(path), keywords={"_": None}):
            found += 1
            if french.gettext(message) == message:
                missing.append(f"{source}: {message}")
    assert found > 50 and missing == []


def _grey(pdf: Path, page: int, folder: Path) -> tuple[int, int, bytes]:
    """One page rendered by poppler as an 8-bit grey image (PGM): width, height, pixels."""
    stem = folder / f"page{page}"
    subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(stem)], check=True, capture_output=True, timeout=60)
    data = stem.with_suffix(".pgm").read_bytes()
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert match, "pdftoppm did not write a PGM"
    width, height = int(match[1]), int(match[2])
    return width, height, data[match.end():match.end() + width * height]


@pytest.mark.skipif(not CHROMIUM or not POPPLER,
                    reason="chromium or poppler missing: scripts/install-chromium installs them (needs network)")
def test_the_pdf_is_a4_with_the_synoptic_drawn_no_text_cut_and_whole_rows_then_sent(
        changed: Path, fresh_lab, tmp_path: Path, smtp_server) -> None:
    changed = playbook_config(tmp_path, fresh_lab, smtp_server)  # the same settings, with mail to the Louvre
    waiting = doe(changed, "status")
    assert waiting["built"]["number"] == 1 and waiting["sent"] is None and waiting["unbuilt"] == []  # its DOE step
    assert [i["label"] for i in waiting["since"]] == ["CHG-1 (change-window)"] and waiting["since"][0]["major"]
    assert waiting["due"].startswith("2026-12-28T")  # 20 days after the change (Tuesday 8 December)
    data = doe(changed, "build", "--format", "pdf", "--format", "md", "--out", str(tmp_path / "pdf"))
    pdf = tmp_path / "pdf" / "DOE.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = read_pages(pdf)
    assert len(pages) >= 8  # the annex lists 358 APs
    texts = on_a4(pages)

    # The synoptic: its boxes' words on one page, inside the figure's region, and drawn (lines and boxes).
    first = next(n for n, text in enumerate(texts) if "Figure1" in text)
    words = pages[first][2]
    caption = next(w for w in words if w[4] == "Figure")
    labels = [w for w in words if w[4] in ("mm-1", "mm-4", "cluster-louvre", "LOUVRE-PALAIS", "DELACROIX", "cppm-1")
              and w[3] < caption[1]]  # the figure's words, above its caption
    assert {w[4] for w in labels} == {"mm-1", "mm-4", "cluster-louvre", "LOUVRE-PALAIS", "DELACROIX", "cppm-1"}
    top = min(w[1] for w in labels)
    assert "300bornes" in texts[first] and "14bornes" in texts[first]
    width, height, pixels = _grey(pdf, first + 1, tmp_path)
    scale = width / pages[first][0]
    band = pixels[int(top * scale) * width:int(caption[1] * scale) * width]
    inked = sum(1 for p in band if p < 200) / max(1, len(band))
    assert inked > 0.04, f"the synoptic region is nearly blank ({inked:.1%} inked)"

    def on_one_page(*cells: str) -> bool:
        row = re.sub(r"\s+", "", "".join(cells))
        return any(row in page for page in texts)

    aps = data["doe"]["aps"]
    for ap in aps:  # every annex row whole on one page
        assert on_one_page(ap["name"], ap["model"], ap["serial"], ap["group"], ap["zone"]), ap["name"]
    for item in data["doe"]["equipment"]:
        assert on_one_page(item["name"]), item["name"]
    assert on_one_page("CHG-1", "change-window")

    built = doe(changed, "status")
    assert built["built"]["number"] == 1 and built["unbuilt"] == [] and built["due"]
    sent = doe(changed, "send")
    assert sent["version"] == 1 and sent["sent_to"] == ["noc@louvre.example"]
    [mail] = smtp_server.messages
    assert mail.subject.startswith("Dossier des ouvrages exécutés — v1 — ")
    [attached] = list(mail.message.iter_attachments())
    assert attached.get_filename() == "DOE-v1.pdf" and attached.get_content() == pdf.read_bytes()
    assert "CHG-1 (change-window)" in mail.body
    after = doe(changed, "status")
    assert after["sent"]["number"] == 1 and after["since"] == [] and after["due"] is None
    shown = runner.invoke(app, ["--config", str(changed), "doe", "status"])
    assert shown.exit_code == 0 and "last sent:  version 1" in shown.stdout and "nothing due" in shown.stdout


def test_status_says_a_version_is_overdue_twenty_days_after_a_major_change(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    records = [{"kind": "playbook", "name": "change-window", "check": False, "started": "2026-10-01T20:00:00+00:00",
                "ended": "2026-10-01T20:30:00+00:00", "folder": "runs/20261001T200000Z-run", "who": "n.engineer",
                "approval": {"reference": "CHG-5", "approver": "N. Name", "date": "2026-09-10"}, "result": "ok",
                "steps": []},
               {"kind": "playbook", "name": "nightly-backup", "check": False, "started": "2026-10-02T01:00:00+00:00",
                "ended": "2026-10-02T01:05:00+00:00", "folder": "runs/20261002T010000Z-run", "who": "wifiops",
                "result": "ok", "steps": []}]
    (tmp_path / "runs" / "journal.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    cfg = tmp_path / "wifiops.yaml"
    cfg.write_text(f"run_dir: {tmp_path / 'runs'}\nbackup_dir: {tmp_path / 'backups'}\n")
    result = runner.invoke(app, ["--config", str(cfg), "doe", "status"])
    assert result.exit_code == 1, result.output
    assert "CHG-5 (change-window)" in result.stdout and "nightly-backup" not in result.stdout  # changed nothing
    assert "next version due by 21 October 2026, 22:00 Paris time (OVERDUE): wifiops doe build, then wifiops doe " \
           "send" in result.stdout
    data = json.loads(runner.invoke(app, ["--config", str(cfg), "doe", "status", "--json"]).stdout)
    assert data["overdue"] and [i["major"] for i in data["since"]] == [True]


def _looked_at(pdf: Path, folder: Path, rows: list[tuple[str, ...]]) -> list[str]:
    """The PDF's pages as a person sees them: A4, no word past the margins, the synoptic drawn (its boxes' words
    above its caption, and ink there), each of `rows` whole on one page. Every page is also rendered to PNG
    (kept in $WIFIOPS_SCREENSHOTS when set, to be looked at). The pages' texts without spaces."""
    pages = read_pages(pdf)
    texts = on_a4(pages)
    first = next(n for n, text in enumerate(texts) if "Figure1" in text)
    caption = next(w for w in pages[first][2] if w[4] == "Figure")
    boxes = [w for w in pages[first][2] if w[4] in ("mm-1", "cluster-louvre", "LOUVRE-PALAIS", "cppm-1")
             and w[3] < caption[1]]
    assert {w[4] for w in boxes} == {"mm-1", "cluster-louvre", "LOUVRE-PALAIS", "cppm-1"}
    width, height, pixels = _grey(pdf, first + 1, folder)
    scale = width / pages[first][0]
    band = pixels[int(min(w[1] for w in boxes) * scale) * width:int(caption[1] * scale) * width]
    assert sum(1 for p in band if p < 200) / max(1, len(band)) > 0.04, "the synoptic region is nearly blank"
    for row in rows:
        whole = re.sub(r"\s+", "", "".join(row))
        assert any(whole in page for page in texts), f"{row} is not whole on one page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(folder / "doe-page")], check=True,
                   capture_output=True, timeout=120)
    shots = sorted(folder.glob("doe-page*.png"))
    assert len(shots) == len(pages) and all(s.stat().st_size > 5_000 for s in shots)
    keep = os.environ.get("WIFIOPS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copy(shot, Path(keep) / shot.name)
    return texts


@pytest.mark.skipif(not CHROMIUM or not POPPLER,
                    reason="chromium or poppler missing: scripts/install-chromium installs them (needs network)")
def test_change_window_and_migrate_7210_keep_the_doe_up_to_date_by_their_own_step(fresh_lab, tmp_path: Path) -> None:
    """Acceptance of issue 27: the playbooks' DOE step makes a version after each change; `doe build` then gives
    the French A4 PDF with both interventions in its history; a further change is version n+1, listed by status."""
    from tests.playbooks.test_playbooks import PLAYBOOKS, TUESDAY_MORNING, settings
    from tests.playbooks.test_runbooks import end_state, racked, run as run_runbook
    from wifiops.playbooks.runner import run_playbook

    window = run(tmp_path, fresh_lab, "change-window.yaml", *APPROVAL, confirm=lambda question: True)
    assert window.result == "ok", [(s.name, s.summary) for s in window.steps if not s.ok]
    step = next(s for s in window.steps if s.name == "DOE update")
    assert step.ok and step.summary.startswith("DOE version 1: ") and "DOE.html" in step.summary
    migration = run_runbook(tmp_path, fresh_lab, "migrate-7210.yaml", confirm=racked(fresh_lab))
    assert migration.result == "ok", [(s.name, s.summary) for s in migration.steps if not s.ok]
    assert next(s for s in migration.steps if s.name == "DOE update").summary.startswith("DOE version 2: ")
    assert "Procédure migrate-7210 : réussie" in Path(migration.reports[0]).read_text()  # the runbook report, French
    cfg = playbook_config(tmp_path, fresh_lab)

    data = doe(cfg, "build", "--format", "pdf", "--out", str(tmp_path / "pdf"))
    assert data["version"] == 2 and not data["new"] and data["commit"] and data["added"] == ["DOE.pdf"]
    assert [i["label"] for i in data["interventions"]] == ["CHG-3001 (migrate-7210)"]
    history = [(i["reference"], i["playbook"]) for i in data["doe"]["interventions"]]
    assert history == [("CHG-1", "change-window"), ("CHG-3001", "migrate-7210")]
    texts = _looked_at(tmp_path / "pdf" / "DOE.pdf", tmp_path, [("CHG-1", "change-window"),
                                                                   ("CHG-3001", "migrate-7210")])
    words = "".join(texts)
    assert "Historiquedesinterventions" in words and "réussie" in words and "dansla" in words  # French
    assert "Historyofinterventions" not in words

    # the engineer writes the migration's end state in the inventory (the 9240s in service), then a further change
    written = end_state(fresh_lab, tmp_path)
    further = run_playbook(settings(tmp_path), PLAYBOOKS / "change-window.yaml", now=TUESDAY_MORNING,
                           inventory=written, confirm=lambda question: True,
                           variables={"change": "CHG-2", "approver": "N. Engineer", "approved_on": "2026-11-16"})
    assert further.result == "ok", [(s.name, s.summary) for s in further.steps if not s.ok]
    assert next(s for s in further.steps if s.name == "DOE update").summary.startswith("DOE version 3: ")
    status = doe(cfg, "status")
    assert status["built"]["number"] == 3 and status["unbuilt"] == []
    assert [i["label"] for i in status["since"]] == ["CHG-1 (change-window)", "CHG-3001 (migrate-7210)",
                                                     "CHG-2 (change-window)"]
    again = doe(cfg, "build", "--format", "md", "--inventory", str(written))
    assert again["version"] == 3 and not again["new"] and again["commit"] is None  # the journal says the same


def test_the_document_plan_lists_the_operating_procedures_and_a_new_one_makes_a_new_version(tmp_path: Path) -> None:
    """The procedures of docs/procedures/plan.yaml beside wifiops.yaml, each at its version, in the DOE's document
    plan; a procedure's new version is a new DOE version; a tool with no such file says none is kept there."""
    repo = TEMPLATES.parents[2]
    cfg = tmp_path / "wifiops.yaml"  # the lab's inventory, read only (nothing here connects to a device)
    cfg.write_text(f"inventory: {repo / 'inventory' / 'lab'}\nrun_dir: runs\nbackup_dir: backups\n"
                   "secrets_file: none.yaml\n")
    first = doe(cfg, "build", "--no-clearpass", "--format", "md", "--format", "html", "--out", str(tmp_path / "v1"))
    assert first["version"] == 1 and first["doe"]["procedures"] == []
    assert "Aucune procédure d'exploitation n'est conservée à côté de ce wifiops.yaml (docs/procedures/plan.yaml)" \
        in (tmp_path / "v1" / "DOE.md").read_text()

    plan = tmp_path / "docs" / "procedures" / "plan.yaml"
    plan.parent.mkdir(parents=True)
    plan.write_text((repo / "docs" / "procedures" / "plan.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    second = doe(cfg, "build", "--no-clearpass", "--format", "md", "--format", "html", "--out", str(tmp_path / "v2"))
    assert second["version"] == 2 and second["new"]
    text = (tmp_path / "v2" / "DOE.md").read_text()
    assert "### Procédures d'exploitation" in text
    assert "| PE-02 | Sauvegardes nocturnes | 1.0 | 7 décembre 2026 |" in text
    assert "<td>PE-04</td><td>Mise à jour du DOE</td><td>1.0</td>" in (tmp_path / "v2" / "DOE.html").read_text()
    assert doe(cfg, "build", "--no-clearpass", "--format", "md")["version"] == 2  # nothing changed: the same

    documents = yaml.safe_load(plan.read_text(encoding="utf-8"))
    documents["documents"][1].update(version="1.1", date="2026-12-20")  # PE-02 revised
    plan.write_text(yaml.safe_dump(documents, allow_unicode=True), encoding="utf-8")
    third = doe(cfg, "build", "--no-clearpass", "--format", "md", "--out", str(tmp_path / "v3"))
    assert third["version"] == 3 and third["new"]
    assert "| PE-02 | Sauvegardes nocturnes | 1.1 | 20 décembre 2026 |" in (tmp_path / "v3" / "DOE.md").read_text()

    plan.write_text("documents:\n  - id: PE-01\n    title: Sans version\n", encoding="utf-8")
    broken = runner.invoke(app, ["--config", str(cfg), "doe", "build", "--no-clearpass", "--format", "md"])
    assert getattr(broken.exception, "exit_code", None) == 2  # bad input, one line naming file, line and entry
    assert str(broken.exception) == f"{plan}:2: documents[0]: a procedure needs version, date"
