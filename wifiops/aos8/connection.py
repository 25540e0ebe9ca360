"""Nornir connection plugin `aos8`: an Aos8Session per host, opened once per run and reused by tasks.

The engine puts what a session needs beyond Nornir's five fields in the connection's extras (see
`wifiops.estate.open_nornir`): `name`, the host's inventory name, which every message uses, and
`known_hosts`, the file its host key is checked against.
"""

from __future__ import annotations

from typing import Any

from nornir.core.configuration import Config

from wifiops.aos8.session import Aos8Session

CONNECTION_NAME = "aos8"


class Aos8Connection:
    """Registered under the entry point `nornir.plugins.connections: aos8`."""

    def open(self, hostname: str | None, username: str | None, password: str | None, port: int | None,
             platform: str | None, extras: dict[str, Any] | None = None,
             configuration: Config | None = None) -> None:
        options = dict(extras or {})
        timeout = float(options.pop("timeout", 30.0))
        if configuration is not None and "timeout" in configuration.user_defined:
            timeout = float(configuration.user_defined["timeout"])
        self.connection = Aos8Session.connect(
            hostname or "", port=port or 22, username=username or "", password=password or "",
            name=str(options.get("name") or hostname), known_hosts=options["known_hosts"], timeout=timeout)

    def close(self) -> None:
        self.connection.close()
