"""`wifiops show`: one show command on every MM and 7210 of the lab, in parallel, with per-host logs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from typer.testing import CliRunner

from wifiops.cli import app, main

runner = CliRunner()
MANAGED = ["mc-1", "mc-2", "mm-1", "mm-2", "mm-3", "mm-4"]


def write_config(tmp_path: Path, inventory: Path) -> Path:
    config = tmp_path / "wifiops.yaml"
    config.write_text(f"inventory: {inventory}\nrun_dir: {tmp_path / 'runs'}\n"
                      f"secrets_file: {tmp_path / 'no-secrets.yaml'}\n")
    return config


def test_show_runs_on_every_managed_host(fresh_lab, tmp_path: Path) -> None:
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    result = runner.invoke(app, ["--config", str(config), "show", "show switches", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [r["host"] for r in report["results"]] == MANAGED
    mm1 = next(r for r in report["results"] if r["host"] == "mm-1")
    assert "All Switches" in mm1["output"] and "Aruba7210" in mm1["output"]
    log = Path(report["log_dir"]) / "mm-1.log"
    assert ">>> show switches" in log.read_text()


def test_unreachable_host_fails_the_run_and_names_it(fresh_lab, tmp_path: Path) -> None:
    fresh_lab.fault("mm-2", "refuse-login")
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    result = runner.invoke(app, ["--config", str(config), "show", "show version", "--json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    failed = {r["host"]: r["error"] for r in report["results"] if not r["ok"]}
    assert list(failed) == ["mm-2"]
    assert failed["mm-2"] == ("mm-2: login refused for user 'admin': check the username, and WIFIOPS_PASSWORD "
                              "or `password:` in the secrets file")
    assert "ArubaMM-VA" in next(r["output"] for r in report["results"] if r["host"] == "mm-1")



def test_a_hung_device_fails_its_host_after_the_timeout(fresh_lab, tmp_path: Path) -> None:
    fresh_lab.fault("mm-3", "hang")
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    result = runner.invoke(app, ["--config", str(config), "show", "show clock", "--timeout", "1", "--json"])
    assert result.exit_code == 2
    failed = {r["host"]: r["error"] for r in json.loads(result.stdout)["results"] if not r["ok"]}
    assert failed == {"mm-3": "mm-3: the device sent nothing for 1 s while wifiops waited for the first prompt "
                              "after login: it is not answering; check it, or raise --timeout"}


def test_unknown_host_is_an_error(fresh_lab, tmp_path: Path, monkeypatch, capsys) -> None:
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    for name in ("mm-9", "cppm-1"):  # a typo, and a host that is not reached over the AOS 8 CLI
        monkeypatch.setattr(sys, "argv", ["wifiops", "--config", str(config), "show", "show clock", "--host", name])
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == 2
        assert f"error: not a managed ArubaOS host of this inventory: {name}" in capsys.readouterr().err
