"""The ArubaOS 8 driver layer: nodes, `^`, config mode, per-line refusals, `write memory`.

netmiko is the transport (transport.py); its `aruba_os` helpers assume a prompt that never changes, which
is false on a Mobility Master (arubaos8.md §1.3: `^` appears after a change, the node changes after `cd`,
the hostname after `write memory`). So every exchange here writes one line and reads until *any* valid
AOS 8 prompt, then looks at that prompt to know where the session now stands.

An answer belongs to a line only once that line's echo has been read, and the prompt that ends it is
the first one after the echo. Behind a VPN and a bastion a prompt can arrive late (the answer to some
earlier RETURN); read without the echo, it would be taken for the answer to the next command, which
then comes back "ok" and empty (issue 6). Each exchange is kept in a transcript for the per-host log.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from wifiops.aos8.backup import spec as backup_spec
from wifiops.aos8.hostkeys import KnownHosts
from wifiops.aos8.jump import Jump
from wifiops.aos8.platform import Platform, Prompt, aos8
from wifiops.aos8.transport import Aos8Netmiko, Endpoint, open_transport
from wifiops.errors import (CommandRefused, ConfigRejected, NoAnswer, NoPrompt, SessionLost, UnsafeCommand,
                            WifiopsError)
from wifiops.settings import TIMEOUT_DEFAULT, TIMEOUT_MAX

__all__ = ["Aos8Session", "ConfigRejected", "Exchange", "Transcript"]

# How long a write memory may take on an MM pushing to its devices, whatever the read timeout.
COMMIT_TIMEOUT = 60.0
# Bounds on any one wait: a timeout of 1e10 would never return (issue 6).
MAX_TIMEOUT = TIMEOUT_MAX
# `show configuration pending`: a title per node, then its lines (the exact text is [UNVERIFIED], arubaos8.md
# §5: any other non-empty line is counted as a pending line of the node named last, or of "?").
PENDING_NODE = re.compile(r"^\s*Pending changes for node (?P<node>\S+)\s*$", re.I)
PENDING_NOTHING = re.compile(r"^\s*(No pending configuration|-+)\s*$", re.I)


@dataclass(frozen=True)
class Exchange:
    """One line sent and what came back between its echo and the next prompt."""

    sent: str
    answer: str
    prompt: str
    refused: bool = False
    at: float = 0.0  # when the line was sent (epoch seconds); 0: not recorded
    took: float = 0.0  # seconds from sending to the prompt that ended the answer
    lost: bool = False  # no answer came (silent, cut): the device may or may not have taken the line


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
            stamp = f"   [{_clock(exchange.at)}, {exchange.took * 1000:.0f} ms]" if exchange.at else ""
            mark = "   [NO ANSWER]" if exchange.lost else "   [REFUSED]" if exchange.refused else ""
            out.append(f"<<< {exchange.prompt}{mark}{stamp}")
        return "\n".join(out) + ("\n" if out else "")


class Aos8Session:
    """A CLI session on one MM or MD. Use `Aos8Session.connect(...)` as a context manager."""

    def __init__(self, connection: Aos8Netmiko, *, name: str, read_timeout: float = TIMEOUT_DEFAULT,
                 platform: Platform | None = None) -> None:
        self.connection = connection
        self.platform = platform or aos8()
        self.read_timeout = _bounded(read_timeout)
        self.name = name
        self.transcript = Transcript(name)
        self.prompt: Prompt = self._login()

    @classmethod
    def connect(cls, address: str, *, port: int = 22, username: str, password: str, name: str,
                known_hosts: Path | str | KnownHosts, timeout: float = TIMEOUT_DEFAULT, via: Jump | None = None) -> "Aos8Session":
        """Log in, the host key checked against `known_hosts` first; `timeout` bounds every wait; `via`: the
        bastion to go through."""
        timeout = _bounded(timeout)
        known = known_hosts if isinstance(known_hosts, KnownHosts) else KnownHosts(Path(known_hosts))
        connection = open_transport(Endpoint(name, address, port), username=username, password=password,
                                    timeout=timeout, known_hosts=known, via=via)
        try:
            return cls(connection, name=name, read_timeout=timeout)
        except BaseException:
            connection.disconnect()
            raise

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

    # -- login ----------------------------------------------------------------------------------
    def _login(self) -> Prompt:
        """Wait for the first prompt (after any banner), then turn paging off in step with its echo.

        The `no paging` exchange is also the synchronisation point: whatever prompts the device printed
        before its echo (a slow login, a banner) are behind us once it has been read.
        """
        deadline = time.monotonic() + self.read_timeout
        seen = ""
        while not self._last_line_is_prompt(seen):
            chunk = self._read(deadline, waiting_for="the first prompt after login", seen=seen)
            seen += chunk
        paging = self.send(self.platform.paging_off)
        if paging.refused:
            raise CommandRefused(self.name, self.platform.paging_off, paging.answer.strip())
        return self.prompt

    # -- one exchange ---------------------------------------------------------------------------
    def send(self, line: str, *, read_timeout: float | None = None, keep: bool = True) -> Exchange:
        """Write one line, read its echo, then up to the next prompt; record and return the exchange.

        `keep=False`: the transcript records that the answer came and how long it was, not the answer (a user
        table read for statistics names every client: count, do not track)."""
        bad = self.platform.unsafe_character(line)
        if bad is not None:
            raise UnsafeCommand(f"refusing to send {line!r}: it holds the control character "
                                f"{bad!r}, which would end or edit the line on the device; send one command "
                                "per line, without control characters")
        started = time.time()
        try:
            self.connection.write_channel(line + self.connection.RETURN)
        except (OSError, EOFError, AttributeError) as exc:  # AttributeError: netmiko after a drop
            self._record(line, f"<not sent: {exc}>", started)
            raise SessionLost(self.name, f"the session was cut before {line!r} could be sent; "
                              "run again, and check the link if it repeats") from None
        try:
            answer, prompt = self._read_answer(line, _bounded(read_timeout or self.read_timeout))
        except WifiopsError as exc:
            self._record(line, f"<{exc}>", started)
            raise
        refused = self.platform.refusal(answer) is not None
        exchange = Exchange(line, answer, prompt.text, refused, started, time.time() - started)
        self.transcript.exchanges.append(exchange if keep or refused else replace(
            exchange, answer=f"<{answer.count(chr(10)) + 1} lines read, not kept in the transcript>"))
        self.prompt = prompt
        return exchange

    def _read_answer(self, line: str, timeout: float) -> tuple[str, Prompt]:
        """Skip to `line`'s echo, then read until the last line is a prompt. Returns (answer, prompt).

        Only the head (until the echo) is searched whole; after it, only the last line is matched, so an
        8,000-user table costs one pass (netmiko's read_until_pattern rescans the growing buffer).
        """
        deadline = time.monotonic() + timeout
        echo = _echo_pattern(line)
        head = ""
        while True:  # phase 1: the echo, after any late prompts
            head += self._read(deadline, waiting_for=f"the echo of {line!r}", seen=head)
            found = echo.search(head)
            if found:
                break
        chunks = [head[found.end():]]
        tail = chunks[0][-512:]
        while not self._last_line_is_prompt(tail):  # phase 2: the answer and its prompt
            chunk = self._read(deadline, waiting_for=f"the prompt after {line!r}", seen=tail)
            chunks.append(chunk)
            tail = (tail + chunk)[-512:]
        text = "".join(chunks)
        cut = text.rfind("\n") + 1
        prompt = self.platform.parse_prompt(text[cut:])
        assert prompt is not None  # the loop ended on a prompt
        return text[:cut].strip("\n"), prompt

    def _last_line_is_prompt(self, text: str) -> bool:
        return bool(text) and self.platform.is_prompt(text.rsplit("\n", 1)[-1])

    def _read(self, deadline: float, *, waiting_for: str, seen: str) -> str:
        """The next data from the device; polls from 1 ms, backing off to 50 ms. Raises by cause."""
        delay = 0.001
        while True:
            try:
                chunk = self.connection.read_channel()
            except (OSError, EOFError, AttributeError) as exc:
                raise SessionLost(self.name, f"the session was cut while waiting for {waiting_for} ({exc}); "
                                  "run again, and check the link if it repeats") from None
            if chunk:
                return chunk
            if self._channel_closed():
                raise SessionLost(self.name, f"the device closed the session while wifiops waited for {waiting_for}; "
                                  "run again, and check the device and the link if it repeats")
            if time.monotonic() >= deadline:
                raise self._silent(waiting_for, seen)
            time.sleep(delay)
            delay = min(delay * 2, 0.05)

    def _channel_closed(self) -> bool:
        channel = self.connection.remote_conn
        if channel is None:
            return True
        return bool(getattr(channel, "closed", False) or getattr(channel, "eof_received", False))

    def _silent(self, waiting_for: str, seen: str) -> WifiopsError:
        if not seen.strip() or self._last_line_is_prompt(seen):
            return NoAnswer(self.name, f"the device sent nothing for {self.read_timeout:g} s while wifiops "
                            f"waited for {waiting_for}: it is not answering; check it, or raise --timeout")
        last = seen.strip().rsplit("\n", 1)[-1][-120:]
        return NoPrompt(self.name, f"no ArubaOS 8 prompt within {self.read_timeout:g} s while waiting for "
                        f"{waiting_for}; last output {last!r}: is this an ArubaOS 8 controller?")

    def _record(self, line: str, note: str, started: float) -> None:
        self.transcript.exchanges.append(Exchange(line, note, "", False, started, time.time() - started, lost=True))

    # -- exec mode ------------------------------------------------------------------------------
    def show(self, command: str, *, read_timeout: float | None = None, keep: bool = True) -> str:
        exchange = self.send(command, read_timeout=read_timeout, keep=keep)
        if exchange.refused:
            raise CommandRefused(self.name, command, self.platform.refusal(exchange.answer) or exchange.answer)
        return exchange.answer

    def cd(self, node: str) -> Prompt:
        exchange = self.send(f"cd {node}")
        if exchange.refused:
            raise CommandRefused(self.name, f"cd {node}", exchange.answer.strip(),
                                 f"cannot cd {node}: {exchange.answer.strip()}")
        return self.prompt

    @property
    def in_config(self) -> bool:
        return self.prompt.context is not None

    # -- configuration --------------------------------------------------------------------------
    def configure(self, lines: Iterable[str], *, node: str | None = None,
                  checkpoint: Callable[[], None] = lambda: None) -> list[Exchange]:
        """Send config lines in config mode at `node`; stop at the first refusal (ConfigRejected).

        Leading indentation is dropped (the device finds the context from the previous line) and a
        `!` block end becomes `exit` when inside a profile. Nothing is committed here. Every line is
        checked for control characters before the first one is sent, so a bad change sends nothing.
        `checkpoint` is called before each line: what it raises stops the change at a line boundary (Ctrl-C).
        A line that got no answer (a silent or cut session) ends the change there: config mode is left only
        on a session that still answers, so the silent line is the one named, once, not the `end` after it.
        """
        wanted = [raw.strip() for raw in lines if raw.strip()]
        for line in wanted:
            bad = self.platform.unsafe_character(line)
            if bad is not None:
                raise UnsafeCommand(f"refusing the change: {line!r} holds the control character "
                                    f"{bad!r}; nothing was sent")
        if node is not None:
            self.cd(node)
        entered = self.send(self.platform.config_enter)
        if entered.refused or self.prompt.context != self.platform.config_context:
            raise ConfigRejected(self.name, self.platform.config_enter, entered.answer.strip(), self.prompt.node, [])
        applied: list[str] = []
        sent: list[Exchange] = []
        answering = True
        try:
            for line in wanted:
                checkpoint()
                if line == self.platform.block_end:
                    if self.prompt.context != self.platform.config_context:
                        sent.append(self.send(self.platform.submode_exit))
                    continue
                exchange = self.send(line)
                sent.append(exchange)
                if exchange.refused:
                    raise ConfigRejected(self.name, line, self.platform.refusal(exchange.answer) or "",
                                         node or self.prompt.node, applied)
                applied.append(line)
        except (NoAnswer, NoPrompt, SessionLost):
            answering = False
            raise
        finally:
            if answering and not self._channel_closed():
                self.send(self.platform.config_exit)
        return sent

    def commit(self) -> str:
        """`write memory`: on an MM this pushes the node's pending changes to the managed devices."""
        exchange = self.send(self.platform.commit, read_timeout=max(self.read_timeout, COMMIT_TIMEOUT))
        answer = " ".join(exchange.answer.split())
        if self.platform.commit_ok not in exchange.answer:
            raise CommandRefused(self.name, self.platform.commit, answer, f"write memory did not save: {answer}")
        if self.prompt.unsaved:  # it said so, but the `^` stayed: the changes are still pending
            raise CommandRefused(self.name, self.platform.commit, answer,
                                 f"write memory answered {answer!r} but did not save: the changes are still "
                                 "pending (the prompt kept its ^)")
        return exchange.answer

    def pending(self) -> str:
        return self.show(self.platform.pending)

    # -- reading configuration (backup.yaml) ---------------------------------------------------
    def prepare(self) -> list[Exchange]:
        """Ready to read configuration: `encrypt disable`, so secrets print in clear in this session only (a
        changed secret then shows as a change once scrubbed). The exchanges say whether the device took it."""
        return [self.send(command) for command in backup_spec().prepare]

    def hierarchy(self) -> list[str]:
        """The configuration nodes an MM holds, as `show configuration node-hierarchy` lists them."""
        nodes = backup_spec().nodes
        return [m["path"] for m in re.finditer(nodes.path, self.show(nodes.list), re.M)]

    def committed(self, node: str, *, absent_empty: bool = False) -> str:
        """A node's committed configuration, as the device prints it; with `absent_empty`, a node the hierarchy
        does not hold yet (a controller not racked) reads as empty, as it will be created."""
        nodes = backup_spec().nodes
        try:
            return self.show(nodes.command.format(node=node))
        except CommandRefused as exc:
            if absent_empty and re.search(nodes.absent, exc.answer):
                return ""
            raise

    def pending_changes(self) -> dict[str, list[str]]:
        """The lines pending (sent, not committed) per node: what the next `write memory` would commit."""
        found: dict[str, list[str]] = {}
        node = "?"
        for line in self.pending().splitlines():
            header = PENDING_NODE.match(line)
            if header:
                node = header["node"]
                continue
            if line.strip() and not PENDING_NOTHING.match(line):
                found.setdefault(node, []).append(line.rstrip())
        return found

    def purge_pending(self, node: str | None = None) -> None:
        """Discard what was sent but not committed: the MM's own rollback before `write memory`."""
        command = self.platform.purge_pending + (f" {node}" if node else "")
        if self.in_config:
            self.send(command)
            return
        self.send(self.platform.config_enter)
        self.send(command)
        self.send(self.platform.config_exit)

    def push(self, node: str | None, lines: Sequence[str], *, commit: bool = True) -> list[Exchange]:
        """cd, configure, write memory. A refusal purges what was pending, so no node is half-changed. `node`
        None: where the session stands (a controller, which has no node)."""
        try:
            sent = self.configure(lines, node=node)
        except ConfigRejected:
            self.purge_pending(node)
            raise
        if commit:
            self.commit()
        return sent


def _echo_pattern(line: str) -> re.Pattern[str]:
    """The device echoes a typed line at the start of a line or right after its prompt, then ends it."""
    return re.compile(r"(?:\A|\n|#[ ]?)" + re.escape(line) + r"[ \t]*\n")


def _clock(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "Z"


def _bounded(timeout: float) -> float:
    if not 0 < timeout <= MAX_TIMEOUT:  # also false for NaN
        raise ValueError(f"a timeout is more than 0 and at most {MAX_TIMEOUT:g} s, not {timeout!r}")
    return timeout
