"""A twin's configuration: the lab's config DB built from production's own text (a backup revision).

Lab-pure (imports only wifiops.lab): it is handed plain text, with the secrets already put back, by the
orchestration (twin.py). Every line is offered to the lab's grammar; a line the grammar matches and prints
back exactly as production wrote it is *modelled* (it lives in the DB as any typed line); any other line is
*carried*: kept verbatim, in its place, printed back as it was, but not understood (a push cannot change it,
nothing follows from it). The fidelity (modelled and carried lines, per node, and the kinds carried) is the
honest measure of how far a rehearsal on the twin can be trusted.

A block's body is told by its indentation, or, in a flush-left text (oxidized's 7210 prints every body at
column 0), by the block's header: a line the grammar models as a block, a header of twinsyntax.yaml, or an
unknown line after a `!` followed before the next `!` by another line no table knows; its body runs to its
`!` (8.x blocks do not nest). The toolkit reads the same way (wifiops/aos8/configtext.py); this is the lab's
own copy, as the grammar is.

A device's own lines (an MD's `conductorip`, an MM's /mm/mynode) are what its running-config holds beyond
what the nodes above it give it: its running-config minus the effective configuration of its nodes.
"""

from __future__ import annotations

import copy
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from wifiops.lab.configdb import MYNODE, ConfigDB, Entry, NodeConfig, chain_of, local_node, render_parts
from wifiops.lab.estate import Estate
from wifiops.lab.grammar import match_line, tokenize

CARRIED = "~carried"  # the cmd of a line kept verbatim
TWIN_USER = "twin"
MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", re.I)
FRAMING = re.compile(r"^(Building Configuration\.\.\.|version \S+|end)\s*$")  # running-config's frame


@dataclass(frozen=True)
class _Syntax:
    blocks: re.Pattern[str]
    oneliners: re.Pattern[str]


@cache
def _syntax() -> _Syntax:
    data = yaml.safe_load((Path(__file__).with_name("twinsyntax.yaml")).read_text(encoding="utf-8"))
    return _Syntax(*(re.compile("|".join(f"(?:{p})" for p in data[k])) for k in ("blocks", "oneliners")))


def _skipped(line: str) -> bool:
    return not line.strip() or FRAMING.match(line.rstrip()) is not None


def flush_bodies(grammar: Any, lines: list[str]) -> list[bool] | None:
    """For a flush-left text, whether each line is the body of the block above it; None when the text indents
    its bodies (more top-level lines followed by an indented one than known headers by a flush-left one)."""
    table = _syntax()
    matched: dict[str, Any] = {}

    def match(text: str) -> Any:
        if text not in matched:
            matched[text] = match_line(grammar, grammar.config, tokenize(text), text)[0]
        return matched[text]

    def opens(text: str) -> bool:
        if table.blocks.match(text):
            return True
        m = None if table.oneliners.match(text) else match(text)
        return m is not None and bool(m.command.block)

    def known(text: str) -> bool:
        return bool(table.blocks.match(text) or table.oneliners.match(text)) or match(text) is not None

    significant = [raw.rstrip() for raw in lines if not _skipped(raw)]
    votes = 0
    for raw, following in zip(significant, significant[1:]):
        if raw[:1].isspace() or raw.strip().startswith("!") or following.strip().startswith("!"):
            continue
        if following[:1].isspace():
            votes += 1
        elif table.blocks.match(raw.strip()):
            votes -= 1
    if votes > 0:
        return None
    bodies = [False] * len(lines)
    inside, segment_start = False, True
    for index, raw in enumerate(lines):
        text = raw.strip()
        if _skipped(raw):
            continue
        if text.startswith("!"):
            inside, segment_start = False, True
            continue
        if inside or raw[:1].isspace():
            bodies[index] = True
            continue
        inside = opens(text) or (segment_start and not known(text) and _inferred(lines, index, known, opens))
        segment_start = False
    return bodies


def _inferred(lines: list[str], index: int, known: Any, opens: Any) -> bool:
    """An unknown line opens a block when a flush-left line before the next `!` (or known header) is no known
    top-level command either; a group of known one-liners after an unknown one stays top-level."""
    for raw in lines[index + 1:]:
        text = raw.strip()
        if _skipped(raw) or raw[:1].isspace():
            continue
        if text.startswith("!") or opens(text):
            return False
        if not known(text):
            return True
    return False


@dataclass
class NodeFidelity:
    node: str  # a node path, or `HOST (own)` for a device's own lines
    modelled: int = 0
    carried: int = 0
    kinds: dict[str, int] = field(default_factory=dict)  # first word(s) of carried lines -> how many

    def carry(self, line: str) -> None:
        self.carried += 1
        words = line.split()
        kind = " ".join(words[:2] if words and words[0] == "no" else words[:1]) or "?"
        self.kinds[kind] = self.kinds.get(kind, 0) + 1


@dataclass
class Fidelity:
    nodes: list[NodeFidelity]
    missing_secrets: list[str] = field(default_factory=list)  # where a secret the store lacked was replaced
    unserved: list[str] = field(default_factory=list)  # hosts of the backup the twin does not serve
    revision: str = ""
    aps_from: str = ""  # where its APs and clients come from

    @property
    def modelled(self) -> int:
        return sum(n.modelled for n in self.nodes)

    @property
    def carried(self) -> int:
        return sum(n.carried for n in self.nodes)

    def kinds(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for n in self.nodes:
            for kind, count in n.kinds.items():
                found[kind] = found.get(kind, 0) + count
        return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))

    def line(self) -> str:
        """One line for every report: modelled, carried, the kinds carried."""
        total = self.modelled + self.carried
        share = f" ({100 * self.modelled // total}%)" if total else ""  # rounded down: never overstated
        said = f"fidelity: {self.modelled} of {total} production lines modelled{share}"
        if self.carried:
            kinds = ", ".join(f"{k} ({n})" for k, n in list(self.kinds().items())[:8])
            more = ", ..." if len(self.kinds()) > 8 else ""
            said += f"; not modelled: {self.carried} lines of kinds {kinds}{more} (carried verbatim)"
        return said

    def to_dict(self) -> dict[str, Any]:
        return {"revision": self.revision, "modelled": self.modelled, "carried": self.carried,
                "kinds": self.kinds(), "nodes": [asdict(n) for n in self.nodes],
                "missing_secrets": list(self.missing_secrets), "unserved": list(self.unserved), "line": self.line(),
                "aps_from": self.aps_from}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Fidelity":
        return cls([NodeFidelity(**n) for n in d.get("nodes", [])], list(d.get("missing_secrets", [])),
                   list(d.get("unserved", [])), str(d.get("revision", "")), str(d.get("aps_from", "")))


class TwinError(ValueError):
    """A backup the twin cannot be built from (a node it cannot place); the message says which."""


def _carried(text: str, order: int, n: int, stored: str) -> Entry:
    return {"cmd": CARRIED, "key": f"{CARRIED}:{stored}:{n}", "parts": [[text, "raw"]], "refs": [], "kind": None,
            "name": None, "lines": None, "order": order}


def _sub(text: str) -> Entry:
    return {"cmd": CARRIED, "key": f"{CARRIED}:{text}", "parts": [[text, "raw"]], "refs": [], "kind": None,
            "name": None, "lines": None}


def _prints_back(db: ConfigDB, m: Any) -> str:
    return render_parts([[p.value, p.style] for p in m.parts], encrypt=False)


def seed_text(db: ConfigDB, node: str, host: str, text: str, fidelity: NodeFidelity, *,
              user: str = TWIN_USER) -> None:
    """Type `text` (a node's configuration as `show configuration committed` prints it) at `node`, keeping every
    line the grammar does not print back identically as a carried one. Leaves the changes pending for `user`."""
    g = db.grammar
    stored = db.storage(node, host)
    context: str | None = None  # an open modelled profile
    carried_block: Entry | None = None  # an open carried block (its body follows, indented)
    last: Entry | None = None  # the last top-level entry, carried or not
    count = 0
    order = -1
    lines = text.splitlines()
    bodies = flush_bodies(g, lines)
    for index, raw in enumerate(lines):
        line = raw.rstrip()
        if not line.strip() or line.strip() == "!" or FRAMING.match(line):
            if line.strip() == "!":
                context, carried_block = None, None
            continue
        if (line[0] in " \t") if bodies is None else bodies[index]:
            body = line.strip()
            if context is not None:
                block = db.working(user, stored)[context]
                tokens = tokenize(body)
                m, _ = match_line(g, g.blocks[block["kind"]].commands, tokens, body)
                twice = m is not None and any(s["key"] == db._entry(m)["key"] for s in block["lines"])
                if m is not None and _prints_back(db, m) == body and not twice:  # a key twice: the 2nd carried
                    r = db.execute(user, node, host, context, body, device_node=True)
                    if r.error is None and r.context == context:
                        fidelity.modelled += 1
                        continue
                db._editable(user, stored)[context]["lines"].append(_sub(body))
                fidelity.carry(body)
                continue
            if carried_block is None and last is not None and last["cmd"] == CARRIED:
                carried_block = db._editable(user, stored)[last["key"]]
                if carried_block["lines"] is None:
                    carried_block["lines"] = []
            if carried_block is not None:
                carried_block["lines"].append(_sub(body))
                fidelity.carry(body)
                continue
        context, carried_block = None, None
        tokens = tokenize(line)
        negate = bool(tokens) and tokens[0].text.lower() == "no" and not tokens[0].quoted
        m, _ = (None, None) if negate else match_line(g, g.config, tokens, line)
        # a line whose key this node has already (a profile opened twice, a one-liner the lab's key conflates with
        # an earlier one) is carried: modelled, it would replace the first and a line would be lost
        if m is not None and _prints_back(db, m) == line.strip() and db._entry(m)["key"] not in db.working(user, stored):
            r = db.execute(user, node, host, None, line.strip(), device_node=True)
            if r.error is None:
                fidelity.modelled += 1
                key = db._entry(m)["key"]
                last = db.working(user, stored).get(key)
                order = g.render_order(m.command.id)
                if m.command.block:
                    context = r.context
                    if context is not None:
                        db._editable(user, stored)[context]["lines"] = []  # as written here, not inherited
                continue
        entry = _carried(line.strip(), order, count, stored)
        count += 1
        db._editable(user, stored)[entry["key"]] = entry
        last = entry
        fidelity.carry(line.strip())


def _signature(entry: Entry) -> tuple[str, tuple[str, ...] | None]:
    lines = entry.get("lines")
    return (render_parts(entry["parts"], encrypt=False),
            None if lines is None else tuple(render_parts(s["parts"], encrypt=False) for s in lines))


def own_lines(db: ConfigDB, chain: list[str], running: str, label: str) -> tuple[NodeConfig, NodeFidelity]:
    """What a device's running-config holds beyond the effective configuration of `chain` (its nodes): its own
    lines, as entries, with their fidelity."""
    scratch = ConfigDB(db.grammar)
    scratch.add_node("/", "System")
    whole = NodeFidelity(label)
    seed_text(scratch, "/", "", running, whole)
    scratch.commit(TWIN_USER)
    given = {_signature(e) for e in db.effective(chain).values()}
    own = {k: e for k, e in scratch.committed["/"].items() if _signature(e) not in given}
    fidelity = NodeFidelity(label)
    for e in own.values():
        for text in [render_parts(e["parts"], encrypt=False)] + [render_parts(s["parts"], encrypt=False)
                                                                   for s in e.get("lines") or []]:
            if e["cmd"] == CARRIED:
                fidelity.carry(text)
            else:
                fidelity.modelled += 1
    # a modelled profile's carried sub-lines were counted as modelled above: recount them
    for e in own.values():
        if e["cmd"] != CARRIED:
            for s in e.get("lines") or []:
                if s["cmd"] == CARRIED:
                    fidelity.modelled -= 1
                    fidelity.carry(render_parts(s["parts"], encrypt=False))
    return own, fidelity


def build_twin_db(estate: Estate, nodes: dict[str, str], running: dict[str, str]) -> tuple[ConfigDB, list[NodeFidelity]]:
    """The twin's database: every node of `nodes` (path -> committed text) typed in from the top of the hierarchy
    down, then each device's own lines from its running-config (`running`: host -> text). Nodes the lab's
    inventory does not name are added (a group node as Group, anything under a group as Device)."""
    db = ConfigDB()
    for n in estate.nodes:
        names = [d.name for d in estate.devices if d.config_path == n.path and d.role == "md"]
        db.add_node(n.path, n.node_type, names[0] if names else "")
    for base in ("/", "/md", "/mm", MYNODE):
        db.add_node(base, "System")
    device_nodes = {d.config_path for d in estate.devices if d.role == "md"}
    fidelities: list[NodeFidelity] = []
    for path in sorted(nodes, key=lambda p: (len(chain_of(p)), p)):
        if path == MYNODE:
            continue  # each MM's own: from its running-config below
        if path not in db.nodes:  # a node production has and the lab inventory lacks: a device node ends in a MAC
            db.add_node(path, "Device" if path in device_nodes or MAC.match(path.rsplit("/", 1)[-1]) else "Group")
        found = NodeFidelity(path)
        seed_text(db, path, "", nodes[path], found)
        db.commit(TWIN_USER)
        fidelities.append(found)
    for d in estate.devices:
        if d.name not in running:
            continue
        if d.role == "mm":
            db.committed.setdefault(db.storage(MYNODE, d.name), {})
            chain, target = db.storage_chain("/mm", d.name), db.storage(MYNODE, d.name)
        else:
            if not d.config_path:
                continue
            chain, target = chain_of(d.config_path), local_node(d.name)
        own, found = own_lines(db, chain, running[d.name], f"{d.name} (own)")
        # keys made unique where they are kept (a carried line's key names its node)
        db.committed[target] = {(f"{CARRIED}:{target}:{i}" if e["cmd"] == CARRIED else k):
                                dict(copy.deepcopy(e), key=(f"{CARRIED}:{target}:{i}" if e["cmd"] == CARRIED else k))
                                for i, (k, e) in enumerate(own.items())}
        fidelities.append(found)
    db.config_id = 1
    return db, fidelities
