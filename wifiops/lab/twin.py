"""A twin of production: a lab seeded from a revision of the estate's own backups (issue 32).

Face-level orchestration, like cli.py (it may import both the toolkit and the lab; the engine never imports
it): the toolkit's side reads the backup repository (git), its scrub key and the secrets store, and puts each
`<scrubbed:...>` back to the value the store has (a value it lacks becomes a placeholder, named); the lab's
side (twinseed.py, lab-pure) types the text into a config DB, carrying verbatim what its grammar does not
model. The state is written to the twin's own state dir and the lab started from it (control.up), on free
ports beside a running lab if asked. `twin.json` in the twin's run dir keeps the fidelity for `lab status`.

What a revision holds (wifiops/engine/backup.py): `<site>/<host>/running-config.cfg`, `version.txt`,
`inventory.txt` per device, and on the conductor `<site>/<host>/nodes/<node>.cfg`, each node's committed
configuration (`/` is `root.cfg`, `/md/Louvre` is `md/Louvre.cfg`).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from wifiops.lab import control
from wifiops.lab.estate import load_estate
from wifiops.lab.files import private_dir, write_atomically
from wifiops.lab.twinseed import Fidelity, build_twin_db
from wifiops.lab.upgrade import Partition, UpgradeLab

TWIN_DIR = "twin"  # under the lab's run dir: the twin's own run dir (and its state in `state/`)
TWIN_INFO = "twin.json"
TOKEN = re.compile(r"<scrubbed:[0-9a-f]{12}>")
NODES, NODE_SUFFIX = "nodes", ".cfg"
RUNNING, VERSION = "running-config.cfg", "version.txt"
PLACEHOLDER = "twin-placeholder-{digest}"  # a secret the store lacks: said, never guessed
# The fixed lab credential every twin's devices accept (SSH and console), whatever the inventory or wifiops.yaml
# say: production's login (its secrets store, its `password_command`) never reaches a twin, nor is shown by
# `lab status`, and the production password command is never run for a twin. The username stays the one the
# toolkit will use (the inventory's, or $WIFIOPS_USERNAME).
TWIN_PASSWORD = "twin-lab-login"


def login_command() -> str:
    """What the toolkit's `password_command` is when it talks to a twin (a rehearsal): it prints TWIN_PASSWORD."""
    return f"printf %s {TWIN_PASSWORD}"


@dataclass
class BackupSource:
    """A revision of the backups, as the twin needs it: texts with their secrets back."""

    revision: str
    nodes: dict[str, str] = field(default_factory=dict)  # node path -> committed configuration
    running: dict[str, str] = field(default_factory=dict)  # host -> running-config
    versions: dict[str, tuple[str, str]] = field(default_factory=dict)  # host -> (version, build)
    missing: list[str] = field(default_factory=list)  # where a secret the store lacks was replaced


def twin_run_dir(lab_run_dir: Path) -> Path:
    return lab_run_dir / TWIN_DIR


def node_of(relative: PurePosixPath) -> str:
    """`md/Louvre.cfg` -> `/md/Louvre`, `root.cfg` -> `/` (wifiops.paths.node_file, backwards)."""
    parts = list(relative.parts)
    parts[-1] = parts[-1][: -len(NODE_SUFFIX)]
    return "/" if parts == ["root"] else "/" + "/".join(parts)


def read_backup(settings: Any, revision: str | None, inventory: Path | None = None) -> BackupSource:
    """The files of `revision` (default: the last backup), their `<scrubbed:...>` put back from the secrets store."""
    from wifiops.backups.scrub import Scrubber, load_key
    from wifiops.backups.store import BackupRepo, BackupStoreError
    from wifiops.estate import Estate

    folder = settings.path(settings.backup_dir)
    if not (folder / ".git").exists():
        raise control.LabError(f"no backup repository in {folder}: run `wifiops backup` first")
    repo = BackupRepo(folder)
    if not repo.repo.head.is_valid():
        raise control.LabError(f"the backup repository {folder} has no backup yet: run `wifiops backup` first")
    try:
        rev = repo.resolve(revision or "HEAD")
    except BackupStoreError as exc:
        raise control.LabError(str(exc)) from None
    store = Estate.open(settings, inventory).store
    scrub = Scrubber(store, load_key(repo.git_dir))
    values = {scrub.mask(v): v for v in store.known()}
    source = BackupSource(rev)
    places: dict[str, list[str]] = {}  # a token the store lacks -> where it is
    files = [PurePosixPath(p) for p in repo.repo.git.ls_tree("-r", "--name-only", rev).splitlines()]
    for path in files:
        parts = path.parts
        if len(parts) < 3:
            continue
        host = parts[1]
        if len(parts) > 3 and parts[2] == NODES and path.suffix == NODE_SUFFIX:
            node = node_of(PurePosixPath(*parts[3:]))
            source.nodes.setdefault(node, _unscrubbed(repo, rev, path, values, places, node))
        elif len(parts) == 3 and parts[2] == RUNNING:
            source.running[host] = _unscrubbed(repo, rev, path, values, places, f"{host} running-config")
        elif len(parts) == 3 and parts[2] == VERSION:
            text = repo.repo.git.show(f"{rev}:{path}")
            found, build = re.search(r"Version (\d+(?:\.\d+)+)", text), re.search(r"\(build (\d+)\)", text)
            if found:
                source.versions[host] = (found.group(1), build.group(1) if build else "0")
    source.missing = [f"a secret the secrets store lacks ({token}) at {', '.join(where[:3])}"
                      f"{f' and {len(where) - 3} more place(s)' if len(where) > 3 else ''}: the twin uses a "
                      "placeholder there (add it to the secrets store to rehearse with it)"
                      for token, where in places.items()]
    return source


def _unscrubbed(repo: Any, rev: str, path: PurePosixPath, values: dict[str, str], places: dict[str, list[str]],
                where: str) -> str:
    """The file's text with each keyed hash replaced by the secret it hashes (a placeholder when unknown)."""
    text = str(repo.repo.git.show(f"{rev}:{path}"))
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        for token in TOKEN.findall(line):
            if token not in values or token in places:
                words = line[: line.index(token)].strip().strip('"').split()
                places.setdefault(token, []).append(f"{where} line {number} (after `{words[-1] if words else '?'}`)")
                values.setdefault(token, PLACEHOLDER.format(digest=token[len("<scrubbed:"):-1][:8]))
            line = line.replace(token, values[token])
        lines[number - 1] = line
    return "\n".join(lines) + "\n"


def read_snapshot(settings: Any) -> dict[str, Any] | None:
    """What production's last `wifiops check` saw (its snapshot): each AP with its group, model and whether it was
    up, and the clients; None when no check was ever run (the twin then has the lab's own APs)."""
    from wifiops.engine.check import SNAPSHOT_BYTES, latest_snapshot
    from wifiops.errors import WifiopsError
    from wifiops.readers import read_json

    try:
        path = latest_snapshot(settings.path(settings.run_dir))
        data = read_json(path, SNAPSHOT_BYTES, "snapshot")
    except (WifiopsError, OSError, ValueError):
        return None
    aps = [{"name": name, "ap_group": ap.get("group") or "default", "model": ap.get("ap_type") or "",
            "down": str(ap.get("status") or "").lower().startswith("down")}
           for name, ap in sorted((data.get("aps") or {}).items()) if isinstance(ap, dict)]
    if not aps:
        return None
    clients = sum(int(n or 0) for n in (data.get("clients") or {}).values())
    return {"aps": aps, "clients": clients, "taken": str(data.get("taken") or ""), "file": str(path)}


def seed_state(inventory_dir: Path, source: BackupSource,
               snapshot: dict[str, Any] | None = None) -> tuple[dict[str, Any], Fidelity]:
    """The lab state a twin starts from: its config DB, its devices' releases, its APs and clients (production's
    last check, when there is one), its fidelity."""
    estate = load_estate(inventory_dir)
    served = {d.name for d in estate.devices}
    db, nodes = build_twin_db(estate, source.nodes, {h: t for h, t in source.running.items() if h in served})
    images = UpgradeLab.build([d.name for d in estate.devices])
    for host, (version, build) in source.versions.items():
        if host in images.firmware:
            images.firmware[host].partitions[0] = Partition(version, build)
    fidelity = Fidelity(nodes, list(source.missing), sorted(set(source.running) - served), source.revision)
    if snapshot:
        fidelity.aps_from = (f"{len(snapshot['aps'])} APs ({sum(1 for a in snapshot['aps'] if a['down'])} down), "
                        f"{snapshot['clients']} clients from the check of {snapshot['taken']}")
    else:
        fidelity.aps_from = "the lab's own APs and clients (no `wifiops check` snapshot)"
    from wifiops.credentials import device_username

    twin = {**fidelity.to_dict(), **({"aps": snapshot["aps"], "clients": snapshot["clients"]} if snapshot else {}),
            "login": {"username": device_username(None), "password": TWIN_PASSWORD}}
    return {"db": db.to_dict(), "images": images.to_dict(), "twin": twin}, fidelity


def up(settings: Any, revision: str | None, *, inventory_dir: Path, run_dir: Path, state_dir: Path | None = None,
       free_ports: bool = False, rejoin_delay: float | None = None, reload_delay: float | None = None,
       layout: str | None = None, backup_inventory: Path | None = None) -> tuple[control.LabStatus, Fidelity]:
    """Start a twin of `revision` from `run_dir` (its state made afresh in `state_dir`, default `run_dir/state`)."""
    source = read_backup(settings, revision, backup_inventory)
    if not source.nodes and not source.running:
        raise control.LabError(f"backup revision {source.revision[:12]} holds no configuration")
    state, fidelity = seed_state(inventory_dir, source, read_snapshot(settings))
    state_dir = state_dir or run_dir / "state"
    if control._running(run_dir.resolve()):
        raise control.LabError(f"a twin is already running from {run_dir}; `wifiops lab down --twin` first")
    private_dir(run_dir)
    private_dir(state_dir)
    (state_dir / "state.json").unlink(missing_ok=True)
    shutil.rmtree(state_dir / "clearpass_tls", ignore_errors=True)
    write_atomically(state_dir / "state.json", json.dumps(state).encode("utf-8"))
    write_atomically(run_dir / TWIN_INFO, json.dumps(fidelity.to_dict(), indent=2).encode("utf-8"))
    status = control.up(inventory_dir, state_dir, run_dir=run_dir, free_ports=free_ports,
                        rejoin_delay=rejoin_delay, reload_delay=reload_delay, layout=layout)
    return status, fidelity


def fidelity_of(run_dir: Path) -> Fidelity | None:
    """The fidelity a twin started from `run_dir` was built with (None: not a twin)."""
    try:
        return Fidelity.from_dict(json.loads((run_dir / TWIN_INFO).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
