"""The ArubaOS 8 driver layer: nodes, `^`, config mode, per-line refusals, `write memory`.

Netmiko is the transport and channel; its `aruba_os` helpers assume a prompt that never changes, which
is false on a Mobility Master (arubaos8.md §1.3: `^` appears after a change, the node changes after
`cd`, the hostname after `write memory`), and `send_config_set` waits seconds per line. So every
exchange here writes one line and reads until *any* valid AOS 8 prompt, then looks at that prompt to
know where the session now stands. Each exchange is kept in a transcript for the per-host log.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from netmiko import ConnectHandler, NetmikoAuthenticationException, NetmikoTimeoutException, ReadTimeout
from netmiko.base_connection import BaseConnection

from wifiops.aos8.platform import Platform, Prompt, aos8
from wifiops.errors import WifiopsError


class SessionError(WifiopsError):
    """The device did not answer as ArubaOS 8 does (no prompt, lost session)."""


class ConfigRejected(WifiopsError):
    """The device refused a configuration line; nothing after it was sent."""

    exit_code = 1

    def __init__(self, line: str, answer: str, node: str | None, applied: list[str]) -> None:
        self.line, self.answer, self.node, self.applied = line, answer, node, applied
        super().__init__(f"{node or 'device'} refused {line!r}: {answer}")


@dataclass(frozen=True)
class Exchange:
    """One line sent and what came back before the next prompt."""

    sent: str
    answer: str
    prompt: str
    refused: bool = False


@dataclass
class Transcript:
    """Exactly what was sent to one host and what it answered, scrubbed by `redact` when written."""

    host: str
    exchanges: list[Exchange] = field(default_factory=list)

    def text(self, redact: Callable[[str], str] = lambda s: s) -> str:
        out = []
        for exchange in self.exchanges:
            out.append(f">>> {redact(exchange.sent)}")
            if exchange.answer:
                out.append(redact(exchange.answer))
            out.append(f"<<< {exchange.prompt}{'   [REFUSED]' if exchange.refused else ''}")
        return "\n".join(out) + ("\n" if out else "")


class Aos8Session:
    """A CLI session on one MM or MD. Use `Aos8Session.connect(...)` as a context manager."""

    def __init__(self, connection: BaseConnection, *, name: str = "", read_timeout: float = 30.0,
                 platform: Platform | None = None) -> None:
        self.connection = connection
        self.platform = platform or aos8()
        self.read_timeout = read_timeout
        self.transcript = Transcript(name or connection.host)
        found = self.platform.parse_prompt(connection.find_prompt())
        if found is None:
            raise SessionError(f"{self.transcript.host}: no ArubaOS 8 prompt after login")
        self.prompt: Prompt = found

    @classmethod
    def connect(cls, host: str, *, port: int = 22, username: str, password: str, name: str = "",
                timeout: float = 30.0, **extra: Any) -> "Aos8Session":
        """Log in; `timeout` bounds the TCP/SSH connect and every wait for a prompt, login included."""
        label = name or f"{host}:{port}"
        try:
            connection = ConnectHandler(device_type="aruba_os", host=host, port=port, username=username,
                                        password=password, conn_timeout=min(timeout, 10.0),
                                        read_timeout_override=timeout, **extra)
        except NetmikoAuthenticationException:
            raise SessionError(f"{label}: login refused for user {username!r} "
                               "(check the username and WIFIOPS_PASSWORD or the secrets file)") from None
        except NetmikoTimeoutException:
            raise SessionError(f"{label}: no SSH answer from {host}:{port} within {min(timeout, 10.0):.0f} s") from None
        except ReadTimeout:
            raise SessionError(f"{label}: logged in, but no prompt within {timeout:.0f} s "
                               "(the device is not answering)") from None
        return cls(connection, name=label, read_timeout=timeout)

    def __enter__(self) -> "Aos8Session":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.connection.disconnect()
        except Exception:  # the session may already be gone (dropped, hung): nothing left to close
            pass

    # -- one exchange ---------------------------------------------------------------------------
    def send(self, line: str, *, read_timeout: float | None = None) -> Exchange:
        """Write one line, read until the next prompt of any shape; record and return the exchange."""
        self.connection.write_channel(line + self.connection.RETURN)
        try:
            raw = self._read_until_prompt(read_timeout or self.read_timeout)
        except Exception as exc:  # a timeout or a socket error: say which line
            self.transcript.exchanges.append(Exchange(line, f"<no prompt: {exc}>", "", refused=True))
            raise SessionError(f"{self.transcript.host}: no prompt after {line!r}: {exc}") from exc
        text = _normalise(raw)
        prompt = self.platform.parse_prompt(text)
        assert prompt is not None  # the read returned on a prompt
        answer = _drop_echo(text[: text.rfind(prompt.text)], line)
        refused = self.platform.refusal(answer) is not None
        exchange = Exchange(line, answer, prompt.text, refused)
        self.transcript.exchanges.append(exchange)
        self.prompt = prompt
        return exchange

    def _read_until_prompt(self, timeout: float) -> str:
        """Read until the last line is an AOS 8 prompt of any shape.

        Not netmiko's read_until_pattern: it sleeps 10 ms between reads and searches the whole growing
        buffer each time (quadratic on an 8,000-user table). Here the poll starts at 1 ms and backs off,
        and only the last line is matched.
        """
        deadline = time.monotonic() + timeout
        chunks: list[str] = []
        tail = ""
        delay = 0.001
        while time.monotonic() < deadline:
            chunk = self.connection.read_channel()
            if chunk:
                chunks.append(chunk)
                tail = (tail + chunk)[-512:]
                if self.platform.prompt.search(tail.rsplit("\n", 1)[-1].replace("\r", "")):
                    return "".join(chunks)
                delay = 0.001
            else:
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        raise ReadTimeout(f"no prompt within {timeout:.0f} s; last output: {tail[-120:]!r}")

    # -- exec mode ------------------------------------------------------------------------------
    def show(self, command: str, *, read_timeout: float | None = None) -> str:
        exchange = self.send(command, read_timeout=read_timeout)
        if exchange.refused:
            raise SessionError(f"{self.transcript.host}: {command!r}: {exchange.answer.strip()}")
        return exchange.answer

    def cd(self, node: str) -> Prompt:
        exchange = self.send(f"cd {node}")
        if exchange.refused:
            raise SessionError(f"{self.transcript.host}: cannot cd {node}: {exchange.answer.strip()}")
        return self.prompt

    @property
    def in_config(self) -> bool:
        return self.prompt.context is not None

    # -- configuration --------------------------------------------------------------------------
    def configure(self, lines: Iterable[str], *, node: str | None = None) -> list[Exchange]:
        """Send config lines in config mode at `node`; stop at the first refusal (ConfigRejected).

        Leading indentation is dropped (the device finds the context from the previous line) and a
        `!` block end becomes `exit` when inside a profile. Nothing is committed here.
        """
        if node is not None:
            self.cd(node)
        entered = self.send(self.platform.config_enter)
        if entered.refused or self.prompt.context != self.platform.config_context:
            raise ConfigRejected(self.platform.config_enter, entered.answer.strip(), self.prompt.node, [])
        applied: list[str] = []
        sent: list[Exchange] = []
        try:
            for raw_line in lines:
                line = raw_line.strip()
                if not line:
                    continue
                if line == self.platform.block_end:
                    if self.prompt.context != self.platform.config_context:
                        sent.append(self.send(self.platform.submode_exit))
                    continue
                exchange = self.send(line)
                sent.append(exchange)
                if exchange.refused:
                    raise ConfigRejected(line, self.platform.refusal(exchange.answer) or "", self.prompt.node,
                                         applied)
                applied.append(line)
        finally:
            self.send(self.platform.config_exit)
        return sent

    def commit(self) -> str:
        """`write memory`: on an MM this pushes the node's pending changes to the managed devices."""
        exchange = self.send(self.platform.commit, read_timeout=max(self.read_timeout, 60.0))
        if self.platform.commit_ok not in exchange.answer or self.prompt.unsaved:
            raise SessionError(f"{self.transcript.host}: write memory did not save: {exchange.answer.strip()}")
        return exchange.answer

    def pending(self) -> str:
        return self.show(self.platform.pending)

    def purge_pending(self, node: str | None = None) -> None:
        """Discard what was sent but not committed: the MM's own rollback before `write memory`."""
        command = self.platform.purge_pending + (f" {node}" if node else "")
        if self.in_config:
            self.send(command)
            return
        self.send(self.platform.config_enter)
        self.send(command)
        self.send(self.platform.config_exit)

    def push(self, node: str, lines: Sequence[str], *, commit: bool = True) -> list[Exchange]:
        """cd, configure, write memory. A refusal purges what was pending, so no node is half-changed."""
        try:
            sent = self.configure(lines, node=node)
        except ConfigRejected:
            self.purge_pending(node)
            raise
        if commit:
            self.commit()
        return sent


def _normalise(raw: str) -> str:
    """One line ending: AOS 8 sends `\r\n`, and `\n\r` before some prompts (oxidized capture)."""
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def _drop_echo(text: str, line: str) -> str:
    """The device echoes what was typed; the answer is what follows the echo."""
    position = text.find(line) if line else -1
    if position != -1:
        text = text[position + len(line):]
    return text.strip("\n")
