"""The lab's SSH plumbing: one asyncssh listener per device, one `Shell` per SSH channel.

Why asyncssh in one process: 50 devices start in about half a second and a test can bind port 0
(arubaos8.md §0). A device installed later (a planned MD racked) starts listening then, one retired stops. Each listener serves its host's own key (hostkeys.py); the `new-host-key` fault swaps
it for new connections. Each channel echoes what is typed, then the output, then the prompt, in that
order, late by the host's `slow` latency when it has one.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncssh

from wifiops.lab.console import serve_console
from wifiops.lab.core import LabCore
from wifiops.lab.estate import LabDeviceSpec
from wifiops.lab.faults import FaultError, HostFaults
from wifiops.lab.hostkeys import known_hosts_line, new_key
from wifiops.lab.shell import Shell

LINE_END = "\r\n"


class _Session(asyncssh.SSHServerSession):  # type: ignore[misc]
    """Bytes in, lines out. Echoes each line as it is read, as the device CLI does."""

    def __init__(self, core: LabCore, device: LabDeviceSpec, user: str) -> None:
        self.core, self.device, self.user = core, device, user
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.chan: Any = None
        self.task: asyncio.Task[None] | None = None
        self.sent = 0
        self.dropped = False
        self.buf = ""  # typed input not yet consumed (lines, or single keys at the pager)
        # answers waiting out their latency, in the order written: (when due, text)
        self.in_flight: deque[tuple[float, str]] = deque()
        self.sender: asyncio.Task[None] | None = None
        self.last_due = 0.0

    def connection_made(self, chan: Any) -> None:
        self.chan = chan

    def pty_requested(self, *args: Any) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        return False

    def session_started(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    def data_received(self, data: str, datatype: Any) -> None:
        self.queue.put_nowait(data)

    def eof_received(self) -> bool:
        self.queue.put_nowait(None)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        for task in (self.task, self.sender):
            if task is not None:
                task.cancel()

    @property
    def faults(self) -> HostFaults:
        return self.core.faults_of(self.device.name)

    # --- output --------------------------------------------------------------------------------------
    def _write(self, text: str) -> None:
        """Send `text` once the host's latency has passed. Latency is per answer, not per line, and
        answers overlap in flight as on a VPN: a 2,000-line config at 150 ms arrives 150 ms late, not
        five minutes late. Each answer leaves after the one before it (TCP keeps order), so with jitter
        a late answer holds back the ones behind it; the device never reorders echo, output and prompt."""
        delay = self.faults.latency()
        if not delay and not self.in_flight:
            self._send(text)
            return
        loop = asyncio.get_running_loop()
        self.last_due = max(loop.time() + delay, self.last_due)
        self.in_flight.append((self.last_due, text))
        if self.sender is None:
            self.sender = loop.create_task(self._send_when_due())

    async def _send_when_due(self) -> None:
        loop = asyncio.get_running_loop()
        while self.in_flight:
            due, text = self.in_flight[0]
            if due > loop.time():
                await asyncio.sleep(due - loop.time())
            self.in_flight.popleft()
            self._send(text)
        self.sender = None

    async def _drained(self) -> None:
        """Wait until every answer written has gone out (before closing the channel)."""
        if self.sender is not None:
            await self.sender

    def _send(self, text: str) -> None:
        if self.dropped:
            return
        faults = self.faults
        data = text.encode()
        if faults.drop_after is not None and self.sent + len(data) > faults.drop_after:
            keep = max(faults.drop_after - self.sent, 0)
            self.chan.write(data[:keep].decode(errors="ignore"))
            self.dropped = True
            self.chan.get_extra_info("connection").abort()
            return
        self.sent += len(data)
        self.chan.write(text)

    # --- the CLI loop --------------------------------------------------------------------------------
    async def _run(self) -> None:
        shell = Shell(self.core, self.device, self.user)
        while self.faults.hang:  # a hung device never shows its prompt
            await asyncio.sleep(0.05)
        self._write(LINE_END + shell.prompt())
        while not shell.closed:
            line = await self._next_line()
            if line is None:
                break
            hidden = shell.question is not None and shell.prompt_was_password  # a password is not echoed
            out = shell.handle(line)
            echo = ("" if hidden else line.replace("\x1a", "^Z")) + LINE_END
            if shell.closed:
                self._write(echo + "".join(o + LINE_END for o in out))
                break
            if shell.paging and len(out) > self.page_lines:
                await self._page(echo, out)
            else:
                self._write(echo + "".join(o + LINE_END for o in out))
            self._write(shell.prompt())
            if self.dropped:
                return
        await self._drained()
        self.chan.exit(0)

    async def _next_chunk(self) -> bool:
        """Wait for more input; False at end of input. Input is swallowed while the device hangs."""
        while True:
            data = await self.queue.get()
            if data is None:
                return False
            if not self.faults.hang:
                self.buf += data
                return True

    async def _next_line(self) -> str | None:
        while True:
            idx = min((i for i in (self.buf.find("\r"), self.buf.find("\n"), self.buf.find("\x1a")) if i >= 0),
                      default=-1)
            if idx >= 0:
                sep = self.buf[idx]
                line, self.buf = self.buf[:idx], self.buf[idx + 1:]
                if sep == "\r" and self.buf.startswith("\n"):
                    self.buf = self.buf[1:]
                if sep == "\x1a" and not line:
                    line = "\x1a"
                return _apply_backspaces(line)
            if not await self._next_chunk():
                return None

    async def _next_key(self) -> str | None:
        if not self.buf and not await self._next_chunk():
            return None
        key, self.buf = self.buf[0], self.buf[1:]
        if key == "\r" and self.buf.startswith("\n"):
            self.buf = self.buf[1:]
        return key

    @property
    def page_lines(self) -> int:
        return int(self.core.grammar.messages["page_lines"][0])

    async def _page(self, echo: str, out: list[str]) -> None:
        """Paging is on (no `no paging` yet): a page, then the pager prompt, until the output or `q`."""
        more = self.core.grammar.messages["more"][0]
        erase = "\r" + " " * len(more) + "\r"
        page = self.page_lines
        self._write(echo + "".join(o + LINE_END for o in out[:page]) + more)
        shown = page
        while shown < len(out) and not self.dropped:
            key = await self._next_key()
            if key is None or key in "qQ":
                self._write(erase)
                return
            step = 1 if key in "\r\n" else page
            chunk = out[shown:shown + step]
            shown += step
            self._write(erase + "".join(o + LINE_END for o in chunk) + (more if shown < len(out) else ""))


def _apply_backspaces(line: str) -> str:
    out: list[str] = []
    for ch in line:
        if ch in "\x08\x7f":
            if out:
                out.pop()
        else:
            out.append(ch)
    return "".join(out)


class _Server(asyncssh.SSHServer):  # type: ignore[misc]
    def __init__(self, core: LabCore, device: LabDeviceSpec, live: set[Any]) -> None:
        self.core, self.device, self.live = core, device, live
        self.username = ""
        self.conn: Any = None

    def connection_made(self, conn: Any) -> None:
        self.conn = conn
        if self.core.ops.is_reloading(self.device.name):  # a reloading controller answers nothing
            conn.abort()
            return
        self.live.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self.live.discard(self.conn)

    def begin_auth(self, username: str) -> bool:
        self.username = username
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        if self.core.faults_of(self.device.name).refuse_login:
            return False
        return username == self.device.username and password == self.device.password

    def session_requested(self) -> _Session:
        return _Session(self.core, self.device, self.username)


@dataclass
class Listening:
    name: str
    address: str
    port: int


class LabServer:
    """Starts one listener per device on an event loop; used by the CLI process and the test fixture.

    `keys` maps host -> its own host key (hostkeys.host_keys); a host without one gets one from `make_key`
    (by default made in memory) when it first listens. The listeners follow the core's `new-host-key` faults
    while they run. Only the devices the core has (`present_devices`) listen: a planned MD starts listening
    when installed (`install`) and one retired stops (`retire`), with its open sessions cut; each keeps its
    port while the lab runs."""

    def __init__(self, core: LabCore, *, address: str = "127.0.0.1",
                 keys: dict[str, asyncssh.SSHKey] | None = None,
                 make_key: Callable[[str], asyncssh.SSHKey] | None = None) -> None:
        self.core = core
        self.address = address
        self.make_key = make_key or (lambda _host: new_key())
        self.keys = dict(keys or {})
        for d in core.present_devices():
            self.keys.setdefault(d.name, self.make_key(d.name))
        self.other_keys: dict[str, asyncssh.SSHKey] = {}  # served instead while `new-host-key` is on
        self.acceptors: dict[str, Any] = {}  # host -> asyncssh.SSHAcceptor
        self.serving: dict[str, asyncssh.SSHKey] = {}  # host -> the key its listener serves now
        self.listening: list[Listening] = []
        self.live: dict[str, set[Any]] = {d.name: set() for d in core.estate.devices}  # open SSH connections
        self.ports: dict[str, int] = {}  # host -> the port it binds (0: a free one), then the one it bound
        self.given: set[str] = set()  # hosts whose port was given (hosts.yaml): never moved elsewhere
        self.consoles: list[Listening] = []  # each console-server line (console.py), named by its device
        self.console_acceptors: list[Any] = []

    def _key_to_serve(self, host: str) -> asyncssh.SSHKey:
        if not self.core.faults_of(host).new_host_key:
            self.other_keys.pop(host, None)  # the next `new-host-key` makes another one
            return self.keys[host]
        if host not in self.other_keys:
            self.other_keys[host] = new_key()
        return self.other_keys[host]

    def _faults_changed(self, host: str) -> None:
        acceptor = self.acceptors.get(host)
        if acceptor is None:
            return
        if self.core.ops.is_reloading(host):  # `reload`: its open sessions drop
            for conn in list(self.live[host]):
                conn.abort()
        key = self._key_to_serve(host)
        if key is not self.serving.get(host):
            acceptor.update(server_host_keys=[key])  # new connections only, as a swapped device
            self.serving[host] = key

    async def start(self, ports: dict[str, int] | None = None, consoles: dict[str, int] | None = None
                    ) -> list[Listening]:
        """`ports` maps host -> port; a missing host or port 0 binds a free port. `consoles` maps each host
        whose inventory declares a `console:` to its console line's port (0: a free one)."""
        self.ports = dict(ports or {})
        self.given = {host for host, port in self.ports.items() if port}
        self.core.fault_watchers.append(self._faults_changed)
        self.listening = list(await asyncio.gather(*(self._listen(d) for d in self.core.present_devices())))
        for d in self.core.present_devices():
            if consoles is not None and d.name in consoles:
                await self._console(d, consoles[d.name])
        return self.listening

    async def _console(self, d: LabDeviceSpec, port: int) -> None:
        name = f"{d.name}-console"
        if name not in self.keys:
            self.keys[name] = self.make_key(name)
        try:
            acceptor = await serve_console(self.core, d, _Session, self.address, port, self.keys[name])
        except OSError:
            if not port:
                raise
            # hosts.yaml's port held by another program (another lab): a free one, as the REST API's; never a
            # reason not to start (the status and an inventory copy say where it is)
            acceptor = await serve_console(self.core, d, _Session, self.address, 0, self.keys[name])
        self.console_acceptors.append(acceptor)
        self.consoles.append(Listening(d.name, self.address, acceptor.sockets[0].getsockname()[1]))

    async def _listen(self, d: LabDeviceSpec) -> Listening:
        if d.name not in self.keys:  # a device installed: its own key from now on
            self.keys[d.name] = self.make_key(d.name)
        key = self._key_to_serve(d.name)

        def serve(port: int) -> Any:
            return asyncssh.create_server(
                lambda: _Server(self.core, d, self.live[d.name]), self.address, port,
                server_host_keys=[key], encoding="utf-8", line_editor=False,
                keepalive_interval=0, login_timeout=30)
        port = self.ports.get(d.name, 0)
        try:
            acceptor = await serve(port)
        except OSError:
            if not port or d.name in self.given:
                raise
            # a free port remembered from before a retire, taken since by another program: another free one
            acceptor = await serve(0)
        self.acceptors[d.name] = acceptor
        self.serving[d.name] = key
        port = acceptor.sockets[0].getsockname()[1]
        self.ports[d.name] = port  # installed again after a retire, it listens where it did
        return Listening(d.name, self.address, port)

    def _in_order(self) -> None:
        order = {d.name: i for i, d in enumerate(self.core.estate.devices)}
        self.listening.sort(key=lambda lst: order[lst.name])

    async def install(self, host: str) -> Listening:
        """`host` racked and cabled: it listens, then joins the conductor (LabCore.install). A port it cannot
        bind is refused (FaultError) with nothing changed."""
        d = self.core.check_install(host)
        try:
            listening = await self._listen(d)
        except OSError as exc:
            raise FaultError(f"{host}: cannot listen on {self.address}:{self.ports.get(host, 0)} "
                             f"({exc.strerror or exc})") from None
        self.core.install(host)
        self.listening.append(listening)
        self._in_order()
        return listening

    async def retire(self, host: str) -> None:
        """`host` deleted from the hierarchy and unplugged (LabCore.retire): it no longer listens."""
        self.core.retire(host)
        await self._close(host)

    async def sync(self) -> list[Listening]:
        """Listen for exactly the devices the core has (after `LabCore.reset_config`)."""
        present = {d.name for d in self.core.present_devices()}
        for lst in [lst for lst in self.listening if lst.name not in present]:
            await self._close(lst.name)
        listening = {lst.name for lst in self.listening}
        self.listening += [await self._listen(d) for d in self.core.present_devices() if d.name not in listening]
        self._in_order()
        return self.listening

    async def _close(self, host: str) -> None:
        acceptor = self.acceptors.pop(host, None)
        self.serving.pop(host, None)
        self.listening = [lst for lst in self.listening if lst.name != host]
        if acceptor is None:
            return
        acceptor.close()
        for conn in list(self.live[host]):
            conn.abort()
        await acceptor.wait_closed()

    def known_hosts_entries(self) -> dict[str, str]:
        """host pattern -> known_hosts line, for each listener and the host's own key (never the key a
        `new-host-key` fault serves: a client must notice that one)."""
        entries = {}
        for lst in self.listening:
            line = known_hosts_line(lst.address, lst.port, self.keys[lst.name])
            entries[line.split(" ", 1)[0]] = line
        for lst in self.consoles:
            line = known_hosts_line(lst.address, lst.port, self.keys[f"{lst.name}-console"])
            entries[line.split(" ", 1)[0]] = line
        return entries

    async def stop(self) -> None:
        if self._faults_changed in self.core.fault_watchers:
            self.core.fault_watchers.remove(self._faults_changed)
        for acceptor in self.acceptors.values():
            acceptor.close()
        for conns in self.live.values():
            for conn in list(conns):
                conn.abort()
        for acceptor in self.console_acceptors:
            acceptor.close()
        for acceptor in [*self.acceptors.values(), *self.console_acceptors]:
            await acceptor.wait_closed()
        self.acceptors.clear()
        self.console_acceptors.clear()
        self.serving.clear()
        await asyncio.sleep(0)  # let cancelled session tasks unwind
