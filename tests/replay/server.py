"""A replay SSH server: one device's CLI answered from a recorded transcript, over real SSH (paramiko).

The project never mocks netmiko or the SSH session, so the replay tier fakes the other end instead: a small
SSH server that logs in, prints the recorded first prompt, and answers each typed line with the next
exchange of the transcript (its echo, its output, its prompt, CRLF as the device prints them). wifiops'
real session code and real netmiko talk to it as to a device. Test infrastructure only: nothing under
wifiops/ imports it.

A transcript is text in the per-host log's own shape (wifiops/aos8/session.py `Transcript.text`), so a run's
log, a lab recording (scripts/record-transcripts) and a public capture all feed it:

    # comments, then the login: banner lines (optional) and the first prompt
    <<< (mm-1) [mynode] #
    >>> no paging
    <<< (mm-1) [mynode] #
    >>> write memory
    Configuration Saved.
    <<< (mm-1) [mynode] #
    >>> configure terminal
    <<< [NO ANSWER]

A `<<<` line keeps the prompt up to its `#`; marks after it (`[REFUSED]`, a time stamp) are the log's and
dropped. `[NO ANSWER]`: the device goes silent from that line on (it echoes nothing, as a hung one).

Strict: the lines must come in the recorded order. A line the transcript does not expect is answered as
the device answers an unknown command and kept in `unexpected`, so the code under test changing what it sends
fails its test (the fixture checks it); `exit` at the end closes the channel, as on the device.
"""

from __future__ import annotations

import re
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paramiko

CRLF = "\r\n"
INVALID = "% Invalid input detected at '^' marker."  # the device's word for a line it does not know
SILENT = "[NO ANSWER]"
_PROMPT = re.compile(r"^(?P<prompt>.*?#)(?P<marks>(?:\s+\[[^\]]*\])*)\s*$")


@dataclass(frozen=True)
class Step:
    """One line typed and what the device printed for it: output lines, then its prompt (None: silent)."""

    sent: str
    output: list[str]
    prompt: str | None


@dataclass
class Transcript:
    login: list[str]  # banner lines, then the first prompt (the last item)
    steps: list[Step]
    source: str = ""

    @classmethod
    def parse(cls, text: str, source: str = "") -> Transcript:
        login: list[str] = []
        steps: list[Step] = []
        sent: str | None = None
        output: list[str] = []
        started = False
        for line in text.splitlines():
            if not started and not login and (line.startswith("#") or not line.strip()):
                continue  # the header: what the transcript is, where it comes from
            if line.startswith(">>> "):
                sent, output = line[4:], []
                started = True
            elif line.startswith("<<< "):
                prompt = _prompt_of(line[4:], source)
                if sent is None:
                    if started or prompt is None:
                        raise ValueError(f"{source}: a prompt without a line typed before it: {line!r}")
                    login.append(prompt)
                    started = True
                else:
                    steps.append(Step(sent, output, prompt))
                    sent, output = None, []
            elif sent is not None:
                output.append(line)
            elif not started:
                login.append(line)  # a banner before the first prompt
            else:
                raise ValueError(f"{source}: output outside any exchange: {line!r}")
        if not login:
            raise ValueError(f"{source}: no first prompt (a `<<< prompt` line before the first `>>>`)")
        if sent is not None:
            raise ValueError(f"{source}: {sent!r} has no `<<<` line after its output")
        return cls(login, steps, source)

    @classmethod
    def read(cls, path: Path) -> Transcript:
        return cls.parse(path.read_text(encoding="utf-8"), str(path))

    @classmethod
    def of_capture(cls, prompt: str, command: str, output: str, source: str = "") -> Transcript:
        """A public capture (one command's output) as a device session: login, `no paging`, the command."""
        return cls([prompt], [Step("no paging", [], prompt), Step(command, output.splitlines(), prompt)], source)


def _prompt_of(text: str, source: str) -> str | None:
    if "#" not in text and SILENT in text:
        return None
    found = _PROMPT.match(text)
    if not found:
        raise ValueError(f"{source}: not a prompt: {text!r}")
    return found["prompt"]


@dataclass
class _Device:
    transcript: Transcript
    username: str
    password: str
    unexpected: list[tuple[str, str | None]] = field(default_factory=list)  # (line typed, line expected)
    answered: int = 0  # steps replayed


class ReplayServer:
    """Serves transcripts on 127.0.0.1, one port per device name. Use as a context manager."""

    def __init__(self, username: str = "admin", password: str = "replay") -> None:
        self.username, self.password = username, password
        self.key = paramiko.ECDSAKey.generate()
        self.devices: dict[str, _Device] = {}
        self.ports: dict[str, int] = {}
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._closing = threading.Event()

    def serve(self, name: str, transcript: Transcript) -> int:
        """Listen for `name` on a free port; each connection replays `transcript` from its start."""
        device = _Device(transcript, self.username, self.password)
        self.devices[name] = device
        listener = socket.create_server(("127.0.0.1", 0))
        self._sockets.append(listener)
        self.ports[name] = listener.getsockname()[1]
        self._start(self._accept, listener, device)
        return self.ports[name]

    def known_hosts_line(self, name: str) -> str:
        return f"[127.0.0.1]:{self.ports[name]} {self.key.get_name()} {self.key.get_base64()}\n"

    def write_known_hosts(self, path: Path) -> Path:
        path.write_text("".join(self.known_hosts_line(name) for name in self.ports), encoding="utf-8")
        return path

    def unexpected(self) -> dict[str, list[tuple[str, str | None]]]:
        """Per device, each line typed that its transcript did not expect there (and the one it expected)."""
        return {name: device.unexpected for name, device in self.devices.items() if device.unexpected}

    def answered(self, name: str) -> int:
        return self.devices[name].answered

    def close(self) -> None:
        self._closing.set()
        for listener in self._sockets:
            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept() (Linux)
            except OSError:
                pass
            listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> ReplayServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- SSH ---------------------------------------------------------------------------------------------
    def _start(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="wifiops-replay")
        self._threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket, device: _Device) -> None:
        while not self._closing.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as the lab and OpenSSH: no Nagle delay
            self._start(self._connection, conn, device)

    def _connection(self, conn: socket.socket, device: _Device) -> None:
        transport = paramiko.Transport(conn)
        transport.add_server_key(self.key)
        handler = _Auth(device)
        try:
            transport.start_server(server=handler)
            channel = transport.accept(20)
            if channel is None or not handler.shell.wait(20):
                return
            _Shell(device, channel, self._closing).run()
        except (EOFError, OSError, paramiko.SSHException):
            pass  # the client went away: nothing to answer
        finally:
            transport.close()


class _Auth(paramiko.ServerInterface):
    def __init__(self, device: _Device) -> None:
        self.device = device
        self.shell = threading.Event()

    def get_allowed_auths(self, username: str) -> str:
        return "password"

    def check_auth_password(self, username: str, password: str) -> int:
        good = (username, password) == (self.device.username, self.device.password)
        return paramiko.AUTH_SUCCESSFUL if good else paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_pty_request(self, *args: Any) -> bool:
        return True

    def check_channel_shell_request(self, channel: Any) -> bool:
        self.shell.set()
        return True


class _Shell:
    """One channel: the login, then each typed line answered by the next step."""

    def __init__(self, device: _Device, channel: paramiko.Channel, closing: threading.Event) -> None:
        self.device, self.channel, self.closing = device, channel, closing
        self.steps = list(device.transcript.steps)
        self.prompt = device.transcript.login[-1]
        self.buffer = ""
        self.after_cr = False  # a CR ended the last line: a LF right after it belongs to it
        self.silent = False

    def run(self) -> None:
        banner = self.device.transcript.login[:-1]
        self.channel.sendall(("".join(line + CRLF for line in banner) + CRLF + self.prompt).encode())
        while not self.closing.is_set():
            line = self._line()
            if line is None:
                return
            if self.silent:
                continue
            if not self._answer(line):
                return

    def _answer(self, line: str) -> bool:
        step = self.steps[0] if self.steps else None
        if step is None or step.sent != line:
            if line == "exit" and step is None:
                self.channel.close()
                return False
            self.device.unexpected.append((line, step.sent if step else None))
            self.channel.sendall((line + CRLF + INVALID + CRLF + self.prompt).encode())
            return True
        self.steps.pop(0)
        self.device.answered += 1
        if step.prompt is None:  # a hung device: no echo, nothing more
            self.silent = True
            return True
        self.prompt = step.prompt
        self.channel.sendall((line + CRLF + "".join(out + CRLF for out in step.output) + step.prompt).encode())
        return True

    def _line(self) -> str | None:
        """The next typed line, ended by CR, LF or CRLF (a CRLF split across reads is still one end)."""
        self.channel.settimeout(0.2)
        while True:
            if self.after_cr and self.buffer:
                self.buffer, self.after_cr = self.buffer.removeprefix("\n"), False
            ends = [i for i in (self.buffer.find("\r"), self.buffer.find("\n")) if i >= 0]
            if ends:
                end = min(ends)
                line, ender, self.buffer = self.buffer[:end], self.buffer[end], self.buffer[end + 1:]
                self.after_cr = ender == "\r"
                return line
            try:
                data = self.channel.recv(65536)
            except TimeoutError:
                if self.closing.is_set():
                    return None
                continue
            if not data:
                return None
            self.buffer += data.decode("utf-8", errors="replace")
