"""The lab as a background process: `python -m wifiops.lab.server --inventory DIR --state DIR --run-dir DIR`.

It loads the saved state and the hosts' keys from the state dir (0700; state.json and host_keys/* 0600),
serves every aruba_os host of the inventory but the planned ones (ssh.py; `install` and `retire` on the
control socket rack one and take one out) and every clearpass host on HTTPS (clearpass/api.py,
with certificates signed by the lab's CA, kept in `<state>/clearpass_tls/`), writes their known-hosts
entries into the file kept with the inventory (hostkeys.py) and the CA certificate beside it
(`clearpass-ca.pem`, or the manifest's `clearpass_ca`), then writes `<run-dir>/lab.json` (where each host
listens, 0600: it names the lab credentials) and serves a control socket `<run-dir>/control.sock` (0600 in
a 0700 run dir; JSON lines, see control.py). It saves state on `down` or SIGTERM.

A port of hosts.yaml that something else holds (another lab, in another clone or another engineer's, on
the same host) stops the start with a message naming the hosts and ports, never a traceback. With
`--free-ports` the hosts listen where the system puts them, so hosts.yaml no longer says where they are:
the lab then writes an inventory copy with the real ports, and its known_hosts, under the run dir
(`<run-dir>/inventory`, named in lab.json as `inventory_copy`, with its ClearPass CA file), for the
toolkit's `--inventory`.

The lab is three parts, each in its own file: the core (core.py: estate, config DB, operational data,
faults), the SSH plumbing (ssh.py) and this process with its control socket. `LabCore`, `LabServer` and
`load_state` stay importable from here, as the test fixture and the benchmarks use them.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import shutil
import signal
import socket
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from wifiops.lab.clearpass.api import ClearPassServers
from wifiops.lab.clearpass.certs import LabCertificates
from wifiops.lab.control import START_ERROR_PREFIX
from wifiops.lab.core import REALISTIC_RELOAD_S, REALISTIC_REJOIN_S, LabCore, load_state
from wifiops.lab.bastion import LabBastion
from wifiops.lab.estate import clearpass_ca_file, known_hosts_file, load_estate, write_inventory_copy
from wifiops.lab.faults import FaultError
from wifiops.lab.files import PRIVATE_FILE, private_dir, write_atomically
from wifiops.lab.hostkeys import HostKeyError, host_keys, update_known_hosts
from wifiops.lab.restapi.api import RestServers
from wifiops.lab.ssh import LabServer

__all__ = ["LabCore", "LabServer", "load_state", "main", "serve"]

# the one key for every host that labs before per-host keys kept here, world-readable: no longer used
OLD_SHARED_KEY = "ssh_host_ed25519_key"
INVENTORY_COPY = "inventory"  # under the run dir, with `--free-ports`
BASTION = "bastion"  # its key file in the state dir
ADDRESS = "127.0.0.1"  # where every host listens
# the REST API of a device (restapi/) listens at its SSH port + this with hosts.yaml's ports (22201 -> 43201,
# a nod to the real 4343) when that port is free, else where the system puts it: never a reason not to
# start. lab.json's `rest` says where, with --free-ports too
REST_PORT_OFFSET = 21000


class PortsTaken(Exception):
    """Ports of hosts.yaml the lab cannot listen on; the message says which and what to do."""

    def __init__(self, address: str, taken: dict[str, tuple[int, str]]) -> None:
        self.taken = taken
        where = ", ".join(f"{name} {address}:{port} ({why})" for name, (port, why) in taken.items())
        super().__init__(
            f"cannot listen for {where}. Another lab (from another clone, or another engineer's on this "
            f"host) or another program holds them: `ss -ltnp` shows which. Stop it, or start this lab on "
            f"free ports with `wifiops lab up --free-ports` (it then prints the inventory to use).")


def unavailable_ports(address: str, ports: dict[str, int]) -> dict[str, tuple[int, str]]:
    """host -> (port, reason) for each port that cannot be bound now (in use, not permitted), tried as
    asyncio binds its listeners (SO_REUSEADDR: a port left in TIME_WAIT is free)."""
    unavailable = {}
    for name, port in ports.items():
        if not port:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((address, port))
            except OSError as exc:
                why = "in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc)).lower()
                unavailable[name] = (port, why)
    return unavailable


async def _control(core: LabCore, server: LabServer, clearpass: ClearPassServers, state_dir: Path,
                   stop: asyncio.Event, publish: Callable[[], None], reader: asyncio.StreamReader,
                   writer: asyncio.StreamWriter, rest: RestServers | None = None) -> None:
    """One JSON request per line: status | fault | clear | install | retire | received | save | down."""
    try:
        while line := await reader.readline():
            req = json.loads(line)
            op = req.get("op")
            reply: dict[str, Any] = {"ok": True}
            try:
                if op == "status":
                    reply["hosts"] = _status(core, server, clearpass)
                elif op in ("install", "retire"):
                    if op == "install":
                        await server.install(req["host"])
                    else:
                        await server.retire(req["host"])
                    if rest is not None:  # its REST API follows: listening once racked, gone once retired
                        await rest.sync()
                    publish()  # its key in known_hosts (a retired host's line stays), lab.json, the copy
                    reply["hosts"] = _status(core, server, clearpass)
                elif op == "fault":
                    core.set_fault(req["host"], req["kind"], req.get("arg"))
                elif op == "clear":
                    core.set_fault(req["host"], "clear")
                elif op == "received":
                    reply["lines"] = core.received_lines(req["host"], int(req.get("since") or 0))
                elif op == "save":
                    core.save(state_dir)
                elif op == "down":
                    core.save(state_dir)
                    stop.set()
                else:
                    reply = {"ok": False, "error": f"unknown op {op!r}"}
            except (FaultError, HostKeyError, KeyError, ValueError) as exc:
                reply = {"ok": False, "error": str(exc)}
            writer.write((json.dumps(reply) + "\n").encode())
            await writer.drain()
    finally:
        writer.close()


def _status(core: LabCore, server: LabServer, clearpass: ClearPassServers) -> list[dict[str, Any]]:
    """Where each host listens, and the credentials it takes (for a ClearPass server: its API client)."""
    by_name = {d.name: d for d in core.estate.devices}
    api = core.clearpass
    return [{"name": l.name, "address": l.address, "port": l.port, "username": by_name[l.name].username,
             "password": by_name[l.name].password, "role": by_name[l.name].role, "protocol": "ssh",
             "faults": core.faults[l.name].active() + _lab_wide(core, l.name)} for l in server.listening] + [
            {"name": l.name, "address": l.address, "port": l.port, "username": api.client_id,
             "password": api.client_secret, "role": "clearpass", "protocol": "https",
             "faults": core.faults[l.name].active()} for l in clearpass.listening]


def _lab_wide(core: LabCore, host: str) -> list[str]:
    """Shown on the conductor's row: the settling settings; on a reloading MD's row: `reloading`."""
    d = core.estate.device(host)
    return (core.settings() + [f"config-layout {core.layout.name}"] if d.role == "mm" and d.conductor else []) + (
        ["reloading"] if core.ops.is_reloading(host) else [])


async def serve(inventory: Path, state_dir: Path, run_dir: Path, *, base_ports: bool = True,
                rejoin_delay: float | None = None, reload_delay: float | None = None,
                layout: str | None = None) -> None:
    """Serve the lab until `down`. The settling delays: as given, else as the saved state had them, else
    realistic (REALISTIC_REJOIN_S, REALISTIC_RELOAD_S) on a fresh state."""
    estate = load_estate(inventory)
    ports = ({d.name: d.port for d in estate.devices} | {c.name: c.port for c in estate.clearpass}
             if base_ports else {})
    # the bastion listens just below the lowest device port of hosts.yaml (22200 for the shipped lab)
    bastion_port = min(ports.values()) - 1 if base_ports and ports else 0
    taken = unavailable_ports(ADDRESS, {**ports, BASTION: bastion_port} if bastion_port else ports)  # before the estate's operational data is built (a second)
    if taken:
        raise PortsTaken(ADDRESS, taken)
    private_dir(state_dir)
    (state_dir / OLD_SHARED_KEY).unlink(missing_ok=True)
    state = load_state(state_dir)
    fresh = "ops" not in state
    login = (state.get("twin") or {}).get("login")
    if login:  # a twin (twin.py): its fixed lab credential, never the login of the inventory it was given
        estate.devices = [replace(d, username=login.get("username") or d.username, password=str(login["password"]))
                          for d in estate.devices]
    core = LabCore(estate, state,
                   rejoin_delay=REALISTIC_REJOIN_S if rejoin_delay is None and fresh else rejoin_delay,
                   reload_delay=REALISTIC_RELOAD_S if reload_delay is None and fresh else reload_delay,
                   layout=layout)
    # keys of the hosts served now; an MD installed later gets its own then, kept in the state dir too
    server = LabServer(core, address=ADDRESS, keys=host_keys((d.name for d in core.present_devices()), state_dir),
                       make_key=lambda host: host_keys([host], state_dir)[host])
    # each console-server line the inventory declares (console.py): its port, or a free one with --free-ports
    await server.start(ports, {d.name: (d.console_port or 0) if base_ports else 0
                               for d in estate.devices if d.console_port is not None})
    certificates = LabCertificates(state_dir)
    clearpass = ClearPassServers(core.clearpass, certificates, core.faults_of, address=ADDRESS)
    await clearpass.start(ports)
    rest_ports = {d.name: d.port + REST_PORT_OFFSET for d in estate.devices
                  if base_ports and d.port and d.port + REST_PORT_OFFSET < 65536}
    busy = unavailable_ports(ADDRESS, rest_ports)
    rest = RestServers(core, certificates, address=ADDRESS)  # same CA as ClearPass: clearpass-ca.pem verifies both
    await rest.start({name: port for name, port in rest_ports.items() if name not in busy})
    # the bastion: an SSH gateway that only forwards to the devices served (issue 17), its key kept in the state
    bastion = LabBastion(set(), address=ADDRESS, key=host_keys([BASTION], state_dir)[BASTION])
    await bastion.start(bastion_port)
    private_dir(run_dir)
    copy = run_dir / INVENTORY_COPY
    shutil.rmtree(copy, ignore_errors=True)  # a copy left by an earlier run names its ports and keys
    if base_ports:
        known_hosts, ca_file = estate.known_hosts, estate.clearpass_ca
    else:  # hosts.yaml's ports are not where the hosts listen: a copy that says where they do
        known_hosts, ca_file = known_hosts_file(copy), clearpass_ca_file(copy)

    def publish() -> None:
        """Where the hosts listen, for the toolkit: the inventory copy (free ports), their keys, lab.json."""
        if not base_ports:
            write_inventory_copy(estate, copy, {l.name: l.port for l in server.listening + clearpass.listening},
                                 server.address, {c.name: c.port for c in server.consoles})
        bastion.allowed = {(ADDRESS, l.port) for l in server.listening}  # installed hosts too
        update_known_hosts(known_hosts, {**server.known_hosts_entries(), **bastion.known_hosts_entry()})
        if (run_dir / "lab.json").exists():
            _write_info(run_dir, core, server, clearpass, inventory, state_dir, known_hosts,
                        "" if base_ports else str(copy), str(ca_file) if estate.clearpass and ca_file else "",
                        bastion, rest)

    publish()
    if estate.clearpass and ca_file is not None:
        certificates.write_ca(ca_file)
    stop = asyncio.Event()
    sock = run_dir / "control.sock"
    sock.unlink(missing_ok=True)
    control = await asyncio.start_unix_server(
        lambda r, w: _control(core, server, clearpass, state_dir, stop, publish, r, w, rest), path=str(sock))
    # a socket takes its mode from the umask at bind(); in the 0700 run dir nobody else reaches it
    # before this narrows it (connecting needs write permission on the socket)
    sock.chmod(PRIVATE_FILE)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    _write_info(run_dir, core, server, clearpass, inventory, state_dir, known_hosts, "" if base_ports else str(copy),
                str(ca_file) if estate.clearpass and ca_file else "", bastion, rest)
    await stop.wait()
    core.save(state_dir)
    control.close()
    await rest.stop()
    await clearpass.stop()
    await bastion.stop()
    await server.stop()
    for f in ("control.sock", "lab.json"):
        (run_dir / f).unlink(missing_ok=True)
    shutil.rmtree(copy, ignore_errors=True)  # its ports are closed now


def _write_info(run_dir: Path, core: LabCore, server: LabServer, clearpass: ClearPassServers, inventory: Path,
                state_dir: Path, known_hosts: Path, inventory_copy: str, clearpass_ca: str,
                bastion: LabBastion, rest: RestServers | None = None) -> None:
    """lab.json: written once every port accepts, again when a host is installed or retired."""
    write_atomically(run_dir / "lab.json", json.dumps({
        "pid": os.getpid(), "inventory": str(inventory), "state": str(state_dir),
        "known_hosts": str(known_hosts), "inventory_copy": inventory_copy, "clearpass_ca": clearpass_ca,
        "bastion": {"address": bastion.address, "port": bastion.port, "username": bastion.username,
                    "password": bastion.password},
        "hosts": _status(core, server, clearpass),
        # the REST API of each device (docs/rest-api.md), verified with the `clearpass_ca` file
        "rest": [{"name": l.name, "address": l.address, "port": l.port} for l in (rest.listening if rest else [])],
        # each console-server line (console.py, docs/upgrade.md)
        "consoles": [{"name": l.name, "address": l.address, "port": l.port} for l in server.consoles],
    }, indent=2).encode("utf-8"))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m wifiops.lab.server")
    p.add_argument("--inventory", type=Path, required=True)
    p.add_argument("--state", type=Path, required=True)
    p.add_argument("--run-dir", type=Path, required=True)
    p.add_argument("--free-ports", action="store_true", help="bind free ports instead of hosts.yaml's")
    p.add_argument("--rejoin-delay", type=float, default=None, help="seconds an AP takes to come back Up")
    p.add_argument("--reload-delay", type=float, default=None, help="seconds a controller reload takes")
    p.add_argument("--config-layout", default=None, help="real | flush | indent3 | indent4 (layouts.py)")
    args = p.parse_args(argv)
    try:
        asyncio.run(serve(args.inventory, args.state, args.run_dir, base_ports=not args.free_ports,
                          rejoin_delay=args.rejoin_delay, reload_delay=args.reload_delay,
                          layout=args.config_layout))
    except (HostKeyError, PortsTaken, FaultError) as exc:
        raise SystemExit(f"{START_ERROR_PREFIX}{exc}") from exc


if __name__ == "__main__":
    main()
