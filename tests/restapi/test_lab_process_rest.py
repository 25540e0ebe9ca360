"""`wifiops lab up` serves the REST API of every SSH device too: lab.json's `rest` says where, the lab CA
written beside the inventory verifies it, and a change made over REST is in the state saved at `down`."""

from __future__ import annotations

import json
import ssl

import httpx
import pytest
from typer.testing import CliRunner

from tests.ports import named_port
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
    yield inventory, tmp_path / "state", tmp_path / "run"
    runner.invoke(app, ["down"])


def test_up_serves_the_rest_api_and_down_keeps_what_it_changed(lab_env) -> None:
    inventory, state, run = lab_env
    up = runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state)])
    assert up.exit_code == 0, up.output
    info = json.loads((run / "lab.json").read_text())
    rest = {r["name"]: r for r in info["rest"]}
    assert set(rest) == {h["name"] for h in info["hosts"] if h["protocol"] == "ssh"}
    mm = next(h for h in info["hosts"] if h["name"] == "mm-1")
    verify = ssl.create_default_context(cafile=str(inventory / "clearpass-ca.pem"))
    with httpx.Client(base_url=f"https://127.0.0.1:{rest['mm-1']['port']}", verify=verify, timeout=10) as api:
        login = api.post("/v1/api/login", data={"username": mm["username"], "password": mm["password"]})
        uid = login.json()["_global_result"]["UIDARUBA"]
        where = {"config_path": "/md", "UIDARUBA": uid}
        body = {"profile-name": "kept", "essid": {"essid": "Kept_Across"}}
        assert api.post("/v1/configuration/object/ssid_prof", params=where, json=body).status_code == 200
        assert api.post("/v1/configuration/object/write_memory", params=where, json={}).status_code == 200
    assert runner.invoke(app, ["down"]).exit_code == 0
    assert "Kept_Across" in (state / "state.json").read_text()
