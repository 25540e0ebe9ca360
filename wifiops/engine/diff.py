"""Compliance plans: how a running configuration differs from the intended one, and the exact commands
that would fix it and undo the fix (the ArubaOS 8 hier-config driver, wifiops/aos8/hconfig.py).

Two saved files (`wifiops config diff`), or every node's latest backup or live read against the rendered
intent, per feature (`wifiops diff`). Secrets are compared as the backups keep them, keyed hashes, so a
key is compliant when it is the intended one, and no plan ever shows a secret.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from nornir.core import Nornir

from wifiops.tasks.diff import read_nodes
from wifiops.aos8.configtext import INDENT, objects, parse
from wifiops.aos8.hconfig import managed, plan, unmodelled
from wifiops.aos8.platform import aos8
from wifiops.backups.scrub import Scrubber, load_key
from wifiops.backups.store import BackupRepo
from wifiops.engine import firewall
from wifiops.engine.backup import NODE_SUFFIX, NODES, host_folder
from wifiops.engine.render import NodeConfig, RenderReport, check_features, render_intent
from wifiops.engine.run import conductor_of, reason, start_run
from wifiops.errors import WifiopsError
from wifiops.estate import Estate
from wifiops.paths import node_file
from wifiops.readers import TEXT_BYTES, read_text
from wifiops.engine.configdiff import config_diff  # noqa: F401  (re-exported: the offline verb, no Nornir)


# --- per node and per feature: the latest backup (or a live read) against the rendered intent ---------------

OTHER = "other"  # what the device has that no feature of the intent renders


@dataclass
class NodeCompliance:
    node: str
    source: str  # "backup <revision>" or "live"
    compliant: bool
    features: dict[str, bool]
    remediation: str
    rollback: str
    running: str = field(default="", repr=False)  # the node's whole configuration, scrubbed: a plan's base
    # lines inside an object the intent renders, of an attribute it does not model: never changed, reported
    left_alone: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found.pop("running")
        return found


@dataclass
class ComplianceReport:
    nodes: list[NodeCompliance] = field(default_factory=list)
    firewall: list[firewall.Sheet] = field(default_factory=list)  # a rate the firewall enforces: pending until confirmed
    pending: dict[str, list[str]] = field(default_factory=dict)  # read live: lines left uncommitted, by node

    @property
    def exit_code(self) -> int:
        return 0 if (all(n.compliant for n in self.nodes) and not any(s.pending for s in self.firewall)
                     and not self.pending) else 1


def compliance(estate: Estate, *, limit: Sequence[str] = (),
               features: Sequence[str] = (), live: bool = False, nr: Nornir | None = None,
               rendered: RenderReport | None = None) -> ComplianceReport:
    """Exit code: 0 compliant, 1 not compliant; errors (no backup, unreachable MM) raise. `nr`: the estate's
    hosts with an intent changed in memory (a runbook's step); `rendered`: its intent, already rendered from it
    with the same `limit`."""
    check_features(features)
    nr = nr or estate.nornir  # loaded once for the render, the conductor and a live read
    intended = rendered or render_intent(estate, limit=limit, nr=nr)
    store = estate.store
    repo = BackupRepo(estate.settings.path(estate.settings.backup_dir))
    scrub = Scrubber(store, load_key(repo.git_dir))
    conductor = conductor_of(nr)
    nodes = [n.node for n in intended.nodes]
    if live:
        running, source = live_nodes(estate, nr, conductor.name, nodes), "live"
    else:
        running, source = _from_backup(repo, conductor, nodes)
    report = ComplianceReport(pending={node: [store.redact(line) for line in lines]
                                       for node, lines in getattr(running, "pending", {}).items()})
    extra = shared_kinds(nr, intended.nodes)
    for node in intended.nodes:
        report.nodes.append(judge(node, scrub(running[node.node]), scrub, source, features, store.redact,
                                  extra.get(node.node, set())))
    if not features or "qos" in features:  # the firewall's segments (issue 34): estate-wide, never a node's
        report.firewall = firewall.judge(intended.sheets, {n.node: n.running for n in report.nodes})
    return report


def shared_kinds(nr: Nornir, nodes: Sequence[NodeConfig]) -> dict[str, set[str]]:
    """Device nodes share their scope: what the intent renders on one controller's node it owns on every one, so
    a membership the intent no longer gives a controller (leaving a cluster) is removed, not left out of scope."""
    devices = {h.data.get("config_path") for h in nr.inventory.hosts.values() if h.data.get("node_type") == "Device"}
    kinds = {k for n in nodes if n.node in devices for k in _kinds(n.text)}
    return {n.node: kinds for n in nodes if n.node in devices}


def _kinds(text: str) -> set[str]:
    return {found[1] for block in parse(text) if (found := objects().kind_of(block.header))}


def judge(node: NodeConfig, running: str, scrub: Callable[[str], str], source: str,
          features: Sequence[str] = (), redact: Callable[[str], str] = lambda s: s,
          extra_kinds: set[str] | frozenset[str] = frozenset()) -> NodeCompliance:
    """One node's scrubbed running configuration against its intent: in scope, per feature; with `features`,
    the remediation and rollback keep only those features' lines (what `apply --feature` sends). The scope is
    the kinds of object the intent renders on the node, and `extra_kinds` (see shared_kinds). Inside an object
    the intent renders, a line of an attribute the intent sets for no object of its kind is left alone and
    listed in `left_alone` (hconfig.unmodelled): a tuned value the inventory does not describe is no drift."""
    kinds = _kinds(node.text) | set(extra_kinds)
    in_scope, _ = managed(running, kinds)
    intended = scrub(node.text)
    modelled, aside = unmodelled(in_scope, intended)
    result = plan(modelled, intended)
    owners = _owners({f: scrub(text) for f, text in node.by_feature.items()})
    status = {f: True for f in node.by_feature}
    for feature in _features_of(result.remediation, owners):
        status[feature] = False
    remediation, rollback = result.remediation, result.rollback
    if features:
        status = {f: ok for f, ok in status.items() if f in features}
        remediation = _feature_part(remediation, owners, set(features))
        rollback = _feature_part(rollback, owners, set(features))
    compliant = all(status.values()) if features else result.compliant
    left_alone = [redact(f"{header}: {line}") for header, line in aside]
    return NodeCompliance(node.node, source, compliant, status, redact(remediation), redact(rollback), running,
                          left_alone)


def _from_backup(repo: BackupRepo, conductor: Any, nodes: list[str]) -> tuple[dict[str, str], str]:
    folder = repo.folder / host_folder(conductor.get("site"), conductor.name) / NODES
    running = {}
    for node in nodes:
        path = folder / node_file(node, NODE_SUFFIX)
        if not path.exists():
            raise WifiopsError(f"no backup of node {node} in {repo.folder}: run `wifiops backup` first, or `--live`")
        running[node] = read_text(path, TEXT_BYTES, "backup file")
    revision = repo.repo.head.commit.hexsha[:12] if repo.repo.head.is_valid() else "uncommitted"
    return running, f"backup {revision}"


def live_nodes(estate: Estate, nr: Nornir, conductor: str, nodes: list[str]) -> dict[str, str]:
    """Each node's committed configuration read now from the conductor, as the device prints it (secrets in clear:
    `encrypt disable`), for the caller to scrub."""
    run = start_run(estate, "diff", names=[conductor], nr=nr)
    aggregated = run.execute(read_nodes, nodes=nodes)
    multi = aggregated[conductor]
    if multi.failed:
        raise WifiopsError(run.redact(reason(conductor, multi.exception)))
    return multi.result  # type: ignore[no-any-return]  # a dict, with what is left pending (tasks.diff.NodesRead)


def _owners(by_feature: dict[str, str]) -> dict[tuple[str, str], set[str]]:
    """(object kind, first word of a line) -> the features that render such a line; ("kind", "") for headers."""
    owners: dict[tuple[str, str], set[str]] = {}
    table = objects()
    for feature, text in by_feature.items():
        for block in parse(text):
            found = table.kind_of(block.header)
            if found is None:
                continue
            kind = found[1]
            owners.setdefault((kind, ""), set()).add(feature)
            for line in block.body:
                owners.setdefault((kind, line.split()[0]), set()).add(feature)
    return owners


def _feature_part(text: str, owners: dict[tuple[str, str], set[str]], wanted: set[str]) -> str:
    """The lines of a plan that belong to the `wanted` features, each kept under its block's header."""
    table = objects()
    out: list[str] = []
    for block in parse(text):
        found = table.kind_of(block.header.removeprefix("no "))
        by_kind = owners.get((found[1], ""), {OTHER}) if found else {OTHER}
        if not block.body:
            if by_kind & wanted:
                out.append(block.header)
            continue
        kept = [line for line in block.body
                if owners.get((found[1], line.removeprefix("no ").split()[0]), by_kind) & wanted] if found else []
        if kept:
            out += [block.header, *(INDENT + line for line in kept), aos8().block_end]
    return "\n".join(out) + ("\n" if out else "")


def _features_of(remediation: str, owners: dict[tuple[str, str], set[str]]) -> set[str]:
    """Which features a plan touches: each line by its object's kind and its first word."""
    touched: set[str] = set()
    table = objects()
    for block in parse(remediation):
        header = block.header.removeprefix("no ")
        found = table.kind_of(header)
        if found is None:
            touched.add(OTHER)
            continue
        kind = found[1]
        by_kind = owners.get((kind, ""), {OTHER})
        if not block.body:
            touched |= by_kind
        for line in block.body:
            touched |= owners.get((kind, line.removeprefix("no ").split()[0]), by_kind)
    return touched
