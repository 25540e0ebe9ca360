"""The intent as each configuration node sees it: what the templates render there.

Read from Nornir's inventory objects (groups named by config path, device nodes as MD hosts), never
from the YAML on the side. What goes on which node is the inventory's own placement (arubaos8.md §3.1):
an intent item is rendered on the node that sets it, AP groups on the node they live on, VLAN ids where
APs terminate, per-device values on device nodes. A new site node or controller is a data change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nornir.core import Nornir
from nornir.core.inventory import Group, Host
from pydantic import BaseModel

from wifiops.aos8.security import ssid_security
from wifiops.inventory import schema

# The intent keys a node may set, and the schema model of one item: items are read through it, so a
# template sees every field, defaults included (StrictUndefined would refuse a field left out in YAML).
MODELS: dict[str, type[BaseModel]] = {
    "radius_servers": schema.RadiusServer, "server_groups": schema.ServerGroup, "segments": schema.Segment,
    "vlans": schema.Vlan, "captive_portals": schema.CaptivePortal, "ssids": schema.Ssid,
}


@dataclass
class NodeView:
    """One configuration node and everything its templates need."""

    path: str
    source: tuple[str, str]  # ("groups", group name) or ("hosts", host name): where the inventory sets it
    chain: list[str]  # this node's path, then its parents' up to /
    own: dict[str, Any]
    ap_groups: list[dict[str, Any]] = field(default_factory=list)
    terminates: bool = False
    visible_vlans: list[dict[str, Any]] = field(default_factory=list)
    devices: list[dict[str, Any]] = field(default_factory=list)
    cluster_members: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)  # each: name, ap_system_profile, members
    portals: dict[str, dict[str, Any]] = field(default_factory=dict)
    visible_ssids: dict[str, dict[str, Any]] = field(default_factory=dict)
    security: dict[str, dict[str, Any]] = field(default_factory=dict)  # SSID name -> {"lines": [...]}
    ap_system_profile: str | None = None  # the one of the cluster the node's APs terminate on

    def context(self) -> dict[str, Any]:
        return {"node": self.path, "own": self.own, "ap_groups": self.ap_groups, "terminates": self.terminates,
                "visible_vlans": self.visible_vlans, "devices": self.devices,
                "cluster_members": self.cluster_members, "clusters": self.clusters, "portals": self.portals,
                "security": self.security,
                "ap_system_profile": self.ap_system_profile}


def node_views(nr: Nornir) -> list[NodeView]:
    """Every configuration node of the hierarchy, parents before children."""
    inventory = nr.inventory
    nodes = {name: g for name, g in inventory.groups.items() if g.data.get("group_kind") == "node"}
    # a planned MD has no device node on the MM yet: nothing is rendered for it until it is in service
    device_hosts = {h.data["config_path"]: h for h in inventory.hosts.values()
                    if h.data.get("node_type") == "Device" and h.data.get("config_path")
                    and h.data.get("lifecycle") != "planned"}
    ap_groups = [g for g in inventory.groups.values() if g.data.get("group_kind") == "ap_group"]
    views: list[NodeView] = []
    for path, group in sorted(nodes.items()):
        view = NodeView(path, ("groups", group.name), _chain(path), _own(group.data))
        _see(view, group)
        view.clusters = [{**c, "members": [_device(inventory.hosts[m]) for m in c["members"] if m in inventory.hosts]}
                         for c in view.own["clusters"]]
        view.cluster_members = view.clusters[0]["members"] if view.clusters else []
        profiles = {c["name"]: c.get("ap_system_profile") for c in _clusters_of(group)}
        cluster = group.get("cluster")
        view.ap_system_profile = cluster.get("ap_system_profile") if cluster else None
        view.ap_groups = [{"name": g.name, "site": g.data.get("site"), "broadcasts": list(g.data.get("broadcasts", [])),
                           "ssids": [view.visible_ssids[s] for s in g.data.get("broadcasts", [])
                                     if s in view.visible_ssids],
                           "ap_system_profile": profiles.get(g.data["cluster"]) if g.data.get("cluster")
                           else view.ap_system_profile}
                          for g in ap_groups if g.groups and g.groups[0].name == path]
        view.terminates = bool(view.ap_groups or any(c["members"] for c in view.clusters))
        views.append(view)
    for view in views:
        for ssid in view.own["ssids"]:
            mode = ssid_security(ssid["opmode"], transition=ssid.get("transition", False), pmf=ssid.get("pmf"))
            view.security[ssid["name"]] = {"lines": mode.lines if mode else []}
    for path, host in sorted(device_hosts.items()):
        view = NodeView(path, ("hosts", host.name), _chain(path), _own(host.data))
        _see(view, host)
        view.devices = [_device(host)]
        views.append(view)
    return sorted(views, key=lambda v: (len(v.chain), v.path))


def _items(key: str, value: Any) -> list[dict[str, Any]]:
    return [MODELS[key].model_validate(item).model_dump() for item in value or []]


def _own(data: dict[str, Any]) -> dict[str, Any]:
    own: dict[str, Any] = {key: _items(key, data.get(key)) for key in MODELS}
    cluster = data.get("cluster")
    own["cluster"] = schema.Cluster.model_validate(cluster).model_dump() if cluster else None
    more = [schema.Cluster.model_validate(c).model_dump() for c in data.get("clusters") or []]
    own["clusters"] = ([own["cluster"]] if own["cluster"] else []) + more
    return own


def _clusters_of(element: Group | Host) -> list[dict[str, Any]]:
    """Every cluster the element sees: its `cluster` and `clusters`, else its nearest parent's."""
    first = element.get("cluster")
    return ([first] if first else []) + list(element.get("clusters") or [])


def _see(view: NodeView, element: Group | Host) -> None:
    """What the node inherits, as the MM resolves it: its own value of a key, else its parents'."""
    view.portals = {p["name"]: p for p in _items("captive_portals", element.get("captive_portals"))}
    view.visible_ssids = {s["name"]: s for s in _items("ssids", element.get("ssids"))}
    vlans = [{"name": v["name"], "id": v["id"]} for v in _items("vlans", element.get("vlans"))]
    vlans += [{"name": s["name"], "id": s["vlan"]} for s in _items("segments", element.get("segments"))]
    view.visible_vlans = sorted(vlans, key=lambda v: v["id"])


def _device(host: Host) -> dict[str, Any]:
    clusters = [c for g in host.groups for c in _clusters_of(g)]
    joined = next((c["name"] for c in clusters if host.name in c.get("members", [])), None)
    return {"name": host.name, "nas_ip": host.get("nas_ip"), "mgmt_ip": host.get("mgmt_ip"), "cluster": joined}


def _chain(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) if i else "/" for i in range(len(parts), -1, -1)]
