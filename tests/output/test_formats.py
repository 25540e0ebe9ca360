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
