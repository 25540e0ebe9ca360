"""`wifiops clearpass status|devices|compare|copy` on the lab: exit codes 0/1/2, JSON without a secret, the copy's
dry run touching nothing, a committed copy matching A, and a refused device rolling the copy back."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labsecrets import CLIENT_SECRET, RADIUS_KEY
from wifiops.cli import app, main
from wifiops.errors import WifiopsError

runner = CliRunner()
TOKEN = re.compile(r"\b[0-9a-f]{40}\b")


def wifiops(config: Path, *args: str) -> tuple[int, dict, str]:
    result = runner.invoke(app, ["--config", str(config), "clearpass", *args, "--json"])
    assert result.stdout.strip(), result.output
    for secret in (RADIUS_KEY, CLIENT_SECRET):
        assert secret not in result.output
    assert not TOKEN.search(result.output)
    return result.exit_code, json.loads(result.stdout), result.output


def test_status_of_every_server_and_a_hung_one(fresh_lab, config) -> None:
    code, report, _ = wifiops(config, "status")
    assert code == 0
    servers = {s["name"]: s for s in report["servers"]}
    assert list(servers) == ["cppm-1", "cppm-2", "cppm-3", "cppm-4"]
    assert servers["cppm-4"]["version"]["version"] == "6.11.9.280101"
    assert [(c["name"], c["is_publisher"]) for c in servers["cppm-2"]["cluster"]] == [("cppm-1", True), ("cppm-2", False)]
    fresh_lab.fault("cppm-2", "hang")
    result = runner.invoke(app, ["--config", str(config), "clearpass", "status", "--host", "cppm-2", "--host", "cppm-3",
                                 "--timeout", "0.5"])
    assert result.exit_code == 2
    assert "cppm-3" in result.stdout and "6.11.9.280101" in result.stdout
    assert "cppm-2: https://127.0.0.1:" in result.stderr and "did not answer in full within 0.5 s" in result.stderr


def test_devices_of_a_server_without_their_secrets(fresh_lab, config) -> None:
    code, listed, _ = wifiops(config, "devices", "cppm-2")
    assert code == 0 and listed["server"] == "cppm-2"
    assert [d["name"] for d in listed["devices"]] == ["mm-1", "mm-2", "mm-3", "mm-4", "mc-1", "mc-2"]
    assert all("radius_secret" not in d and d["secrets_set"] == [] for d in listed["devices"])
    table = runner.invoke(app, ["--config", str(config), "clearpass", "devices", "cppm-1"])
    assert table.exit_code == 0 and "10.150.1.12" in table.stdout and RADIUS_KEY not in table.output


def test_compare_exit_codes(fresh_lab, config) -> None:
    code, same, _ = wifiops(config, "compare", "cppm-1", "cppm-2")
    assert code == 0 and same["same"] and len(same["alike"]) == 6
    code, found, _ = wifiops(config, "compare", "cppm-1", "cppm-3")
    assert code == 1 and not found["same"] and len(found["missing"]) == 6 and found["extra"] == []
    table = runner.invoke(app, ["--config", str(config), "clearpass", "compare", "cppm-1", "cppm-3"])
    assert table.exit_code == 1 and "6 missing on cppm-3" in table.stdout
    unknown = runner.invoke(app, ["--config", str(config), "clearpass", "compare", "cppm-1", "cppm-9"])
    assert isinstance(unknown.exception, WifiopsError) and unknown.exception.exit_code == 2
    assert str(unknown.exception) == ("not a ClearPass server of this inventory: cppm-9 (ClearPass servers: cppm-1, "
                                      "cppm-2, cppm-3, cppm-4)")


def test_errors_reach_the_shell_as_one_line_and_exit_2(fresh_lab, config, monkeypatch, capsys) -> None:
    for args, said in ((["compare", "cppm-1", "mc-1"], "error: not a ClearPass server of this inventory: mc-1"),
                       (["devices", "cppm-1", "--timeout", "0.5"], "error: cppm-1: https://127.0.0.1:")):
        if "--timeout" in args:
            fresh_lab.fault("cppm-1", "hang")
        monkeypatch.setattr(sys, "argv", ["wifiops", "--config", str(config), "clearpass", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith(said) and err.count("\n") == 1, err


def test_copy_dry_run_then_commit_makes_b_like_a(fresh_lab, config, tmp_path) -> None:
    code, plan, output = wifiops(config, "copy", "cppm-1", "cppm-3")
    assert code == 0 and not plan["commit"] and plan["radius_secret"] == {"secret": "radius_key"}
    assert [d["name"] for d in plan["to_create"]] == ["mc-1", "mc-2", "mm-1", "mm-2", "mm-3", "mm-4"]
    assert plan["created"] == [] and fresh_lab.clearpass_stored("cppm-3") == []  # a dry run wrote nothing
    assert not (tmp_path / "runs").exists()

    code, done, _ = wifiops(config, "copy", "cppm-1", "cppm-3", "--commit")
    assert code == 0 and done["created"] == [d["name"] for d in plan["to_create"]] and done["refused"] is None
    stored = fresh_lab.clearpass_stored("cppm-4")
    assert len(stored) == 6 and {d["radius_secret"] for d in stored} == {RADIUS_KEY}  # written from the store
    assert wifiops(config, "compare", "cppm-1", "cppm-4")[0] == 0
    record = Path(done["folder"])
    assert record.parent == tmp_path / "runs" and record.name.endswith("-clearpass-copy")
    for path in record.iterdir():
        assert RADIUS_KEY not in path.read_text() and CLIENT_SECRET not in path.read_text()
    assert json.loads((record / "copy.json").read_text())["created"] == done["created"]

    code, again, _ = wifiops(config, "copy", "cppm-2", "cppm-3", "--commit")
    assert code == 0 and again["to_create"] == [] and again["folder"] is None
    table = runner.invoke(app, ["--config", str(config), "clearpass", "copy", "cppm-2", "cppm-3"])
    assert "nothing to copy: cppm-3 has every network device of cppm-2" in table.stdout


def test_a_refused_device_stops_the_copy_and_b_is_left_as_it_was(fresh_lab, config) -> None:
    before = fresh_lab.clearpass_stored("cppm-3")
    fresh_lab.fault("cppm-3", "reject-device", "^mm-2$")
    code, report, _ = wifiops(config, "copy", "cppm-1", "cppm-3", "--commit")
    assert code == 1
    assert report["created"] == ["mc-1", "mc-2", "mm-1"] and report["rolled_back"] == ["mm-1", "mc-2", "mc-1"]
    assert report["refused"]["name"] == "mm-2" and report["refused"]["status"] == 422
    assert report["refused"]["validation_messages"]["name"]["rejected"].startswith("cppm-3 refuses network device")
    assert report["left_on_b"] == [] and report["error"] is None
    assert fresh_lab.clearpass_stored("cppm-3") == before == []
    table = runner.invoke(app, ["--config", str(config), "clearpass", "copy", "cppm-1", "cppm-3", "--commit"])
    assert table.exit_code == 1
    assert "cppm-3 refused mm-2: cppm-3: POST /network-device was refused" in table.stderr
    assert "rolled back: deleted again on cppm-3: mm-1, mc-2, mc-1" in table.stderr


def test_copy_names_a_missing_secret_and_refuses_a_server_to_itself(fresh_lab, config) -> None:
    missing = runner.invoke(app, ["--config", str(config), "clearpass", "copy", "cppm-1", "cppm-3",
                                  "--radius-secret", "no_such_key"])
    assert isinstance(missing.exception, WifiopsError) and "secret 'no_such_key' is not set" in str(missing.exception)
    itself = runner.invoke(app, ["--config", str(config), "clearpass", "copy", "cppm-1", "cppm-1"])
    assert isinstance(itself.exception, WifiopsError) and "to itself" in str(itself.exception)
