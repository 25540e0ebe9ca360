"""The Nornir inventory plugin: SimpleInventory's files, plus the APs and the secrets.

Registered as `WifiopsInventory` (entry point `nornir.plugins.inventory`), so every run goes through
`InitNornir(inventory={"plugin": "WifiopsInventory", "options": {"inventory_dir": ...}})` and Nornir's
own Host/Group/Defaults model. Hosts, groups and defaults are the SimpleInventory format, built with
SimpleInventory's own element builders from the data the check already read (reading the files a second
time through ruamel was 60 % of the load). Each AP becomes a host of its AP group (so an AP inherits its
group's node, site and intent) and the login password comes from the secrets store when files carry none.
"""

from __future__ import annotations

from pathlib import Path

from typing import Any

from nornir.core.inventory import Group, Groups, Host, Hosts, Inventory, ParentGroups
from nornir.plugins.inventory.simple import _get_defaults, _get_inventory_element

from wifiops.errors import InventoryError
from wifiops.inventory.check import check_inventory
from wifiops.secrets import SecretStore

AP_PLATFORM = "aruba_ap"  # campus APs are reached through their controllers, never directly


class WifiopsInventory:
    """Load and validate one inventory directory (see wifiops.inventory.files for its layout)."""

    def __init__(self, inventory_dir: str, secrets_file: str | None = None) -> None:
        self.inventory_dir = Path(inventory_dir)
        self.secrets_file = Path(secrets_file).expanduser() if secrets_file else None

    def load(self) -> Inventory:
        checked = check_inventory(self.inventory_dir)
        if not checked.ok or checked.files is None:
            raise InventoryError(checked.findings, f"inventory {self.inventory_dir} is not valid:\n"
                                 + "\n".join(str(f) for f in checked.findings))
        files = checked.files
        inventory = _simple_inventory(checked.docs["hosts"].data, checked.docs["groups"].data,
                                      checked.docs["defaults"].data or {})
        for ap in checked.docs["aps"].data["aps"]:
            group = inventory.groups[ap["ap_group"]]
            data = {key: value for key, value in ap.items() if key != "name"}
            inventory.hosts[ap["name"]] = Host(
                name=ap["name"], hostname=None, platform=AP_PLATFORM, groups=ParentGroups([group]),
                data={"role": "ap", **data}, defaults=inventory.defaults,
            )
        store = SecretStore.for_inventory(files.secrets, self.secrets_file)
        if inventory.defaults.password is None:
            inventory.defaults.password = store.login_password()
        return inventory


def _simple_inventory(hosts: dict[str, Any], groups: dict[str, Any], defaults: dict[str, Any]) -> Inventory:
    """What SimpleInventory.load builds, from data already read and validated."""
    base = _get_defaults(defaults)
    built_groups = Groups({name: _get_inventory_element(Group, body or {}, name, base)
                           for name, body in groups.items()})
    for name, group in built_groups.items():
        group.groups = ParentGroups([built_groups[parent] for parent in (groups[name] or {}).get("groups", [])])
    built_hosts = Hosts({name: _get_inventory_element(Host, body or {}, name, base)
                         for name, body in hosts.items()})
    for name, host in built_hosts.items():
        host.groups = ParentGroups([built_groups[parent] for parent in (hosts[name] or {}).get("groups", [])])
    return Inventory(hosts=built_hosts, groups=built_groups, defaults=base)
