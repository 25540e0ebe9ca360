"""`wifiops lab` face and control engine: a real background lab process, stopped and resumed."""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import asyncssh
import paramiko
import pytest
import yaml
from netmiko import ConnectHandler
from typer.testing import CliRunner

from labclient import ssh_client

from tests.ports import named_port
from wifiops.face.lab import app
from wifiops.lab.estate import load_estate
from wifiops.lab.testing import LAB_INVENTORY, write_inventory_copy


def free_port() -> int:
    return named_port()  # outside the ephemeral range: no bind(0) elsewhere takes it before the lab starts


def cli(conn, line: str) -> str:
    out = conn.send_command(line, expect_string=r"#", read_timeout=5, strip_prompt=False)
    return out.rsplit("\n", 1)[0] if "\n" in out else ""


@pytest.fixture
def lab_env(tmp_path, monkeypatch):
    estate = load_estate(LAB_INVENTORY)
    inventory = write_inventory_copy(estate, tmp_path / "inv", {name: free_port() for name in estate.served})
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
    status = json.loads(st.output)
    # all the text prints: the bastion, the known_hosts and CA files written at `up`, the state dir
    assert status["bastion"]["username"] and status["bastion"]["port"] > 0
    assert Path(status["known_hosts"]).is_file() and Path(status["clearpass_ca"]).is_file()
    assert status["state_dir"] == str(state.resolve()) and status["inventory_copy"] == ""
    hosts = {h["name"]: h for h in status["hosts"]}
    assert {n for n, h in hosts.items() if h["protocol"] == "ssh"} == {"mm-1", "mm-2", "mm-3", "mm-4", "mc-1", "mc-2"}
    assert {n for n, h in hosts.items() if h["protocol"] == "https"} == {"cppm-1", "cppm-2", "cppm-3", "cppm-4"}
    params = {"device_type": "aruba_os", "host": "127.0.0.1", "username": hosts["mm-1"]["username"],
              "password": hosts["mm-1"]["password"]}

    assert runner.invoke(app, ["fault", "mm-9", "hang"]).exit_code == 2
    bad = runner.invoke(app, ["fault", "mm-1", "explode"])
    assert bad.exit_code == 2 and "unknown fault kind" in bad.output
    assert runner.invoke(app, ["fault", "mm-2", "slow", "10"]).exit_code == 0
    st = json.loads(runner.invoke(app, ["status", "--json"]).output)["hosts"]
    assert next(h for h in st if h["name"] == "mm-2")["faults"] == ["slow 10"]
    assert runner.invoke(app, ["fault", "mm-2", "slow", "0-1000"]).exit_code == 0
    st = json.loads(runner.invoke(app, ["status", "--json"]).output)["hosts"]
    assert next(h for h in st if h["name"] == "mm-2")["faults"] == ["slow 0-1000"]
    backwards = runner.invoke(app, ["fault", "mm-2", "slow", "1000-0"])
    assert backwards.exit_code == 2 and "ends below its start" in backwards.output
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


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_host_keys_hold_across_restarts_and_lab_files_are_private(lab_env, tmp_path):
    runner, inventory, state = lab_env
    run = tmp_path / "run"
    # the inventory keeps its known-hosts file elsewhere; it already names another device, and mm-1's
    # port (with a stale key, next to a second name) and mm-2's (hashed, as `ssh-keygen -H` leaves it)
    manifest = yaml.safe_load((inventory / "inventory.yaml").read_text())
    (inventory / "inventory.yaml").write_text(yaml.safe_dump({**manifest, "known_hosts": "../ssh/known_hosts"}))
    known = tmp_path / "ssh" / "known_hosts"
    known.parent.mkdir()
    ports = {name: h["port"] for name, h in yaml.safe_load((inventory / "hosts.yaml").read_text()).items()}
    # the controllers' console-server lines (docs/upgrade.md): a listener and a key each
    consoles = [f"{name}-console" for name, h in yaml.safe_load((inventory / "hosts.yaml").read_text()).items()
                if ((h or {}).get("data") or {}).get("console")]
    stale = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().split()[1]
    hashed = paramiko.HostKeys.hash_host(f"[127.0.0.1]:{ports['mm-2']}")
    known.write_text(f"# my devices\n[10.0.0.9]:2222 ssh-ed25519 {stale}\n"
                     f"[127.0.0.1]:{ports['mm-1']},gateway ssh-ed25519 {stale}\n{hashed} ssh-ed25519 {stale}\n")
    # what an older lab left: a run dir open to all, and one key for every host, world-readable
    run.mkdir(mode=0o755)
    state.mkdir(mode=0o755)
    (state / "ssh_host_ed25519_key").write_text("old")
    umask = os.umask(0o022)
    try:
        up = runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state)])
    finally:
        os.umask(umask)
    assert up.exit_code == 0, up.output
    assert "known_hosts" in up.output

    st = [h for h in json.loads(runner.invoke(app, ["status", "--json"]).output)["hosts"] if h["protocol"] == "ssh"]
    user, password = st[0]["username"], st[0]["password"]
    ports = {h["name"]: h["port"] for h in st}
    lines = known.read_text().splitlines()
    assert lines[:3] == ["# my devices", f"[10.0.0.9]:2222 ssh-ed25519 {stale}", f"gateway ssh-ed25519 {stale}"]
    assert len(lines) == 3 + len(ports) + len(consoles) + 1 and stale not in "".join(lines[3:])  # + the bastion
    for port in ports.values():
        ssh_client("127.0.0.1", port, user, password, known).close()

    assert _mode(run) == 0o700 and _mode(state) == 0o700 and _mode(state / "host_keys") == 0o700
    assert _mode(run / "control.sock") == 0o600
    assert _mode(run / "lab.json") == 0o600 and _mode(run / "server.log") == 0o600
    assert sorted(p.name for p in (state / "host_keys").iterdir()) == sorted([*ports, *consoles, "bastion"])
    assert all(_mode(p) == 0o600 for p in (state / "host_keys").iterdir())
    assert not (state / "ssh_host_ed25519_key").exists()

    assert runner.invoke(app, ["fault", "mm-3", "new-host-key"]).exit_code == 0
    st = json.loads(runner.invoke(app, ["status", "--json"]).output)["hosts"]
    assert next(h for h in st if h["name"] == "mm-3")["faults"] == ["new-host-key"]
    with pytest.raises(paramiko.BadHostKeyException):
        ssh_client("127.0.0.1", ports["mm-3"], user, password, known)
    assert runner.invoke(app, ["fault", "mm-3", "clear"]).exit_code == 0

    assert runner.invoke(app, ["down"]).exit_code == 0
    assert _mode(state / "state.json") == 0o600
    before = known.read_text()
    assert runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state)]).exit_code == 0
    assert known.read_text() == before  # the same keys after a restart
    ssh_client("127.0.0.1", ports["mm-3"], user, password, known).close()
    assert runner.invoke(app, ["down"]).exit_code == 0



def test_a_taken_port_is_named_and_free_ports_come_with_an_inventory(lab_env, tmp_path):
    """A second lab (another clone, another engineer) holds a port: `up` names the host and port and
    offers --free-ports; with it the lab runs, and the inventory copy it names takes the toolkit there."""
    runner, inventory, state = lab_env
    port = yaml.safe_load((inventory / "hosts.yaml").read_text())["mm-1"]["port"]
    with socket.socket() as other_lab:
        other_lab.bind(("127.0.0.1", port))
        other_lab.listen()
        taken = runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state)])
        said = " ".join(taken.output.split())  # as printed, wrapped to the terminal
        assert taken.exit_code == 2, taken.output
        assert f"mm-1 127.0.0.1:{port} (in use)" in said and "wifiops lab up --free-ports" in said
        assert "Traceback" not in taken.output and "mm-2" not in said
        assert runner.invoke(app, ["status"]).exit_code == 2  # nothing left running

        free = runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state), "--free-ports"])
    assert free.exit_code == 0, free.output
    copy = tmp_path / "run" / "inventory"
    assert f"--inventory {copy}" in " ".join(free.output.split())
    status = runner.invoke(app, ["status"])
    assert f"--inventory {copy}" in " ".join(status.output.split())
    status_json = json.loads(runner.invoke(app, ["status", "--json"]).output)
    assert status_json["inventory_copy"] == str(copy)  # the --json says what the text says
    hosts = {h["name"]: h for h in status_json["hosts"]}
    assert hosts["mm-1"]["port"] != port
    assert {name: h["port"] for name, h in yaml.safe_load((copy / "hosts.yaml").read_text()).items()
            if name in hosts} == {name: h["port"] for name, h in hosts.items()}
    assert not (inventory / "known_hosts").exists()  # the served inventory's keys file is left alone
    assert _mode(copy / "secrets.yaml") == 0o600

    from wifiops.inventory.check import check_inventory  # the toolkit accepts the copy as it is
    assert check_inventory(copy).ok
    user, password = hosts["mc-1"]["username"], hosts["mc-1"]["password"]
    ssh_client("127.0.0.1", hosts["mc-1"]["port"], user, password, copy / "known_hosts").close()
    with ConnectHandler(device_type="aruba_os", host="127.0.0.1", port=hosts["mc-1"]["port"], username=user,
                        password=password) as conn:
        assert "Hostname is mc-1" in conn.send_command("show hostname")
    assert runner.invoke(app, ["down"]).exit_code == 0
    assert not copy.exists()  # its ports are closed


def test_settling_and_the_save_faults_from_the_command_line(lab_env):
    """`lab up` on a fresh state takes realistic settling times (shown on the conductor's row); `--rejoin-delay`
    sets one, kept with the state; the save faults and change-behind are typed as documented."""
    runner, inventory, state = lab_env
    up = runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state)])
    assert up.exit_code == 0, up.output

    def faults(host: str) -> list[str]:
        return next(h for h in json.loads(runner.invoke(app, ["status", "--json"]).output)["hosts"]
                    if h["name"] == host)["faults"]

    assert faults("mm-1") == ["rejoin-delay 120", "reload-delay 300", "config-layout real"]
    assert runner.invoke(app, ["fault", "mm-2", "rejoin-delay", "7"]).exit_code == 0
    assert runner.invoke(app, ["fault", "mm-1", "write-memory-pending"]).exit_code == 0
    assert runner.invoke(app, ["fault", "mm-1", "change-behind", '/md vlan-name "behind"']).exit_code == 0
    assert faults("mm-1") == ["write-memory-pending", 'change-behind /md vlan-name "behind"', "rejoin-delay 7",
                              "reload-delay 300", "config-layout real"]
    bad = runner.invoke(app, ["fault", "mm-1", "change-behind", "/md/Nowhere vlan-name x"])
    assert bad.exit_code == 2 and "unknown node" in bad.output
    assert runner.invoke(app, ["fault", "mm-1", "clear"]).exit_code == 0
    assert faults("mm-1") == ["rejoin-delay 7", "reload-delay 300", "config-layout real"]  # settings, not faults: `clear` keeps them
    assert runner.invoke(app, ["down"]).exit_code == 0
    assert runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state)]).exit_code == 0
    assert faults("mm-1") == ["rejoin-delay 7", "reload-delay 300", "config-layout real"]
    assert runner.invoke(app, ["down"]).exit_code == 0
    assert runner.invoke(app, ["up", "--inventory", str(inventory), "--state", str(state), "--rejoin-delay", "0",
                               "--reload-delay", "2", "--config-layout", "flush"]).exit_code == 0
    assert faults("mm-1") == ["rejoin-delay 0", "reload-delay 2", "config-layout flush"]
    assert runner.invoke(app, ["down"]).exit_code == 0
