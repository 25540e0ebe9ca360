"""The lab's SSH face: one asyncssh server process, one listening port per device.

Why asyncssh in one process: 50 devices start in about half a second and a test can bind port 0
(arubaos8.md §0). Each SSH channel gets its own `Shell`; all MMs share one `ConfigDB` (the conductor's;
standby MMs are synced copies) and every device reads the same operational state.

Run as `python -m wifiops.lab.server --inventory DIR --state DIR --run-dir DIR`: it writes
`<run-dir>/lab.json` (where each host listens) once every port accepts, serves a control socket
`<run-dir>/control.sock` (JSON lines, see control.py) and saves state on `down` or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh

from wifiops.lab.configdb import ConfigDB, MYNODE, build_db, chain_of, local_node
from wifiops.lab.estate import Estate, LabDeviceSpec, load_estate
from wifiops.lab.faults import FaultError, HostFaults
from wifiops.lab.grammar import load_grammar
from wifiops.lab.shell import LAB_VERSION, Shell

from wifiops.lab import shows
from wifiops.lab.opdata import LabAp, LabDevice, LabSsid, Operations

STATE_FILE = "state.json"
HOST_KEY_FILE = "ssh_host_ed25519_key"
LINE_END = "\r\n"


class LabCore:
    """Everything the sessions share: estate, grammar, config DB, operational data, faults."""

    def __init__(self, estate: Estate, state: dict[str, Any] | None = None) -> None:
        self.estate = estate
        self.grammar = load_grammar()
        state = state or {}
        self.db = ConfigDB.from_dict(state["db"], self.grammar) if "db" in state else build_db(estate, self.grammar)
        self._pristine: dict[str, Any] | None = None
        self.faults: dict[str, HostFaults] = {d.name: HostFaults() for d in estate.devices}
        for name, f in (state.get("faults") or {}).items():
            if name in self.faults:
                self.faults[name] = HostFaults.from_dict(f)
        self.ops: Operations = Operations.from_dict(state["ops"]) if "ops" in state else self._build_ops()
        self._sync_down_groups()

    def _build_ops(self) -> Operations:
        e = self.estate
        devices = [self.lab_device(d) for d in e.devices]
        aps = [LabAp(name=a["name"], model=a["model"], mac=a["mac"], serial=a.get("serial", ""),
                     ap_group=a["ap_group"], site=a.get("site", ""), zone=a.get("zone", ""),
                     priority=bool(a.get("priority"))) for a in e.aps]
        ssids = [LabSsid(name=s["name"], profile=s["profile"], opmode=s["opmode"], vlan=int(s["vlan"]))
                 for s in e.intent("ssids")]
        return Operations.build(devices, aps, ssids, {g.name: list(g.ssids) for g in e.ap_groups})

    def lab_device(self, d: LabDeviceSpec) -> LabDevice:
        return LabDevice(name=d.name, role=d.role, model=d.model, mac=d.mac, mgmt_ip=d.mgmt_ip, version=LAB_VERSION)

    def _sync_down_groups(self) -> None:
        self.ops.down_groups = {g for f in self.faults.values() for g in f.ap_groups_down}

    def on_commit(self) -> None:
        """After `write memory`: what the APs broadcast follows the committed config (SSIDs, opmodes,
        AP group virtual APs), so operational shows see a pushed change."""
        md = next((d for d in self.estate.devices if d.role == "md"), None)
        if md is None:
            return
        cfg = self.db.effective(self.device_chain(md))
        blocks = {(e["kind"], e["name"]): e for e in cfg.values() if e.get("kind")}

        def value(entry: dict[str, Any] | None, cmd: str) -> str | None:
            for line in (entry or {}).get("lines") or []:
                if line["cmd"] == cmd:
                    return line["parts"][-1][0]
            return None

        ssids: dict[str, Any] = {}
        vap_essid: dict[str, str] = {}
        for (kind, name), vap in blocks.items():
            if kind != "virtual-ap":
                continue
            profile = value(vap, "ssid-profile")
            ssid_profile = blocks.get(("ssid-profile", profile or ""))
            essid = value(ssid_profile, "essid")
            if not profile or not essid:
                continue
            vlan = value(vap, "vlan") or "1"
            vap_essid[name] = essid
            ssids.setdefault(essid, LabSsid(name=essid, profile=profile,
                                            opmode=value(ssid_profile, "opmode") or "opensystem",
                                            vlan=int(vlan) if vlan.isdigit() else 1))
        self.ops.ssids = list(ssids.values())
        self.ops.ap_group_ssids = {
            name: [vap_essid[v] for v in (l["parts"][-1][0] for l in grp["lines"] if l["cmd"] == "virtual-ap")
                   if v in vap_essid]
            for (kind, name), grp in blocks.items() if kind == "ap-group"}

    # --- queries used by Shell ---------------------------------------------------------------------
    def device_chain(self, d: LabDeviceSpec) -> list[str]:
        if d.role == "mm":
            return self.db.storage_chain(MYNODE, d.name)
        return [local_node(d.name)] + chain_of(d.config_path)

    def hostname(self, d: LabDeviceSpec) -> str:
        """Committed hostname: a pending `hostname` shows only after `write memory` (netmiko#1252)."""
        for stored in reversed(self.device_chain(d)):
            entry = self.db.committed.get(stored, {}).get("hostname")
            if entry:
                return entry["parts"][-1][0]
        return d.name

    def md_alias(self, name: str) -> str | None:
        for d in self.estate.devices:
            if d.role == "md" and name in (d.name, self.hostname(d), d.mac):
                return d.config_path
        return None

    def faults_of(self, host: str) -> HostFaults:
        return self.faults[host]

    def render_show(self, d: LabDeviceSpec, command: str) -> str | None:
        return shows.render_show(self.ops, self.lab_device(d), command)

    # --- faults ------------------------------------------------------------------------------------
    def set_fault(self, host: str, kind: str, arg: str | None = None) -> None:
        if host not in self.faults:
            raise FaultError(f"unknown host {host!r}; lab hosts: {', '.join(self.faults)}")
        if kind == "clear":
            self.faults[host] = HostFaults()
        else:
            self.faults[host].set(kind, arg)
        self._sync_down_groups()

    def clear_all(self) -> None:
        for host in self.faults:
            self.faults[host] = HostFaults()
        self._sync_down_groups()

    # --- state -------------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {"db": self.db.to_dict(), "faults": {h: f.to_dict() for h, f in self.faults.items()},
                "ops": self.ops.to_dict()}

    def save(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        tmp = state_dir / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps(self.snapshot()), encoding="utf-8")
        tmp.replace(state_dir / STATE_FILE)

    def mark_pristine(self) -> None:
        self._pristine = json.loads(json.dumps(self.db.to_dict()))

    def reset_config(self) -> None:
        """Back to the configuration as the lab started (tests call this between cases)."""
        if self._pristine is not None:
            self.db = ConfigDB.from_dict(json.loads(json.dumps(self._pristine)), self.grammar)


def load_state(state_dir: Path | None) -> dict[str, Any]:
    if state_dir and (state_dir / STATE_FILE).exists():
        return json.loads((state_dir / STATE_FILE).read_text(encoding="utf-8"))
    return {}


def host_key(state_dir: Path | None) -> asyncssh.SSHKey:
    """Keep one ed25519 key per state dir so clients' known_hosts stay valid across restarts."""
    if state_dir is None:
        return asyncssh.generate_private_key("ssh-ed25519")
    path = state_dir / HOST_KEY_FILE
    if path.exists():
        return asyncssh.read_private_key(str(path))
    state_dir.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519")
    key.write_private_key(str(path))
    return key


# --- SSH plumbing ------------------------------------------------------------------------------------

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
        if self.task is not None:
            self.task.cancel()

    @property
    def faults(self) -> HostFaults:
        return self.core.faults_of(self.device.name)

    async def _write(self, text: str) -> None:
        if self.dropped:
            return
        faults = self.faults
        if faults.slow_ms:
            # latency per output line, paid before the response: a loaded controller answers late,
            # it does not trickle its prompt (which would also desync netmiko's prompt discovery)
            await asyncio.sleep(faults.slow_ms * (text.count(LINE_END) + 1) / 1000)
        for chunk in [text]:
            if faults.drop_after is not None and self.sent + len(chunk.encode()) > faults.drop_after:
                keep = max(faults.drop_after - self.sent, 0)
                self.chan.write(chunk.encode()[:keep].decode(errors="ignore"))
                self.dropped = True
                self.chan.get_extra_info("connection").abort()
                return
            self.sent += len(chunk.encode())
            self.chan.write(chunk)

    async def _run(self) -> None:
        shell = Shell(self.core, self.device, self.user)
        while self.faults.hang:  # a hung device never shows its prompt
            await asyncio.sleep(0.05)
        await self._write(LINE_END + shell.prompt())
        while not shell.closed:
            line = await self._next_line()
            if line is None:
                break
            out = shell.handle(line)
            echo = line.replace("\x1a", "^Z") + LINE_END
            if shell.closed:
                await self._write(echo + "".join(o + LINE_END for o in out))
                break
            if shell.paging and len(out) > self.page_lines:
                await self._page(echo, out)
            else:
                await self._write(echo + "".join(o + LINE_END for o in out))
            await self._write(shell.prompt())
            if self.dropped:
                return
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
        await self._write(echo + "".join(o + LINE_END for o in out[:page]) + more)
        shown = page
        while shown < len(out) and not self.dropped:
            key = await self._next_key()
            if key is None or key in "qQ":
                await self._write(erase)
                return
            step = 1 if key in "\r\n" else page
            chunk = out[shown:shown + step]
            shown += step
            await self._write(erase + "".join(o + LINE_END for o in chunk) + (more if shown < len(out) else ""))

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
    """Starts one listener per device on an event loop; used by the CLI process and the test fixture."""

    def __init__(self, core: LabCore, *, address: str = "127.0.0.1", key: asyncssh.SSHKey | None = None) -> None:
        self.core = core
        self.address = address
        self.key = key or asyncssh.generate_private_key("ssh-ed25519")
        self.servers: list[Any] = []
        self.listening: list[Listening] = []
        self.live: set[Any] = set()  # open SSH connections, closed on stop

    async def start(self, ports: dict[str, int] | None = None) -> list[Listening]:
        """`ports` maps host -> port; a missing host or port 0 binds a free port."""
        ports = ports or {}

        async def one(d: LabDeviceSpec) -> Listening:
            server = await asyncssh.create_server(
                lambda: _Server(self.core, d, self.live), self.address, ports.get(d.name, 0),
                server_host_keys=[self.key], encoding="utf-8", line_editor=False,
                keepalive_interval=0, login_timeout=30)
            self.servers.append(server)
            port = server.sockets[0].getsockname()[1]
            return Listening(d.name, self.address, port)

        self.listening = list(await asyncio.gather(*(one(d) for d in self.core.estate.devices)))
        return self.listening

    async def stop(self) -> None:
        for server in self.servers:
            server.close()
        for conn in list(self.live):
            conn.abort()
        for server in self.servers:
            await server.wait_closed()
        self.servers.clear()
        await asyncio.sleep(0)  # let cancelled session tasks unwind


# --- the background process --------------------------------------------------------------------------

async def _control(core: LabCore, server: LabServer, state_dir: Path, stop: asyncio.Event,
                   reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """One JSON request per line: status | fault | clear | save | down."""
    try:
        while line := await reader.readline():
            req = json.loads(line)
            op = req.get("op")
            reply: dict[str, Any] = {"ok": True}
            try:
                if op == "status":
                    reply["hosts"] = _status(core, server)
                elif op == "fault":
                    core.set_fault(req["host"], req["kind"], req.get("arg"))
                elif op == "clear":
                    core.set_fault(req["host"], "clear")
                elif op == "save":
                    core.save(state_dir)
                elif op == "down":
                    core.save(state_dir)
                    stop.set()
                else:
                    reply = {"ok": False, "error": f"unknown op {op!r}"}
            except FaultError as exc:
                reply = {"ok": False, "error": str(exc)}
            writer.write((json.dumps(reply) + "\n").encode())
            await writer.drain()
    finally:
        writer.close()


def _status(core: LabCore, server: LabServer) -> list[dict[str, Any]]:
    by_name = {d.name: d for d in core.estate.devices}
    return [{"name": l.name, "address": l.address, "port": l.port, "username": by_name[l.name].username,
             "password": by_name[l.name].password, "role": by_name[l.name].role,
             "faults": core.faults[l.name].active()} for l in server.listening]


async def serve(inventory: Path, state_dir: Path, run_dir: Path, *, base_ports: bool = True) -> None:
    estate = load_estate(inventory)
    core = LabCore(estate, load_state(state_dir))
    server = LabServer(core, key=host_key(state_dir))
    ports = {d.name: d.port for d in estate.devices} if base_ports else {}
    await server.start(ports)
    run_dir.mkdir(parents=True, exist_ok=True)
    stop = asyncio.Event()
    sock = run_dir / "control.sock"
    if sock.exists():
        sock.unlink()
    control = await asyncio.start_unix_server(
        lambda r, w: _control(core, server, state_dir, stop, r, w), path=str(sock))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    (run_dir / "lab.json").write_text(json.dumps({
        "pid": os.getpid(), "inventory": str(inventory), "state": str(state_dir),
        "hosts": _status(core, server)}, indent=2), encoding="utf-8")
    await stop.wait()
    core.save(state_dir)
    control.close()
    await server.stop()
    for f in ("control.sock", "lab.json"):
        (run_dir / f).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m wifiops.lab.server")
    p.add_argument("--inventory", type=Path, required=True)
    p.add_argument("--state", type=Path, required=True)
    p.add_argument("--run-dir", type=Path, required=True)
    p.add_argument("--free-ports", action="store_true", help="bind free ports instead of hosts.yaml's")
    args = p.parse_args(argv)
    asyncio.run(serve(args.inventory, args.state, args.run_dir, base_ports=not args.free_ports))


if __name__ == "__main__":
    main()
