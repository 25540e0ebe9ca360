"""Run one show command on many hosts at once: the simplest job, and the base of backups and checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nornir.core import Nornir

from tasks.show import show
from wifiops.engine.journal import TranscriptWriter, new_run_dir
from wifiops.errors import WifiopsError
from wifiops.estate import MANAGED, open_nornir
from wifiops.inventory.files import locate
from wifiops.secrets import SecretStore
from wifiops.settings import Settings


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

    @property
    def failed(self) -> list[str]:
        return [r.host for r in self.results if not r.ok]


def select(nr: Nornir, names: Sequence[str] = ()) -> Nornir:
    """Managed hosts (MMs and MDs), or those named; a name that is not one of them is an error."""
    managed = nr.filter(MANAGED)
    unknown = [n for n in names if n not in managed.inventory.hosts]
    if unknown:
        raise WifiopsError(f"not a managed ArubaOS host of this inventory: {', '.join(unknown)} "
                           f"(managed hosts: {', '.join(sorted(managed.inventory.hosts))})")
    return managed.filter(filter_func=lambda h: h.name in names) if names else managed


def collect(settings: Settings, command: str, *, inventory: Path | None = None, names: Sequence[str] = (),
            processors: Sequence[Any] = ()) -> CollectReport:
    directory = settings.inventory_dir(inventory)
    nr = select(open_nornir(settings, directory), names)
    files, _ = locate(directory)  # valid: open_nornir checked it
    store = SecretStore.for_inventory(files.secrets if files else None, settings.secrets_file.expanduser())
    store.remember(*(h.password for h in nr.inventory.hosts.values() if h.password))
    log_dir = new_run_dir(settings.path(settings.run_dir), "show")
    runner = nr.with_processors([*processors, TranscriptWriter(log_dir, store.redact)])
    try:
        aggregated = runner.run(task=show, command=command)
    finally:
        nr.close_connections()
    results = []
    for name in sorted(aggregated):
        multi = aggregated[name]
        error = None if not multi.failed else store.redact(_reason(multi.exception))
        results.append(HostOutput(name, not multi.failed, "" if multi.failed else multi.result, error))
    return CollectReport(command, results, log_dir)


def _reason(exc: BaseException | None) -> str:
    if exc is None:
        return "failed"
    if isinstance(exc, WifiopsError):  # already worded for people
        return str(exc)
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
