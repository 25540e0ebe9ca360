"""`wifiops clearpass`: the ClearPass servers of the inventory, through their REST API.

`ClearPassEstate` finds the servers (`platform: clearpass` hosts), the CA file their certificates are
verified against (the inventory's `clearpass-ca.pem`, else the system's CAs) and the API client in the
secrets store (`clearpass_client_id`, `clearpass_client_secret`). On it: `status` (version and cluster of
each server), `devices`, `compare_servers` and `copy_devices` (a dry run unless `commit`; a committed copy
stops at the first refusal and deletes what it created, so B is left as it was, and leaves a record in
the run folder, scrubbed of every secret).

The RADIUS shared secret a copy writes comes from the secrets store, never from A (which does not give it):
the secret named by the intent's RADIUS server of the same name as A (`radius_servers`, `key: {secret:
NAME}`), or the one secret all of them use, or the name given.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nornir.core.filter import F
from nornir.core.inventory import Host

from wifiops.clearpass.client import ClearPassClient, ClearPassServer, ClusterServer, ClearPassVersion, NetworkDevice
from wifiops.clearpass.compare import Comparison, DeviceDifference, compare
from wifiops.engine.journal import new_run_dir, run_log
from wifiops.errors import ClearPassError, ClearPassRefused, WifiopsError
from wifiops.estate import Estate

CLEARPASS = F(platform="clearpass")
CLIENT_ID, CLIENT_SECRET = "clearpass_client_id", "clearpass_client_secret"  # names in the secrets store
RECORD = "copy.json"


class ClearPassEstate:
    """The inventory's ClearPass servers and what reaching them takes. `client(name)` opens one."""

    def __init__(self, estate: Estate) -> None:
        settings = estate.settings
        self.settings = settings
        self.nr = estate.nornir
        self.hosts: dict[str, Host] = dict(self.nr.filter(CLEARPASS).inventory.hosts)
        self.store = estate.store
        files = estate.files
        # anything at that path (a FIFO, a link to /dev/zero) is the named CA, refused if unreadable: never the system's
        self.ca_file: Path | None = files.clearpass_ca if files and os.path.lexists(files.clearpass_ca) else None
        self.timeout = settings.timeout

    @property
    def names(self) -> list[str]:
        return sorted(self.hosts)

    def host(self, name: str) -> Host:
        if name not in self.hosts:
            known = ", ".join(self.names) or "none"
            raise WifiopsError(f"not a ClearPass server of this inventory: {name} (ClearPass servers: {known})")
        return self.hosts[name]

    def server(self, name: str) -> ClearPassServer:
        host = self.host(name)
        address = host.hostname or name
        if ":" in address:  # an IPv6 address in a URL
            address = f"[{address}]"
        return ClearPassServer(name=name, url=f"https://{address}:{host.port or 443}/api",
                               client_id=self.store.get(CLIENT_ID), client_secret=self.store.get(CLIENT_SECRET),
                               ca_file=self.ca_file, timeout=self.timeout)

    def client(self, name: str) -> ClearPassClient:
        return ClearPassClient(self.server(name))

    def radius_secret_name(self, source: str) -> str:
        """The secret that holds the RADIUS shared secret of the devices `source` serves: its RADIUS server's
        key in the intent, or the one key every RADIUS server of the intent uses."""
        host = self.host(source)
        entries: list[dict[str, Any]] = []
        for holder in [*self.nr.inventory.groups.values(), *self.nr.inventory.hosts.values()]:
            entries += [e for e in (holder.data.get("radius_servers") or []) if isinstance(e, dict)]
        addresses = {host.hostname, host.get("mgmt_ip")} - {None}
        for entry in entries:
            if entry.get("name") == source or entry.get("host") in addresses:
                return str(entry["key"]["secret"])
        names = {str(e["key"]["secret"]) for e in entries if isinstance(e.get("key"), dict)}
        if len(names) == 1:
            return names.pop()
        raise WifiopsError(f"{source}: no RADIUS server of the intent names its shared secret: give the secret's "
                           "name with --radius-secret NAME")


# --- status ------------------------------------------------------------------------------------------------
@dataclass
class ServerStatus:
    name: str
    version: ClearPassVersion | None = None
    cluster: list[ClusterServer] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "error": self.error,
                "version": self.version.to_dict() if self.version else None,
                "cluster": [s.to_dict() for s in self.cluster]}


@dataclass
class StatusReport:
    servers: list[ServerStatus]

    @property
    def exit_code(self) -> int:
        return 0 if all(s.ok for s in self.servers) else 2

    def to_dict(self) -> dict[str, Any]:
        return {"servers": [s.to_dict() for s in self.servers]}


def status(estate: ClearPassEstate, names: Sequence[str] = ()) -> StatusReport:
    """Version and cluster of each server (or those named); a server that fails has its one-line error."""
    chosen = list(names) or estate.names
    for name in chosen:
        estate.host(name)  # an unknown name is the command's error, not a server's
    servers = []
    for name in chosen:
        found = ServerStatus(name)
        try:
            with estate.client(name) as client:
                found.version = client.version()
                found.cluster = client.cluster()
        except ClearPassError as exc:
            found.error = str(exc)
        servers.append(found)
    return StatusReport(servers)


def devices(estate: ClearPassEstate, name: str) -> list[NetworkDevice]:
    with estate.client(name) as client:
        return client.network_devices()


def compare_servers(estate: ClearPassEstate, a: str, b: str) -> Comparison:
    """The network devices of A against B's (missing on B, extra on B, differing)."""
    with estate.client(a) as left, estate.client(b) as right:
        return compare(left.network_devices(), right.network_devices(), a_name=a, b_name=b)


# --- copy --------------------------------------------------------------------------------------------------
@dataclass
class CopyReport:
    """What a copy from A to B would do or did. `created` were made on B; after a refusal, `rolled_back` were
    deleted again and `left_on_b` could not be (B is not as it was: the error says so)."""

    a: str
    b: str
    commit: bool
    radius_secret: str  # the secret's name in the store, never its value
    to_create: list[NetworkDevice]
    differing: list[DeviceDifference]
    extra: list[NetworkDevice]
    created: list[str] = field(default_factory=list)
    refused: dict[str, Any] | None = None  # {"name", "error", "status", "detail", "validation_messages"}
    rolled_back: list[str] = field(default_factory=list)
    left_on_b: list[str] = field(default_factory=list)
    error: str | None = None
    folder: Path | None = None

    @property
    def exit_code(self) -> int:
        if self.error or self.left_on_b:
            return 2
        return 1 if self.refused else 0

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "commit": self.commit, "radius_secret": {"secret": self.radius_secret},
                "to_create": [d.to_dict() for d in self.to_create],
                "differing": [d.to_dict() for d in self.differing], "extra": [d.to_dict() for d in self.extra],
                "created": self.created, "refused": self.refused, "rolled_back": self.rolled_back,
                "left_on_b": self.left_on_b, "error": self.error,
                "folder": str(self.folder) if self.folder else None}


def copy_devices(estate: ClearPassEstate, a: str, b: str, *, commit: bool = False,
                 radius_secret: str | None = None) -> CopyReport:
    """Create on B the network devices of A that B lacks (by name), each with the RADIUS shared secret from the
    secrets store. Devices on both that differ, and those only on B, are reported and left alone.

    Without `commit` nothing is sent to B but reads. With it, devices are created by name; the first
    refusal (or lost connection) stops the copy and every device it created is deleted, newest first."""
    if a == b:
        raise WifiopsError(f"copy {a} to itself: name two servers")
    secret_name = radius_secret or estate.radius_secret_name(a)
    secret = estate.store.get(secret_name)  # before anything is read: a missing secret is said first
    with estate.client(a) as source, estate.client(b) as target:
        found = compare(source.network_devices(), target.network_devices(), a_name=a, b_name=b)
        report = CopyReport(a, b, commit, secret_name, found.missing, found.differing, found.extra)
        if not commit or not report.to_create:
            return report
        report.folder = new_run_dir(estate.settings.path(estate.settings.run_dir), "clearpass-copy")
        with run_log(report.folder, estate.store.redact):
            _create_all(target, report, secret)
        record = json.dumps(report.to_dict(), indent=2, default=str)
        (report.folder / RECORD).write_text(estate.store.redact(record) + "\n", encoding="utf-8")
        return report


def _create_all(target: ClearPassClient, report: CopyReport, secret: str) -> None:
    made: list[NetworkDevice] = []
    try:
        for device in report.to_create:
            made.append(target.create_network_device(device.body(), {"radius_secret": secret}))
            report.created.append(device.name)
    except ClearPassError as exc:
        failed = report.to_create[len(made)].name
        report.refused = {"name": failed, "error": str(exc)}
        if isinstance(exc, ClearPassRefused):
            report.refused.update(status=exc.status, detail=exc.detail, validation_messages=exc.validation_messages)
        else:  # the answer was lost: the device may have been made all the same
            report.error = str(exc)
            try:
                half_made = target.network_device_named(failed)
            except ClearPassError:
                half_made = None
            if half_made is not None:
                made.append(half_made)
        for device in reversed(made):
            try:
                target.delete_network_device(device.id)
                report.rolled_back.append(device.name)
            except ClearPassError as cleanup:
                report.left_on_b.append(device.name)
                report.error = f"{report.b}: {device.name} (id {device.id}) could not be deleted: {cleanup}"


__all__ = ["ClearPassEstate", "CopyReport", "ServerStatus", "StatusReport", "compare_servers", "copy_devices",
           "devices", "status"]


# --- the nightly backup (wifiops/clearpass/backup.py) -------------------------------------------------------

@dataclass
class ClusterBackup:
    """One cluster's files for the backup, named after its publisher in the inventory (the report's host), or
    the server that could not be read (`error`)."""

    name: str
    folder: str = ""
    files: dict[str, str] = field(default_factory=dict)  # path in the backup repository -> text (not scrubbed)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def clearpass_clusters(opened: Estate, mask: Callable[[str], str],
                       progress: Callable[[str], None] = lambda _: None) -> list[ClusterBackup]:
    """Each cluster of the inventory's ClearPass servers read once, from the first of its servers that answers
    (publishers first). A server that does not answer while another of its cluster did is a warning; one
    whose cluster no server answered for is a failed host of the backup."""
    from wifiops.clearpass.backup import read_cluster
    from wifiops.paths import host_folder

    estate = ClearPassEstate(opened)
    if not estate.names:
        return []
    order = sorted(estate.names, key=lambda n: (estate.host(n).get("cppm_role") != "publisher", n))
    done: dict[str, ClusterBackup] = {}  # inventory name of a covered server -> its cluster's backup
    failed: dict[str, str] = {}
    for name in order:
        if name in done:
            continue
        progress(f"ClearPass {name}: reading its cluster's configuration")
        try:
            with estate.client(name) as client:
                version = client.version().version
                members = client.cluster()
                covered = [_inventory_name(estate, m) or (name if m.local else None) for m in members]
                publisher = next((_inventory_name(estate, m) for m in members if m.is_publisher), None) or name
                files = read_cluster(client, version, mask)
        except (ClearPassError, WifiopsError) as exc:
            failed[name] = str(exc)
            continue
        host = estate.host(publisher)
        folder = str(host_folder(host.get("site"), publisher) / "clearpass")
        backup = ClusterBackup(publisher, folder, {f"{folder}/{path}": text for path, text in files.files.items()},
                               list(files.not_offered))
        for member in {*(c for c in covered if c), name}:
            done[member] = backup
    out: list[ClusterBackup] = []
    for backup in {id(b): b for b in done.values()}.values():
        backup.warnings += [f"{failed[n]} (its cluster was read from another server)" for n in sorted(failed)
                            if done.get(n) is backup]
        out.append(backup)
    out += [ClusterBackup(n, error=failed[n]) for n in sorted(failed) if n not in done]
    return sorted(out, key=lambda b: b.name)


def _inventory_name(estate: ClearPassEstate, member: ClusterServer) -> str | None:
    """The inventory's name of a cluster member: by name, else by its management or server address."""
    if member.name in estate.hosts:
        return member.name
    return next((n for n, h in estate.hosts.items() if h.hostname and h.hostname == member.management_ip), None)
