"""Inventory files a hostile (or unlucky) user could hand to `wifiops inventory check` (issue 6, item 6).

Each one must end as a finding naming the file and, where there is one, the line: never a traceback, a
hang or memory exhaustion. The hostile files are made in tmp_path (a FIFO or a link loop cannot be
committed); everything else is the valid base fixture.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.inventory.files import locate
from wifiops.yamlsource import MAX_FILE_BYTES, MAX_VALUES, load_yaml

BASE = Path(__file__).resolve().parents[1] / "fixtures" / "inventories" / "base"
runner = CliRunner()


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    directory = tmp_path / "inv"
    shutil.copytree(BASE, directory)
    return directory


def check(directory: Path) -> list[dict[str, Any]]:
    """The findings of `wifiops inventory check --json`, which must refuse the inventory and not crash."""
    result = runner.invoke(app, ["inventory", "check", "--json", "--inventory", str(directory)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    report = json.loads(result.output)
    assert not report["ok"]
    findings: list[dict[str, Any]] = report["findings"]
    return findings


def only(findings: list[dict[str, Any]], file: str) -> dict[str, Any]:
    [finding] = [f for f in findings if Path(f["file"]).name == file]
    return finding


def billion_laughs(levels: int) -> str:
    """The classic alias bomb: each level is nine aliases of the one before (9**levels values)."""
    lines = ['mm-1: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_at_the_alias(inventory: Path) -> None:
    # Seven levels took 8 s and 1.1 GB before the bound; nine exhausted memory.
    (inventory / "hosts.yaml").write_text(billion_laughs(7))
    finding = only(check(inventory), "hosts.yaml")
    # Lines 1 to 6 hold 672,603 values, the first *l5 on line 7 brings 597,871 more: over the million.
    assert 672_603 < MAX_VALUES < 672_603 + 597_871
    assert finding["line"] == 7
    assert "*l5" in finding["message"] and "alias" in finding["message"]


def test_merge_key_bomb_is_refused_before_it_is_merged(inventory: Path) -> None:
    lines = ["mm-1: &l0 {hostname: 127.0.0.1}"]
    lines += [f"l{n}: &l{n} {{<<: [{', '.join([f'*l{n - 1}'] * 9)}], k{n}: v}}" for n in range(1, 12)]
    (inventory / "hosts.yaml").write_text("\n".join(lines) + "\n")
    finding = only(check(inventory), "hosts.yaml")
    assert "aliases expand this file beyond" in finding["message"]


@pytest.mark.parametrize("item", ["1", "!!str 1", "{}"])
def test_file_of_countless_tiny_values_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  item: str) -> None:
    # 16 MiB of `1,` would be 8 million nodes and 3 GB: the count stops composition (the bound is lowered
    # here to keep the test fast; explicit tags are counted as well).
    monkeypatch.setattr("wifiops.yamlsource.MAX_VALUES", 1000)
    path = tmp_path / "aps.yaml"
    path.write_text("aps: [" + ", ".join([item] * 1000) + "]\n")
    [finding] = load_yaml(path).findings
    assert "file holds more than 1,000 values" in finding.message


def test_alias_to_its_own_block_is_refused(inventory: Path) -> None:
    (inventory / "groups.yaml").write_text("md: &loop\n  groups:\n    - *loop\n")
    finding = only(check(inventory), "groups.yaml")
    assert finding["line"] == 3
    assert "*loop refers to the block that contains it" in finding["message"]


def test_aliases_that_share_a_block_are_still_fine(inventory: Path) -> None:
    aps = inventory / "aps.yaml"
    text = aps.read_text().replace("  - {name: LVR-PAL-AP001,", "  - &first {name: LVR-PAL-AP001,")
    text += "extra_groups_do_not_exist: *first\n"
    aps.write_text(text)
    # The alias expands to one AP: what is reported is the unknown key, not the alias.
    finding = only(check(inventory), "aps.yaml")
    assert finding["field"] == "extra_groups_do_not_exist" and "unknown key" in finding["message"]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory"])
def test_only_regular_files_are_read(inventory: Path, kind: str) -> None:
    hosts = inventory / "hosts.yaml"
    hosts.unlink()
    if kind == "fifo":
        os.mkfifo(hosts)  # reading it used to hang forever
    elif kind == "dev-zero":
        hosts.symlink_to("/dev/zero")  # reading it used to exhaust memory
    else:
        hosts.mkdir()
    finding = only(check(inventory), "hosts.yaml")
    expected = {"fifo": "is a named pipe (FIFO)", "dev-zero": "is a character device", "directory": "is a directory"}
    assert expected[kind] in finding["message"] and "not a regular file" in finding["message"]
    assert finding["field"] == "hosts"


def test_oversized_file_is_refused_unread(inventory: Path) -> None:
    aps = inventory / "aps.yaml"
    with aps.open("r+b") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk space used
    finding = only(check(inventory), "aps.yaml")
    assert "over the 16 MiB limit" in finding["message"]


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_file_larger_than_its_stat_says_is_read_within_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # /proc files are regular files of size 0 whatever they hold: only the bounded read stops them.
    monkeypatch.setattr("wifiops.yamlsource.MAX_FILE_BYTES", 100)
    [finding] = load_yaml(Path("/proc/self/maps")).findings
    assert "holds more than the" in finding.message and "limit of an inventory file" in finding.message


def test_symbolic_link_loop_is_named(inventory: Path) -> None:
    (inventory / "hosts.yaml").unlink()
    (inventory / "hosts.yaml").symlink_to("hosts.yaml")
    finding = only(check(inventory), "hosts.yaml")
    assert "symbolic link loop" in finding["message"]


def test_symbolic_link_loop_named_by_the_manifest(inventory: Path) -> None:
    (inventory / "a.yaml").symlink_to("b.yaml")
    (inventory / "b.yaml").symlink_to("a.yaml")
    (inventory / "inventory.yaml").write_text("secrets: lab-secrets.yaml\ngroups: a.yaml\n")
    finding = only(check(inventory), "a.yaml")
    assert finding["field"] == "groups" and "symbolic link loop" in finding["message"]


def test_inventory_directory_that_is_a_link_loop(tmp_path: Path) -> None:
    (tmp_path / "inv").symlink_to("inv")
    [finding] = check(tmp_path / "inv")
    assert "symbolic link loop" in finding["message"]


def test_bytes_that_are_not_utf8_are_named_with_their_line(inventory: Path) -> None:
    groups = inventory / "groups.yaml"
    lines = groups.read_bytes().splitlines(keepends=True)
    lines[4] = lines[4].rstrip(b"\n") + b"  # caf\xe9 (Latin-1)\n"
    groups.write_bytes(b"".join(lines))
    finding = only(check(inventory), "groups.yaml")
    assert finding["line"] == 5
    assert "not UTF-8" in finding["message"] and "0xe9" in finding["message"]


def test_overlong_number_is_named_with_its_line(inventory: Path) -> None:
    defaults = inventory / "defaults.yaml"
    text = defaults.read_text()
    defaults.write_text(text + "port: " + "9" * 5000 + "\n")  # int() refuses over 4,300 digits
    finding = only(check(inventory), "defaults.yaml")
    assert finding["line"] == text.count("\n") + 1
    assert "a number of 5000 characters" in finding["message"]


def test_value_yaml_cannot_build_is_named_with_its_line(inventory: Path) -> None:
    aps = inventory / "aps.yaml"
    aps.write_text(aps.read_text().replace('zone: "Denon salle 2"', "zone: 2024-13-45"))
    finding = only(check(inventory), "aps.yaml")
    assert finding["line"] == 3 and "cannot be read as a YAML timestamp" in finding["message"]


def test_known_hosts_is_kept_with_the_inventory_unless_the_manifest_says(inventory: Path) -> None:
    files, findings = locate(inventory)
    assert not findings and files is not None
    assert files.known_hosts == inventory.resolve() / "known_hosts"  # need not exist
    (inventory / "inventory.yaml").write_text("secrets: lab-secrets.yaml\nknown_hosts: ../keys/known_hosts\n")
    files, findings = locate(inventory)
    assert not findings and files is not None
    assert files.known_hosts == inventory.resolve().parent / "keys" / "known_hosts"


def test_lab_secrets_file_value_that_is_not_text_is_named_not_echoed(inventory: Path) -> None:
    (inventory / "lab-secrets.yaml").write_text("password: lab-admin\nradius_key: 20251128\n")
    finding = only(check(inventory), "lab-secrets.yaml")
    assert (finding["line"], finding["field"]) == (2, "radius_key")
    assert "must be text" in finding["message"] and "20251128" not in finding["message"]
