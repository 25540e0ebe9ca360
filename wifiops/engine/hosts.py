"""`wifiops hosts trust`: read each host's SSH key, show its fingerprint, record it in the known-hosts file.

The key is read through the session's own connect path, which stops before authentication: trusting a
host never sends it the password (so its run.log holds no secret to scrub). A key that differs from the one on record is not replaced unless asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.aos8.hostkeys import KnownHosts, KnownHostsError, fingerprint
from wifiops.aos8.transport import Endpoint, fetch_host_key
from wifiops.engine.journal import new_run_dir, run_log
from wifiops.engine.run import select
from wifiops.errors import ConfigError, WifiopsError
from wifiops.estate import Estate

# What happened to each host's key, worded for the table.
RECORDED, KNOWN, CHANGED, REPLACED, SEEN, FAILED = ("recorded", "already trusted", "CHANGED (not recorded)",
                                                    "replaced", "not recorded (dry run)", "failed")
WOULD_REPLACE = "CHANGED (--replace would record it; dry run)"


@dataclass(frozen=True)
class HostKeyRow:
    host: str
    address: str
    port: int
    key_type: str
    fingerprint: str
    status: str
    recorded_fingerprint: str = ""
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TrustReport:
    known_hosts: Path
    rows: list[HostKeyRow]

    @property
    def exit_code(self) -> int:
        if any(r.status == FAILED for r in self.rows):
            return 2
        return 1 if any(r.status == CHANGED for r in self.rows) else 0


def trust(estate: Estate, *, names: Sequence[str] = (), replace: bool = False,
          dry_run: bool = False) -> TrustReport:
    settings = estate.settings
    nr = select(estate.nornir, names)
    path = estate.known_hosts_file
    try:
        known = KnownHosts(path)
    except KnownHostsError as exc:
        raise ConfigError(f"{exc}; fix or remove that line") from None
    hosts = sorted(nr.inventory.hosts.values(), key=lambda h: h.name)
    endpoints = [Endpoint(h.name, h.hostname or "", h.port or 22) for h in hosts]
    timeouts = {h.name: (h.connection_options[CONNECTION_NAME].extras or {})["timeout"] for h in hosts}  # its own
    folder = new_run_dir(estate.run_dir, "hosts-trust")
    with run_log(folder, lambda text: text), ThreadPoolExecutor(max_workers=settings.workers) as pool:
        fetched = list(pool.map(lambda e: _fetch(e, timeouts[e.name]), endpoints))
    rows = []
    for endpoint, key in fetched:
        if isinstance(key, WifiopsError):
            rows.append(HostKeyRow(endpoint.name, endpoint.address, endpoint.port, "", "", FAILED, error=str(key)))
            continue
        verdict = known.check(endpoint.address, endpoint.port, key)
        status = KNOWN
        was = ""
        if verdict is not None:
            was = fingerprint(verdict.recorded) if verdict.recorded is not None else ""
            if dry_run:
                status = SEEN if verdict.status == "unknown" else (WOULD_REPLACE if replace else CHANGED)
            elif verdict.status == "unknown" or replace:
                known.record(endpoint.address, endpoint.port, key)
                status = RECORDED if verdict.status == "unknown" else REPLACED
            else:
                status = CHANGED
        rows.append(HostKeyRow(endpoint.name, endpoint.address, endpoint.port, key.get_name(), fingerprint(key),
                               status, was))
    return TrustReport(path, rows)


def _fetch(endpoint: Endpoint, timeout: float) -> tuple[Endpoint, Any]:
    try:
        return endpoint, fetch_host_key(endpoint, timeout=timeout)
    except WifiopsError as exc:
        return endpoint, exc
