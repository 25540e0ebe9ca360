"""The lab as a background process: `python -m wifiops.lab.server --inventory DIR --state DIR --run-dir DIR`.

It loads the saved state and the hosts' keys from the state dir (0700; state.json and host_keys/* 0600),
serves every aruba_os host of the inventory (ssh.py), writes their known-hosts entries into the file kept
with the inventory (hostkeys.py), then writes `<run-dir>/lab.json` (where each host listens, 0600: it
names the lab credentials) and serves a control socket `<run-dir>/control.sock` (0600 in a 0700 run dir;
JSON lines, see control.py). It saves state on `down` or SIGTERM.

The lab is three parts, each in its own file: the core (core.py: estate, config DB, operational data,
faults), the SSH plumbing (ssh.py) and this process with its control socket. `LabCore`, `LabServer` and
`load_state` stay importable from here, as the test fixture and the benchmarks use them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
from pathlib import Path
from typing import Any

from wifiops.lab.core import LabCore, load_state
from wifiops.lab.estate import load_estate
from wifiops.lab.faults import FaultError
from wifiops.lab.files import PRIVATE_FILE, private_dir, write_atomically
from wifiops.lab.hostkeys import HostKeyError, host_keys, update_known_hosts
from wifiops.lab.ssh import LabServer

__all__ = ["LabCore", "LabServer", "load_state", "main", "serve"]

# the one key for every host that labs before per-host keys kept here, world-readable: no longer used
OLD_SHARED_KEY = "ssh_host_ed25519_key"


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
    private_dir(state_dir)
    (state_dir / OLD_SHARED_KEY).unlink(missing_ok=True)
    core = LabCore(estate, load_state(state_dir))
    server = LabServer(core, keys=host_keys((d.name for d in estate.devices), state_dir))
    ports = {d.name: d.port for d in estate.devices} if base_ports else {}
    await server.start(ports)
    update_known_hosts(estate.known_hosts, server.known_hosts_entries())
    private_dir(run_dir)
    stop = asyncio.Event()
    sock = run_dir / "control.sock"
    sock.unlink(missing_ok=True)
    control = await asyncio.start_unix_server(
        lambda r, w: _control(core, server, state_dir, stop, r, w), path=str(sock))
    # a socket takes its mode from the umask at bind(); in the 0700 run dir nobody else reaches it
    # before this narrows it (connecting needs write permission on the socket)
    sock.chmod(PRIVATE_FILE)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    write_atomically(run_dir / "lab.json", json.dumps({
        "pid": os.getpid(), "inventory": str(inventory), "state": str(state_dir),
        "known_hosts": str(estate.known_hosts), "hosts": _status(core, server)}, indent=2).encode("utf-8"))
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
    try:
        asyncio.run(serve(args.inventory, args.state, args.run_dir, base_ports=not args.free_ports))
    except HostKeyError as exc:
        raise SystemExit(f"wifiops lab: {exc}") from exc


if __name__ == "__main__":
    main()
