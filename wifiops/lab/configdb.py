"""The Mobility Conductor's configuration database: one config tree per hierarchy node.

Model (arubaos8.md §3, §5): changes land in the *pending* copy of a node (per user, as the MM keeps
pending changes per admin); `write memory` commits them; a device's effective configuration is the
committed config of every node from `/` down to its own device node, the lower node winning (a profile
redefined lower replaces the whole profile). `/mm/mynode` is per MM device (each MM has its own), stored
as `/mm/mynode@<host>`. Deleting a profile that a node at or below still references is refused.

Entries are plain dicts so state saves as JSON:
    {"cmd": id, "key": key, "parts": [[value, style], ...], "refs": [[kind, name]], "kind": block kind or None,
     "name": profile name or None, "lines": [entries] (blocks only, else None)}
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Iterable

from wifiops.lab.grammar import Grammar, Match, line_key, load_grammar, match_line, tokenize

Entry = dict[str, Any]
NodeConfig = dict[str, Entry]
MYNODE = "/mm/mynode"
MASKED = "*" * 20  # how 8.10 prints a mgmt-user password, even after `encrypt disable` [V oxidized, netutils]
SYSTEM_USER = "system"


@dataclass
class ConfigResult:
    context: str | None  # key of the open profile at this node, None = (config)
    error: list[str] | None = None
    caret: int | None = None  # char offset of the offending token in the typed line
    changed: bool = False


def chain_of(node: str) -> list[str]:
    """`/md/Louvre/<mac>` -> ["/", "/md", "/md/Louvre", "/md/Louvre/<mac>"]."""
    if node == "/":
        return ["/"]
    parts = node.strip("/").split("/")
    return ["/"] + ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def render_parts(parts: list[list[str]], encrypt: bool) -> str:
    out = []
    for value, style in parts:
        if style == "masked":
            out.append(MASKED)
        elif style == "secret":
            out.append("******" if encrypt else f'"{value}"')
        elif style == "quoted":
            out.append(f'"{value}"')
        elif style == "bare" and " " in value and not value.startswith('"'):
            out.append(value)
        else:
            out.append(value)
    return " ".join(out)


class ConfigDB:
    """Shared by every MM session of the lab (standby MMs are synced copies of the conductor's DB)."""

    def __init__(self, grammar: Grammar | None = None) -> None:
        self.grammar = grammar or load_grammar()
        self.nodes: dict[str, str] = {}  # path -> System | Group | Device
        self.device_names: dict[str, str] = {}  # device node path -> host name (hierarchy "Name" column)
        self.committed: dict[str, NodeConfig] = {}
        self.pending: dict[str, dict[str, NodeConfig]] = {}
        self.pending_log: dict[str, list[list[str]]] = {}
        self.config_id = 1

    # --- nodes -------------------------------------------------------------------------------------
    def add_node(self, path: str, node_type: str, device_name: str = "") -> None:
        self.nodes.setdefault(path, node_type)
        if device_name:
            self.device_names[path] = device_name
        self.committed.setdefault(path, {})

    def remove_node(self, path: str) -> None:
        """A device deleted from the hierarchy (`Delete Device`, arubaos8.md §3.1): its node, its committed
        configuration and whatever any user had pending there are gone."""
        self.nodes.pop(path, None)
        self.device_names.pop(path, None)
        self.committed.pop(path, None)
        for user in list(self.pending):
            self.purge(user, path)

    @staticmethod
    def storage(node: str, host: str) -> str:
        """Where a node's config lives: `/mm/mynode` is per MM."""
        return f"{MYNODE}@{host}" if node == MYNODE else node

    def storage_chain(self, node: str, host: str) -> list[str]:
        return [self.storage(n, host) for n in chain_of(node)]

    def descendants(self, stored: str) -> list[str]:
        prefix = "/" if stored == "/" else stored + "/"
        return [n for n in self.committed if n != stored and n.startswith(prefix)]

    # --- views -------------------------------------------------------------------------------------
    def working(self, user: str, stored: str) -> NodeConfig:
        return self.pending.get(user, {}).get(stored) or self.committed.setdefault(stored, {})

    def _editable(self, user: str, stored: str) -> NodeConfig:
        mine = self.pending.setdefault(user, {})
        if stored not in mine:
            mine[stored] = copy.deepcopy(self.committed.setdefault(stored, {}))
        return mine[stored]

    def has_pending(self, user: str) -> bool:
        return bool(self.pending.get(user))

    def effective(self, stored_chain: Iterable[str], *, user: str | None = None) -> NodeConfig:
        merged: NodeConfig = {}
        for stored in stored_chain:
            cfg = self.working(user, stored) if user else self.committed.get(stored, {})
            merged.update(cfg)
        return merged

    # --- commit model ------------------------------------------------------------------------------
    def commit(self, user: str) -> bool:
        mine = self.pending.pop(user, {})
        self.pending_log.pop(user, None)
        for stored, cfg in mine.items():
            self.committed[stored] = cfg
        if mine:
            self.config_id += 1
        return bool(mine)

    def purge(self, user: str, stored: str | None = None) -> None:
        if stored is None:
            self.pending.pop(user, None)
            self.pending_log.pop(user, None)
            return
        self.pending.get(user, {}).pop(stored, None)
        self.pending_log[user] = [e for e in self.pending_log.get(user, []) if e[0] != stored]
        if not self.pending.get(user):
            self.pending.pop(user, None)

    # --- applying config lines ---------------------------------------------------------------------
    def execute(self, user: str, node: str, host: str, context: str | None, line: str,
                *, device_node: bool = False) -> ConfigResult:
        """One typed config line at `node`, inside profile `context` (a block key) or at (config).

        A line not valid in the profile is retried at (config), as AOS does (§3.2 `vlan servers 10`
        typed inside `vlan 10`); a one-liner accepted there keeps the session in the profile."""
        g = self.grammar
        stored = self.storage(node, host)
        tokens = tokenize(line)
        if not tokens:
            return ConfigResult(context)
        negate = tokens[0].text.lower() == "no" and not tokens[0].quoted
        body = tokens[1:] if negate else tokens
        offset = 1 if negate else 0
        worst_pos = -1
        worst_incomplete = False
        if context is not None:
            block_entry = self.working(user, stored).get(context)
            if block_entry is not None:
                block = g.blocks[block_entry["kind"]]
                m, f = match_line(g, block.commands, body, line, negate=negate)
                if m is not None:
                    return self._apply_sub(user, stored, host, context, m, negate)
                worst_pos, worst_incomplete = f.position, f.incomplete
        m, f = match_line(g, g.config, body, line, negate=negate)
        if m is None:
            if f.position > worst_pos:
                worst_pos, worst_incomplete = f.position, f.incomplete
            return self._parse_error(tokens, line, worst_pos + offset, worst_incomplete, context)
        if m.command.scope == "device" and not device_node and not negate:
            return ConfigResult(context, [g.errors["node_scope"]])
        result = self._apply_top(user, stored, host, m, negate)
        if result.error is None and not m.command.block and context is not None:
            result.context = context
        elif result.error is not None:
            result.context = context
        return result

    def _parse_error(self, tokens: list[Any], line: str, position: int, incomplete: bool,
                     context: str | None) -> ConfigResult:
        g = self.grammar
        if incomplete or position >= len(tokens):
            return ConfigResult(context, [g.errors["incomplete"]])
        return ConfigResult(context, [g.errors["invalid_input"]], caret=tokens[max(position, 0)].start)

    def _entry(self, m: Match) -> Entry:
        g = self.grammar
        kind = g.block_of_command(m.command)
        name = next((p.value for p in m.parts if p.style != "lit"), None)
        return {"cmd": m.command.id, "key": line_key(m), "parts": [[p.value, p.style] for p in m.parts],
                "refs": [list(r) for r in m.refs], "kind": kind, "name": name if kind else None,
                "lines": [] if m.command.block else None}

    def _missing_refs(self, user: str, stored: str, host: str, refs: list[tuple[str, str]]) -> list[str] | None:
        for kind, name in refs:
            if not self._defined(user, chain_of_stored(stored), kind, name):
                return [self.grammar.errors["missing_reference"].format(
                    kind=self.grammar.blocks[kind].kind if kind in self.grammar.blocks else kind, name=name)]
        return None

    def _defined(self, user: str, stored_chain: list[str], kind: str, name: str) -> bool:
        for stored in stored_chain:
            for e in self.working(user, stored).values():
                if e.get("kind") == kind and e.get("name") == name:
                    return True
        return False

    def _log(self, user: str, stored: str, header: str, text: str) -> None:
        self.pending_log.setdefault(user, []).append([stored, header, text])

    def _apply_top(self, user: str, stored: str, host: str, m: Match, negate: bool) -> ConfigResult:
        entry = self._entry(m)
        text = render_parts(entry["parts"], encrypt=True)
        if negate:
            cfg = self.working(user, stored)
            if entry["key"] not in cfg:
                return ConfigResult(None)
            existing = cfg[entry["key"]]
            if existing.get("kind"):
                refused = self._referenced(user, stored, existing["kind"], existing["name"])
                if refused:
                    return ConfigResult(None, [refused])
            del self._editable(user, stored)[entry["key"]]
            self._log(user, stored, "", "no " + text)
            return ConfigResult(None, changed=True)
        missing = self._missing_refs(user, stored, host, [tuple(r) for r in entry["refs"]])
        if missing:
            return ConfigResult(None, missing)
        if m.command.block:
            if entry["key"] in self.working(user, stored):
                return ConfigResult(entry["key"])
            inherited = self._inherited_block(user, stored, entry["key"])
            if inherited is not None:
                entry = copy.deepcopy(inherited)
            self._editable(user, stored)[entry["key"]] = entry
            self._log(user, stored, "", text)
            return ConfigResult(entry["key"], changed=True)
        cfg = self.working(user, stored)
        if cfg.get(entry["key"], {}).get("parts") == entry["parts"]:
            return ConfigResult(None)
        self._editable(user, stored)[entry["key"]] = entry
        self._log(user, stored, "", text)
        return ConfigResult(None, changed=True)

    def _inherited_block(self, user: str, stored: str, key: str) -> Entry | None:
        for parent in reversed(chain_of_stored(stored)[:-1]):
            if key in self.working(user, parent):
                return self.working(user, parent)[key]
        return None

    def _apply_sub(self, user: str, stored: str, host: str, context: str, m: Match, negate: bool) -> ConfigResult:
        entry = self._entry(m)
        text = render_parts(entry["parts"], encrypt=True)
        block = self.working(user, stored)[context]
        header = render_parts(block["parts"], encrypt=True)
        lines = block["lines"]
        idx = next((i for i, e in enumerate(lines) if e["key"] == entry["key"]), None)
        if negate:
            if idx is None:
                return ConfigResult(context)
            del self._editable(user, stored)[context]["lines"][idx]
            self._log(user, stored, header, "no " + text)
            return ConfigResult(context, changed=True)
        missing = self._missing_refs(user, stored, host, [tuple(r) for r in entry["refs"]])
        if missing:
            return ConfigResult(context, missing)
        if idx is not None and lines[idx]["parts"] == entry["parts"]:
            return ConfigResult(context)
        target = self._editable(user, stored)[context]["lines"]
        if idx is None:
            target.append(entry)
        else:
            target[idx] = entry
        self._log(user, stored, header, text)
        return ConfigResult(context, changed=True)

    def _referenced(self, user: str, stored: str, kind: str, name: str) -> str | None:
        """Refuse deleting a profile still used at this node or below, unless a parent node defines it too."""
        if self._defined(user, chain_of_stored(stored)[:-1], kind, name):
            return None
        for node in [stored] + self.descendants(stored):
            for e in self.working(user, node).values():
                for holder in [e] + list(e.get("lines") or []):
                    if [kind, name] in holder.get("refs", []):
                        by_kind = self.grammar.blocks[e["kind"]].kind if e.get("kind") in self.grammar.blocks \
                            else e["cmd"]
                        return self.grammar.errors["referenced"].format(
                            kind=self.grammar.blocks[kind].kind if kind in self.grammar.blocks else kind,
                            name=name, by_kind=by_kind, by_name=e.get("name") or "", node=node.split("@")[0])
        return None

    # --- rendering ---------------------------------------------------------------------------------
    def render(self, cfg: NodeConfig, *, encrypt: bool, indent: str = "    ") -> list[str]:
        """Config body in the 8.10 style: trailing spaces, quoted names, `!` after blocks, block bodies
        indented by `indent` (which layout each command prints: layouts.py)."""
        out: list[str] = []
        loose = False
        # a line a twin carries verbatim (twinseed.py) keeps its place: the order of the line before it
        entries = sorted(cfg.values(), key=lambda e: e["order"] if "order" in e else self.grammar.render_order(e["cmd"]))
        for e in entries:
            text = render_parts(e["parts"], encrypt) + " "
            if e["lines"] is None:
                out.append(text)
                loose = True
                continue
            if loose:
                out.append("!")
            out.append(text)
            out += [indent + render_parts(s["parts"], encrypt) + " " for s in e["lines"]]
            out.append("!")
            loose = False
        if loose:
            out.append("!")
        return out

    def running_config(self, stored_chain: list[str], *, encrypt: bool, indent: str = "    ") -> list[str]:
        body = self.render(self.effective(stored_chain), encrypt=encrypt, indent=indent)
        return ["Building Configuration...", " ", f"version {self.grammar.version}"] + body + ["end"]

    def pending_text(self, user: str, *, encrypt: bool) -> list[str]:
        """[R] text: per node, the pending changes in the order they were typed.

        One line per change: a profile's lines follow its opening line, which is printed once, whether
        the profile was created in this change (the opening line is then the creation) or already existed
        (it is then only the header of the lines below it); a client counting changes counts it once."""
        out: list[str] = []
        last_node, last_header = None, None
        for stored, header, text in self.pending_log.get(user, []):
            if stored != last_node:
                title = f"Pending changes for node {stored.split('@')[0]}"
                out += ["", title, "-" * len(title)]
                last_node, last_header = stored, None
            if not header:
                out.append(text + " ")
                last_header = text  # a creation opens the block its lines will name as their header
                continue
            if header != last_header:
                out.append(header + " ")
                last_header = header
            out.append("    " + text + " ")
        return out or ["", "No pending configuration"]

    def hierarchy_text(self) -> list[str]:
        rows = [(p, t, self.device_names.get(p, "")) for p, t in sorted(self.nodes.items())]
        w = max(len("Config Node"), *(len(r[0]) for r in rows)) + 2
        lines = ["", "Default-node is not configured. Autopark is disabled.", "",
                 "Configuration node hierarchy", "----------------------------",
                 f"{'Config Node':<{w}}{'Type':<8}Name", f"{'-----------':<{w}}{'----':<8}----"]
        lines += [f"{p:<{w}}{t:<8}{n}".rstrip() for p, t, n in rows]
        return lines

    # --- state -------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "device_names": self.device_names, "committed": self.committed,
                "pending": self.pending, "pending_log": self.pending_log, "config_id": self.config_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any], grammar: Grammar | None = None) -> "ConfigDB":
        db = cls(grammar)
        db.nodes = dict(d["nodes"])
        db.device_names = dict(d.get("device_names", {}))
        db.committed = d["committed"]
        db.pending = d.get("pending", {})
        db.pending_log = d.get("pending_log", {})
        db.config_id = int(d.get("config_id", 1))
        return db


def chain_of_stored(stored: str) -> list[str]:
    """Ancestors of a stored node; `/mm/mynode@mm-1` keeps its suffix on the last element only."""
    path, sep, host = stored.partition("@")
    chain = chain_of(path)
    if sep:
        chain[-1] = stored
    return chain


# --- seed: the estate "as found at takeover" ------------------------------------------------------------

def apply_script(db: ConfigDB, node: str, host: str, script: list[str], *, user: str = SYSTEM_USER) -> None:
    """Type `script` at `node` the way an engineer would; `exit` leaves a profile. Errors are bugs here."""
    context: str | None = None
    for raw in script:
        line = raw.strip()
        if not line:
            continue
        if line == "exit":
            context = None
            continue
        result = db.execute(user, node, host, context, line, device_node=True)
        if result.error:
            raise ValueError(f"seed line {line!r} at {node}: {result.error}")
        context = result.context


def seed_scripts(estate: Any) -> dict[str, list[str]]:
    """CLI per node, generated from the inventory by the lab itself (no wifiops template involved).

    Today's state: the 6 SSIDs with today's opmode, their AAA chain, RADIUS servers with the lab key,
    segment VLANs and bandwidth contracts, captive portals, AP groups with their virtual APs, the cluster."""
    scripts: dict[str, list[str]] = {"/": ['clock timezone Europe/Paris 1 0'], "/md": [], "/mm": []}
    md: list[str] = scripts["/md"]
    for srv in estate.intent("radius_servers"):
        md += [f'aaa authentication-server radius "{srv["name"]}"', f'host "{srv["host"]}"',
               f'key "{estate.secret(srv.get("key"))}"', f'authport {srv.get("auth_port", 1812)}',
               f'acctport {srv.get("acct_port", 1813)}', "timeout 5", "exit"]
    for sg in estate.intent("server_groups"):
        md.append(f'aaa server-group "{sg["name"]}"')
        md += [f"auth-server {s} position {i}" for i, s in enumerate(sg.get("servers", []), 1)]
        md.append("exit")
    for seg in estate.intent("segments"):
        md.append(f'vlan-name {seg["name"]}')
        if seg.get("qos_mbps"):
            md.append(f'aaa bandwidth-contract "{seg["name"]}" mbits {seg["qos_mbps"]}')
    md += ['ip access-list session "allowall"', "any any any permit", "exit"]
    roles_done: set[str] = set()
    for cp in estate.intent("captive_portals"):
        wl = f'{cp["name"]}-whitelist'
        md += [f'netdestination "{wl}"'] + [f"name {h}" for h in cp.get("whitelist", [])] + ["exit"]
        md += [f'aaa authentication captive-portal "{cp["name"]}"',
               f'default-role "{cp.get("post_auth_role", "guest")}"', f'login-page "{cp["login_page"]}"',
               f'white-list "{wl}"', "exit"]
        for role in (cp.get("post_auth_role"), cp.get("pre_auth_role")):
            if role and role not in roles_done:
                roles_done.add(role)
                md += [f'user-role "{role}"', "access-list session allowall"]
                if role == cp.get("pre_auth_role"):
                    md.append(f'captive-portal "{cp["name"]}"')
                md.append("exit")
    for s in estate.intent("ssids"):
        prof, auth = s["profile"], s.get("auth", "")
        aaa = f"{prof}-aaa"
        if auth.startswith("dot1x"):
            md += [f'aaa authentication dot1x "{prof}-dot1x"', "termination" if auth == "dot1x" else "", "exit"]
        md.append(f'aaa profile "{aaa}"')
        if auth.startswith("dot1x"):
            md += [f'authentication-dot1x "{prof}-dot1x"', 'dot1x-default-role "authenticated"',
                   f'dot1x-server-group "{s.get("server_group", "sg-clearpass")}"']
        elif auth == "captive-portal":
            portal: dict[str, Any] = next((c for c in estate.intent("captive_portals") if c["name"] == s.get("portal")), {})
            md.append(f'initial-role "{portal.get("pre_auth_role", "guest-logon")}"')
        else:
            md.append('initial-role "authenticated"')
        md.append("exit")
        md += [f'wlan ssid-profile "{prof}"', f'essid "{s["name"]}"', f'opmode {s["opmode"]}']
        if s.get("psk"):
            md.append(f'wpa-passphrase "{estate.secret(s["psk"])}"')
        md += ["exit", f'wlan virtual-ap "{prof}"', f'aaa-profile "{aaa}"', f'ssid-profile "{prof}"',
               f'vlan {s["vlan"]}', "forward-mode tunnel", "exit"]
    by_name = {s["name"]: s for s in estate.intent("ssids")}
    mds = [d for d in estate.devices if d.role == "md" and not d.planned]  # a planned MD is not there yet
    group_nodes = sorted({g.node for g in estate.ap_groups} | {d.config_path.rsplit("/", 1)[0] for d in mds})
    in_cluster: set[str] = set()
    for node in group_nodes:
        script = scripts.setdefault(node, [])
        vlans = sorted({int(s["vlan"]) for s in estate.intent("ssids")} | {int(x["vlan"]) for x in estate.intent("segments")})
        for v in vlans:
            script += [f"vlan {v}", "exit"]
        script += [f'vlan {seg["name"]} {seg["vlan"]}' for seg in estate.intent("segments")]
        under = [d for d in mds if d.config_path.startswith(node + "/")]
        # the cluster the intent names (its members, in its order), else every MD under the node
        named = ((estate.node_data.get(node, {}).get("cluster") or {}).get("members")) or []
        members = [d for name in named for d in under if d.name == name] or under
        in_cluster |= {d.name for d in members}
        if members:
            script += ['ap system-profile "louvre-aps"', f"lms-ip {members[0].mgmt_ip}"]
            if len(members) > 1:
                script.append(f"bkup-lms-ip {members[1].mgmt_ip}")
            script.append("exit")
            cluster = (estate.node_data.get(node, {}).get("cluster") or {}).get("name", "cluster")
            script.append(f'lc-cluster group-profile "{cluster}"')
            script += [f"controller {d.mgmt_ip} priority 128 mcast-vlan 0 vrrp-ip 0.0.0.0 vrrp-vlan 0 group 0"
                       for d in members]
            script += ["exit"]
        for grp in (g for g in estate.ap_groups if g.node == node):
            script.append(f'ap-group "{grp.name}"')
            script += [f'virtual-ap "{by_name[n]["profile"]}"' for n in grp.ssids if n in by_name]
            if members:
                script.append('ap-system-profile "louvre-aps"')
            script.append("exit")
    for d in mds:
        cluster = (estate.node_data.get(d.config_path.rsplit("/", 1)[0], {}).get("cluster") or {}).get("name")
        script = scripts.setdefault(d.config_path, [])
        script += [f'hostname "{d.name}"', "vlan 150", "exit", "interface vlan 150",
                   f"ip address {d.mgmt_ip} 255.255.255.0", "exit", "controller-ip vlan 150",
                   f"ip default-gateway {_gateway(d.mgmt_ip)}", f"ip radius nas-ip {d.mgmt_ip}"]
        if cluster and d.name in in_cluster:
            script.append(f'lc-cluster group-membership "{cluster}"')
    return scripts


def build_db(estate: Any, grammar: Grammar | None = None) -> ConfigDB:
    """A committed database for the estate: hierarchy nodes, one mynode per MM, the seed config."""
    db = ConfigDB(grammar)
    for node in estate.nodes:
        names = [d.name for d in estate.devices if d.config_path == node.path and d.role == "md"]
        db.add_node(node.path, node.node_type, names[0] if names else "")
    for base in ("/", "/md", "/mm", MYNODE):
        db.add_node(base, "System")
    for d in estate.devices:
        if d.role == "mm":
            db.committed.setdefault(db.storage(MYNODE, d.name), {})
    for node, script in seed_scripts(estate).items():
        if node not in db.nodes:
            db.add_node(node, "Group")
        apply_script(db, node, "", script)
    for d in estate.devices:
        if d.role == "mm":
            # the management address on VLAN 1: the setup dialog's default uplink VLAN [R]
            apply_script(db, MYNODE, d.name, [f'hostname "{d.name}"', f"mgmt-user {d.username} root {d.password}",
                                              "interface vlan 1",
                                              f"ip address {d.mgmt_ip} 255.255.255.0", "exit",
                                              f"ip default-gateway {_gateway(d.mgmt_ip)}"])
        elif not d.planned:
            apply_script(db, local_node(d.name), d.name, join_script(estate, d))
    db.commit(SYSTEM_USER)
    db.config_id = 1
    return db


def join_script(estate: Any, md: Any) -> list[str]:
    """What an MD's installer types at its console so that it joins the conductor (arubaos8.md §3.4, 8.10 [V]):
    the MD's own local line, which the MM does not push."""
    conductor = next((m for m in estate.devices if m.role == "mm" and m.conductor), None)
    if conductor is None:
        return []
    key = estate.secrets.get("ipsec_key", "lab-ipsec-key")
    # its admin user, made in the same setup dialog (every real configuration has one; printed masked)
    return [f'conductorip {conductor.mgmt_ip} ipsec "{key}" interface vlan 150',
            f"mgmt-user {md.username} root {md.password}"]


def local_node(host: str) -> str:
    """An MD's own local config (what the MM does not push, e.g. `conductorip`)."""
    return f"@local/{host}"


def _gateway(ip: str) -> str:
    return ".".join(ip.split(".")[:3] + ["1"])
