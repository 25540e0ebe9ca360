"""Pytest plugin: a Louvre lab served in-process on free ports.

Use with `pytest_plugins = ["wifiops.lab.testing"]`. The lab runs on an asyncio loop in a thread (no
subprocess to leak), binds port 0 for every device and writes a copy of the lab inventory whose
hosts.yaml carries the real ports, so `InitNornir` on `lab.inventory_dir` reaches it. Its hosts' keys
are made in memory for the session; their known-hosts entries are in `lab.known_hosts`, the
`known_hosts` file of that inventory copy.

The ClearPass servers of the inventory listen on HTTPS on free ports too (`lab.clearpass_ports`,
`lab.clearpass_url(host)`), their certificates signed by a CA made for the session, whose certificate is
`lab.clearpass_ca` (`clearpass-ca.pem` in the inventory copy, where the toolkit looks for it).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from wifiops.lab.clearpass.api import ClearPassServers
from wifiops.lab.clearpass.certs import LabCertificates
from wifiops.lab.estate import clearpass_ca_file, known_hosts_file, load_estate
from wifiops.lab.hostkeys import update_known_hosts
from wifiops.lab.layouts import Layout, from_env
from wifiops.lab.restapi.api import RestServers
from wifiops.lab.server import LabCore, LabServer

REPO = Path(__file__).resolve().parents[2]
LAB_INVENTORY = REPO / "inventory" / "lab"


class RunningLab:
    """Handle on a lab running in a background thread.

    `inventory_dir` is its inventory copy (the real ports), `known_hosts` the known-hosts file in it
    (every host's own key, written at start and again by `reset()`), `fingerprint(host)` the key a host
    serves now (another one while its `new-host-key` fault is on)."""

    def __init__(self, source: Path, workdir: Path) -> None:
        self.estate = load_estate(source)
        self.core = LabCore(self.estate, layout=from_env().name)  # $WIFIOPS_LAB_LAYOUT: the whole suite in one layout
        self.core.mark_pristine()
        self.server = LabServer(self.core)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="wifiops-lab", daemon=True)
        self.thread.start()
        listening = self.call(self.server.start(consoles={d.name: 0 for d in self.estate.devices
                                                          if d.console_port is not None}))
        self.ports = {l.name: l.port for l in listening}  # the SSH devices served now (not the planned ones)
        self.address = listening[0].address if listening else "127.0.0.1"
        self.workdir = workdir
        self._tls_dir = Path(tempfile.mkdtemp(prefix="wifiops-lab-tls-"))
        self.certificates = LabCertificates(self._tls_dir)
        self.clearpass = ClearPassServers(self.core.clearpass, self.certificates, self.core.faults_of)
        self.clearpass_ports: dict[str, int] = {l.name: l.port for l in self.call(self.clearpass.start())}
        self.console_ports = {c.name: c.port for c in self.server.consoles}  # each console-server line (console.py)
        self.inventory_dir = write_inventory_copy(self.estate, workdir, {**self.ports, **self.clearpass_ports},
                                                  consoles=self.console_ports)
        self.known_hosts: Path = known_hosts_file(self.inventory_dir)
        self.write_known_hosts()
        self.clearpass_ca: Path = clearpass_ca_file(self.inventory_dir)
        self.certificates.write_ca(self.clearpass_ca)
        # the REST API of every SSH device (restapi/), its certificates signed by the same CA
        self.rest = RestServers(self.core, self.certificates)
        self.rest_ports: dict[str, int] = {l.name: l.port for l in self.call(self.rest.start())}
        self.rest_ca: Path = self.clearpass_ca

    def call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def _sync(self, fn: Any, *args: Any) -> Any:
        async def run() -> Any:
            return fn(*args)
        return self.call(run())

    # --- what tests use ----------------------------------------------------------------------------
    def port(self, host: str) -> int:
        """Where `host` listens: SSH for a device, HTTPS for a ClearPass server."""
        return self.ports[host] if host in self.ports else self.clearpass_ports[host]

    @property
    def credentials(self) -> tuple[str, str]:
        d = self.estate.devices[0]
        return d.username, d.password

    def device_params(self, host: str, **extra: Any) -> dict[str, Any]:
        """Keyword arguments for netmiko's ConnectHandler."""
        user, password = self.credentials
        return {"device_type": "aruba_os", "host": self.address, "port": self.port(host),
                "username": user, "password": password, **extra}

    def fingerprint(self, host: str) -> str:
        """SHA256 fingerprint (`SHA256:...`, as ssh-keygen -l prints it) of the key `host` serves now:
        its own, or the one a `new-host-key` fault put in its place."""
        return str(self.server.serving[host].get_fingerprint("sha256"))

    def write_known_hosts(self) -> None:
        """(Re)write the lab's hosts' own keys into `known_hosts`, keeping every other line."""
        update_known_hosts(self.known_hosts, self.server.known_hosts_entries())

    # --- devices racked and taken out ------------------------------------------------------------------
    def install(self, host: str) -> int:
        """Rack and cable the MD `host` (a planned one): it listens from now on, its key in `known_hosts`, its
        port in `ports` and in the inventory copy, and it joins the conductor MM (LabCore.install). Returns
        its port."""
        listening = self.call(self.server.install(host))
        self._served()
        self._rest_served()
        return int(listening.port)

    def retire(self, host: str) -> None:
        """Delete the MD `host` from the hierarchy and stop serving it (LabCore.retire); the inventory copy
        keeps naming it where it was, as an inventory not yet updated would."""
        self.call(self.server.retire(host))
        self.ports.pop(host, None)
        self._rest_served()

    def _served(self) -> None:
        self.ports = {l.name: l.port for l in self.server.listening}
        write_inventory_copy(self.estate, self.workdir, {**self.ports, **self.clearpass_ports},
                             consoles=self.console_ports)
        self.write_known_hosts()

    def placements(self) -> dict[str, list[str]]:
        """AP group -> the MDs its APs terminate on, as the committed configuration puts them."""
        return dict(self._sync(self.core.placements))

    def fault(self, host: str, kind: str, arg: str | float | None = None) -> None:
        self._sync(self.core.set_fault, host, kind, None if arg is None else str(arg))

    def settle(self, rejoin: float | None = None, reload: float | None = None) -> None:
        """Settling times in seconds of the lab clock (0 at start, again after `reset()`): `rejoin` for an AP
        moved to other controllers, rebooted or back from a lost switch to show Up, `reload` for an MD's
        `reload` fault. The same as `fault(any host, "rejoin-delay"|"reload-delay", seconds)`."""
        if rejoin is not None:
            self.fault(self.estate.devices[0].name, "rejoin-delay", rejoin)
        if reload is not None:
            self.fault(self.estate.devices[0].name, "reload-delay", reload)

    def set_layout(self, name: str) -> None:
        """Lay configuration text out as `name` (real, flush, indent3, indent4) until `reset()`."""
        layout = Layout(name)

        async def run() -> None:
            self.core.layout = layout
        self.call(run())

    def advance(self, seconds: float) -> None:
        """Move the lab clock on (uptimes, ages, settling): what a test does instead of sleeping."""
        self._sync(self.core.clock.advance, seconds)

    def pending(self, user: str | None = None) -> dict[str, list[str]]:
        """User -> the nodes where that user has uncommitted changes (what the `^` of its prompt says)."""
        async def run() -> dict[str, list[str]]:
            return {u: sorted(n.split("@")[0] for n in nodes) for u, nodes in self.core.db.pending.items()
                    if nodes and (user is None or u == user)}
        return dict(self.call(run()))

    def committed(self, node: str) -> dict[str, Any]:
        """The committed configuration entries of `node` (a hierarchy path), as the lab keeps them."""
        return dict(self._sync(lambda: json.loads(json.dumps(self.core.db.committed.get(node, {})))))

    def received(self, host: str, since: int = 0) -> list[str]:
        """The lines `host` received (every session, in order) after sequence number `since`."""
        return [r["line"] for r in self._sync(self.core.received_lines, host, since)]

    def received_count(self, host: str) -> int:
        """How many lines `host` has received so far: pass it as `since` to see what comes next."""
        return int(self._sync(self.core.received_count, host))

    def _rest_served(self) -> None:
        """The REST listeners follow the devices there (an install, a retire, a reset)."""
        self.rest_ports = {l.name: l.port for l in self.call(self.rest.sync())}

    # --- REST API of the ArubaOS devices -----------------------------------------------------------
    def rest_url(self, host: str) -> str:
        """The base URL of a device's REST API: https://127.0.0.1:PORT (then /v1/api/login...)."""
        return f"https://{self.address}:{self.rest_ports[host]}"

    def rest_sessions(self, host: str) -> int:
        """How many API sessions `host` holds now."""
        return int(self._sync(self.rest.sessions.count, host))

    # --- ClearPass ---------------------------------------------------------------------------------
    def clearpass_url(self, host: str) -> str:
        """The base URL of a ClearPass server's REST API: https://127.0.0.1:PORT/api."""
        return f"https://{self.address}:{self.clearpass_ports[host]}/api"

    @property
    def clearpass_credentials(self) -> tuple[str, str]:
        """(client_id, client_secret) of the API client every lab ClearPass server knows (secrets.yaml)."""
        return self.core.clearpass.client_id, self.core.clearpass.client_secret

    def clearpass_stored(self, host: str) -> list[dict[str, Any]]:
        """The network devices of `host`'s cluster as the server keeps them, secrets included (what the API
        never answers): to see that a client wrote a secret, or that nothing changed."""
        async def run() -> Any:
            lab = self.core.clearpass
            return [dict(d) for d in lab.clusters[lab.cluster_of[host]].devices.values()]
        return list(self.call(run()))

    def set_token_lifetime(self, seconds: int) -> None:
        """`expires_in` of the tokens given from now on (ClearPass's default: 28800); `reset()` restores it."""
        async def run() -> None:
            self.core.clearpass.token_lifetime = int(seconds)
        self.call(run())

    def expire_tokens(self, host: str | None = None) -> None:
        """End the tokens already given (by `host`, or by every server), as their lifetime running out would."""
        self._sync(self.core.clearpass.expire_tokens, host)

    def tokens_issued(self, host: str) -> int:
        """How many tokens `host` has given so far."""
        return int(self._sync(lambda: self.core.clearpass.issued[host]))

    def unauthorized(self, host: str) -> int:
        """How many calls `host` has answered 401 so far."""
        return int(self._sync(lambda: self.core.clearpass.refused[host]))

    def clear(self, host: str) -> None:
        self._sync(self.core.set_fault, host, "clear")

    def clear_all(self) -> None:
        self._sync(self.core.clear_all)

    def reset(self) -> None:
        """Configuration and ClearPass network devices back to the seed, the devices served as at start (an MD
        installed since taken out, one retired back), ClearPass tokens' default lifetime, faults off,
        `known_hosts` naming the hosts' own keys again (a test may have recorded a `new-host-key` there),
        between tests."""
        self._sync(self.core.reset_config)
        self._sync(self.rest.sessions.by_host.clear)
        before = dict(self.ports)
        self.call(self.server.sync())
        self._rest_served()
        self.clear_all()
        if {l.name: l.port for l in self.server.listening} != before:
            self._served()
        else:
            self.write_known_hosts()

    def close(self) -> None:
        self.call(self.rest.stop())
        self.call(self.clearpass.stop())
        self.call(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        shutil.rmtree(self._tls_dir, ignore_errors=True)


def write_inventory_copy(estate: Any, workdir: Path, ports: dict[str, int],
                         consoles: dict[str, int] | None = None) -> Path:
    """A self-contained inventory dir (no `..` paths) whose lab hosts (and their consoles) point at the real
    ports."""
    workdir.mkdir(parents=True, exist_ok=True)
    files = estate.files
    hosts = yaml.safe_load(files["hosts"].read_text(encoding="utf-8")) or {}
    for name, port in ports.items():
        hosts[name]["hostname"] = "127.0.0.1"
        hosts[name]["port"] = port
    for name, port in (consoles or {}).items():
        hosts[name].setdefault("data", {})["console"] = {"host": "127.0.0.1", "port": port}
    (workdir / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False), encoding="utf-8")
    manifest = {"hosts": "hosts.yaml"}
    for role in ("groups", "defaults", "aps", "secrets"):
        if role in files:
            shutil.copyfile(files[role], workdir / f"{role}.yaml")
            manifest[role] = f"{role}.yaml"
    (workdir / "inventory.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    return workdir


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningLab]:
    running = RunningLab(LAB_INVENTORY, tmp_path_factory.mktemp("lab-inventory"))
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def fresh_lab(lab: RunningLab) -> Iterator[RunningLab]:
    """The session lab with its seed configuration and no faults, reset again afterwards."""
    lab.reset()
    try:
        yield lab
    finally:
        lab.reset()
