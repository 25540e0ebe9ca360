"""What `wifiops inventory show` reports, computed from Nornir's objects (not the YAML)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from nornir.core import Nornir


def summarise(nr: Nornir) -> dict[str, Any]:
    inventory = nr.inventory
    hosts = []
    aps = []
    for host in inventory.hosts.values():
        if host.get("role") == "ap":
            aps.append(host)
            continue
        hosts.append({
            "name": host.name, "role": host.get("role"), "platform": host.platform,
            "address": host.hostname, "port": host.port, "site": host.get("site"),
            "model": host.get("model"), "node": host.get("config_path"),
            "lifecycle": host.get("lifecycle") or "in-service",
        })
    nodes = []
    for group in inventory.groups.values():
        if group.data.get("group_kind") != "node":
            continue
        path = group.data["config_path"]
        devices = sorted(h.name for h in inventory.hosts.values()
                         if h.get("node_type") == "Device" and h.groups and h.groups[0].name == path)
        ap_groups = sorted(g.name for g in inventory.groups.values()
                           if g.data.get("group_kind") == "ap_group" and g.groups and g.groups[0].name == path)
        nodes.append({"path": path, "type": group.data["node_type"],
                      "parent": group.groups[0].name if group.groups else None,
                      "devices": devices, "ap_groups": ap_groups})
    for row in hosts:  # device nodes are hosts, not groups
        if row["node"] and row["node"] not in {n["path"] for n in nodes}:
            nodes.append({"path": row["node"], "type": "Device", "parent": row["node"].rsplit("/", 1)[0],
                          "devices": [row["name"]], "ap_groups": []})
    nodes.sort(key=lambda n: n["path"])
    by_group = Counter(ap.get("ap_group") for ap in aps)
    by_model = Counter(ap.get("model") for ap in aps)
    return {
        "hosts": hosts,
        "nodes": nodes,
        "aps": {
            "total": len(aps),
            "by_group": {g: {"count": by_group[g], "node": inventory.groups[g].groups[0].name,
                             "site": inventory.groups[g].data["site"],
                             "priority": sum(1 for ap in aps if ap.get("ap_group") == g and ap.get("priority"))}
                         for g in sorted(by_group)},
            "by_model": dict(sorted(by_model.items())),
        },
    }
