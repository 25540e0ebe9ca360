"""Inventory values checked for what one ArubaOS command line can carry (issue 24): a double quote, a `?`, a
control character or newline, a space where one word is expected. `inventory check` names file, line and field,
before render or a device sees them. Run on a copy of the Louvre's own inventory (the lab's manifest)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    """The lab inventory with its shared groups.yaml and aps.yaml copied beside it."""
    directory = tmp_path / "lab"
    shutil.copytree(REPO / "inventory" / "lab", directory)
    shutil.copy(REPO / "inventory" / "groups.yaml", tmp_path / "groups.yaml")
    shutil.copy(REPO / "inventory" / "aps.yaml", tmp_path / "aps.yaml")
    return directory


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


CASES = [
    # (what is replaced, by what, the field, the words)
    ("{name: Louvre_WiFi_Gratuit,", '{name: "Louvre \\"WiFi\\"",', "data.ssids[0].name", "double quote"),
    ("{name: Louvre_WiFi_Gratuit,", '{name: "Louvre WiFi?",', "data.ssids[0].name", "inline help"),
    ("{name: Louvre_WiFi_Gratuit,", '{name: "Louvre\\nWiFi",', "data.ssids[0].name", "control character"),
    ("whitelist: [portail.wifi-operateur.example,", 'whitelist: ["portail wifi-operateur.example",',
     "data.captive_portals[0].whitelist[0]", "a space"),
    ("login_page: https://portail.wifi-operateur.example/louvre",
     "login_page: https://portail.wifi-operateur.example/louvre?lang=fr", "data.captive_portals[0].login_page",
     "inline help"),
    ("host: 10.150.2.11,", 'host: "10.150.2.11\\tx",', "data.radius_servers[0].host", "control character"),
]


@pytest.mark.parametrize(("old", "new", "field", "words"), CASES)
def test_a_value_the_cli_cannot_carry_is_named_by_file_line_and_field(inventory: Path, old: str, new: str,
                                                                     field: str, words: str) -> None:
    groups = inventory.parent / "groups.yaml"
    text = groups.read_text()
    assert old in text
    groups.write_text(text.replace(old, new, 1))
    result = runner.invoke(app, ["inventory", "check", "--json", "--inventory", str(inventory)])
    assert result.exit_code == 2, result.output
    findings = json.loads(result.output)["findings"]
    [finding] = [f for f in findings if f["field"].endswith(field)]
    assert finding["file"] == str(groups) and finding["line"] == line_of(groups, new.split(",")[0].strip("{ "))
    assert words in finding["message"]


def test_the_louvres_own_inventory_passes(inventory: Path) -> None:
    result = runner.invoke(app, ["inventory", "check", "--inventory", str(inventory)])
    assert result.exit_code == 0, result.output
