"""What the parser tests read: the lab's answers over real SSH, the inventory, and hand-written samples.

The lab is the device here: its outputs are fetched over SSH with the toolkit's own session, never
rendered by importing the lab's code, and checked against what the inventory says the estate holds.
The samples in samples/ are written by hand from arubaos8.md §4 (drift, empty cells, tabs, centred
headers, 8.6 and 8.10 layouts, broken rows): real devices print what the lab does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from parsersamples import COMMANDS, HOSTS, fetch
from wifiops.aos8.parse import Parsed, parse
from wifiops.inventory.plugin import WifiopsInventory

@pytest.fixture(scope="session")
def lab_outputs(lab: Any) -> dict[tuple[str, str], str]:
    """Every command's answer from mm-1 and mc-1, fetched once (the lab at its seed, no fault)."""
    lab.reset()
    return {(host, command): text for host in HOSTS for command, text in fetch(lab, host, COMMANDS).items()}


@pytest.fixture(scope="session")
def lab_parsed(lab_outputs: dict[tuple[str, str], str]) -> dict[tuple[str, str], Parsed]:
    return {(host, command): parse(command, text) for (host, command), text in lab_outputs.items()}


@dataclass(frozen=True)
class Estate:
    """What the lab's inventory says: its APs and managed hosts (name -> data), its SSIDs (name -> VLAN)
    and the SSIDs each AP group broadcasts."""

    aps: dict[str, dict[str, Any]]
    hosts: dict[str, dict[str, Any]]
    ssid_vlans: dict[str, int]
    broadcasts: dict[str, list[str]]

    def aps_of(self, group: str) -> set[str]:
        return {name for name, ap in self.aps.items() if ap["ap_group"] == group}


@pytest.fixture(scope="session")
def estate(lab: Any, tmp_path_factory: pytest.TempPathFactory) -> Estate:
    secrets = tmp_path_factory.mktemp("no-secrets") / "secrets.yaml"
    inventory = WifiopsInventory(str(lab.inventory_dir), secrets_file=str(secrets)).load()
    aps, hosts = {}, {}
    for host in inventory.hosts.values():
        data = {key: host.get(key) for key in ("role", "ap_group", "model", "mac", "serial", "mgmt_ip", "priority")}
        if host.get("role") == "ap":
            aps[host.name] = data
        elif host.platform == "aruba_os" and host.get("lifecycle") != "planned":  # not racked yet: not served
            hosts[host.name] = data
    ssid_vlans = {ssid["name"]: ssid["vlan"] for group in inventory.groups.values()
                  for ssid in group.data.get("ssids") or []}
    broadcasts = {name: group.data["broadcasts"] for name, group in inventory.groups.items()
                  if group.data.get("group_kind") == "ap_group"}
    return Estate(aps=aps, hosts=hosts, ssid_vlans=ssid_vlans, broadcasts=broadcasts)
