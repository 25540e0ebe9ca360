"""What third-party NAPALM users meet (issue 25), on the lab over real SSH: the `napalm` command line's dry
run leaves nothing pending, a managed controller offers no candidate and says so, every failure is a NAPALM
exception a NAPALM user catches, the host-key message is about their known_hosts, and nornir_napalm and
nornir_netmiko work with the shipped inventory as it is."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import napalm
import pytest
import yaml
from napalm.base.exceptions import (CommandErrorException, CommandTimeoutException, ConnectAuthError,
                                    ConnectionClosedException, ConnectionException, MergeConfigException,
                                    NapalmException, ReplaceConfigException)
from nornir import InitNornir
from nornir.core.filter import F
from nornir_napalm.plugins.tasks import napalm_get
from nornir_netmiko.tasks import netmiko_send_command

from wifiops.inventory.plugin import devices

NODE = "/md/Louvre"
VENV_BIN = Path(sys.executable).parent


def driver(lab, host: str = "mm-1", *, timeout: int = 10, password: str | None = None, **options):
    user, lab_password = lab.credentials
    args = {"port": lab.port(host), "known_hosts": str(lab.known_hosts), "name": host, **options}
    return napalm.get_network_driver("aos8")("127.0.0.1", user, password or lab_password, timeout=timeout,
                                             optional_args=args)


def opened(lab, host: str = "mm-1", **options):
    device = driver(lab, host, **options)
    device.open()
    return device


def napalm_cli(lab, *args: str) -> subprocess.CompletedProcess[str]:
    user, password = lab.credentials
    return subprocess.run([str(VENV_BIN / "napalm"), "--user", user, "--password", password, "--vendor", "aos8",
                           "--optional_args", f"port={lab.port('mm-1')},known_hosts='{lab.known_hosts}',"
                           f"config_node='{NODE}'", "127.0.0.1", *args],
                          capture_output=True, text=True, timeout=120)


def test_the_napalm_cli_dry_run_leaves_nothing_for_the_next_commit(fresh_lab, tmp_path: Path) -> None:
    (tmp_path / "x.cfg").write_text("vlan-name napalm-dry-x\n")
    (tmp_path / "y.cfg").write_text("vlan-name napalm-real-y\n")
    start = fresh_lab.received_count("mm-1")
    dry = napalm_cli(fresh_lab, "configure", str(tmp_path / "x.cfg"), "--strategy", "merge", "--dry-run")
    assert dry.returncode == 0, dry.stderr[-2000:]
    assert "vlan-name napalm-dry-x" in dry.stdout  # the diff it shows
    real = napalm_cli(fresh_lab, "configure", str(tmp_path / "y.cfg"), "--strategy", "merge")
    assert real.returncode == 0, real.stderr[-2000:]
    record = fresh_lab.received("mm-1", start)
    assert "configuration purge-pending /md/Louvre" in record  # the dry run's close()
    assert record.count("write memory") == 1
    with opened(fresh_lab, config_node=NODE) as mm:
        committed = mm.get_config(retrieve="running")["running"]
        assert mm.compare_config() == ""
    assert "napalm-real-y" in committed and "napalm-dry-x" not in committed


def test_closing_with_a_loaded_candidate_purges_it(fresh_lab) -> None:
    with opened(fresh_lab, config_node=NODE) as mm:
        mm.load_merge_candidate(config="vlan-name napalm-forgotten\n")
    with opened(fresh_lab, config_node=NODE) as mm:
        assert mm.compare_config() == ""
        mm.load_merge_candidate(config="vlan-name napalm-kept\n")
        mm.commit_config()
        assert "napalm-forgotten" not in mm.get_config(retrieve="running")["running"]


@pytest.mark.parametrize("host", ["mc-1", "mc-2"])
def test_a_managed_controller_offers_no_candidate_and_refuses_a_load_before_sending(lab, host: str) -> None:
    with opened(lab, host) as md:
        config = md.get_config()
        assert "vlan 150" in config["running"] and config["candidate"] == config["running"] == config["startup"]
        assert md.get_config(retrieve="candidate")["candidate"] == config["running"]
        assert md.compare_config() == ""
        start = lab.received_count(host)
        with pytest.raises(MergeConfigException, match="managed by a Mobility Master.*config_node"):
            md.load_merge_candidate(config="vlan-name never\n")
        with pytest.raises(ReplaceConfigException, match="managed by a Mobility Master"):
            md.load_replace_candidate(config="vlan-name never\n")
        md.discard_config()
        assert lab.received(host, start) == []  # nothing was sent


def test_users_come_from_the_mgmt_user_lines(lab) -> None:
    for host in ("mm-1", "mc-1"):
        with opened(lab, host) as device:
            assert device.get_users()["admin"] == {"level": 15, "password": "", "sshkeys": []}


def test_snmp_information_comes_from_the_configuration(fresh_lab) -> None:
    with opened(fresh_lab, config_node="/") as mm:
        mm.load_merge_candidate(config='snmp-server community "louvre-ro"\nsyscontact "NOC Louvre"\n'
                                       'syslocation "Palais, local technique"\n')
        mm.commit_config()
    with opened(fresh_lab, "mc-1") as md:
        snmp = md.get_snmp_information()
        serial = md.get_facts()["serial_number"]
    assert snmp == {"chassis_id": serial, "community": {"louvre-ro": {"acl": "", "mode": "ro"}},
                    "contact": "NOC Louvre", "location": "Palais, local technique"}


def test_every_failure_is_a_napalm_exception(fresh_lab) -> None:
    with pytest.raises(ConnectAuthError, match="mm-1"):
        driver(fresh_lab, password="wrong-password").open()
    with opened(fresh_lab, config_node=NODE) as mm:
        with pytest.raises(ReplaceConfigException, match="not-a-command"):
            mm.load_replace_candidate(config=mm.get_config(retrieve="running")["running"] + "not-a-command here\n")
        assert mm.compare_config() == ""
        with pytest.raises(CommandErrorException, match="show commands"):
            mm.cli(["write memory"])
        with pytest.raises(CommandErrorException, match="refused"):
            mm.cli(["show no-such-table"])
    with opened(fresh_lab, "mc-1") as md:
        fresh_lab.fault("mc-1", "drop-after", 10)
        with pytest.raises(ConnectionClosedException, match="mc-1"):
            md.get_facts()
    fresh_lab.fault("mc-1", "clear")
    with opened(fresh_lab, "mc-1", timeout=2) as md:
        fresh_lab.fault("mc-1", "hang")
        with pytest.raises(CommandTimeoutException, match="mc-1"):
            md.get_facts()
    assert issubclass(ConnectAuthError, NapalmException)


def test_an_unknown_host_key_names_the_file_read_and_openssh_s_way_to_add_it(lab, tmp_path: Path) -> None:
    mine = tmp_path / "my_known_hosts"
    mine.write_text("")
    port = lab.port("mm-1")
    with pytest.raises(ConnectionException) as refused:
        driver(lab, known_hosts=str(mine)).open()
    said = str(refused.value)
    assert str(mine) in said and f"ssh-keyscan -p {port} 127.0.0.1 >> {mine}" in said
    assert "wifiops hosts trust" not in said and lab.fingerprint("mm-1") in said
    # what it says to do works, with OpenSSH's own tool
    scanned = subprocess.run(["ssh-keyscan", "-p", str(port), "127.0.0.1"], capture_output=True, text=True, timeout=30)
    mine.write_text(scanned.stdout)
    with driver(lab, known_hosts=str(mine)) as mm:
        assert mm.get_facts()["hostname"] == "mm-1"


@pytest.fixture
def inventory_with_napalm_defaults(lab, tmp_path: Path) -> Path:
    """The lab inventory copy as shipped, NAPALM settings in its defaults (as nornir_napalm's docs show them)."""
    folder = tmp_path / "inventory"
    shutil.copytree(lab.inventory_dir, folder)
    defaults = yaml.safe_load((folder / "defaults.yaml").read_text())
    defaults["connection_options"] = {"napalm": {"extras": {"optional_args": {"known_hosts": str(lab.known_hosts)}}}}
    (folder / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    return folder


def nornir_on(folder: Path):
    return InitNornir(runner={"plugin": "threaded", "options": {"num_workers": 3}}, logging={"enabled": False},
                      inventory={"plugin": "WifiopsInventory", "options": {"inventory_dir": str(folder)}})


def test_nornir_napalm_reaches_each_host_on_its_own_port(inventory_with_napalm_defaults: Path) -> None:
    nr = nornir_on(inventory_with_napalm_defaults)
    facts = nr.filter(filter_func=lambda h: h.name in ("mm-1", "mm-3", "mc-1")).run(task=napalm_get, getters=["facts"])
    assert not facts.failed, {h: r.exception for h, r in facts.items()}
    assert {host: result.result["facts"]["hostname"] for host, result in facts.items()} == \
        {"mm-1": "mm-1", "mm-3": "mm-3", "mc-1": "mc-1"}
    config = nr.filter(F(name__in=["mc-1", "mc-2"])).run(task=napalm_get, getters=["config"])
    assert not config.failed, {h: r.exception for h, r in config.items()}
    assert all("vlan 150" in r.result["config"]["running"] for r in config.values())


def test_the_shipped_inventory_works_with_nornir_napalm_and_netmiko_unmodified(lab) -> None:
    nr = nornir_on(lab.inventory_dir)
    targets = nr.filter(filter_func=devices)
    assert "mm-1" in targets.inventory.hosts and not any(h.data.get("role") == "ap"
                                                         for h in targets.inventory.hosts.values())
    assert len(nr.inventory.hosts) - len(targets.inventory.hosts) == 358  # the APs: data, never targets
    ap = next(h for h in nr.inventory.hosts.values() if h.data.get("role") == "ap")
    assert ap.hostname is None  # no address: no connection plugin can reach one
    two = nr.filter(F(name__in=["mm-1", "mc-2"]))
    facts = two.run(task=napalm_get, getters=["facts"])
    assert not facts.failed, {h: r.exception for h, r in facts.items()}
    assert facts["mc-2"].result["facts"]["model"] == "Aruba7210"
    shown = two.run(task=netmiko_send_command, command_string="show hostname")
    assert not shown.failed, {h: r.exception for h, r in shown.items()}
    assert "Hostname is mm-1" in shown["mm-1"].result and "Hostname is mc-2" in shown["mc-2"].result
