"""The Nornir inventory plugin: SimpleInventory's files, plus the APs and the secrets.

Registered as `WifiopsInventory` (entry point `nornir.plugins.inventory`), so every run goes through
`InitNornir(inventory={"plugin": "WifiopsInventory", "options": {"inventory_dir": ...}})` and Nornir's
own Host/Group/Defaults model. Hosts, groups and defaults are the SimpleInventory format, built with
SimpleInventory's own element builders from the data the check already read (reading the files a second
time through ruamel was 60 % of the load). Each AP becomes a host of its AP group (so an AP inherits its
group's node, site and intent) and the login password comes from the secrets store when files carry none.

Third-party connection plugins get it right with the files as shipped (issue 25):
- each device host holds its own copy of its connection options. nornir resolves a host's options to the
  defaults' own `extras` dict when the host has none, and nornir_napalm writes `port` into that dict's
  `optional_args`: every later host reached the first host's port (a bastion or a port forward then sends
  it to the wrong device). A copy per host keeps each host's port its own.
- `napalm` connects with platform `aos8` (this package's driver; the files' `aruba_os` is netmiko's name)
  and checks host keys against the inventory's own known_hosts, unless the files say otherwise.
- APs are a host kind of their own (`data.role: ap`, platform `aruba_ap`, no address): data that reports,
  checks and supervision read through `task.host`, never a connection target. They stay hosts because those
  readers count them per AP group and site through Nornir's inheritance; having no address, no connection
  plugin can reach one, and `nr.filter(filter_func=devices)` runs a task on the MMs and controllers only.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from nornir.core.inventory import ConnectionOptions, Group, Groups, Host, Hosts, Inventory, ParentGroups
from nornir.plugins.inventory.simple import _get_defaults, _get_inventory_element

from wifiops.errors import InventoryError
from wifiops.inventory.check import check_inventory
from wifiops.secrets import SecretStore

AP_PLATFORM = "aruba_ap"  # campus APs are reached through their controllers, never directly
AP_ROLE = "ap"
NAPALM_PLATFORM = "aos8"  # napalm.get_network_driver("aos8"): napalm_aos8, shipped with wifiops


def devices(host: Host) -> bool:
    """A Nornir filter: the MMs and controllers, the hosts a task may connect to (`nr.filter(filter_func=devices)`)."""
    return host.data.get("role") != AP_ROLE


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
                data={"role": AP_ROLE, **data}, defaults=inventory.defaults,
            )
        _own_connection_options(inventory, files.known_hosts)
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


def _own_connection_options(inventory: Inventory, known_hosts: Path) -> None:
    """Each device host gets its own resolved copy of every connection's options (see the module's docstring)."""
    names = set(inventory.defaults.connection_options) | {"napalm"}
    for group in inventory.groups.values():
        names |= set(group.connection_options)
    for host in inventory.hosts.values():
        if not devices(host):
            continue
        for name in sorted(names | set(host.connection_options)):
            found = host._get_connection_options_recursively(name)
            options = ConnectionOptions(hostname=found.hostname if found else None, port=found.port if found else None,
                                        username=found.username if found else None,
                                        password=found.password if found else None,
                                        platform=found.platform if found else None,
                                        extras=copy.deepcopy(found.extras) if found and found.extras else None)
            if name == "napalm":
                options.platform = options.platform or NAPALM_PLATFORM
                extras = options.extras = options.extras or {}
                optional = extras.setdefault("optional_args", {})
                optional.setdefault("known_hosts", str(known_hosts))
                optional.setdefault("name", host.name)
            host.connection_options[name] = options
