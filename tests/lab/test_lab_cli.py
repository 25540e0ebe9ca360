"""`wifiops lab` face and control engine: a real background lab process, stopped and resumed."""

from __future__ import annotations

import json
import socket

import pytest
from netmiko import ConnectHandler
from typer.testing import CliRunner

from wifiops.lab.cli import app
from wifiops.lab.estate import load_estate
from wifiops.lab.testing import LAB_INVENTORY, write_inventory_copy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(conn, line: str) -> str:
    out = conn.send_command(line, expect_string=r"#", read_timeout=5, strip_prompt=False)
    return out.rsplit("\n", 1)[0] if "\n" in out else ""


@pytest.fixture
def lab_env(tmp_path, monkeypatch):
    estate = load_estate(LAB_INVENTORY)
    inventory = write_inventory_copy(estate, tmp_path / "inv", {d.name: free_port() for d in estate.devices})
    monkeypatch.setenv("WIFIOPS_LAB_DIR", str(tmp_path / "run"))
    runner = CliRunner()
    yield runner, inventory, tmp_path / "state"
    runner.invoke(app, ["down"])  # in case a test failed half-way


def test_up_status_fault_down_and_resume(lab_env):
    runner, inventory, state = lab_env
    up = runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state)])
    assert up.exit_code == 0, up.output
    assert "mm-1" in up.output and "mc-2" in up.output
    again = runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state)])
    assert again.exit_code == 2 and "already running" in again.output

    st = runner.invoke(app, ["status", "--json"])
    assert st.exit_code == 0, st.output
    hosts = {h["name"]: h for h in json.loads(st.output)}
    assert set(hosts) == {"mm-1", "mm-2", "mm-3", "mm-4", "mc-1", "mc-2"}
    params = {"device_type": "aruba_os", "host": "127.0.0.1", "username": hosts["mm-1"]["username"],
              "password": hosts["mm-1"]["password"]}

    assert runner.invoke(app, ["fault", "mm-9", "hang"]).exit_code == 2
    bad = runner.invoke(app, ["fault", "mm-1", "explode"])
    assert bad.exit_code == 2 and "unknown fault kind" in bad.output
    assert runner.invoke(app, ["fault", "mm-2", "slow", "10"]).exit_code == 0
    st = json.loads(runner.invoke(app, ["status", "--json"]).output)
    assert next(h for h in st if h["name"] == "mm-2")["faults"] == ["slow 10"]
    assert runner.invoke(app, ["fault", "mm-2", "clear"]).exit_code == 0

    with ConnectHandler(**params, port=hosts["mm-1"]["port"]) as conn:
        for line in ("cd /md/Louvre", "configure terminal", 'aaa bandwidth-contract "resumed" mbits 7', "end",
                     "write memory"):
            cli(conn, line)
    assert runner.invoke(app, ["down"]).exit_code == 0
    assert runner.invoke(app, ["status"]).exit_code == 2

    assert runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state)]).exit_code == 0
    with ConnectHandler(**params, port=hosts["mc-1"]["port"]) as conn:
        assert 'aaa bandwidth-contract "resumed" mbits 7 ' in conn.send_command("show running-config")
    assert runner.invoke(app, ["down"]).exit_code == 0
