"""Validate an inventory directory: schema per file, then the estate's cross-references.

Runs on the raw YAML (before Nornir builds its objects) so that every problem is reported at once, with
file, line and field; Nornir itself would stop at the first one, without a line. The inheritance rule
used for cross-checks is Nornir's own: host data, then its groups depth-first, then defaults.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wifiops.inventory import schema
from wifiops.inventory.files import InventoryFiles, locate
from wifiops.inventory.findings import validated
from wifiops.paths import SAFE_NAME_RULE, safe_name
from wifiops.yamlsource import Finding, YamlDoc, load_yaml


@dataclass
class CheckedInventory:
    """The outcome of a check: the files, their data, and every finding (empty when the inventory is good)."""

    files: InventoryFiles | None
    docs: dict[str, YamlDoc] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def check_inventory(directory: Path) -> CheckedInventory:
    files, findings = locate(directory)
    result = CheckedInventory(files, findings=list(findings))
    if files is None:
        return result
    for role in ("hosts", "groups", "defaults", "aps") + (("secrets",) if files.secrets else ()):
        doc = load_yaml(getattr(files, role))
        result.docs[role] = doc
        result.findings += doc.findings
    if result.findings:
        return result  # cross-checks on half-read files would only add noise
    result.findings += _validate_schema(result.docs)
    if not result.findings:
        result.findings += list(_cross_check(result.docs))
    return result


def _validate_schema(docs: dict[str, YamlDoc]) -> list[Finding]:
    found: list[Finding] = []
    for role, model in (("hosts", schema.Host), ("groups", schema.Group)):
        doc = docs[role]
        if not isinstance(doc.data, dict) or not doc.data:
            found.append(doc.finding((), f"must be a mapping of {role} names to their definitions"))
            continue
        for name, body in doc.data.items():
            if role == "hosts" and not safe_name(name):
                found.append(doc.finding((str(name),), f"a host name is {SAFE_NAME_RULE}"))
            if role == "groups" and isinstance(name, str) and (problem := schema.cli_problem(name, word=False)):
                found.append(doc.finding((name,), f"a group name is sent to the devices (ap-group \"...\"): it {problem}"))
            found += validated(doc, model, body if body is not None else {}, (str(name),))
    found += validated(docs["defaults"], schema.Defaults, docs["defaults"].data or {}, ())
    found += validated(docs["aps"], schema.ApFile, docs["aps"].data or {}, ())
    if "secrets" in docs:
        secrets = docs["secrets"]
        if not isinstance(secrets.data, dict):
            found.append(secrets.finding((), "must map secret names to string values"))
        else:  # the same rule as wifiops.secrets.read_secrets_file, said here with every other finding
            found += [secrets.finding((str(name),), "a secret value must be text: put it in quotes")
                      for name, value in secrets.data.items() if not isinstance(value, str)]
    return found


class _Estate:
    """Nornir's inheritance rule over the raw files, for cross-references."""

    def __init__(self, docs: dict[str, YamlDoc]) -> None:
        self.hosts: dict[str, dict[str, Any]] = docs["hosts"].data
        self.groups: dict[str, dict[str, Any]] = docs["groups"].data
        self.defaults: dict[str, Any] = docs["defaults"].data

    def chain(self, group_names: list[str], seen: frozenset[str] = frozenset()) -> Iterator[str]:
        for name in group_names:
            if name in self.groups and name not in seen:
                yield name
                yield from self.chain(self.groups[name].get("groups", []), seen | {name})

    def resolve(self, entity: dict[str, Any], key: str, *, data: bool = True) -> Any:
        own = entity.get("data", {}) if data else entity
        if own.get(key) is not None:
            return own[key]
        for name in self.chain(entity.get("groups", [])):
            group = self.groups[name]
            found = (group.get("data") or {}).get(key) if data else group.get(key)
            if found is not None:
                return found
        base = self.defaults.get("data", {}) if data else self.defaults
        return base.get(key)


def _cross_check(docs: dict[str, YamlDoc]) -> Iterator[Finding]:
    hosts_doc, groups_doc, aps_doc = docs["hosts"], docs["groups"], docs["aps"]
    estate = _Estate(docs)
    nodes = {n: g["data"] for n, g in estate.groups.items() if g["data"]["group_kind"] == "node"}
    ap_groups = {n: g["data"] for n, g in estate.groups.items() if g["data"]["group_kind"] == "ap_group"}
    sites = estate.defaults["data"]["sites"]

    for doc, entries in ((hosts_doc, estate.hosts), (groups_doc, estate.groups)):
        for name, body in entries.items():
            for index, parent in enumerate(body.get("groups", [])):
                if parent not in estate.groups:
                    yield doc.finding((name, "groups", index), f"group {parent!r} is not defined in groups.yaml")

    for name, data in nodes.items():
        path = data["config_path"]
        if path != name:
            yield groups_doc.finding((name, "data", "config_path"), f"node {name!r} must have config_path {name}")
        if path == "/":
            continue
        parent = path.rsplit("/", 1)[0] or "/"
        if parent not in nodes:
            yield groups_doc.finding((name, "data", "config_path"), f"parent node {parent} is not defined")
        elif estate.groups[name].get("groups", [])[:1] != [parent]:
            yield groups_doc.finding((name, "groups"), f"node {path} must inherit from its parent: groups: [{parent}]")

    for name, data in ap_groups.items():
        parents = estate.groups[name].get("groups", [])
        if not parents or parents[0] not in nodes:
            yield groups_doc.finding((name, "groups"), "an AP group lives on a node: groups: [<node path>]")
        if data["site"] not in sites:
            yield groups_doc.finding((name, "data", "site"), f"site {data['site']!r} is not defined in defaults")
        visible = {s["name"] for s in estate.resolve(estate.groups[name], "ssids") or []}
        for index, ssid in enumerate(data.get("broadcasts", [])):
            if ssid not in visible:
                yield groups_doc.finding((name, "data", "broadcasts", index),
                                         f"SSID {ssid!r} is not defined on this AP group's node or above")

    for name, host in estate.hosts.items():
        for key, label in (("hostname", "management address (hostname)"), ("platform", "platform")):
            if estate.resolve(host, key, data=False) is None:
                yield hosts_doc.finding((name,), f"host has no {label}, here or in its groups or defaults")
        if estate.resolve(host, "role") is None:
            yield hosts_doc.finding((name, "groups"), "host has no role group (mm, md, clearpass or airwave)")
        data = host["data"]
        if data["site"] not in sites:
            yield hosts_doc.finding((name, "data", "site"), f"site {data['site']!r} is not defined in defaults")
        if data.get("node_type") == "Device":
            yield from _check_device_node(hosts_doc, estate, nodes, name, host)

    yield from _check_intent(groups_doc, estate, {n: estate.groups[n] for n in nodes})
    yield from _check_intent(hosts_doc, estate, estate.hosts)
    yield from _check_supervision(docs["defaults"], estate, set(ap_groups), set(sites))

    seen_names: dict[str, int] = {}
    seen_macs: dict[str, int] = {}
    for index, ap in enumerate(aps_doc.data["aps"]):
        for value, seen, label, key in ((ap["name"], seen_names, "name", "name"),
                                        (ap["mac"].lower(), seen_macs, "MAC", "mac")):
            first = seen.setdefault(value, index)
            if first != index:  # lines are looked up only for what is reported
                yield aps_doc.finding(("aps", index, key), f"duplicate AP {label} {value!r} "
                                                           f"(first at line {aps_doc.line_of(('aps', first))})")
        if ap["name"] in estate.hosts:
            yield aps_doc.finding(("aps", index, "name"), f"{ap['name']!r} is already a host in hosts.yaml")
        if ap["ap_group"] not in ap_groups:
            yield aps_doc.finding(("aps", index, "ap_group"), f"AP group {ap['ap_group']!r} is not defined in groups.yaml")
        if ap["site"] not in sites:
            yield aps_doc.finding(("aps", index, "site"), f"site {ap['site']!r} is not defined in defaults")


def _check_device_node(doc: YamlDoc, estate: _Estate, nodes: dict[str, Any], name: str,
                       host: dict[str, Any]) -> Iterator[Finding]:
    path = host["data"].get("config_path")
    if not path:
        yield doc.finding((name, "data", "config_path"), "a device node needs its config_path")
        return
    parent, _, leaf = path.rpartition("/")
    if parent not in nodes:
        yield doc.finding((name, "data", "config_path"), f"parent node {parent} is not defined in groups.yaml")
    elif host.get("groups", [])[:1] != [parent]:
        yield doc.finding((name, "groups"), f"a device node inherits from its node first: groups: [{parent}, ...]")
    mac = host["data"].get("mac")
    if mac and leaf.lower() != mac.lower():
        yield doc.finding((name, "data", "config_path"), f"a device node is named by its MAC ({mac})")


def _check_intent(doc: YamlDoc, estate: _Estate, entities: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """References inside the intent: portals, server groups, RADIUS servers, cluster members, VLANs."""
    for name, entity in entities.items():
        data = entity["data"]
        look = {key: {item["name"] for item in estate.resolve(entity, key) or []}
                for key in ("captive_portals", "server_groups", "radius_servers", "ssids")}
        for index, ssid in enumerate(data.get("ssids") or []):
            where = (name, "data", "ssids", index)
            if ssid["auth"] == "captive-portal" and ssid.get("portal") not in look["captive_portals"]:
                yield doc.finding(where + ("portal",), f"captive portal {ssid.get('portal')!r} is not defined")
            if ssid["auth"].startswith("dot1x") and ssid.get("server_group") not in look["server_groups"]:
                yield doc.finding(where + ("server_group",), f"server group {ssid.get('server_group')!r} is not defined")
            if ssid["auth"] == "psk" and not ssid.get("psk"):
                yield doc.finding(where + ("psk",), "a PSK SSID needs `psk: {secret: NAME}`")
        for index, group in enumerate(data.get("server_groups") or []):
            for pos, server in enumerate(group["servers"]):
                if server not in look["radius_servers"]:
                    yield doc.finding((name, "data", "server_groups", index, "servers", pos),
                                      f"RADIUS server {server!r} is not defined")
        seen_vlans: dict[int, str] = {}
        for index, segment in enumerate(data.get("segments") or []):
            other = seen_vlans.setdefault(segment["vlan"], segment["name"])
            if other != segment["name"]:
                yield doc.finding((name, "data", "segments", index, "vlan"),
                                  f"VLAN {segment['vlan']} is already used by segment {other!r}")
            for pos, ssid in enumerate(segment.get("used_by", [])):
                if ssid not in look["ssids"]:
                    yield doc.finding((name, "data", "segments", index, "used_by", pos), f"SSID {ssid!r} is not defined")
        names = [s["name"] for s in data.get("ssids") or []]
        for index, ssid_name in enumerate(names):
            if names.index(ssid_name) != index:
                yield doc.finding((name, "data", "ssids", index, "name"), f"SSID {ssid_name!r} is defined twice")
        cluster = data.get("cluster")
        if cluster:
            for pos, member in enumerate(cluster["members"]):
                if member not in estate.hosts:
                    yield doc.finding((name, "data", "cluster", "members", pos), f"host {member!r} is not defined")
                elif (estate.hosts[member].get("data") or {}).get("lifecycle") == "planned":
                    yield doc.finding((name, "data", "cluster", "members", pos),
                                      f"host {member!r} is planned: it joins a cluster once in service "
                                      "(its device node is not rendered before)")


def _check_supervision(doc: YamlDoc, estate: _Estate, ap_groups: set[str], sites: set[str]) -> Iterator[Finding]:
    """The names `supervision` overrides and rules use: sites, AP groups, hosts, SSIDs and GTR classes."""
    block = estate.defaults["data"].get("supervision") or {}
    where = ("data", "supervision")
    ssids = {s["name"] for entity in (*estate.groups.values(), *estate.hosts.values())
             for s in (entity.get("data") or {}).get("ssids") or []}
    for key, known, what in (("sites", sites, "a site of defaults"), ("ap_groups", ap_groups, "an AP group of groups.yaml"),
                             ("hosts", set(estate.hosts), "a host of hosts.yaml"), ("ssids", ssids, "a defined SSID")):
        for name in block.get(key) or {}:
            if name not in known:
                yield doc.finding(where + (key, name), f"{name!r} is not {what}")
    classes = set(block["gtr"]) if "gtr" in block else set(schema.DEFAULT_GTR)
    for index, rule in enumerate(block.get("incidents") or []):
        if rule.get("gtr") is not None and rule["gtr"] not in classes:
            yield doc.finding(where + ("incidents", index, "gtr"),
                              f"GTR class {rule['gtr']!r} is not defined (classes: {', '.join(sorted(classes))})")
        if rule.get("site") is not None and rule["site"] not in sites:
            yield doc.finding(where + ("incidents", index, "site"), f"site {rule['site']!r} is not defined in defaults")
