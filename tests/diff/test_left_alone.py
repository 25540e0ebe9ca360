"""Issue 23, last point, on the lab: inside an object the intent renders, an attribute the intent does not model
(the lab's RADIUS servers have `timeout 5`, its dot1x profile `termination`) is left alone, never negated, and
`wifiops diff` reports it per node as a finding to read, apart from the remediation."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from wifiops.cli import app

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
TUNED = ['aaa authentication-server radius "cppm-1": timeout 5', 'aaa authentication-server radius "cppm-2": timeout 5',
         'aaa authentication dot1x "intra-louvre-dot1x": termination']


def config(tmp_path: Path, lab) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}",
                               f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                               f"templates: {REPO / 'templates' / 'aruba_os'}", "timeout: 5"]) + "\n")
    return path


def test_a_fresh_lab_plan_negates_no_unmodelled_attribute_and_reports_it(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    result = runner.invoke(app, ["--config", str(cfg), "diff", "--live", "--json"])
    assert result.exit_code == 1, result.output  # the lab's as-built /md still lacks the intent's VLAN names
    nodes = {n["node"]: n for n in json.loads(result.stdout)["nodes"]}
    md = nodes["/md"]
    assert md["remediation"].strip() and "vlan-name" in md["remediation"]  # what the intent sets is planned
    for node in nodes.values():
        for plan in (node["remediation"], node["rollback"]):
            assert "timeout" not in plan and "termination" not in plan, node["node"]
    assert md["left_alone"] == TUNED
    assert all(not n["left_alone"] for name, n in nodes.items() if name != "/md")

    text = runner.invoke(app, ["--config", str(cfg), "diff", "--live"]).stdout
    found, remediation = text.split("/md: remediation", 1)
    assert "/md: not modelled, left alone (3)" in found
    assert all(line in found for line in TUNED)
    assert "no timeout" not in remediation and "no termination" not in remediation
