"""Run one show command on many hosts at once: the simplest job, and the base of backups and checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wifiops.tasks.show import show
from wifiops.aos8.platform import aos8
from wifiops.engine.run import reason, select, start_run
from wifiops.errors import UnsafeCommand, WifiopsError
from wifiops.estate import Estate

__all__ = ["CollectReport", "HostOutput", "collect", "select"]


@dataclass(frozen=True)
class HostOutput:
    host: str
    ok: bool
    output: str
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"host": self.host, "ok": self.ok, "output": self.output, "error": self.error}


@dataclass(frozen=True)
class CollectReport:
    command: str
    results: list[HostOutput]
    log_dir: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return [r.host for r in self.results if not r.ok]


def check_show(command: str) -> None:
    """The show verb runs one read-only command, whole: checked before any device is reached."""
    platform = aos8()
    bad = platform.unsafe_character(command)
    if bad is not None:
        raise UnsafeCommand(f"refusing {command!r}: it holds the control character {bad!r}, which would start "
                            "another command on the device; `wifiops show` runs one show command")
    if not platform.is_show(command):
        raise WifiopsError(f"only show commands are run by `wifiops show`, not {command!r}")


def collect(estate: Estate, command: str, *, names: Sequence[str] = (),
            processors: Sequence[Any] = ()) -> CollectReport:
    """Every output and error is scrubbed of secrets here, so the table, --json and logs show the same."""
    check_show(command)
    run = start_run(estate, "show", names=names)
    aggregated = run.execute(show, processors, command=command)
    results = []
    for name in sorted(aggregated):
        multi = aggregated[name]
        if multi.failed:
            results.append(HostOutput(name, False, "", run.redact(reason(name, multi.exception))))
        else:
            results.append(HostOutput(name, True, run.redact(multi.result), None))
    return CollectReport(command, results, run.folder, run.warnings)
