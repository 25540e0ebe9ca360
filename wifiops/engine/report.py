"""`wifiops report diff`: the DOE's as-built documentation, per node and feature, for people.

Either what changed between two backups of the conductor MM's nodes (revisions or dates; by default the
last two versions), or (`intended`) each node's running configuration against the rendered intent, from
`wifiops diff`'s compliance. Every text passes the secret store's redaction on top of the backups' own
scrubbing: a report is mailed and printed, no secret may ever reach one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

import git

from wifiops.backups.store import BackupRepo, BackupStoreError
from wifiops.engine.backup import NODE_SUFFIX, NODES, host_folder
from wifiops.credentials import engineer
from wifiops.engine.as_at import as_at
from wifiops.engine import firewall
from wifiops.engine.diff import compliance
from wifiops.errors import WifiopsError
from wifiops.estate import Estate
from wifiops.paths import node_file
from wifiops.model.report import FeatureChange, NodeReport, Report, compare, feature_title, ordered, plan_changes
from wifiops.secrets import SecretStore


def report_diff(estate: Estate, *, limit: Sequence[str] = (),
                old: str | None = None, new: str | None = None, intended: bool = False,
                live: bool = False) -> Report:
    settings, nr = estate.settings, estate.nornir
    conductor = estate.conductor
    store = estate.store
    repo = BackupRepo(settings.path(settings.backup_dir))
    folder = host_folder(conductor.get("site"), conductor.name) / NODES
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if intended:
        report = _intended(estate, limit, live, repo, folder, store, stamp)
    elif live:
        raise WifiopsError("--live compares the running configuration with the intent: use it with --intended")
    else:
        report = _changes(nr, limit, old, new, repo, folder, store, stamp)
        if not limit and report.from_revision:  # the firewall changes confirmed in between (issue 34)
            # up to now when no end was asked: a confirmation is committed after the last node backup of a window
            report.firewall = firewall.history(settings, report.from_revision, report.to_revision if new else None)
    report.by = engineer(settings)
    report.language = settings.language
    report.device_names = {str(h.data["config_path"]): h.name for h in nr.inventory.hosts.values()
                           if h.data.get("config_path")}  # the host's own: a group's node is no device's
    return report


def _changes(nr: Any, limit: Sequence[str], old: str | None, new: str | None, repo: BackupRepo,
             folder: PurePosixPath, store: SecretStore, stamp: str) -> Report:
    versions = repo.history([str(folder)])
    if old is None and new is None:
        if len(versions) < 2:
            raise WifiopsError(f"{len(versions)} backup(s) of the nodes in {repo.folder}: a report of changes needs "
                               "two (or use --intended)")
        old, new = versions[1].revision, versions[0].revision
    elif old is None:
        raise WifiopsError("--to needs --from (the earlier backup)")
    if not versions:
        raise WifiopsError(f"no backup of the nodes in {repo.folder}: run `wifiops backup` first")
    old_at, new_at = as_at(repo, [str(folder)], old), as_at(repo, [str(folder)], new) if new else None
    old = old_at.revision if old_at else repo.resolve(old)  # a date: as at the end of that day (engine/as_at.py)
    new = new_at.revision if new_at else repo.resolve(new) if new else versions[0].revision
    wanted = _nodes(nr, limit)
    paths = sorted(set(_files(repo, old, folder)) | set(_files(repo, new, folder)))
    report = Report("changes", "Configuration changes between two backups", stamp,
                    f"Changes between backup {old[:12]} ({_date(repo, old)}) and backup {new[:12]} "
                    f"({_date(repo, new)})." + (f" From: {old_at.sentence()}." if old_at else "") +
                    (f" To: {new_at.sentence()}." if new_at else "") +
                    (" Both are the same backup: 0 differences." if old == new else ""),
                    from_revision=old, to_revision=new)
    for path in paths:
        node = _node_of(path, folder)
        if wanted is not None and node not in wanted:
            continue
        before, after = store.redact(_show(repo, old, path)), store.redact(_show(repo, new, path))
        features = compare(before, after)
        report.nodes.append(NodeReport(
            node, f"backup {old[:12]}..{new[:12]}", added=sum(f.added for f in features),
            removed=sum(f.removed for f in features), features=features,
            diff=store.redact(repo.diff([path], old, new)) if before != after else "",
            history=_history(repo, path, new)))
    if wanted is not None and not report.nodes:
        raise WifiopsError(f"no backup of {', '.join(sorted(wanted))} in {repo.folder}")
    return report


def _intended(estate: Estate, limit: Sequence[str], live: bool, repo: BackupRepo,
              folder: PurePosixPath, store: SecretStore, stamp: str) -> Report:
    found = compliance(estate, limit=limit, live=live)
    source = "read live from the conductor MM" if live else "the latest backup"
    sheets = found.firewall
    report = Report("intended", "Running configuration against the intended configuration", stamp,
                    f"Each node's running configuration ({source}) against the configuration the inventory "
                    "intends, feature by feature.")
    for node in found.nodes:
        features = plan_changes(store.redact(node.remediation))
        for name in node.features:
            features.setdefault(name, FeatureChange(name, feature_title(name)))
        for change in features.values():  # the compliance engine's verdict; attribution only counts lines
            change.compliant = node.features.get(change.feature, not change.objects)
        listed = ordered(features)
        path = str(folder / node_file(node.node, NODE_SUFFIX))
        report.nodes.append(NodeReport(
            node.node, node.source, added=sum(f.added for f in listed), removed=sum(f.removed for f in listed),
            compliant=node.compliant, features=listed, diff=store.redact(node.remediation),
            rollback=store.redact(node.rollback), history=_history(repo, path, None)))
    report.firewall = firewall.status_rows(sheets)
    return report


def _node_of(path: str, folder: PurePosixPath) -> str:
    relative = PurePosixPath(path).relative_to(folder).as_posix().removesuffix(NODE_SUFFIX)
    return "/" if relative == "root" else "/" + relative


def _nodes(nr: Any, limit: Sequence[str]) -> set[str] | None:
    """`--limit` takes node paths and host names (a managed device means its device node)."""
    if not limit:
        return None
    chosen = set()
    for name in limit:
        if name.startswith("/"):
            chosen.add(name)
        elif name in nr.inventory.hosts and nr.inventory.hosts[name].get("config_path"):
            chosen.add(nr.inventory.hosts[name].get("config_path"))
        else:
            raise WifiopsError(f"{name!r} is neither a node path (/md/...) nor a managed device with a node")
    return chosen


def _files(repo: BackupRepo, revision: str, folder: PurePosixPath) -> list[str]:
    out = repo.repo.git.ls_tree("-r", "--name-only", revision, "--", str(folder))
    return [line for line in out.splitlines() if line.endswith(NODE_SUFFIX)]


def _show(repo: BackupRepo, revision: str, path: str) -> str:
    try:
        return str(repo.repo.git.show(f"{revision}:{path}"))
    except git.GitCommandError:
        return ""  # the node did not exist in that version


def _date(repo: BackupRepo, revision: str) -> str:
    try:
        return str(repo.repo.git.show("-s", "--format=%cI", revision))
    except git.GitCommandError as exc:
        raise BackupStoreError(f"{revision}: cannot read the backup history: {exc}") from None


def _history(repo: BackupRepo, path: str, until: str | None) -> list[dict[str, str]]:
    """The node's backup versions, newest first, up to `until` (the later version the report shows)."""
    if not repo.repo.head.is_valid():
        return []
    out = repo.repo.git.log("--format=%H%x09%cI%x09%s", until or "HEAD", "--", path)
    return [dict(zip(("revision", "date", "message"), line.split("\t", 2))) for line in out.splitlines() if line]


def report_rollback(estate: Estate, *, applied: Sequence[tuple[str, Path]], why: str) -> Report:
    """The DOE report of a run that rolled back: per node, what each apply step sent (from the plan it pushed)
    and what brought the node back, with the reason. The backups before and after are equal when the rollback
    restored everything, so a report between two backups would show nothing of what happened."""
    from wifiops.engine.plans import load

    settings, store = estate.settings, estate.store
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    report = Report("changes", "Configuration changed, then rolled back", stamp,
                    f"Rolled back because {store.redact(why)}. Each node below was changed by the step named, "
                    "then brought back to its configuration before the run.")
    for step, plan_file in applied:
        for node in load(plan_file).changed:
            sent, back = store.redact(node.remediation), store.redact(node.rollback)
            features = ordered(plan_changes(sent))
            report.nodes.append(NodeReport(
                node.node, f"sent by step {step!r}, then reverted", added=sum(f.added for f in features),
                removed=sum(f.removed for f in features), features=features,
                diff=f"# sent by {step}\n{sent}# then reverted with\n{back}"))
    report.by = engineer(settings)
    report.language = settings.language  # the DOE's language, as every report of a change
    report.device_names = {str(h.data["config_path"]): h.name for h in estate.nornir.inventory.hosts.values()
                           if h.data.get("config_path")}
    return report
