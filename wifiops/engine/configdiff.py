"""`wifiops config diff`: two saved configurations compared offline, as a plan and its rollback.

Its own module, apart from wifiops.engine.diff, so the offline command loads no Nornir nor SSH library (issue
26: offline commands start at once); the per-node compliance against the estate stays in engine/diff.py.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wifiops.aos8.hconfig import plan
from wifiops.inventory.store import inventory_store
from wifiops.readers import TEXT_BYTES, read_bytes
from wifiops.secrets import MASK, SCRUBBED

if TYPE_CHECKING:
    from wifiops.settings import Settings


def config_diff(settings: Settings, running: Path, intended: Path, *, inventory: Path | None = None) -> dict[str, Any]:
    """{"compliant", "remediation", "rollback", "not_comparable"}; every secret in the plans masked (the files
    may hold some). A secret masked (******, as `render` writes it) on one side and a keyed hash
    (<scrubbed:...>, as backups keep it) on the other cannot be compared: those lines are set aside as
    `not_comparable` rather than reported as differences."""
    # bounded (wifiops.readers); a byte that is not UTF-8 (a Latin-1 description) is read as U+FFFD, as before
    texts = [read_bytes(path, TEXT_BYTES, "configuration file").decode("utf-8", errors="replace")
             for path in (running, intended)]
    store = inventory_store(settings, settings.inventory_dir(inventory))
    old, new, aside = _set_aside_masks(*texts)
    result = plan(old, new)
    found = {key: store.redact(value) if isinstance(value, str) else value for key, value in asdict(result).items()}
    return {**found, "not_comparable": [store.redact(line) for line in aside]}


_ANY_MASK = re.compile(r"\*{6}|<scrubbed:[^>\s]*>")
SECRET = "<secret>"


def _set_aside_masks(running: str, intended: str) -> tuple[str, str, list[str]]:
    """When one side masks secrets and the other hashes them, both written as one placeholder; the lines
    holding one on both sides are returned (sorted, stripped): compared for the rest, not for the secret."""
    mixed = (MASK in running and SCRUBBED in intended) or (SCRUBBED in running and MASK in intended)
    if not mixed:
        return running, intended, []
    old, new = _ANY_MASK.sub(SECRET, running), _ANY_MASK.sub(SECRET, intended)

    def holding(text: str) -> set[str]:  # `object: line` for a line inside an object
        found, parent = set(), ""
        for line in text.splitlines():
            if line[:1] not in (" ", "\t"):
                parent = line.strip()
            if SECRET in line:
                found.add(line.strip() if line.strip() == parent else f"{parent}: {line.strip()}")
        return found

    return old, new, sorted(holding(old) & holding(new))
