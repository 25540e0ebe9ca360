"""The bounded loader builds the same data as PyYAML's safe loader, and finds lines the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wifiops.yamlsource import load_yaml

REPO = Path(__file__).resolve().parents[2]

EVERY_KIND_OF_VALUE = """\
strings: [plain, "double", 'single', "with: colon", "caf\u00e9 \u00e0 Li\u00e9vin"]
literal: |
  two
  lines
folded: >
  folded
  text
numbers: [0, -12, +3, 0o17, 0x1f, 1_000, 190:20:30, 1.5, -.inf, .nan, 6.8e+3]
others: [true, False, on, no, ~, null, 2024-11-28, 2024-11-28 10:20:30, !!binary aGVsbG8=]
tagged: {a: !!str 12, b: !!int "7", c: !!float "1"}
set: !!set {x, y}
omap: !!omap [{one: 1}, {two: 2}]
anchors:
  base: &base {model: IAP-535, site: louvre-palais}
  more: &more {zone: Denon}
  one: {<<: *base, name: AP1}
  two: {<<: [*base, *more], name: AP2, site: lievin}
  list: &list [1, 2]
  again: *list
  scalar: &s shared
  scalar_again: *s
nested: {a: {b: {c: [[1, [2, {d: e}]]]}}}
1: integer key
? [complex]
: only in PyYAML's unsafe loaders
"""


def test_builds_what_pyyaml_builds(tmp_path: Path) -> None:
    text = EVERY_KIND_OF_VALUE.replace("? [complex]\n: only in PyYAML's unsafe loaders\n", "")
    path = tmp_path / "values.yaml"
    path.write_text(text)
    doc = load_yaml(path)
    assert doc.findings == []
    assert doc.data == yaml.load(text, Loader=yaml.SafeLoader)
    anchors = doc.data["anchors"]
    assert anchors["two"] == {"model": "IAP-535", "site": "lievin", "zone": "Denon", "name": "AP2"}
    assert anchors["again"] is anchors["list"]  # an alias is the same object, as in PyYAML


def test_a_list_as_a_key_is_a_finding_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "values.yaml"
    path.write_text(EVERY_KIND_OF_VALUE)
    [finding] = load_yaml(path).findings
    assert finding.line == EVERY_KIND_OF_VALUE.splitlines().index("? [complex]") + 1


@pytest.mark.parametrize("path", sorted((REPO / "inventory").rglob("*.yaml"))
                         + sorted((REPO / "tests" / "fixtures" / "inventories").rglob("*.yaml")),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_every_inventory_file_of_the_repository(path: Path) -> None:
    doc = load_yaml(path)
    if path.parent.name == "malformed-yaml" and path.name == "aps.yaml":
        assert doc.findings and doc.data is None
        return
    if path.parent.name == "duplicate-host" and path.name == "hosts.yaml":
        assert [(f.line, f.field) for f in doc.findings] == [(10, "mm-1")]
        return
    assert doc.findings == []
    assert doc.data == yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)


def test_line_of_a_path_is_where_its_key_is_written(tmp_path: Path) -> None:
    path = tmp_path / "aps.yaml"
    path.write_text("# comment\naps:\n  - {name: A, mac: x}\n  -\n    name: B\n    mac: y\n")
    doc = load_yaml(path)
    assert doc.line_of(("aps",)) == 2
    assert doc.line_of(("aps", 0, "mac")) == 3
    assert doc.line_of(("aps", 1)) == 5
    assert doc.line_of(("aps", 1, "mac")) == 6
    assert doc.line_of(("aps", 1, "missing")) == 5  # a missing field: at its parent
    assert doc.line_of(("aps", 7)) == 2
