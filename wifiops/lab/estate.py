"""The lab's own reading of a lab inventory directory.

Deliberate duplication: the lab does NOT import wifiops.inventory (or anything outside wifiops.lab).
It is the stand-in for the devices, and a bug shared by the toolkit's inventory reader and the lab would
make tests pass that the real estate would fail. So the lab re-reads the same YAML files with pyyaml
and applies just the Nornir-style inheritance it needs (host -> its groups, depth first -> defaults).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wifiops.lab.files import PRIVATE_FILE, PUBLIC_FILE, write_atomically

MANIFEST = "inventory.yaml"
# `known_hosts` and `clearpass_ca` are optional and need not exist: the lab writes its hosts' SSH keys and
# the CA of its ClearPass servers' certificates there when it starts
FILE_ROLES = ("hosts", "groups", "defaults", "aps", "secrets", "known_hosts", "clearpass_ca")
LAB_VERSION = "8.10.0.12"  # CCTP: the MMs run 8.10.0.12 LSR; MDs never run newer code
BUILD = "89321"
KNOWN_HOSTS = "known_hosts"  # its name when the manifest does not say (OpenSSH's file name)
CLEARPASS_CA = "clearpass-ca.pem"  # its name when the manifest does not say
DEFAULT_NAMES = {"known_hosts": KNOWN_HOSTS, "clearpass_ca": CLEARPASS_CA}
SERVED_PLATFORM = "aruba_os"  # the lab serves these hosts over SSH (ssh.py)
# A host the inventory says is `lifecycle: planned` is bought but not racked: the lab serves it only once
# installed (`wifiops lab install HOST`, core.LabCore.install), as a real one answers only once cabled.
PLANNED = "planned"
IN_SERVICE = "in-service"
CLEARPASS_PLATFORM = "clearpass"  # and these over HTTPS (clearpass/); airwave hosts are no one's yet


@dataclass(frozen=True)
class LabDeviceSpec:
    """One SSH-reachable device of the lab, with the credentials it accepts."""

    name: str
    role: str  # "mm" | "md"
    port: int
    username: str
    password: str
    model: str
    mac: str
    mgmt_ip: str
    config_path: str  # /mm/mynode for an MM, /md/<group>/<mac> for an MD
    site: str = ""
    mm_state: str = ""  # active | standby (MMs only)
    conductor: bool = False
    lifecycle: str = IN_SERVICE  # planned | in-service | retiring (the inventory's word)
    console_port: int | None = None  # its console-server line (`console:`), served even while it is down

    @property
    def planned(self) -> bool:
        return self.lifecycle == PLANNED


@dataclass(frozen=True)
class LabClearPassSpec:
    """One ClearPass Policy Manager server of the lab, reached over HTTPS (its REST API)."""

    name: str
    port: int
    site: str
    model: str  # C2000 ... (`hardware_version` of /api/cppm-version)
    version: str  # 6.7.7.109065: major.minor.service_release.build
    cppm_role: str  # publisher | subscriber
    mgmt_ip: str


@dataclass(frozen=True)
class LabNode:
    path: str
    node_type: str  # System | Group | Device


@dataclass(frozen=True)
class LabApGroup:
    name: str
    node: str
    site: str
    ssids: tuple[str, ...]


@dataclass
class Estate:
    """Everything the lab needs from an inventory: devices, hierarchy, intent as found, APs."""

    directory: Path
    files: dict[str, Path]  # the files that exist, by role
    known_hosts: Path  # where the lab writes its hosts' keys (may not exist yet)
    devices: list[LabDeviceSpec]
    nodes: list[LabNode]
    ap_groups: list[LabApGroup]
    aps: list[dict[str, Any]]
    node_data: dict[str, dict[str, Any]]  # config_path -> merged data of that node group (intent)
    secrets: dict[str, Any] = field(default_factory=dict)
    clearpass: list[LabClearPassSpec] = field(default_factory=list)
    clearpass_ca: Path | None = None  # where the lab writes its ClearPass CA (may not exist yet)

    @property
    def served(self) -> list[str]:
        """Every host the lab serves, or will once installed (a planned one): the SSH devices, then the
        ClearPass servers."""
        return [d.name for d in self.devices] + [c.name for c in self.clearpass]

    def device(self, name: str) -> LabDeviceSpec:
        for dev in self.devices:
            if dev.name == name:
                return dev
        raise KeyError(name)

    def intent(self, key: str) -> list[dict[str, Any]]:
        """An intent list (ssids, segments, radius_servers, ...) as set at /md or below, first wins."""
        for path in sorted(self.node_data, key=len, reverse=True):
            value = self.node_data[path].get(key)
            if value:
                return list(value)
        return []

    def secret(self, value: Any) -> Any:
        """Resolve a `{secret: NAME}` reference from the lab secrets file."""
        if isinstance(value, dict) and set(value) == {"secret"}:
            return self.secrets.get(value["secret"], "")
        return value


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 358 APs load in ms, not 0.4 s


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader


def _resolve_files(directory: Path) -> dict[str, Path]:
    """Every role's path: the manifest's entry (relative to it) if present, else the conventional name."""
    directory = directory.resolve()
    files = {role: directory / DEFAULT_NAMES.get(role, f"{role}.yaml") for role in FILE_ROLES}
    manifest = directory / MANIFEST
    if manifest.exists():
        for role, rel in (_load(manifest) or {}).items():
            if role in FILE_ROLES and isinstance(rel, str):
                files[role] = (directory / rel).resolve()
    return files


def locate_files(directory: Path) -> dict[str, Path]:
    """The inventory files that exist, by role."""
    return {role: path for role, path in _resolve_files(directory).items() if path.exists()}


def known_hosts_file(directory: Path) -> Path:
    """The known-hosts file kept with the inventory: the manifest's `known_hosts`, else `known_hosts`."""
    return _resolve_files(directory)["known_hosts"]


def clearpass_ca_file(directory: Path) -> Path:
    """The ClearPass CA file kept with the inventory: the manifest's `clearpass_ca`, else `clearpass-ca.pem`."""
    return _resolve_files(directory)["clearpass_ca"]


def _group_chain(name: str, groups: dict[str, Any], seen: set[str] | None = None) -> list[str]:
    """Nornir order: a group, then its parents depth-first."""
    seen = seen if seen is not None else set()
    chain: list[str] = []
    if name in seen or name not in groups:
        return chain
    seen.add(name)
    chain.append(name)
    for parent in (groups[name] or {}).get("groups", []) or []:
        chain += _group_chain(parent, groups, seen)
    return chain


def _inherit(host: dict[str, Any], chain: list[str], groups: dict[str, Any], defaults: dict[str, Any],
             attr: str) -> Any:
    if host.get(attr) is not None:
        return host[attr]
    for g in chain:
        value = (groups[g] or {}).get(attr)
        if value is not None:
            return value
    return defaults.get(attr)


def _data(host: dict[str, Any], chain: list[str], groups: dict[str, Any], key: str) -> Any:
    if key in (host.get("data") or {}):
        return host["data"][key]
    for g in chain:
        data = (groups[g] or {}).get("data") or {}
        if key in data:
            return data[key]
    return None


def load_estate(directory: Path | str) -> Estate:
    directory = Path(directory)
    resolved = _resolve_files(directory)
    files = {role: path for role, path in resolved.items() if path.exists()}
    hosts: dict[str, Any] = _load(files["hosts"]) or {}
    groups: dict[str, Any] = (_load(files["groups"]) or {}) if "groups" in files else {}
    defaults: dict[str, Any] = (_load(files["defaults"]) or {}) if "defaults" in files else {}
    aps_doc = (_load(files["aps"]) or {}) if "aps" in files else {}
    secrets = (_load(files["secrets"]) or {}) if "secrets" in files else {}

    nodes: list[LabNode] = []
    node_data: dict[str, dict[str, Any]] = {}
    ap_groups: list[LabApGroup] = []
    for gname, gdef in groups.items():
        data = (gdef or {}).get("data") or {}
        kind = data.get("group_kind")
        if kind == "node":
            path = data.get("config_path", gname)
            nodes.append(LabNode(path, data.get("node_type", "Group")))
            node_data[path] = data
        elif kind == "ap_group":
            parent = next((p for p in (gdef.get("groups") or [])
                           if ((groups.get(p) or {}).get("data") or {}).get("group_kind") == "node"), "/md")
            ap_groups.append(LabApGroup(gname, parent, data.get("site", ""), tuple(data.get("broadcasts") or [])))

    devices: list[LabDeviceSpec] = []
    clearpass: list[LabClearPassSpec] = []
    for name, hdef in hosts.items():
        hdef = hdef or {}
        chain = _group_chain_for_host(hdef, groups)
        platform = _inherit(hdef, chain, groups, defaults, "platform")
        if platform == CLEARPASS_PLATFORM:
            clearpass.append(LabClearPassSpec(
                name=name,
                port=int(_inherit(hdef, chain, groups, defaults, "port") or 443),
                site=str(_data(hdef, chain, groups, "site") or ""),
                model=str(_data(hdef, chain, groups, "model") or "CLABV"),
                version=str(_data(hdef, chain, groups, "version") or "6.11.0.0"),
                cppm_role=str(_data(hdef, chain, groups, "cppm_role") or "publisher"),
                mgmt_ip=str(_data(hdef, chain, groups, "mgmt_ip") or hdef.get("hostname") or "127.0.0.1")))
            continue
        if platform != SERVED_PLATFORM:
            continue
        role = _data(hdef, chain, groups, "role") or "md"
        mac = _data(hdef, chain, groups, "mac") or _fake_mac(name)
        config_path = _data(hdef, chain, groups, "config_path") or ("/mm/mynode" if role == "mm" else "")
        devices.append(LabDeviceSpec(
            name=name,
            role=role,
            port=int(_inherit(hdef, chain, groups, defaults, "port") or 22),
            username=str(_inherit(hdef, chain, groups, defaults, "username") or "admin"),
            password=str(_inherit(hdef, chain, groups, defaults, "password") or secrets.get("password") or ""),
            model=str(_data(hdef, chain, groups, "model") or ("ArubaMM-VA" if role == "mm" else "Aruba7210")),
            mac=str(mac),
            mgmt_ip=str(_data(hdef, chain, groups, "mgmt_ip") or hdef.get("hostname") or "127.0.0.1"),
            config_path=str(config_path),
            site=str(_data(hdef, chain, groups, "site") or ""),
            mm_state=str(_data(hdef, chain, groups, "mm_state") or ""),
            conductor=bool(_data(hdef, chain, groups, "conductor")),
            lifecycle=str(_data(hdef, chain, groups, "lifecycle") or IN_SERVICE),
            console_port=_console_port(_data(hdef, chain, groups, "console")),
        ))
        # a planned MD has no device node yet: the MM gets one when the MD joins (LabCore.install)
        if role == "md" and config_path and config_path not in node_data and devices[-1].lifecycle != PLANNED:
            nodes.append(LabNode(config_path, "Device"))
    nodes.sort(key=lambda n: n.path)
    return Estate(directory=directory.resolve(), files=files, known_hosts=resolved["known_hosts"], devices=devices, nodes=nodes,
                  ap_groups=ap_groups, aps=list(aps_doc.get("aps", []) or []), node_data=node_data,
                  secrets=secrets, clearpass=clearpass, clearpass_ca=resolved["clearpass_ca"])


def _group_chain_for_host(hdef: dict[str, Any], groups: dict[str, Any]) -> list[str]:
    chain: list[str] = []
    seen: set[str] = set()
    for g in hdef.get("groups", []) or []:
        chain += _group_chain(g, groups, seen)
    return chain


def _fake_mac(name: str) -> str:
    """MMs have no MAC in the inventory; give each a stable one (only show switches/version use it)."""
    digest = sum(ord(c) * (i + 1) for i, c in enumerate(name)) & 0xFFFFFF
    return "00:0c:29:%02x:%02x:%02x" % (digest >> 16, (digest >> 8) & 0xFF, digest & 0xFF)


def _console_port(console: Any) -> int | None:
    return int(console["port"]) if isinstance(console, dict) and console.get("port") is not None else None


def write_inventory_copy(estate: Estate, directory: Path, ports: dict[str, int],
                         address: str = "127.0.0.1", consoles: dict[str, int] | None = None) -> Path:
    """A self-contained inventory dir (no `..` paths) whose lab hosts point at `ports` on `address`:
    what a lab on other ports than hosts.yaml's (`--free-ports`) hands the toolkit as `--inventory`.

    hosts.yaml is rewritten; groups, defaults, APs and the lab secrets are copied as they are, the
    secrets 0600. Its known-hosts file (`known_hosts` here) and ClearPass CA file (`clearpass-ca.pem`) are the
    caller's to write."""
    directory.mkdir(parents=True, exist_ok=True)
    hosts = _load(estate.files["hosts"]) or {}
    for name, port in ports.items():
        hosts[name]["hostname"] = address
        hosts[name]["port"] = port
    for name, port in (consoles or {}).items():  # each console-server line where the lab serves it
        hosts[name].setdefault("data", {})["console"] = {"host": address, "port": port}
    write_atomically(directory / "hosts.yaml", yaml.safe_dump(hosts, sort_keys=False).encode("utf-8"), PUBLIC_FILE)
    manifest = {"hosts": "hosts.yaml"}
    for role in ("groups", "defaults", "aps", "secrets"):
        if role in estate.files:
            mode = PRIVATE_FILE if role == "secrets" else PUBLIC_FILE
            write_atomically(directory / f"{role}.yaml", estate.files[role].read_bytes(), mode)
            manifest[role] = f"{role}.yaml"
    write_atomically(directory / MANIFEST, yaml.safe_dump(manifest, sort_keys=False).encode("utf-8"), PUBLIC_FILE)
    return directory
