"""Pytest plugin: a real SMTP server on 127.0.0.1 for one test, keeping every mail it receives.

Use with `pytest_plugins = ["wifiops.testing_smtp"]` and the `smtp_server` fixture. It is aiosmtpd's
threaded Controller on a port the kernel picks (no fixed port for parallel runs to fight over), so mail
goes through a real SMTP conversation (EHLO, MAIL FROM, RCPT TO, DATA) exactly as to a site's relay.
`settings_for(base)` points wifiops at it; `yaml(...)` is the same as a `mail:` block for a wifiops.yaml.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller

from wifiops.settings import Settings

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One mail as the server got it: the envelope (who smtplib said it was from and to) and the parsed
    message; `subject` and `body` read it as a person would."""

    sender: str
    recipients: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None, "the mail has no text/plain part"
        return cast(EmailMessage, part).get_content().replace("\r\n", "\n")  # SMTP's line ends, not the text's


class _Collect:
    """aiosmtpd handler: keep every message, accept it (250)."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content or envelope.content or b"")
        message = cast(EmailMessage, email.message_from_bytes(raw, policy=email.policy.default))
        with self.lock:
            self.messages.append(Received(sender=envelope.mail_from, recipients=list(envelope.rcpt_tos),
                                          message=message, raw=raw))
        return "250 Message accepted for delivery"


class _AnyPortController(Controller):
    """Controller on port 0: the real port is read from the listening socket before aiosmtpd's own
    readiness probe connects to it (aiosmtpd 1.4 would otherwise probe port 0)."""

    def _trigger_server(self) -> None:
        sockets = cast(asyncio.Server, self.server).sockets if self.server is not None else ()
        if self.port == 0 and sockets:
            self.port = sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpServer:
    """A running local SMTP server: `host`, `port`, `messages` (Received, in arrival order)."""

    def __init__(self) -> None:
        self._handler = _Collect()
        self._controller = _AnyPortController(self._handler, hostname=HOST, port=0, ready_timeout=10.0)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    @property
    def host(self) -> str:
        return HOST

    @property
    def port(self) -> int:
        return int(self._controller.port)

    @property
    def messages(self) -> list[Received]:
        with self._handler.lock:
            return list(self._handler.messages)

    def settings_for(self, base: Settings | None = None, *, recipients: Sequence[str] | None = None,
                     sender: str | None = None) -> Settings:
        """`base` (default: the built-in settings) with mail going to this server; `recipients` and `sender`
        replace the base's when given."""
        base = base or Settings()
        mail = {**base.mail.model_dump(), "smtp_host": self.host, "smtp_port": self.port}
        if recipients is not None:
            mail["recipients"] = list(recipients)
        if sender is not None:
            mail["sender"] = sender
        return Settings.model_validate({**base.model_dump(), "mail": mail})

    def yaml(self, recipients: Sequence[str] = (), sender: str | None = None) -> str:
        """The `mail:` block of a wifiops.yaml pointing at this server (JSON flow style is valid YAML)."""
        lines = ["mail:", f"  smtp_host: {json.dumps(self.host)}", f"  smtp_port: {self.port}",
                 f"  recipients: {json.dumps(list(recipients))}"]
        if sender is not None:
            lines.append(f"  sender: {json.dumps(sender)}")
        return "\n".join(lines) + "\n"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A fresh server per test (it starts in milliseconds), stopped afterwards whatever the test did."""
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()
