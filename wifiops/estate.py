"""Open the estate as a Nornir object: the one way the engine gets at the inventory."""

from __future__ import annotations

from pathlib import Path

from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions

from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.aos8.hostkeys import KnownHosts, KnownHostsError
from wifiops.aos8.jump import Jump
from wifiops.aos8.masking import inventory_store
from wifiops.credentials import device_username, jump_for, run_password_command
from wifiops.inventory.files import KNOWN_HOSTS, locate
from wifiops.inventory.filters import MANAGED, PLANNED  # noqa: F401  (PLANNED: re-exported for the engine)
from wifiops.secrets import SecretStore
from wifiops.settings import Settings



def open_nornir(settings: Settings, inventory: Path | None = None, *, workers: int | None = None) -> Nornir:
    """InitNornir on the wifiops inventory plugin, the threaded runner and the timeout from settings.

    Each managed host's `aos8` connection gets its inventory name (for every message) and the inventory's
    known-hosts file (its host key is verified against it before the password is sent).
    """
    directory = settings.inventory_dir(inventory)
    nr = InitNornir(
        inventory={"plugin": "WifiopsInventory",
                   "options": {"inventory_dir": str(directory),
                               "secrets_file": str(settings.secrets_file.expanduser())}},
        runner={"plugin": "threaded", "options": {"num_workers": workers or settings.workers}},
        logging={"enabled": False},
        user_defined={"timeout": settings.timeout},
    )
    known_hosts = _known_hosts(known_hosts_file(directory))
    defaults = nr.inventory.defaults
    defaults.username = device_username(defaults.username)
    if settings.password_command:
        defaults.password = run_password_command(settings.password_command, "device")
    store = secret_store(settings, directory) if settings.bastion or settings.ssh_config else None
    jumps: dict[tuple[str, int], Jump | None] = {}
    for host in nr.filter(MANAGED).inventory.hosts.values():
        own = host.connection_options.get(CONNECTION_NAME)
        extras = {**((own.extras if own else None) or {}), "name": host.name, "known_hosts": known_hosts}
        if host.get("transport", "ssh") != "ssh":  # the CA its REST API's certificate is checked against
            extras["rest_ca"] = rest_ca_file(directory)
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


def rest_ca_file(directory: Path) -> str | None:
    """The devices' REST certificates are checked against the inventory's CA file, the one of the
    ClearPass servers (`clearpass-ca.pem`, or the manifest's `clearpass_ca`); None: the system's CAs."""
    files, _ = locate(directory)
    return str(files.clearpass_ca) if files and files.clearpass_ca.is_file() else None


def secret_store(settings: Settings, directory: Path) -> SecretStore:
    """The store every verb scrubs with: the inventory's (lab) or the user's secrets, and the platform's
    secret keywords."""
    return inventory_store(settings, directory)  # one home, light enough for offline verbs (aos8/masking.py)


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


def known_hosts_file(directory: Path) -> Path:
    """The inventory's known-hosts file: the manifest's `known_hosts:` entry, else `<inventory>/known_hosts`."""
    files, _ = locate(directory)
    return files.known_hosts if files else directory.resolve() / KNOWN_HOSTS
