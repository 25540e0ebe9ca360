"""`check` for people (issue 31): every SSID of the intent (0 clients when no AP broadcasts it), every host
whether it answered or not, and a verdict as its last line; the progress bar names the hosts still pending."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.face.progress import ProgressBar

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


def test_check_shows_every_ssid_and_host_and_ends_with_a_verdict(fresh_lab, tmp_path: Path) -> None:
    cfg = tmp_path / "wifiops.yaml"
    cfg.write_text(f"inventory: {fresh_lab.inventory_dir}\nrun_dir: {tmp_path / 'runs'}\n"
                   f"secrets_file: {tmp_path / 'none.yaml'}\ntimeout: 3\n")
    fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
    fresh_lab.fault("mc-2", "refuse-login")
    result = runner.invoke(app, ["--config", str(cfg), "check"], env={"COLUMNS": "100"})
    assert result.exit_code == 2, result.output
    ssids = {line.split()[0]: line.split()[-1] for line in result.stdout.splitlines() if "_" in line.split()[0:1][0]}
    assert ssids.get("Delacroix_WiFi_Gratuit") == "0", result.stdout
    assert any(line.split()[:2] == ["mc-2", "NOT"] for line in result.stdout.splitlines()), result.stdout
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("verdict: NOT healthy") and "mc-2" in last and "finding(s)" in last, last


def test_the_progress_bar_names_the_hosts_still_pending() -> None:
    bar = ProgressBar("check")
    hosts = {name: SimpleNamespace(name=name) for name in ("mm-1", "mm-2", "mc-1", "mc-2", "mm-3", "mm-4")}
    bar.task_started(SimpleNamespace(nornir=SimpleNamespace(inventory=SimpleNamespace(hosts=hosts))))
    try:
        for name in ("mm-1", "mm-2", "mm-3", "mm-4"):
            bar.task_instance_completed(None, hosts[name], SimpleNamespace(failed=False))  # type: ignore[arg-type]
        assert bar._waiting() == "waiting for mc-1, mc-2"
    finally:
        bar.progress.stop()
