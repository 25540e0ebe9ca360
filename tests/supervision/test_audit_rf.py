"""`wifiops audit rf` on the lab, over real SSH (issue 28): every AP of the inventory by site, area and room,
each radio's band, channel, EIRP and clients from the conductor; a group down says so; the Markdown report to
take on site."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from wifiops.cli import app

from watching import write_config

runner = CliRunner()


def test_the_rooms_radios_from_the_conductor(fresh_lab, tmp_path: Path) -> None:
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    result = runner.invoke(app, ["--config", str(config), "audit", "rf", "--json"])
    assert result.exit_code == 0, result.output
    audit = json.loads(result.stdout)
    assert audit["conductor"] == "mm-1" and len(audit["aps"]) == 358 and audit["errors"] == []
    assert {a["status"] for a in audit["aps"]} == {"up"}
    radios = [r for a in audit["aps"] for r in a["radios"]]
    assert {r["band"] for r in radios} >= {"2.4GHz", "5GHz"} and all(r["eirp"] is not None for r in radios)
    assert sum(r["clients"] for r in radios) > 0 and all(r["channel"] != "?" for r in radios)
    keys = [(a["site"], a["area"]) for a in audit["aps"]]
    assert keys == sorted(keys)  # the walk: site by site, area by area
    assert all(a["noise"] == "not read" for a in audit["aps"])  # said, not guessed

    fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
    out = tmp_path / "rf.md"
    down = runner.invoke(app, ["--config", str(config), "audit", "rf", "--site", "delacroix", "--out", str(out),
                               "--json"])
    assert down.exit_code == 1, down.output
    aps = json.loads(down.stdout)["aps"]
    assert aps and {a["site"] for a in aps} == {"delacroix"} and {a["status"] for a in aps} == {"down"}
    report = out.read_text()
    assert report.startswith("# RF audit") and "## delacroix:" in report and "| down |" in report
