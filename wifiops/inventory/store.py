"""The secrets store of an inventory: its own secrets file (the lab's) or the user's, with the platform's
catalogue of the ArubaOS 8 commands that carry a secret.

Beside the inventory's files, not in wifiops.estate, so an offline verb (`config diff`) loads no SSH library;
above the platform (wifiops/aos8) whose catalogue it takes, as the inventory's schema is.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from wifiops.aos8.platform import aos8
from wifiops.inventory.files import locate
from wifiops.secrets import SecretStore

if TYPE_CHECKING:
    from wifiops.settings import Settings


def inventory_store(settings: Settings, directory: Path) -> SecretStore:
    """The store every verb scrubs with: the inventory's (lab) or the user's secrets, and the platform's
    secret keywords."""
    files, _ = locate(directory)
    return SecretStore.for_inventory(files.secrets if files else None, settings.secrets_file.expanduser(),
                                     patterns=aos8().secret_patterns, guard=aos8().secret_guard)
