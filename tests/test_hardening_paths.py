"""Names that become paths (issue 24): one rule, said by `inventory check` with file, line and field, and every
write of a backup kept under backups/ even when a name or a link would lead elsewhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.backups.store import BackupRepo
from wifiops.cli import app
from wifiops.paths import UnsafePath, check_name, inside

BASE = Path(__file__).resolve().parent / "fixtures" / "inventories" / "base"
runner = CliRunner()


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    directory = tmp_path / "inv"
    shutil.copytree(BASE, directory)
    return directory


def findings(directory: Path) -> list[dict[str, object]]:
    result = runner.invoke(app, ["inventory", "check", "--json", "--inventory", str(directory)])
    assert result.exit_code == 2, result.output
    return list(json.loads(result.output)["findings"])


@pytest.mark.parametrize("site", ["../../../tmp/x", "a/b", ".hidden", "-rf"])
def test_a_site_that_climbs_out_fails_inventory_check_with_file_line_and_field(inventory: Path, site: str) -> None:
    hosts = inventory / "hosts.yaml"
    hosts.write_text(hosts.read_text().replace("data: {site: louvre-palais, model: ArubaMM-VA",
                                               f'data: {{site: "{site}", model: ArubaMM-VA', 1))
    [finding] = [f for f in findings(inventory) if f["field"] == "mm-1.data.site"]
    assert finding["file"] == str(hosts) and finding["line"] == 4
    assert "a site name is 1 to 64 letters" in str(finding["message"])


def test_a_site_key_of_defaults_is_held_to_the_same_rule(inventory: Path) -> None:
    defaults = inventory / "defaults.yaml"
    defaults.write_text(defaults.read_text().replace("    louvre-palais: {name:", '    "../up": {name: "x", public: true}\n'
                                                     "    louvre-palais: {name:", 1))
    found = [f for f in findings(inventory) if str(f["field"]).startswith("data.sites")]
    assert found and "a site name is" in str(found[0]["message"]) and found[0]["line"] == 7


def test_a_backup_write_never_leaves_its_folder(tmp_path: Path) -> None:
    repo = BackupRepo(tmp_path / "backups")
    outside = tmp_path / "outside"
    outside.mkdir()
    for relative in ("../../../tmp/x/mm-1/running.cfg", "/etc/passwd", "../outside/x.cfg"):
        with pytest.raises(UnsafePath, match="outside"):
            repo.write(relative, "hostname x\n")
    (tmp_path / "backups" / "site").symlink_to(outside)  # a link planted in backups/ leads out: refused too
    with pytest.raises(UnsafePath, match="through a link"):
        repo.write("site/mm-1/running.cfg", "hostname x\n")
    assert list(outside.iterdir()) == []
    assert repo.write("louvre-palais/mm-1/running.cfg", "hostname x\n")


def test_one_rule_for_every_name() -> None:
    assert check_name("LVR-PAL-AP001", "AP") == "LVR-PAL-AP001"
    for bad in ("", ".", "..", "../x", "a b", "x\n", "é", "a" * 65):
        with pytest.raises(UnsafePath):
            check_name(bad, "change reference")
    with pytest.raises(UnsafePath):
        inside(Path("/tmp/hx"), "")


def test_a_node_path_that_climbs_out_fails_inventory_check(inventory: Path) -> None:
    hosts = inventory / "hosts.yaml"
    hosts.write_text(hosts.read_text().replace("config_path: /md/Louvre/00:1a:1e:72:10:01",
                                               "config_path: /md/../../../tmp/x", 1))
    [finding] = [f for f in findings(inventory) if f["field"] == "mc-1.data.config_path"]
    assert finding["line"] == 9 and "no empty, '.' or '..' part" in str(finding["message"])
