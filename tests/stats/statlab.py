"""What the statistics tests share: a stepped clock, a wifiops.yaml in tmp_path, the lab watched with both, and the
lab's own counts of its connected users (read from the lab's core, the way the toolkit never may)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from wifiops.settings import Settings
from wifiops.store.sqlite import SqliteStore
from wifiops.windows import PARIS

from watched import Clock, Watched as WatchedShared, write_config as write_shared

__all__ = ["PARIS", "Clock", "Watched", "lab_counts", "write_config"]


def write_config(tmp_path: Path, inventory: Path) -> Path:
    """A user table of 8,000 rows on a loaded 2-core machine: a longer timeout than supervision's."""
    return write_shared(tmp_path, inventory, timeout=10)


class Watched(WatchedShared):
    """Watched every 15 minutes, as the statistics are sampled."""

    def __init__(self, config: Path, settings: Settings, store: SqliteStore, clock: Clock) -> None:
        super().__init__(config, settings, store, clock, interval=900)


def lab_counts(lab: Any) -> dict[str, Counter[str]]:
    """The lab's connected users, counted by the lab itself: per SSID, fingerprint, zone (`site/zone`) and site."""
    ops = lab.core.ops
    aps = {a.name: a for a in ops.aps}
    live = ops.live_clients()
    return {"total": Counter({"": len(live)}),
            "ssid": Counter(c.ssid for c in live), "device": Counter(c.dev_type for c in live),
            "zone": Counter(f"{aps[c.ap].site}/{aps[c.ap].zone}" for c in live),
            "site": Counter(aps[c.ap].site for c in live)}


def identities(lab: Any) -> set[str]:
    """Every client identity the lab holds: MACs, IPs, user names, host names (what must never be stored or shown)."""
    found: set[str] = set()
    for c in lab.core.ops.clients:
        found.update(v for v in (c.mac, c.ip, c.name, c.host_name) if v)
        found.add(c.mac.upper())
    return found
