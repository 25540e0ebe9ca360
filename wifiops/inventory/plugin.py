"""The Nornir inventory plugin: SimpleInventory's files, plus the APs and the secrets.

Registered as `WifiopsInventory` (entry point `nornir.plugins.inventory`), so every run goes through
`InitNornir(inventory={"plugin": "WifiopsInventory", "options": {"inventory_dir": ...}})` and Nornir's
own Host/Group/Defaults model. Hosts, groups and defaults are read by Nornir's SimpleInventory; this
plugin adds each AP as a host of its AP group (so an AP inherits its group's node, site and intent)
and fills the login password from the secrets store when the files carry none.
"""

from __future__ import annotations

from pathlib import Path

from nornir.core.inventory import Host, Inventory, ParentGroups
from nornir.plugins.inventory.simple import SimpleInventory

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
        inventory = SimpleInventory(host_file=str(files.hosts), group_file=str(files.groups),
                                    defaults_file=str(files.defaults)).load()
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
