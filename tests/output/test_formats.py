"""`--out` takes its format from the extension and refuses a contradiction; `stats --json`; statistics say what
they cover (issue 31)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.errors import WifiopsError

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


def config(tmp_path: Path) -> Path:
    cfg = tmp_path / "wifiops.yaml"
    cfg.write_text(f"inventory: {REPO / 'inventory' / 'lab'}\nrun_dir: {tmp_path / 'runs'}\n")
    return cfg


def test_stats_json_and_out_by_extension(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    period = ["--from", "2026-03-01", "--to", "2026-03-07"]
    figures = json.loads(runner.invoke(app, ["--config", str(cfg), "stats", *period, "--json"]).stdout)
    assert figures["clients"]["samples"] == 0 and figures["sufficient"] is False and figures["counted_s"] == 0
    out = tmp_path / "week.md"
    written = runner.invoke(app, ["--config", str(cfg), "stats", *period, "--out", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_text().startswith("# Connections by SSID")  # Markdown, not HTML
    refused = runner.invoke(app, ["--config", str(cfg), "stats", *period, "--out", str(tmp_path / "w.md"),
                                  "--format", "html"])
    assert isinstance(refused.exception, WifiopsError) and "says md but --format says html" in str(refused.exception)
    assert not (tmp_path / "w.md").exists()


def test_config_diff_sets_a_masked_secret_against_a_hashed_one_aside(tmp_path: Path) -> None:
    """A backup (keyed hashes) against a rendered file (******): the key is not comparable, the rest is."""
    backup, rendered = tmp_path / "backup.cfg", tmp_path / "rendered.cfg"
    body = 'aaa authentication-server radius "cppm-1"\n    host 10.1.0.21\n    key {}\n!\n'
    backup.write_text(body.format("<scrubbed:1a2b3c4d5e6f>") + 'netdestination "x"\n    host 10.9.9.9\n!\n')
    rendered.write_text(body.format("******") + 'netdestination "x"\n    host 10.9.9.9\n!\n')
    same = runner.invoke(app, ["--config", str(config(tmp_path)), "config", "diff", str(backup), str(rendered)])
    assert same.exit_code == 0, same.output
    last = same.stdout.strip().splitlines()[-1]
    assert last.startswith("verdict: compliant") and "1 secret line(s) not comparable" in last
    assert "remediation" not in same.stdout
    rendered.write_text(body.format("******") + 'netdestination "x"\n    host 10.9.9.8\n!\n')
    differ = runner.invoke(app, ["--config", str(config(tmp_path)), "config", "diff", str(backup), str(rendered),
                                 "--json"])
    found = json.loads(differ.stdout)
    assert differ.exit_code == 1 and "10.9.9.8" in found["remediation"] and "key" not in found["remediation"]
    [aside] = found["not_comparable"]
    assert aside.startswith('aaa authentication-server radius "cppm-1": key ') and "scrubbed" not in aside
