"""`wifiops backup`: every managed device and configuration node into the backup repository, one commit.

A host's files are replaced only when every one of its answers came back whole; any failure (a refused
login, a silent or cut session, an incomplete answer) leaves its previous files as they were, and is
said in the report and in the commit message. Answers are scrubbed of secrets and noise before they
touch the disk. A night with no change makes no commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from wifiops.tasks.backup import HostBackup, backup
from wifiops.backups.scrub import Scrubber, load_key, offline
from wifiops.backups.store import BackupRepo, BackupStoreError
from wifiops.credentials import engineer
from wifiops.engine.clearpass import clearpass_clusters
from wifiops.engine.journal import run_log
from wifiops.engine.run import reason, start_run
from wifiops.errors import WifiopsError
from wifiops.estate import Estate
from wifiops.paths import host_folder, node_file
from wifiops.readers import TEXT_BYTES, read_bytes

NODES = "nodes"  # a conductor MM's folder of node configurations
NODE_SUFFIX = ".cfg"


@dataclass
class HostReport:
    host: str
    ok: bool
    changed: list[str] = field(default_factory=list)  # files (relative to the repository) that changed
    error: str | None = None
    pending: dict[str, list[str]] = field(default_factory=dict)  # node -> lines pending, uncommitted

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class BackupReport:
    hosts: list[HostReport]
    revision: str | None
    repository: Path
    log_dir: Path
    warnings: list[str] = field(default_factory=list)
    pushed: str | None = None  # "ok", an error, or None when no remote is set

    @property
    def exit_code(self) -> int:
        """2 no host backed up, 1 a host failed or the push failed, 0 ok. Changes left pending are said (warnings,
        `pending`, the commit message) without failing the backup: a playbook's backup step goes on, and its
        apply purges them."""
        failed = sum(1 for h in self.hosts if not h.ok)
        if failed and failed == len(self.hosts):
            return 2
        return 1 if failed or (self.pushed not in (None, "ok")) else 0

    @property
    def pending(self) -> list[str]:
        """One line per host with changes left pending (the next `write memory` there commits them)."""
        return [pending_finding(h.host, h.pending) for h in self.hosts if h.pending]


def run_backup(estate: Estate, *, names: Sequence[str] = (),
               processors: Sequence[Any] = (), progress: Callable[[str], None] = lambda _: None) -> BackupReport:
    """The devices are read first, in parallel, without the repository's lock; then the files are written and
    committed holding it (another backup waits for it), so each commit's message says what that commit
    changed."""
    settings = estate.settings
    run = start_run(estate, "backup", names=names)
    repo = BackupRepo(settings.path(settings.backup_dir))
    with repo.locked(on_wait=progress):  # the key is made once, by one run
        key = load_key(repo.git_dir)
    scrub = Scrubber(run.store, key)
    nodes = frozenset(_inventory_nodes(run.nr))
    aggregated = run.execute(backup, processors, inventory_nodes=nodes)
    hosts: list[HostReport] = []
    warnings = list(run.warnings)
    taken_by: dict[str, dict[str, str]] = {}  # host -> {file: scrubbed text}
    for name in sorted(aggregated):
        multi = aggregated[name]
        if multi.failed:
            hosts.append(HostReport(name, False, error=run.redact(reason(name, multi.exception))))
            continue
        taken: HostBackup = multi.result
        warnings += taken.warnings
        folder = host_folder(run.nr.inventory.hosts[name].get("site"), name)
        files = {folder / file: text for file, text in taken.files.items()}
        files.update({folder / NODES / node_file(node, NODE_SUFFIX): text for node, text in taken.nodes.items()})
        with run_log(run.folder, run.redact):  # where the scrub says what only its second line caught
            taken_by[name] = {str(path): scrub(text, where=str(path), said=warnings) for path, text in files.items()}
        pending = {node: [run.redact(line) for line in lines] for node, lines in taken.pending.items()}
        hosts.append(HostReport(name, True, pending=pending))
        if pending:
            warnings.append(pending_finding(name, pending))
    clearpass_folders: dict[str, str] = {}  # report name -> its folder, whose other files are deleted objects
    if not names:  # `wifiops backup HOST...` backs up those hosts only
        for cluster in clearpass_clusters(estate, scrub.mask, progress):
            warnings += cluster.warnings
            if cluster.error is not None:
                hosts.append(HostReport(cluster.name, False, error=run.redact(cluster.error)))
                continue
            taken_by[cluster.name] = {path: scrub.secrets(text, where=path, said=warnings)
                                      for path, text in cluster.files.items()}
            clearpass_folders[cluster.name] = cluster.folder
            hosts.append(HostReport(cluster.name, True))
    who = engineer(settings)
    with repo.locked(on_wait=progress):
        for host in hosts:
            for path, text in taken_by.get(host.host, {}).items():
                repo.write(path, text)
        removed: dict[str, set[str]] = {}
        for name, where in clearpass_folders.items():
            gone = sorted(repo.tracked_under(where) - set(taken_by[name]))
            removed[name] = repo.remove(gone)
        written = [path for files_ in taken_by.values() for path in files_]
        staged = repo.stage(written)  # what this commit changes, against the last commit: its message is true
        staged |= {path for paths in removed.values() for path in paths}
        for host in hosts:
            host.changed = sorted(path for path in [*taken_by.get(host.host, {}), *removed.get(host.host, ())]
                                  if path in staged)
        message = _message(hosts, who, run.nr.inventory.defaults.username)
        failed = any(not h.ok for h in hosts)  # a failed night is in the history even when nothing changed
        revision = repo.commit(written, message, author=who, failed=failed) if staged or failed else None
    pushed = None
    if settings.backup_remote and revision is not None:
        try:
            repo.push(settings.backup_remote)
            pushed = "ok"
        except BackupStoreError as exc:
            pushed = str(exc)
    return BackupReport(hosts, revision, repo.folder, run.folder, warnings, pushed)


def _inventory_nodes(nr: Any) -> set[str]:
    groups = {g.data["config_path"] for g in nr.inventory.groups.values() if g.data.get("group_kind") == "node"}
    devices = {h.data["config_path"] for h in nr.inventory.hosts.values()
               if h.data.get("node_type") == "Device" and h.data.get("lifecycle") != "planned"}  # not on the MM yet
    return groups | devices


def _message(hosts: list[HostReport], who: str, device_user: str | None) -> str:
    """One line that says it all, then who ran it, which hosts and nodes changed, which failed and why."""
    changed = [h for h in hosts if h.changed]
    failed = [h for h in hosts if not h.ok]
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"backup {stamp}: {len(changed)} host(s) changed, {len(failed)} failed", "",
             f"by {who} (device user {device_user or '?'})"]
    for host in changed:
        lines.append(f"changed {host.host}: {', '.join(sorted(host.changed))}")
    for host in failed:
        lines.append(f"failed {host.error}")
    for host in hosts:
        if host.pending:
            lines.append(pending_finding(host.host, host.pending))
    return "\n".join(lines) + "\n"


def pending_finding(host: str, pending: dict[str, list[str]]) -> str:
    """One line for people: where changes are left pending and what to do."""
    count = sum(len(lines) for lines in pending.values())
    where = ", ".join(f"{node} ({len(lines)})" for node, lines in pending.items()) or "?"
    return (f"{host}: {count} line(s) pending, not committed, on {where}: left by a session that ended before "
            "its `write memory`, the next `write memory` by anyone commits them; `wifiops apply --commit` "
            "purges them (or `configuration purge-pending` on the MM)")


# --- history ----------------------------------------------------------------------------------------------

def _paths_of(estate: Estate, target: str) -> list[str]:
    """The files of a host (its folder) or of a node (its file in every conductor MM's folder)."""
    managed = estate.managed.inventory.hosts
    if target in managed:
        return [str(host_folder(managed[target].get("site"), target))]
    clearpass = estate.nornir.filter(platform="clearpass").inventory.hosts
    if target in clearpass:  # its cluster's objects, kept under the cluster's publisher
        return [str(host_folder(clearpass[target].get("site"), target) / "clearpass")]
    if target.startswith("/"):
        return [str(host_folder(h.get("site"), h.name) / NODES / node_file(target, NODE_SUFFIX))
                for h in managed.values() if h.get("conductor")]
    raise WifiopsError(f"{target!r} is neither a managed host nor a node path (/md/...) of this inventory")


def history(estate: Estate, target: str) -> list[dict[str, str]]:
    repo = BackupRepo(estate.settings.path(estate.settings.backup_dir))
    said = None if target.startswith("/") else f"failed {target}:"  # a host's failed nights too
    return [asdict(v) for v in repo.history(_paths_of(estate, target), said)]


def diff(estate: Estate, target: str, old: str | None = None, new: str | None = None) -> str:
    """Between two versions; with one, that version and today's files; with none, the last two versions."""
    repo = BackupRepo(estate.settings.path(estate.settings.backup_dir))
    paths = _paths_of(estate, target)
    if old is None:
        versions = repo.history(paths)
        if len(versions) < 2:
            return ""
        old, new = versions[1].revision, versions[0].revision
    return repo.diff(paths, old, new)


def scrub_file(estate: Estate, path: Path) -> str:
    """`wifiops config scrub FILE`: any saved configuration, scrubbed offline (secrets as ******)."""
    text = read_bytes(path, TEXT_BYTES, "configuration file").decode("utf-8", errors="replace")  # bounded
    return offline(estate.store, where=str(path))(text)
