"""What every verb that talks to devices starts with: the hosts, the secrets store, the run's folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nornir.core import Nornir
from nornir.core.inventory import Host
from nornir.core.task import AggregatedResult

from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.aos8.jump import close_all as close_jumps
from wifiops.engine.journal import TranscriptWriter, new_run_dir, run_log
from wifiops.errors import DeviceError, WifiopsError
from wifiops.estate import MANAGED, PLANNED, Estate, conductor_of
from wifiops.secrets import SecretStore


@dataclass
class Run:
    """One run of one verb: Nornir on the chosen hosts, the store that scrubs, where its logs go."""

    nr: Nornir
    store: SecretStore
    folder: Path
    warnings: list[str] = field(default_factory=list)

    def redact(self, text: str) -> str:
        return self.store.redact(text)

    def execute(self, task: Any, processors: Sequence[Any] = (), **params: Any) -> AggregatedResult:
        """Run `task` on the chosen hosts: per-host transcripts and run.log in the run's folder, every
        session closed afterwards, the failed hosts' too."""
        runner = self.nr.with_processors([*processors, TranscriptWriter(self.folder, self.redact)])
        with run_log(self.folder, self.redact):
            try:
                return runner.run(task=task, **params)
            finally:
                self.nr.close_connections(on_good=True, on_failed=True)
                close_jumps()  # the bastion connection this run shared


def start_run(estate: Estate, verb: str, *, names: Sequence[str] = (), nr: Nornir | None = None) -> Run:
    """`nr`: the estate's hosts as the verb sees them (an intent changed in memory), else the estate's own."""
    nr = select(nr or estate.nornir, names)
    store = estate.store
    store.remember(*(h.password for h in nr.inventory.hosts.values() if h.password))
    store.remember(*(via.password for h in nr.inventory.hosts.values()
                     if (via := _via(h)) is not None and via.password))
    return Run(nr, store, new_run_dir(estate.run_dir, verb), list(store.warnings))


def _via(host: Host) -> Any:
    options = host.connection_options.get(CONNECTION_NAME)
    return (options.extras or {}).get("via") if options else None


__all__ = ["conductor_of"]  # re-exported: the verbs take it from here


def select(nr: Nornir, names: Sequence[str] = ()) -> Nornir:
    """Managed hosts (MMs and MDs in service), or those named; a name that is not one of them is an error."""
    managed = nr.filter(MANAGED)
    unknown = [n for n in names if n not in managed.inventory.hosts]
    planned = [n for n in unknown if n in nr.filter(PLANNED).inventory.hosts]
    if planned:
        raise WifiopsError(f"{', '.join(planned)}: planned (`lifecycle: planned` in the inventory), not in service "
                           "yet: wifiops reaches a host once the inventory says it is in-service")
    if unknown:
        raise WifiopsError(f"not a managed ArubaOS host of this inventory: {', '.join(unknown)} "
                           f"(managed hosts: {', '.join(sorted(managed.inventory.hosts))})")
    return managed.filter(filter_func=lambda h: h.name in names) if names else managed


def reason(host: str, exc: BaseException | None) -> str:
    """One line for people, host first: device errors are worded already; anything else is named, the
    traceback is in run.log."""
    if isinstance(exc, DeviceError):
        return str(exc)
    if isinstance(exc, WifiopsError):
        return f"{host}: {exc}"
    text = str(exc).strip().splitlines() if exc is not None else []
    kind = type(exc).__name__ if exc is not None else "failure"
    return f"{host}: unexpected {kind}: {text[0] if text else ''} (a bug of wifiops; the traceback is in run.log)"
