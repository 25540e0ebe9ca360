"""Nornir connection plugin `aos8`: an Aos8Session per host, opened once per run and reused by tasks."""

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
        if configuration is not None and "timeout" in configuration.user_defined:
            options.setdefault("timeout", float(configuration.user_defined["timeout"]))
        self.connection = Aos8Session.connect(hostname or "", port=port or 22, username=username or "",
                                              password=password or "", **options)

    def close(self) -> None:
        self.connection.close()
