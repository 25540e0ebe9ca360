"""`wifiops show` as a hostile but fair user tries it (issue 6): injected commands, unbounded timeouts,
failures by cause on the console, secrets in --json. Real SSH to the lab."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.aos8.session import Aos8Session
from wifiops.cli import app
from wifiops.errors import UnsafeCommand, WifiopsError
from wifiops.paths import child

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent


def write_config(tmp_path: Path, inventory: Path) -> Path:
    config = tmp_path / "wifiops.yaml"
    config.write_text(f"inventory: {inventory}\nrun_dir: {tmp_path / 'runs'}\n"
                      f"secrets_file: {tmp_path / 'no-secrets.yaml'}\n")
    return config


def committed_hostname(lab, host: str = "mm-1") -> str:
    user, password = lab.credentials
    with Aos8Session.connect("127.0.0.1", port=lab.port(host), username=user, password=password, name=host,
                             known_hosts=lab.known_hosts) as mm:
        return mm.show("show hostname")


def test_an_injected_command_is_refused_and_nothing_changes(fresh_lab, tmp_path: Path) -> None:
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    injected = "show clock\nconfigure terminal\nhostname PWNED\nend\nwrite memory"
    result = runner.invoke(app, ["--config", str(config), "show", injected, "-H", "mm-1"])
    assert isinstance(result.exception, UnsafeCommand)
    assert "control character '\\n'" in str(result.exception)
    assert committed_hostname(fresh_lab) == "Hostname is mm-1"
    assert not (tmp_path / "runs").exists()  # refused before any device was reached


def test_only_show_commands_run(fresh_lab, tmp_path: Path) -> None:
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    result = runner.invoke(app, ["--config", str(config), "show", "write memory", "-H", "mm-1"])
    assert isinstance(result.exception, WifiopsError)
    assert "only show commands" in str(result.exception)


@pytest.mark.parametrize("timeout", ["inf", "1e10", "nan", "0", "-5"])
def test_an_unbounded_timeout_is_refused(fresh_lab, tmp_path: Path, timeout: str) -> None:
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    result = runner.invoke(app, ["--config", str(config), "show", "show clock", "--timeout", timeout])
    assert isinstance(result.exception, WifiopsError), result.output
    assert "at most 3600" in str(result.exception)


def test_json_output_is_scrubbed_like_the_transcripts(fresh_lab, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("WIFIOPS_SECRET_PORTAL_SSID", "Louvre_WiFi_Gratuit")  # a value the output holds
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    result = runner.invoke(app, ["--config", str(config), "show", "show running-config", "-H", "mc-1", "--json"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)["results"][0]["output"]
    for secret in ("Louvre_WiFi_Gratuit", "lab-radius-key", "lab-ipsec-key"):
        assert secret not in result.stdout
    assert re.search(r'^\s*key "?\*{6}"?\s*$', output, re.M)  # the line stays readable
    assert re.search(r'^conductorip \S+ ipsec "?\*{6}"? interface vlan', output, re.M)
    log = Path(json.loads(result.stdout)["log_dir"]) / "mc-1.log"
    assert "lab-ipsec-key" not in log.read_text()


def test_console_says_one_line_per_failed_host_and_keeps_tracebacks_in_the_log(fresh_lab, tmp_path: Path) -> None:
    """In a real process (pytest's own log handlers would hide Python's last-resort printing)."""
    fresh_lab.fault("mm-2", "refuse-login")
    fresh_lab.fault("mm-3", "hang")
    fresh_lab.fault("mc-2", "drop-after", 900)
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    env = {**os.environ, "COLUMNS": "300"}
    done = subprocess.run([sys.executable, "-m", "wifiops", "--config", str(config), "show", "show running-config",
                           "--timeout", "2"], capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
    assert done.returncode == 2
    failures = [line for line in done.stderr.splitlines() if re.match(r"(mm|mc)-\d: ", line)]
    assert sorted(line.split(":")[0] for line in failures) == ["mc-2", "mm-2", "mm-3"], done.stderr
    assert "login refused" in next(line for line in failures if line.startswith("mm-2"))
    assert "sent nothing" in next(line for line in failures if line.startswith("mm-3"))
    assert re.search(r"cut|closed", next(line for line in failures if line.startswith("mc-2")))
    for noise in ("Traceback", "close_connections_task", "127.0.0.1:", "lab-admin"):
        assert noise not in done.stderr, noise
    run_dir = next((tmp_path / "runs").iterdir())
    run_log = (run_dir / "run.log").read_text()
    assert "Traceback" in run_log and "lab-admin" not in run_log
    assert "mm-1" in done.stdout and "mc-1" in done.stdout  # the good hosts still printed


@pytest.mark.parametrize("name", ["../../../escaped", "a/b", "..", ""])
def test_a_host_name_cannot_make_a_path_leave_its_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(WifiopsError):
        child(tmp_path, name, ".log")
    assert child(tmp_path, "mm-1", ".log") == tmp_path / "mm-1.log"
