"""The estate one command works on, opened once and passed down: the one way the engine gets at the inventory.

`Estate.open(settings, inventory)` resolves the inventory's folder and nothing else; each part (the Nornir
object, the managed hosts, the conductor, the secrets store, known_hosts, the inventory's files) is built the
first time a verb asks for it and kept for the rest of the command, so a playbook run or a verb that reads the
estate three times loads and validates it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions, Host

from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.aos8.hostkeys import KnownHosts, KnownHostsError
from wifiops.aos8.jump import Jump
from wifiops.inventory.store import inventory_store
from wifiops.credentials import device_username, jump_for, run_password_command
from wifiops.errors import WifiopsError
from wifiops.inventory.files import KNOWN_HOSTS, InventoryFiles, locate
from wifiops.inventory.filters import MANAGED, PLANNED  # noqa: F401  (PLANNED: re-exported for the engine)
from wifiops.secrets import SecretStore
from wifiops.settings import TIMEOUT_MAX, Settings


@dataclass(frozen=True, eq=False)
class Estate:
    """What one command works on; each part opened at most once, when first asked for."""

    settings: Settings
    directory: Path  # the inventory's folder
    workers: int | None = None  # Nornir's threads, when a verb wants other than the settings' number

    @classmethod
    def open(cls, settings: Settings, inventory: Path | None = None, *, workers: int | None = None) -> Estate:
        """The estate of `inventory` (--inventory), else the configured one; nothing is read yet."""
        return cls(settings, settings.inventory_dir(inventory), workers)

    @cached_property
    def files(self) -> InventoryFiles | None:
        """The inventory's files as its manifest names them (None: a plain folder of the Nornir files)."""
        return locate(self.directory)[0]

    @cached_property
    def nornir(self) -> Nornir:
        """Every host of the inventory (the APs and planned hosts too), loaded and validated once."""
        return self.fresh()

    def fresh(self) -> Nornir:
        """A Nornir object of its own, for a verb that changes the intent in memory (an apply's overrides, a
        runbook step's target opmode): the command's shared one is never changed behind the next verb."""
        return open_nornir(self)

    @property
    def managed(self) -> Nornir:
        """The hosts wifiops reaches: MMs and MDs in service."""
        return self.nornir.filter(MANAGED)

    @cached_property
    def conductor(self) -> Host:
        """The MM that holds the configuration hierarchy (`conductor: true`; the first by name if several)."""
        return conductor_of(self.nornir)

    @cached_property
    def store(self) -> SecretStore:
        """The store every verb scrubs with: the inventory's (lab) or the user's secrets, and the platform's
        secret keywords. One per command, so what one verb learns (a device password) the next one masks."""
        return inventory_store(self.settings, self.directory)  # one home, light for offline verbs

    @cached_property
    def known_hosts(self) -> KnownHosts | str:
        return _known_hosts(self.known_hosts_file)

    @property
    def known_hosts_file(self) -> Path:
        """The manifest's `known_hosts:` entry, else `<inventory>/known_hosts`."""
        files = self.files
        return files.known_hosts if files else self.directory.resolve() / KNOWN_HOSTS

    @property
    def rest_ca(self) -> str | None:
        """The CA the devices' REST certificates are checked against: the ClearPass servers' (`clearpass-ca.pem`,
        or the manifest's `clearpass_ca`); None: the system's CAs."""
        files = self.files
        return str(files.clearpass_ca) if files and files.clearpass_ca.is_file() else None

    def with_settings(self, settings: Settings) -> Estate:
        """The same estate, what is opened already shared, under other settings (the watch's checks keep their
        folders apart): nothing is loaded again."""
        other = Estate(settings, self.directory, self.workers)
        other.__dict__.update({k: v for k, v in self.__dict__.items() if k in _OPENED})
        return other

    @property
    def templates(self) -> Path:
        return self.settings.path(self.settings.templates)

    @property
    def run_dir(self) -> Path:
        """Where each run's folder, the journal and the conductor's lock go."""
        return self.settings.path(self.settings.run_dir)


_OPENED = ("files", "nornir", "conductor", "store", "known_hosts")  # Estate's cached parts


def conductor_of(nr: Nornir) -> Host:
    """The MM that holds the configuration hierarchy (`conductor: true`; the first by name if several)."""
    found = sorted((h for h in nr.filter(MANAGED).inventory.hosts.values() if h.get("conductor")),
                   key=lambda h: h.name)
    if not found:
        raise WifiopsError("no conductor MM in the inventory (`conductor: true` on the MM that holds the hierarchy)")
    return found[0]


def open_nornir(estate: Estate) -> Nornir:
    """InitNornir on the wifiops inventory plugin and the threaded runner: called by `Estate` only.

    Each managed host's `aos8` connection gets its inventory name (for every message), the inventory's
    known-hosts file (its host key is verified against it before the password is sent) and its timeout:
    its own (`connection_options: {aos8: {extras: {timeout: S}}}` on the host, a group or the defaults),
    else the settings' (wifiops.yaml or --timeout).
    """
    settings, directory = estate.settings, estate.directory
    nr = InitNornir(
        inventory={"plugin": "WifiopsInventory",
                   "options": {"inventory_dir": str(directory),
                               "secrets_file": str(settings.secrets_file.expanduser())}},
        runner={"plugin": "threaded", "options": {"num_workers": estate.workers or settings.workers}},
        logging={"enabled": False},
    )
    known_hosts = estate.known_hosts
    defaults = nr.inventory.defaults
    defaults.username = device_username(defaults.username)
    if settings.password_command:
        defaults.password = run_password_command(settings.password_command, "device")
    store = estate.store if settings.bastion or settings.ssh_config else None
    jumps: dict[tuple[str, int], Jump | None] = {}
    for host in nr.filter(MANAGED).inventory.hosts.values():
        own = host.connection_options.get(CONNECTION_NAME)
        extras = {**((own.extras if own else None) or {}), "name": host.name, "known_hosts": known_hosts}
        extras["timeout"] = host_timeout(host.name, extras.get("timeout"), settings.timeout)
        if host.get("transport", "ssh") != "ssh":  # the CA its REST API's certificate is checked against
            extras["rest_ca"] = estate.rest_ca
        if store is not None:
            where = (host.hostname or host.name, host.port or 22)
            if where not in jumps:
                jumps[where] = jump_for(settings, store, *where)
            extras["via"] = jumps[where]
        host.connection_options[CONNECTION_NAME] = ConnectionOptions(
            hostname=own.hostname if own else None, port=own.port if own else None,
            username=own.username if own else None, password=own.password if own else None,
            platform=own.platform if own else None, extras=extras)
    return nr


def host_timeout(name: str, own: Any, default: float) -> float:
    """A host's own timeout wins over the settings'; it is bounded as theirs is (0 < S <= 3600)."""
    if own is None:
        return float(default)
    if isinstance(own, bool) or not isinstance(own, (int, float)) or not 0 < own <= TIMEOUT_MAX:
        raise WifiopsError(f"{name}: connection_options aos8 extras timeout {own!r}: give seconds, more than 0 "
                           f"and at most {TIMEOUT_MAX:g}")
    return float(own)


def _known_hosts(path: Path) -> KnownHosts | str:
    """The known-hosts file read once for the run, shared by every session (read-only while it runs).

    Read per session, paramiko builds every key of the file for every host: 8 ms a host at 204 hosts,
    growing with the square of the estate (benchmarks/bench_backup.py). One run trusts one list; only
    `wifiops hosts trust` writes it. A damaged file stays a path, so each host fails with its own message.
    """
    try:
        return KnownHosts(path)
    except KnownHostsError:
        return str(path)
