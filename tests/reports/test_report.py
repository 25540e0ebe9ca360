"""`wifiops report diff` (issue 10) over the lab: two backups with a change between them, and running
against intended; Markdown and HTML; no secret; the HTML printed to PDF by headless Chromium on A4."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from tests.backups.test_backup import LAB_SECRETS, backup, change, config
from tests.pdfpages import on_a4, pages as read_pages, squeezed
from wifiops.cli import app
from wifiops.model.report import feature_about

runner = CliRunner()
CHROMIUM = Path("/usr/bin/chromium")
# A whitelist name far wider than an A4 line, without a space to break at: the print CSS must wrap it.
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "aruba_os"
LONG = "static-" + "x" * 150 + ".wifi-operateur.example"


def report(cfg: Path, out: Path, *args: str) -> dict:
    result = runner.invoke(app, ["--config", str(cfg), "report", "diff", "--out", str(out), *args, "--json"])
    assert result.exit_code == 0, (result.output, result.exception)
    return json.loads(result.stdout)["report"]


@pytest.fixture
def changed(fresh_lab, tmp_path: Path) -> Path:
    """Two backups; between them an SSID's security, a QoS rate, an AP group and a portal whitelist changed."""
    cfg = config(tmp_path, fresh_lab, templates=str(TEMPLATES), language="en")  # French: its own test below
    assert backup(cfg)[0] == 0
    change(fresh_lab, "/md", ['aaa bandwidth-contract "webcasting" mbits 300',
                              'netdestination "cp-louvre-whitelist"', f"    name {LONG}", "!"])
    change(fresh_lab, "/md/Louvre", ['ap-group "LIEVIN"', '    virtual-ap "louvre-wifi-gratuit"', "!"])
    assert backup(cfg)[0] == 0
    return cfg


def test_changes_between_the_last_two_backups_per_node_and_feature(changed: Path, tmp_path: Path) -> None:
    data = report(changed, tmp_path / "r.md", "--format", "md")
    assert data["kind"] == "changes" and data["from_revision"] != data["to_revision"]
    nodes = {n["node"]: n for n in data["nodes"]}
    louvre = {f["feature"]: f for f in nodes["/md/Louvre"]["features"]}
    assert louvre["ap_groups"]["title"] == "AP groups" and louvre["ap_groups"]["added"] == 1
    assert louvre["ap_groups"]["objects"] == [{"object": 'ap-group "LIEVIN"', "before": [],
                                                 "after": ['virtual-ap "louvre-wifi-gratuit"']}]
    md = {f["feature"]: f for f in nodes["/md"]["features"]}
    assert md["qos"]["title"] == "Bandwidth (QoS)" and (md["qos"]["added"], md["qos"]["removed"]) == (1, 1)
    assert md["qos"]["objects"][0]["before"] == ['aaa bandwidth-contract "webcasting" mbits 150']
    assert md["qos"]["objects"][0]["after"] == ['aaa bandwidth-contract "webcasting" mbits 300']
    assert md["portal"]["title"] == "Captive portal" and md["portal"]["added"] == 1
    assert nodes["/"]["added"] == nodes["/"]["removed"] == 0
    assert len(nodes["/md/Louvre"]["history"]) == 2

    text = (tmp_path / "r.md").read_text()
    assert "## /md/Louvre" in text and "### AP groups" in text and "### Bandwidth (QoS)" in text
    assert '- aaa bandwidth-contract "webcasting" mbits 150' in text
    assert '+ aaa bandwidth-contract "webcasting" mbits 300' in text
    assert "| /md/Louvre | 1 | 0 | AP groups |" in text
    _valid_markdown(text)


def test_from_and_to_by_revision_and_date_and_a_limit(changed: Path, tmp_path: Path) -> None:
    latest = report(changed, tmp_path / "a.html", "--format", "html")
    old, new = latest["from_revision"], latest["to_revision"]
    same = report(changed, tmp_path / "b.html", "--format", "html", "--from", old[:10], "--to", new[:10],
                  "--limit", "/md/Louvre")
    assert [n["node"] for n in same["nodes"]] == ["/md/Louvre"] and same["added"] == 1
    today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()  # a date is the estate's day, Paris time
    nothing = report(changed, tmp_path / "c.html", "--format", "html", "--from", today)  # latest vs latest
    assert nothing["added"] == nothing["removed"] == 0
    assert nothing["from_revision"] == nothing["to_revision"] == new
    # it says which backups it compared: the end of that day is its last backup, here the latest
    assert f"From: as at the end of {today} (Paris): backup {new[:12]}" in nothing["scope"]
    assert "the last of 2 that day" in nothing["scope"] and "0 differences" in nothing["scope"]
    shown = runner.invoke(app, ["--config", str(changed), "report", "diff", "--out", str(tmp_path / "d.md"),
                                "--format", "md", "--from", today])
    assert shown.exit_code == 0 and "the last of 2 that day" in shown.output
    long_ago = runner.invoke(app, ["--config", str(changed), "report", "diff", "--out", str(tmp_path / "e.md"),
                                   "--from", "2020-01-01"])
    assert long_ago.exit_code != 0 and "no backup on or before 2020-01-01" in str(long_ago.exception)
    html = (tmp_path / "b.html").read_text()
    assert "<h2>/md/Louvre</h2>" in html and "AP groups" in html and "@page" in html


def test_running_against_intended_per_node_and_feature_with_counts(changed: Path, tmp_path: Path) -> None:
    data = report(changed, tmp_path / "i.md", "--intended", "--format", "md")
    assert data["kind"] == "intended" and data["nodes"]
    nodes = {n["node"]: n for n in data["nodes"]}
    louvre = nodes["/md/Louvre"]
    assert louvre["compliant"] is False and louvre["removed"] >= 1
    groups = {f["feature"]: f for f in louvre["features"]}["ap_groups"]
    assert groups["compliant"] is False and groups["removed"] >= 1  # the lab's intent differs elsewhere too
    lievin = next(o for o in groups["objects"] if o["object"] == 'ap-group "LIEVIN"')
    assert 'virtual-ap "louvre-wifi-gratuit"' in lievin["before"] and lievin["after"] == []
    assert "no virtual-ap" in louvre["diff"] and louvre["rollback"]
    assert all("compliant" in f and f["title"] for n in data["nodes"] for f in n["features"])
    text = (tmp_path / "i.md").read_text()
    assert "| Node | Compliant | Lines to add | Lines to remove |" in text
    _valid_markdown(text)


def test_french_by_default_words_and_feature_names(changed: Path, tmp_path: Path) -> None:
    changed.write_text(changed.read_text().replace("language: en\n", ""))
    data = report(changed, tmp_path / "fr.md", "--format", "md")
    assert data["language"] == "fr"
    text = (tmp_path / "fr.md").read_text()
    assert text.startswith("# Changements de configuration entre deux sauvegardes")
    assert "| Nœud | Lignes ajoutées | Lignes retirées | Fonctions modifiées |" in text
    assert "| /md/Louvre | 1 | 0 | Groupes de bornes |" in text and "### Bande passante (QoS)" in text
    assert "| Bande passante (QoS) | Les limites de débit par segment réseau ou par visiteur. | 1 | 1 |" in text
    _valid_markdown(text)
    report(changed, tmp_path / "fr.html", "--format", "html")
    html = (tmp_path / "fr.html").read_text()
    assert '<html lang="fr">' in html and "<h3>Groupes de bornes</h3>" in html and "Historique de /md/Louvre" in html


def test_no_secret_in_any_report(changed: Path, tmp_path: Path) -> None:
    outputs = []
    for args in (("--format", "md"), ("--format", "html"), ("--intended", "--format", "md"),
                 ("--intended", "--format", "html")):
        out = tmp_path / f"s{len(outputs)}"
        result = runner.invoke(app, ["--config", str(changed), "report", "diff", "--out", str(out), *args, "--json"])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text() + result.stdout)
    for secret in LAB_SECRETS:
        for text in outputs:
            assert secret not in text


def test_changes_need_two_backups(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab, language="en")
    backup(cfg)
    result = runner.invoke(app, ["--config", str(cfg), "report", "diff", "--out", str(tmp_path / "x.md")])
    assert result.exit_code != 0 and "needs two" in str(result.exception)


def _valid_markdown(text: str) -> None:
    """Every table has a header, a delimiter row and rows of as many cells; every fence is closed."""
    lines = text.splitlines()
    fences = [line for line in lines if re.match(r"^`{3,}", line)]
    assert len(fences) % 2 == 0
    inside = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if re.match(r"^`{3,}", line):
            inside = not inside
        elif not inside and line.startswith("|"):
            width = _cells(line)
            assert re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 1]), lines[i + 1]
            assert _cells(lines[i + 1]) == width
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                assert _cells(lines[i]) == width, lines[i]
                i += 1
            continue
        i += 1


def _cells(row: str) -> int:
    return len(re.split(r"(?<!\\)\|", row.strip())) - 2




def _print_to_pdf(html: Path, pdf: Path, profile: Path) -> float:
    started = time.monotonic()
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                    html.resolve().as_uri()], check=True, capture_output=True, timeout=120)
    return time.monotonic() - started




@pytest.mark.skipif(not CHROMIUM.exists() or shutil.which("pdftotext") is None,
                    reason="chromium or pdftotext missing: scripts/install-chromium installs them (needs network)")
def test_the_html_prints_on_a4_without_overflow_or_split_rows(fresh_lab, changed: Path, tmp_path: Path) -> None:
    # Many tall rows (new whitelists of six lines each), so that page breaks fall inside tables.
    lines = []
    for n in range(40):
        lines += [f'netdestination "print-test-{n}"', *(f"    name host-{n}-{k}.example" for k in range(6)), "!"]
    change(fresh_lab, "/md", lines)
    assert backup(changed)[0] == 0
    shown = runner.invoke(app, ["--config", str(changed), "backup", "history", "/md", "--json"])
    first = json.loads(shown.stdout)["versions"][-1]["revision"]
    data = report(changed, tmp_path / "report.html", "--from", first, "--format", "html")
    pdf = tmp_path / "report.pdf"
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    seconds = _print_to_pdf(tmp_path / "report.html", pdf, profile)
    found = read_pages(pdf)
    assert len(found) >= 2, "the report should span pages, or no row split can be seen"
    texts = on_a4(found)

    def on_one_page(*cells: str) -> bool:
        row = squeezed("".join(cells))
        return any(row in page for page in texts)

    assert on_one_page("name", LONG), "the long whitelist line is cut or not on one page"
    rows = 0
    for node in data["nodes"]:
        assert on_one_page(node["node"]), node["node"]
        if not node["added"] and not node["removed"]:
            continue  # an unchanged node is one summary row, no section of its own
        for feature in node["features"]:
            assert on_one_page(feature["title"], feature_about(feature["feature"]), str(feature["added"]),
                               str(feature["removed"])), f"{node['node']} {feature['title']}: row split or cut"
            for item in feature["objects"]:
                assert on_one_page(item["object"], *item["before"], *item["after"]), \
                    f"{node['node']} {item['object']}: row split or cut"
                rows += 1
    assert rows > 10
    print(f"chromium print: {seconds:.1f}s, {len(found)} pages")
