"""The NAPALM driver (issue 14) against the lab over real SSH: every getter's shape checked against
napalm.base.models, merge/replace/compare/discard/commit/rollback, the emulated commit confirm, and the
acceptance through nornir_napalm and the `napalm` command-line tool, in scripts with no wifiops code."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import typing
from pathlib import Path

import napalm
import pytest
import yaml
from napalm.base import models
from napalm.base.exceptions import MergeConfigException

NODE = "/md/Louvre"


def fits(model, value, allow_subset: bool = False) -> bool:
    """`value` has the shape of the napalm.base.models type `model`, nested dicts and lists included (napalm's
    own test_model checks one level and fails on a subscripted generic)."""
    if hasattr(model, "__annotations__") and isinstance(model, type) and issubclass(model, dict):  # a TypedDict
        fields = typing.get_type_hints(model)
        if not isinstance(value, dict) or (set(value) != set(fields) and not allow_subset) or not set(value) <= set(fields):
            return False
        return all(fits(fields[key], item) for key, item in value.items())
    origin, args = typing.get_origin(model), typing.get_args(model)
    if origin is dict or model is typing.Dict:
        return isinstance(value, dict) and (not args or all(fits(args[0], k) and fits(args[1], v)
                                                            for k, v in value.items()))
    if origin is list or model is typing.List:
        return isinstance(value, list) and (not args or all(fits(args[0], item) for item in value))
    if origin is typing.Union:
        return any(fits(arg, value) for arg in args)
    if model is float:
        return isinstance(value, (float, int)) and not isinstance(value, bool)
    return isinstance(value, model)
VENV_BIN = Path(sys.executable).parent


def driver(lab, host: str = "mm-1", **options):
    user, password = lab.credentials
    args = {"port": lab.port(host), "known_hosts": str(lab.known_hosts), "name": host, **options}
    device = napalm.get_network_driver("aos8")("127.0.0.1", user, password, timeout=10, optional_args=args)
    device.open()
    return device


def committed(lab, node: str = NODE) -> str:
    with driver(lab, config_node=node) as device:
        return device.get_config(retrieve="running")["running"]


def test_the_driver_is_found_by_napalm() -> None:
    assert napalm.get_network_driver("aos8").__name__ == "Aos8Driver"


def test_every_getter_has_napalms_shape(lab) -> None:
    with driver(lab, "mc-1") as md, driver(lab, config_node=NODE) as mm:
        facts = md.get_facts()
        assert fits(models.FactsDict, facts) and facts["model"] == "Aruba7210" and facts["hostname"] == "mc-1"
        assert facts["uptime"] > 0 and facts["serial_number"] and "vlan 150" in facts["interface_list"]
        environment = md.get_environment()
        assert fits(models.EnvironmentDict, environment)
        assert 0 <= environment["cpu"][0]["%usage"] <= 100 and 0 < environment["memory"]["used_ram"] < \
            environment["memory"]["available_ram"]
        interfaces = md.get_interfaces()
        assert interfaces and all(fits(models.InterfaceDict, i) for i in interfaces.values())
        addresses = md.get_interfaces_ip()
        assert addresses["vlan 150"]["ipv4"] == {"10.150.1.11": {"prefix_length": 24}}
        assert all(fits(models.InterfacesIPDict, a, allow_subset=True) for a in addresses.values())
        arp = md.get_arp_table()
        assert arp and all(fits(models.ARPTableDict, entry) for entry in arp)
        assert any(entry["ip"] == "10.150.1.12" for entry in arp)  # its cluster peer
        vlans = md.get_vlans()
        assert 150 in vlans and all(fits(models.VlanDict, v) for v in vlans.values())
        users = mm.get_users()
        assert all(fits(models.UsersDict, u) for u in users.values())
        config = mm.get_config()
        assert fits(models.ConfigDict, config) and "vlan" in config["running"]
        assert mm.is_alive() == {"is_alive": True}
        with pytest.raises(NotImplementedError, match="VRF"):
            md.get_arp_table(vrf="blue")


def test_a_sanitized_config_holds_no_secret(lab) -> None:
    with driver(lab, config_node="/md") as mm:
        clear = mm.get_config(retrieve="running")["running"]
        sanitized = mm.get_config(retrieve="running", sanitized=True)["running"]
    assert "lab-radius-key" in clear  # read as the backups read it, secrets in clear
    assert "lab-radius-key" not in sanitized and "lab-multimedia-psk" not in sanitized and "******" in sanitized


def test_merge_compare_discard_and_a_refused_line(fresh_lab) -> None:
    with driver(fresh_lab, config_node=NODE) as mm:
        mm.load_merge_candidate(config="vlan-name napalm-merge\n")
        assert "vlan-name napalm-merge" in mm.compare_config()
        assert "vlan-name napalm-merge" in mm.get_config(retrieve="candidate")["candidate"]
        mm.discard_config()
        assert mm.compare_config() == ""
        with pytest.raises(MergeConfigException, match="not-a-command"):
            mm.load_merge_candidate(config="vlan-name napalm-ok\nnot-a-command at all\nvlan-name never\n")
        assert mm.compare_config() == ""  # the refused merge left nothing pending
    assert "napalm-ok" not in committed(fresh_lab)


def test_replace_goes_through_the_diff_engine_and_rollback_restores(fresh_lab) -> None:
    before = committed(fresh_lab)
    kept = [line for line in before.splitlines() if line.strip() != "vlan webcasting 211"]
    assert len(kept) == len(before.splitlines()) - 1
    wanted = "\n".join(kept + ["vlan-name napalm-replace"]) + "\n"
    with driver(fresh_lab, config_node=NODE) as mm:
        mm.load_replace_candidate(config=wanted)
        diff = mm.compare_config()
        assert "vlan-name napalm-replace" in diff and "no vlan webcasting 211" in diff
        mm.commit_config()
        after = mm.get_config(retrieve="running")["running"]
        assert "napalm-replace" in after and "vlan webcasting 211" not in after
        mm.rollback()
    assert sorted(committed(fresh_lab).splitlines()) == sorted(before.splitlines())


def test_an_unconfirmed_commit_reverts_itself_and_a_confirmed_one_stays(fresh_lab) -> None:
    before = committed(fresh_lab)
    with driver(fresh_lab, config_node=NODE) as mm:
        mm.load_merge_candidate(config="vlan-name napalm-unconfirmed\n")
        mm.commit_config(revert_in=1)
        assert mm.has_pending_commit()
        deadline = time.monotonic() + 10
        while mm.has_pending_commit() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert mm.reverted and not mm.has_pending_commit()
    assert sorted(committed(fresh_lab).splitlines()) == sorted(before.splitlines())
    with driver(fresh_lab, config_node=NODE) as mm:
        mm.load_merge_candidate(config="vlan-name napalm-confirmed\n")
        mm.commit_config(revert_in=2)
        mm.confirm_commit()
        assert not mm.has_pending_commit()
        time.sleep(2.5)  # past the deadline: nothing reverts a confirmed commit
        assert not mm.reverted
    assert "vlan-name napalm-confirmed" in committed(fresh_lab)


NORNIR_SCRIPT = '''
import json, sys
from nornir import InitNornir
from nornir_napalm.plugins.tasks import napalm_configure, napalm_get, napalm_validate

folder = sys.argv[1]
nr = InitNornir(runner={"plugin": "serial"}, logging={"enabled": False},
                inventory={"plugin": "SimpleInventory", "options": {"host_file": folder + "/hosts.yaml"}})
out = {}
got = nr.run(task=napalm_get, getters=["facts", "environment"])
out["facts"] = got["mm-1"].result["facts"]
dry = nr.run(task=napalm_configure, configuration="vlan-name nornir-dry\\n", dry_run=True)
out["dry_diff"], out["dry_failed"] = dry["mm-1"].diff, dry["mm-1"].failed
done = nr.run(task=napalm_configure, configuration="vlan-name nornir-commit\\n", dry_run=False)
out["commit_diff"], out["commit_failed"] = done["mm-1"].diff, done["mm-1"].failed
report = nr.run(task=napalm_validate, src=folder + "/validate.yaml")
out["complies"] = report["mm-1"].result["complies"]
print(json.dumps(out))
'''


def test_nornir_napalm_gets_configures_and_validates_with_no_wifiops_code(fresh_lab, tmp_path: Path) -> None:
    user, password = fresh_lab.credentials
    hosts = {"mm-1": {"hostname": "127.0.0.1", "port": fresh_lab.port("mm-1"), "username": user, "password": password,
                      "platform": "aos8", "connection_options": {"napalm": {"extras": {"optional_args": {
                          "known_hosts": str(fresh_lab.known_hosts), "config_node": NODE}}}}}}
    (tmp_path / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (tmp_path / "validate.yaml").write_text(yaml.safe_dump([{"get_facts": {"vendor": "Aruba", "model": "ArubaMM-VA"}},
                                                            {"get_environment": {"cpu": {0: {"%usage": "<100"}}}}]))
    script = tmp_path / "nornir_job.py"
    script.write_text(NORNIR_SCRIPT)
    assert "wifiops" not in NORNIR_SCRIPT
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["facts"]["vendor"] == "Aruba" and out["facts"]["hostname"] == "mm-1"
    assert "vlan-name nornir-dry" in out["dry_diff"] and not out["dry_failed"]
    assert "vlan-name nornir-commit" in out["commit_diff"] and not out["commit_failed"]
    assert out["complies"] is True
    running = committed(fresh_lab)
    assert "nornir-commit" in running and "nornir-dry" not in running


def test_the_napalm_command_line_tool_drives_it(lab) -> None:
    user, password = lab.credentials
    done = subprocess.run([str(VENV_BIN / "napalm"), "--user", user, "--password", password, "--vendor", "aos8",
                           "--optional_args", f"port={lab.port('mc-1')},known_hosts='{lab.known_hosts}'",
                           "127.0.0.1", "call", "get_facts"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    facts = json.loads(done.stdout[done.stdout.index("{"):])
    assert facts["model"] == "Aruba7210" and facts["hostname"] == "mc-1"
