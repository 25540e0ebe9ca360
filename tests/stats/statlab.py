"""What the statistics tests share: a stepped clock, a wifiops.yaml in tmp_path, the lab watched with both, and the
lab's own counts of its connected users (read from the lab's core, the way the toolkit never may)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from wifiops.engine.watch import CycleReport, run_cycle
from wifiops.settings import Settings
from wifiops.store.sqlite import SqliteStore

PARIS = ZoneInfo("Europe/Paris")


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start.replace(tzinfo=PARIS) if start.tzinfo is None else start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 300) -> None:
        self.now += timedelta(seconds=seconds)


def write_config(tmp_path: Path, inventory: Path) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {inventory}", f"run_dir: {tmp_path / 'runs'}",
                               f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                               "timeout: 10"]) + "\n")
    return path


@dataclass
class Watched:
    config: Path
    settings: Settings
    store: SqliteStore
    clock: Clock

    def cycle(self, then_advance: float = 900) -> CycleReport:
        report = run_cycle(self.settings, self.store, now=self.clock)
        self.clock.advance(then_advance)
        return report


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
