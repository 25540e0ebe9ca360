"""Lint the intent before anything is rendered or sent: each rule names the inventory file, line and item.

Rules on the intent (data) run first; the rules on the rendered configuration (every referenced profile
is rendered on the node or above it; every bandwidth contract is named by a user role) run after rendering. The schema's own rules (an ESSID over 32
bytes, a VLAN id out of range...) already ran when the inventory was loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from wifiops.aos8.configtext import Block, defined, objects, references, write
from wifiops.aos8.security import STRENGTH, security, ssid_security
from wifiops.engine.intent import NodeView
from wifiops.yamlsource import PathKey

# The device's own ceilings (CLI-Bank aaa bandwidth-contract: mbits 1-2000) and the role re-authentication
# interval (role__reauth [S]: 0-4096 minutes).
CONTRACT_MAX_MBPS = 2000
REAUTH_MAX_MINUTES = 4096


@dataclass(frozen=True)
class Issue:
    """A lint finding before it has a line: which inventory file (`role`), which item, what is wrong.
    The engine looks the line up only when there is something to report (reading the files for their
    lines costs as much as loading the inventory)."""

    role: str  # "groups" or "hosts"
    key: PathKey
    message: str


def lint_intent(views: list[NodeView], public_sites: set[str]) -> list[Issue]:
    found = [f for view in views for f in _node_rules(view)]
    return found + [f for view in views for f in _public_ssids(view, public_sites)]


def _public_ssids(view: NodeView, public_sites: set[str]) -> Iterator[Issue]:
    """A public site's SSIDs: open (or Enhanced Open) only behind a captive portal (the contract's portals)."""
    for group in view.ap_groups:
        if group["site"] not in public_sites:
            continue
        for index, name in enumerate(group["broadcasts"]):
            ssid = view.visible_ssids.get(name)
            rule = ssid and ssid_security(ssid["opmode"], transition=ssid.get("transition", False), pmf=ssid.get("pmf"))
            if ssid and rule and rule.family == "open" and ssid["auth"] != "captive-portal":
                yield Issue("groups", (group["name"], "data", "broadcasts", index),
                                  f"public site {group['site']} broadcasts {name!r}, open without a captive portal")


def _node_rules(view: NodeView) -> Iterator[Issue]:
    role, base = view.source[0], (view.source[1], "data")
    vlan_ids = {v["id"] for v in view.visible_vlans}
    for index, ssid in enumerate(view.own["ssids"]):
        where = base + ("ssids", index)
        mode = ssid_security(ssid["opmode"], transition=ssid.get("transition", False), pmf=ssid.get("pmf"))
        if mode is None:
            yield Issue(role, where + ("opmode",), f"no rendering rule for opmode {ssid['opmode']!r} "
                              "in wifiops/aos8/security.yaml")
            continue
        if STRENGTH[mode.pmf] < STRENGTH[mode.required_pmf]:
            yield Issue(role, where + ("pmf",), f"{ssid['opmode']} requires PMF {mode.required_pmf}"
                              f"{' in transition' if ssid.get('transition') else ''}, not {mode.pmf} (arubaos8.md §7)")
        if mode.family not in security().auth_families.get(ssid["auth"], []):
            yield Issue(role, where + ("opmode",), f"{ssid['opmode']} is a {mode.family} mode; auth "
                              f"{ssid['auth']!r} needs {' or '.join(security().auth_families.get(ssid['auth'], []))}")
        if ssid["vlan"] not in vlan_ids:
            yield Issue(role, where + ("vlan",), f"VLAN {ssid['vlan']} is referenced but not defined "
                              "(add it to `vlans:` or `segments:` on this node or above)")
    for index, segment in enumerate(view.own["segments"]):
        if segment["enforced_by"] == "controller" and not segment["roles"]:
            yield Issue(role, base + ("segments", index, "roles"), f"segment {segment['name']!r} is enforced by "
                              "the controllers but names no user role: its contract would shape nothing (name the "
                              "roles of its users, or `enforced_by: firewall`)")
        if segment["enforced_by"] == "firewall" and segment["roles"]:
            yield Issue(role, base + ("segments", index, "roles"), f"segment {segment['name']!r} is enforced by "
                              "the firewall: its roles would carry no contract (remove them, or "
                              "`enforced_by: controller`)")
        ceiling = min(segment.get("qos_max_mbps") or CONTRACT_MAX_MBPS, CONTRACT_MAX_MBPS)
        if segment["qos_mbps"] > ceiling:
            yield Issue(role, base + ("segments", index, "qos_mbps"), f"{segment['qos_mbps']} Mbps is above the "
                              f"bandwidth-contract maximum of {ceiling} Mbps for segment {segment['name']!r}")
    pre_roles: dict[str, str] = {}
    limited: dict[str, str] = {}  # post-authentication role -> the portal whose per-user limit it carries
    for index, portal in enumerate(view.own["captive_portals"]):
        where = base + ("captive_portals", index)
        minutes = round(portal["session_hours"] * 60)
        if minutes > REAUTH_MAX_MINUTES:
            yield Issue(role, where + ("session_hours",), f"{portal['session_hours']} h is longer than a role's "
                              f"re-authentication interval allows ({REAUTH_MAX_MINUTES} minutes)")
        limit = portal.get("bandwidth_limit_mbps")
        if limit is not None and limit > CONTRACT_MAX_MBPS:
            yield Issue(role, where + ("bandwidth_limit_mbps",), f"{limit} Mbps is above the bandwidth-contract "
                              f"maximum of {CONTRACT_MAX_MBPS} Mbps")
        if limit is not None:
            first = limited.setdefault(portal["post_auth_role"], portal["name"])
            if first != portal["name"]:
                yield Issue(role, where + ("bandwidth_limit_mbps",), f"role {portal['post_auth_role']!r} already "
                                  f"carries the per-user limit of portal {first!r}: a role holds one contract per "
                                  "direction (give this portal its own post-authentication role)")
        other = pre_roles.setdefault(portal["pre_auth_role"], portal["name"])
        if other != portal["name"]:
            yield Issue(role, where + ("pre_auth_role",), f"role {portal['pre_auth_role']!r} is already the "
                              f"pre-authentication role of portal {other!r}; a role redirects to one portal")


def lint_references(view: NodeView, blocks_by_node: dict[str, list[Block]]) -> list[Issue]:
    """Every profile a line names is rendered on this node or one it inherits from (or is built in)."""
    seen: set[tuple[str, str]] = set()
    for path in view.chain:
        seen |= defined(blocks_by_node.get(path, []))
    builtin = objects().builtin
    found = []
    for block, line, kind, name in references(blocks_by_node.get(view.path, [])):
        if (kind, name) not in seen and name not in builtin.get(kind, ()):
            found.append(Issue(view.source[0], (view.source[1],), f"{view.path}: {block.header!r} references {kind} "
                                     f"{name!r} ({line!r}), which is not rendered on this node or above it"))
    return found


@dataclass(frozen=True)
class RenderedIssue:
    """A finding in a node's rendered configuration: its line there (1-based), and what is wrong."""

    node: str
    line: int
    message: str


def lint_contracts(views: list[NodeView], blocks_by_node: dict[str, list[Block]]) -> list[RenderedIssue]:
    """Every `aaa bandwidth-contract` rendered for a controller is named by a user role's `bw-contract` on its
    node or one below it (a role sees what its node inherits): a contract attached to nothing shapes nothing,
    and a device accepts it without a word, so only this check can tell (issue 34)."""
    chains = {v.path: v.chain for v in views}
    named: dict[str, set[str]] = {}
    for path, blocks in blocks_by_node.items():
        for block, _, kind, name in references(blocks):
            owner = objects().kind_of(block.header)
            if kind == "bandwidth-contract" and owner is not None and owner[1] == "user-role":
                named.setdefault(path, set()).add(name)
    found = []
    for view in views:
        seen = {name for path, names in named.items() if view.path in chains.get(path, [path]) for name in names}
        for number, line in enumerate(write(blocks_by_node.get(view.path, [])).splitlines(), 1):
            hit = objects().kind_of(line)
            if hit is not None and hit[1] == "bandwidth-contract" and hit[2] not in seen:
                found.append(RenderedIssue(view.path, number, f"bandwidth contract {hit[2]!r} is named by no "
                                           "user role on this node or below it: it would shape nothing (attach "
                                           f"it with `bw-contract \"{hit[2]}\" ...` in the role it limits)"))
    return found
