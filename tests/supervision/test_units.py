"""The systemd units shipped for `watch`, `serve` and `watchdog` (issue 28) are read by systemd itself without a
complaint, and run the commands the docs say."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNITS = ("wifiops-watch.service", "wifiops-serve.service", "wifiops-watchdog.service", "wifiops-watchdog.timer")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_verifies_the_units(tmp_path: Path) -> None:
    for name in UNITS:  # %h/wifiops is the checkout: here, this one (verify checks ExecStart exists)
        (tmp_path / name).write_text((REPO / "scripts" / name).read_text().replace("%h/wifiops", str(REPO)))
    if not (REPO / ".venv" / "bin" / "wifiops").exists():
        pytest.skip("no .venv/bin/wifiops in this checkout (scripts/setup)")
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *(str(tmp_path / n) for n in UNITS)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_the_units_run_watch_serve_and_watchdog() -> None:
    starts = {name: next(line for line in (REPO / "scripts" / name).read_text().splitlines()
                         if line.startswith("ExecStart="))
              for name in UNITS if name.endswith(".service")}
    assert starts["wifiops-watch.service"].endswith("wifiops watch --interval 300")
    assert " serve " in starts["wifiops-serve.service"]
    assert "wifiops watchdog" in starts["wifiops-watchdog.service"]
    assert "Unit=wifiops-watchdog.service" in (REPO / "scripts" / "wifiops-watchdog.timer").read_text()
