"""Nornir connection plugin `aos8`: an Aos8Session per host, opened once per run and reused by tasks.

The engine puts what a session needs beyond Nornir's five fields in the connection's extras (see
`wifiops.estate.open_nornir`): `name`, the host's inventory name, which every message uses,
`known_hosts`, the file its host key is checked against, and `timeout`, the host's own or the settings'.
"""

from __future__ import annotations

import time
from typing import Any

from nornir.core.configuration import Config

from wifiops.aos8.session import Aos8Session, Exchange
from wifiops.settings import TIMEOUT_DEFAULT

CONNECTION_NAME = "aos8"


class Aos8Connection:
    """Registered under the entry point `nornir.plugins.connections: aos8`."""

    def open(self, hostname: str | None, username: str | None, password: str | None, port: int | None,
             platform: str | None, extras: dict[str, Any] | None = None,
             configuration: Config | None = None) -> None:
        options = dict(extras or {})
        timeout = float(options.pop("timeout", TIMEOUT_DEFAULT))  # the host's own, else the settings' (Estate)
        self._params: dict[str, Any] = dict(
            port=port or 22, username=username or "", password=password or "",
            name=str(options.get("name") or hostname), known_hosts=options["known_hosts"], timeout=timeout,
            via=options.get("via"))
        self._address = hostname or ""
        self.connection = Aos8Session.connect(self._address, **self._params)

    def reopen(self) -> Aos8Session:
        """A new session after a cut, its transcript continuing the old one's. If the new one cannot be
        opened, the old (closed) one stays in place, so the run's log still has every exchange."""
        lost = self.connection
        lost.close()
        fresh = Aos8Session.connect(self._address, **self._params)
        fresh.transcript.exchanges[:0] = [*lost.transcript.exchanges,
                                          Exchange("<the session was cut; wifiops opened a new one>", "", "",
                                                   at=time.time())]
        self.connection = fresh
        return fresh

    def close(self) -> None:
        self.connection.close()
