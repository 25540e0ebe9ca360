"""Open the estate as a Nornir object: the one way the engine gets at the inventory."""

from __future__ import annotations

from pathlib import Path

from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.filter import F

from wifiops.settings import Settings

# Hosts a CLI session can reach; APs are data reached through their controllers.
MANAGED = F(platform="aruba_os")


def open_nornir(settings: Settings, inventory: Path | None = None, *, workers: int | None = None) -> Nornir:
    """InitNornir on the wifiops inventory plugin, the threaded runner and the timeout from settings."""
    directory = settings.inventory_dir(inventory)
    return InitNornir(
        inventory={"plugin": "WifiopsInventory",
                   "options": {"inventory_dir": str(directory),
                               "secrets_file": str(settings.secrets_file.expanduser())}},
        runner={"plugin": "threaded", "options": {"num_workers": workers or settings.workers}},
        logging={"enabled": False},
        user_defined={"timeout": settings.timeout},
    )
