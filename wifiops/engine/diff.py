"""Compliance plans: how a running configuration differs from the intended one, and the exact commands
that would fix it and undo the fix (the ArubaOS 8 hier-config driver, wifiops/aos8/hconfig.py).

Today: two saved files (`wifiops config diff`). The per-node, per-feature `wifiops diff` against the
backups and a live read, and the DOE reports, build on this (issue 10).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from wifiops.aos8.hconfig import plan
from wifiops.aos8.platform import aos8
from wifiops.errors import WifiopsError
from wifiops.inventory.files import locate
from wifiops.secrets import SecretStore
from wifiops.settings import Settings


def config_diff(settings: Settings, running: Path, intended: Path, *, inventory: Path | None = None) -> dict[str, Any]:
    """{"compliant", "remediation", "rollback"}; every secret in the plans masked (the files may hold some)."""
    texts = []
    for path in (running, intended):
        try:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError as exc:
            raise WifiopsError(f"{path}: cannot read: {exc.strerror}") from None
    files, _ = locate(settings.inventory_dir(inventory))
    store = SecretStore.for_inventory(files.secrets if files else None, settings.secrets_file.expanduser(),
                                      patterns=aos8().secret_patterns)
    result = plan(*texts)
    return {key: store.redact(value) if isinstance(value, str) else value for key, value in asdict(result).items()}
