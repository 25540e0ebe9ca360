"""`wifiops lab up` serves the ClearPass servers too: their rows in `status`, the CA written next to the inventory,
faults from the shell, and devices and certificates kept across a restart."""

from __future__ import annotations

import json
import stat

import pytest
from typer.testing import CliRunner

from tests.ports import named_port
from wifiops.cli import app as wifiops_app
from wifiops.face.lab import app
from wifiops.lab.estate import load_estate
from wifiops.lab.testing import LAB_INVENTORY, write_inventory_copy

runner = CliRunner()


def free_port() -> int:
    return named_port()  # outside the ephemeral range: no bind(0) elsewhere takes it before the lab starts


@pytest.fixture
def lab_env(tmp_path, monkeypatch):
    estate = load_estate(LAB_INVENTORY)
    inventory = write_inventory_copy(estate, tmp_path / "inv", {name: free_port() for name in estate.served})
    monkeypatch.setenv("WIFIOPS_LAB_DIR", str(tmp_path / "run"))
    config = tmp_path / "wifiops.yaml"
    config.write_text(f"inventory: {inventory}\nrun_dir: {tmp_path / 'runs'}\nsecrets_file: {tmp_path / 'none.yaml'}\n"
                      "timeout: 5\n")
    yield inventory, tmp_path / "state", config
    runner.invoke(app, ["down"])  # in case a test failed half-way


def test_up_serves_clearpass_with_its_ca_faults_and_state_across_a_restart(lab_env) -> None:
    inventory, state, config = lab_env
    up = runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state)])
    assert up.exit_code == 0, up.output
    ca = inventory / "clearpass-ca.pem"
    assert f"signed by the lab CA in {ca}" in " ".join(up.output.split())
    assert stat.S_IMODE(ca.stat().st_mode) == 0o644
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in (state / "clearpass_tls").glob("*.key"))
    rows = {h["name"]: h for h in json.loads(runner.invoke(app, ["status", "--json"]).output)["hosts"]}
    cppm = rows["cppm-3"]
    assert (cppm["role"], cppm["protocol"], cppm["username"], cppm["password"]) == (
        "clearpass", "https", "wifiops-lab", "lab-clearpass-client-secret")
    assert "https" in runner.invoke(app, ["status"]).output

    def clearpass(*args: str) -> tuple[int, dict]:
        result = runner.invoke(wifiops_app, ["--config", str(config), "clearpass", *args, "--json"])
        return result.exit_code, json.loads(result.stdout)
    assert clearpass("status")[0] == 0
    assert runner.invoke(app, ["fault", "cppm-3", "reject-device", "^mc-2$"]).exit_code == 0
    assert next(h for h in json.loads(runner.invoke(app, ["status", "--json"]).output)["hosts"]
                if h["name"] == "cppm-3")["faults"] == ["reject-device ^mc-2$"]
    code, refused = clearpass("copy", "cppm-1", "cppm-3", "--commit")
    assert code == 1 and refused["refused"]["name"] == "mc-2" and refused["rolled_back"] == ["mc-1"]
    wrong = runner.invoke(app, ["fault", "cppm-3", "reject-line", "x"])
    assert wrong.exit_code == 2 and "not a fault of cppm-3" in wrong.output
    assert runner.invoke(app, ["fault", "cppm-3", "clear"]).exit_code == 0
    assert clearpass("copy", "cppm-1", "cppm-3", "--commit")[0] == 0

    before = ca.read_bytes()
    assert runner.invoke(app, ["down"]).exit_code == 0
    assert runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state)]).exit_code == 0
    assert ca.read_bytes() == before  # the same CA: a CA file handed out stays good
    code, compared = clearpass("compare", "cppm-1", "cppm-4")
    assert code == 0 and compared["same"]  # the copied devices were saved with the lab
    assert runner.invoke(app, ["down"]).exit_code == 0


def test_free_ports_put_the_ca_in_the_inventory_copy(lab_env, tmp_path) -> None:
    inventory, state, _ = lab_env
    up = runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state), "--free-ports"])
    assert up.exit_code == 0, up.output
    copy = tmp_path / "run" / "inventory"
    assert (copy / "clearpass-ca.pem").exists() and not (inventory / "clearpass-ca.pem").exists()
    config = tmp_path / "copy.yaml"
    config.write_text(f"inventory: {copy}\nrun_dir: {tmp_path / 'runs'}\nsecrets_file: {tmp_path / 'none.yaml'}\n")
    result = runner.invoke(wifiops_app, ["--config", str(config), "clearpass", "devices", "cppm-4", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["devices"] == []
    assert runner.invoke(app, ["down"]).exit_code == 0
