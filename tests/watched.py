"""What the supervision and the statistics tests share: a clock that is stepped (never slept on), a wifiops.yaml
in tmp_path, and the lab watched with both (`wifiops watch` one cycle at a time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from wifiops.engine.watch import CycleReport, run_cycle
from wifiops.settings import Settings
from wifiops.store.sqlite import SqliteStore
from wifiops.windows import PARIS


class Clock:
    """`now()` for the engine; `advance()` steps it by one interval."""

    def __init__(self, start: datetime) -> None:
        self.now = start.replace(tzinfo=PARIS) if start.tzinfo is None else start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 300) -> None:
        self.now += timedelta(seconds=seconds)


def write_config(tmp_path: Path, inventory: Path, mail: str = "", *, timeout: float = 5) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {inventory}", f"run_dir: {tmp_path / 'runs'}",
                               f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                               f"timeout: {timeout:g}"]) + "\n" + mail)
    return path


@dataclass
class Watched:
    """The lab watched with a stepped clock: each `cycle()` runs one watch cycle, then steps `interval` on."""

    config: Path
    settings: Settings
    store: SqliteStore
    clock: Clock
    interval: float = 300

    def cycle(self, then_advance: float | None = None) -> CycleReport:
        report = run_cycle(self.settings, self.store, now=self.clock)
        self.clock.advance(self.interval if then_advance is None else then_advance)
        return report
