"""`wifiops doe build`: the as-built file (dossier des ouvrages exécutés, CCTP §7) gathered from what wifiops
already holds: the inventory (architecture, intent per node, AP groups and zones), the latest backup (models,
serials, versions as the devices said them), ClearPass (its network devices, when it answers) and the run
journal (every intervention on production equipment, with its approval, window and outcome).

Nothing here connects to an ArubaOS device: the DOE describes the estate as the last backup saw it, so a
build never waits on, nor touches, production. ClearPass is read (never written); unreachable, it is said.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

import git

from wifiops.aos8.parse import parse
from wifiops.backups.store import BackupRepo
from wifiops.credentials import engineer
from wifiops.engine.backup import host_folder
from wifiops.engine.journal import JOURNAL
from wifiops.errors import WifiopsError
from wifiops.estate import Estate
from wifiops.readers import JOURNAL_BYTES, read_text
from wifiops.settings import Settings

# What the DOE describes of a node's intent, in this order; each is a list of entries in the inventory.
FEATURES = ("ssids", "vlans", "segments", "captive_portals", "radius_servers", "server_groups")
DEVICE_ROLES = ("mm", "md", "clearpass", "airwave")


@dataclass
class Intervention:
    """One run of a playbook on production (not a rehearsal), as the journal recorded it."""

    id: str  # the run folder's name: unique, sortable
    playbook: str
    reference: str | None
    approver: str | None
    approved_on: str | None
    window: str  # the window verdict: the rule it ran under, or "forced: <reason>", or "none"
    engineer: str
    started: str
    ended: str
    result: str  # ok, failed, refused, rolled back
    changes: list[str] = field(default_factory=list)  # what changed: the apply steps' summaries
    reports: list[str] = field(default_factory=list)


@dataclass
class Doe:
    estate: str
    generated: str  # ISO UTC
    by: str
    backup: dict[str, str] | None  # revision, date of the backup described
    sites: dict[str, str]  # id -> name for people
    mms: list[dict[str, Any]]
    cluster: dict[str, Any] | None
    clearpass: list[dict[str, Any]]
    equipment: list[dict[str, Any]]
    nodes: list[dict[str, Any]]  # node, and per feature its entries (what that node itself sets)
    ap_groups: list[dict[str, Any]]
    aps: list[dict[str, Any]]
    network_devices: dict[str, Any]  # server, devices, or error
    interventions: list[Intervention]
    device_names: dict[str, str] = field(default_factory=dict)  # device node -> controller: a MAC is no name
    # The operating procedures of the documentation plan (id, title, version, date); empty where none is kept
    procedures: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def gather(estate: Estate, *, clearpass: bool = True, now: datetime | None = None,
           pending: Sequence[dict[str, Any]] = ()) -> Doe:
    """`pending`: run records not yet in the journal (the run whose DOE step builds this version)."""
    settings, nr = estate.settings, estate.nornir
    hosts = nr.inventory.hosts
    defaults = nr.inventory.defaults.data
    sites = {k: (v or {}).get("name", k) for k, v in (defaults.get("sites") or {}).items()}
    repo = _repo(settings)
    head = _latest_backup(repo)
    backup = {"revision": head.hexsha, "date": head.committed_datetime.astimezone(timezone.utc).isoformat()} \
        if head else None

    equipment = []
    for host in sorted(hosts.values(), key=lambda h: (DEVICE_ROLES.index(h.get("role")), h.name)
                       if h.get("role") in DEVICE_ROLES else (9, h.name)):
        if host.get("role") not in DEVICE_ROLES:
            continue
        said = _device_facts(repo, head, host.get("site"), host.name) if head else {}
        equipment.append({
            "name": host.name, "role": host.get("role"), "site": host.get("site"),
            "model": said.get("model") or host.get("model"), "serial": said.get("serial"),
            "version": said.get("version") or host.get("version"), "release": said.get("release"),
            "mgmt_ip": host.get("mgmt_ip"), "lifecycle": host.get("lifecycle") or "in-service",
            "source": "backup" if said else "inventory"})

    mms = [{"name": h.name, "site": h.get("site"), "pair": h.get("mm_pair"), "state": h.get("mm_state"),
            "conductor": bool(h.get("conductor"))} for h in hosts.values() if h.get("role") == "mm"]
    cppm = [{"name": h.name, "site": h.get("site"), "role": h.get("cppm_role"), "version": h.get("version"),
             "model": h.get("model")} for h in hosts.values() if h.get("role") == "clearpass"]
    nodes: list[dict[str, Any]] = []
    cluster: dict[str, Any] | None = None
    for name, group in nr.inventory.groups.items():
        data = group.data
        if data.get("group_kind") != "node":
            continue
        own = {f: list(data.get(f) or []) for f in FEATURES if data.get(f)}
        if data.get("cluster"):
            cluster = {"node": name, **data["cluster"],
                       "members": [{"name": m, "site": hosts[m].get("site") if m in hosts else None,
                                    "model": hosts[m].get("model") if m in hosts else None}
                                   for m in data["cluster"].get("members", [])]}
        if own:
            nodes.append({"node": name, **{f: _public(own.get(f, [])) for f in FEATURES}})
    nodes.sort(key=lambda n: str(n["node"]))

    aps = sorted(({"name": h.name, "model": h.get("model"), "serial": h.get("serial"), "group": h.get("ap_group"),
                   "site": h.get("site"), "zone": h.get("zone"), "priority": bool(h.get("priority"))}
                  for h in hosts.values() if h.get("role") == "ap"), key=lambda a: a["name"])
    count = Counter(a["group"] for a in aps)
    priority = Counter(a["group"] for a in aps if a["priority"])
    zones: dict[str, set[str]] = defaultdict(set)
    for ap in aps:
        zones[ap["group"]].add(str(ap["zone"]))
    ap_groups = [{"name": name, "node": next((g.name for g in group.groups), None), "site": group.data.get("site"),
                  "broadcasts": list(group.data.get("broadcasts") or []), "aps": count[name],
                  "priority": priority[name], "zones": len(zones[name])}
                 for name, group in sorted(nr.inventory.groups.items()) if group.data.get("group_kind") == "ap_group"]

    return Doe(estate=str(defaults.get("estate") or "estate"),
               generated=(now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds"),
               by=engineer(settings), backup=backup, sites=sites, mms=sorted(mms, key=lambda m: m["name"]),
               cluster=cluster, clearpass=sorted(cppm, key=lambda c: c["name"]), equipment=equipment, nodes=nodes,
               ap_groups=ap_groups, aps=aps,
               network_devices=_network_devices(estate) if clearpass else
               {"server": None, "devices": [], "error": "not asked (--no-clearpass)"},
               interventions=interventions(settings, pending),
               device_names={str(h.data["config_path"]): h.name for h in hosts.values() if h.data.get("config_path")},
               procedures=procedures(settings))


def procedures(settings: Settings) -> list[dict[str, str]]:
    """The operating procedures handed over with the estate, each at its version: docs/procedures/plan.yaml beside
    wifiops.yaml (a checkout keeps them with the documentation site); none where that file is not (an installed
    tool). Part of what a version describes: a procedure's new version makes a new DOE version."""
    from wifiops.yamlsource import load_yaml

    path = settings.root / PROCEDURES
    if not path.is_file():
        return []
    doc = load_yaml(path)
    entries = doc.data.get("documents") if isinstance(doc.data, dict) else None
    if doc.findings or not isinstance(entries, list):
        raise WifiopsError("\n".join(str(f) for f in doc.findings) or str(doc.finding((), "the documentation plan "
                           "is `documents:`, a list of {id, title, version, date}")))
    found = []
    for index, entry in enumerate(entries):
        missing = [k for k in ("id", "title", "version", "date") if not isinstance(entry, dict) or entry.get(k) in
                   (None, "")]
        if missing:
            raise WifiopsError(str(doc.finding(("documents", index), f"a procedure needs {', '.join(missing)}")))
        found.append({k: str(entry[k]) for k in ("id", "title", "version", "date")})
    return found


def interventions(settings: Settings, pending: Sequence[dict[str, Any]] = ()) -> list[Intervention]:
    """Every playbook run on production equipment in the journal, then `pending` (runs not journaled yet), oldest
    first (rehearsals left out, and runs that change nothing: the nightly backup is not an intervention)."""
    path = settings.path(settings.run_dir) / JOURNAL
    records: list[dict[str, Any]] = []
    if path.is_file():
        for number, line in enumerate(read_text(path, JOURNAL_BYTES, "run journal").splitlines(), 1):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise WifiopsError(f"{path}:{number}: not a JSON line; fix or remove that line") from None
    found: dict[str, Intervention] = {}
    unchanging = set(rules().get("not_interventions", []))
    for record in [*records, *pending]:
        if record.get("kind", "playbook") != "playbook" or record.get("check") or record.get("result") == "refused" \
                or str(record.get("name")) in unchanging:
            continue
        intervention = _intervention(record)
        found[intervention.id] = intervention  # a pending run's final record replaces it
    return list(found.values())


def _intervention(record: dict[str, Any]) -> Intervention:
    approval = record.get("approval") or {}
    forced = record.get("forced") or {}
    window = record.get("window") or {}
    verdict = f"forced: {forced.get('reason')}" if forced else "not required" if not window else \
        "within the window" if window.get("allowed") else str(window.get("rule"))
    changes = [f"{s['name']}: {s['summary']}" for s in record.get("steps", [])
               if s.get("action") in ("apply", "clearpass", "rollback", "upgrade") and s.get("summary")]
    return Intervention(
        id=PurePosixPath(str(record.get("folder", ""))).name or str(record.get("started")),
        playbook=str(record.get("name")), reference=approval.get("reference"), approver=approval.get("approver"),
        approved_on=approval.get("date"), window=verdict, engineer=str(record.get("who")),
        started=str(record.get("started")), ended=str(record.get("ended")), result=str(record.get("result")),
        changes=changes, reports=list(record.get("reports") or []))


def _repo(settings: Settings) -> BackupRepo | None:
    folder = settings.path(settings.backup_dir)
    return BackupRepo(folder) if (folder / ".git").exists() else None


def _latest_backup(repo: BackupRepo | None) -> Any:
    """The newest backup commit (the DOE's own commits under doe/ are not backups)."""
    if repo is None or not repo.repo.head.is_valid():
        return None
    found = repo.repo.git.log("-1", "--format=%H", "--", ".", f":(exclude){DOE_FOLDER}")
    return repo.repo.commit(found) if found else None


def _device_facts(repo: BackupRepo | None, head: Any, site: str | None, name: str) -> dict[str, Any]:
    """Model, version and serial as the device said them in its latest backup (show version, show inventory)."""
    if repo is None:
        return {}
    folder = host_folder(site, name)
    said: dict[str, Any] = {}
    for command, file in (("show version", "version.txt"), ("show inventory", "inventory.txt")):
        try:
            text = repo.repo.git.show(f"{head.hexsha}:{folder / file}")
        except git.GitCommandError:
            continue
        records = parse(command, text).records
        if records:
            record = records[0]
            said.setdefault("model", record.get("model"))
            if command == "show version":
                said.update(version=record.get("version"), release=record.get("release_type"))
            else:
                said["serial"] = record.get("serial")
    return said


def _network_devices(estate_: Estate) -> dict[str, Any]:
    """The RADIUS clients of the ClearPass in service (the first publisher that holds any), or why not."""
    from wifiops.engine.clearpass import ClearPassEstate, devices

    estate = ClearPassEstate(estate_)
    publishers = [n for n in estate.names if estate.host(n).get("cppm_role") == "publisher"] or estate.names
    problems = []
    for name in publishers:
        try:
            found = devices(estate, name)
        except WifiopsError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if found:
            return {"server": name, "error": None, "devices": [
                {"name": d.name, "ip": d.ip_address, "vendor": d.fields.get("vendor_name"),
                 "description": d.fields.get("description")} for d in sorted(found, key=lambda d: d.name)]}
    return {"server": None, "devices": [], "error": "; ".join(problems) or "no network device on any publisher"}


def _public(entries: list[Any]) -> list[Any]:
    """Intent entries without their secret references (a DOE is mailed: it names no secret, not even which)."""
    return [{k: v for k, v in e.items() if not (isinstance(v, dict) and "secret" in v)} if isinstance(e, dict)
            else e for e in entries]



# --- versions: the document plan, kept in the backup repository -------------------------------------------
#
# Where: the folder `doe/` of the backup repository. One repository to keep and push (`backup_remote` carries
# the DOE off-site with the backups), each version's commit sits in the same history as the backups it
# describes, and no new setting is needed. Backups commit only their own paths, so neither touches the other.

DOE_FOLDER = "doe"
PLAN = "versions.json"  # the document plan: every version with its date, backup, interventions, sending
RULES = Path(__file__).resolve().parent.parent / "reports" / "doe.yaml"
PROCEDURES = Path("docs/procedures/plan.yaml")  # the operating procedures' plan, beside wifiops.yaml


def plan(settings: Settings) -> list[dict[str, Any]]:
    """The DOE's versions, oldest first (empty before the first build)."""
    repo = _repo(settings)
    path = settings.path(settings.backup_dir) / DOE_FOLDER / PLAN
    if repo is None or not path.is_file():
        return []
    try:
        return list(json.loads(path.read_text(encoding="utf-8"))["versions"])
    except (ValueError, KeyError, TypeError):
        raise WifiopsError(f"{path}: not a DOE document plan; restore it from git (git -C "
                           f"{settings.path(settings.backup_dir)} checkout -- {DOE_FOLDER}/{PLAN})") from None


def fingerprint(doe: Doe) -> str:
    """What a version describes, without the moment it was drawn: the same estate gives the same print."""
    import hashlib

    found = doe.to_dict()
    found.pop("generated")
    for intervention in found["interventions"]:  # known only once the run has ended: a DOE step builds before
        intervention.pop("ended")
        intervention.pop("reports")
    return hashlib.sha256(json.dumps(found, sort_keys=True, default=str).encode()).hexdigest()


def next_version(versions: list[dict[str, Any]], doe: Doe) -> tuple[dict[str, Any], bool]:
    """The version this build is: the last one again when nothing it describes changed, else a new one with
    the interventions no earlier version included."""
    print_ = fingerprint(doe)
    if versions and versions[-1]["fingerprint"] == print_:
        return versions[-1], False
    known = {i["id"] for v in versions for i in v["interventions"]}
    return {"number": len(versions) + 1, "date": doe.generated, "by": doe.by,
            "backup": doe.backup["revision"] if doe.backup else None, "fingerprint": print_,
            "interventions": [{"id": i.id, "label": _label(i), "major": is_major(i)}
                              for i in doe.interventions if i.id not in known],
            "files": [], "sent": None}, True


def record_version(settings: Settings, version: dict[str, Any], files: dict[str, bytes | str],
                   versions: list[dict[str, Any]]) -> str | None:
    """Write the version's files and the plan into `doe/` and commit them; the commit, or None if unchanged."""
    repo = BackupRepo(settings.path(settings.backup_dir))
    written = []
    for name, content in files.items():
        path = repo.folder / DOE_FOLDER / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        written.append(f"{DOE_FOLDER}/{name}")
    version["files"] = sorted(set(version.get("files", [])) | set(files))  # a PDF added later keeps the rest
    found = [v for v in versions if v["number"] != version["number"]] + [version]
    repo.write(f"{DOE_FOLDER}/{PLAN}", json.dumps({"versions": sorted(found, key=lambda v: v["number"])},
                                                   indent=1, ensure_ascii=False) + "\n")
    labels = ", ".join(i["label"] for i in version["interventions"]) or "no new intervention"
    return repo.commit([*written, f"{DOE_FOLDER}/{PLAN}"], f"DOE version {version['number']}: {labels}",
                       author=version.get("by"))


def rules() -> dict[str, Any]:
    from wifiops.yamlsource import load_yaml

    doc = load_yaml(RULES)
    if doc.findings:
        raise WifiopsError("\n".join(str(f) for f in doc.findings))
    return dict(doc.data or {})


def is_major(intervention: Intervention) -> bool:
    """A major change (CCTP §7: the DOE within 20 days): a playbook named major in reports/doe.yaml that
    changed production (applied or rolled back after applying)."""
    found = rules()
    return intervention.playbook in found.get("major_playbooks", []) and \
        intervention.result in found.get("major_results", [])


def _label(intervention: Intervention) -> str:
    return f"{intervention.reference} ({intervention.playbook})" if intervention.reference else \
        f"{intervention.playbook} {intervention.started[:10]}"


# --- status and sending ----------------------------------------------------------------------------------

@dataclass
class Status:
    built: dict[str, Any] | None  # the latest version
    sent: dict[str, Any] | None  # the latest version sent
    since: list[dict[str, Any]]  # interventions the Louvre has not received in a DOE yet, oldest first
    due: str | None  # ISO UTC: when the next version must reach the Louvre (a major change + due_days)
    overdue: bool
    unbuilt: list[str] = field(default_factory=list)  # interventions no version includes yet: build first

    @property
    def exit_code(self) -> int:
        return 1 if self.overdue else 0

    def to_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["exit_code"] = self.exit_code
        return found


def status(settings: Settings, *, now: datetime | None = None) -> Status:
    """What changed since the last version sent, and when the next one is due (CCTP §7: 20 days after a major
    change; the rule is data, reports/doe.yaml)."""
    from datetime import timedelta

    versions = plan(settings)
    sent = next((v for v in reversed(versions) if v.get("sent")), None)
    received = {i["id"] for v in versions if sent and v["number"] <= sent["number"] for i in v["interventions"]}
    since = [i for i in interventions(settings) if i.id not in received]
    days = int(rules().get("due_days", 20))
    majors = [i for i in since if is_major(i)]
    due = None
    if majors:
        changed = _moment(majors[0].started)  # the change's date as its record gives it
        due = (changed + timedelta(days=days)).isoformat(timespec="seconds")
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return Status(built=versions[-1] if versions else None, sent=sent,
                  since=[{**asdict(i), "label": _label(i), "major": is_major(i)} for i in since], due=due,
                  overdue=due is not None and _moment(due) < moment,
                  unbuilt=[i.id for i in since if i.id not in {x["id"] for v in versions for x in v["interventions"]}])


def mark_sent(settings: Settings, number: int, recipients: list[str], at: datetime) -> str | None:
    """Record in the document plan that version `number` went to `recipients`, and commit it."""
    versions = plan(settings)
    version = next((v for v in versions if v["number"] == number), None)
    if version is None:
        raise WifiopsError(f"no DOE version {number}: run `wifiops doe build`")
    version["sent"] = {"at": at.astimezone(timezone.utc).isoformat(timespec="seconds"), "to": recipients,
                       "by": engineer(settings)}
    repo = BackupRepo(settings.path(settings.backup_dir))
    repo.write(f"{DOE_FOLDER}/{PLAN}", json.dumps({"versions": versions}, indent=1, ensure_ascii=False) + "\n")
    return repo.commit([f"{DOE_FOLDER}/{PLAN}"], f"DOE version {number} sent to {', '.join(recipients)}",
                       author=engineer(settings))


def version_file(settings: Settings, version: dict[str, Any], name: str) -> bytes:
    """A file of `version` as committed (git, not the working folder: a later build may have replaced it)."""
    repo = _repo(settings)
    if repo is None or name not in version.get("files", []):
        raise WifiopsError(f"DOE version {version['number']} has no {name}: run `wifiops doe build --format pdf`")
    log = repo.repo.git.log("--format=%H", "--", f"{DOE_FOLDER}/{PLAN}")
    for revision in log.splitlines():  # the commit that recorded this version with its files
        try:
            recorded = json.loads(repo.repo.git.show(f"{revision}:{DOE_FOLDER}/{PLAN}"))["versions"]
        except (git.GitCommandError, ValueError, KeyError):
            continue
        if any(v["number"] == version["number"] and name in v.get("files", []) for v in recorded) and \
                not any(v["number"] > version["number"] for v in recorded):
            blob = repo.repo.commit(revision).tree / DOE_FOLDER / name
            return bytes(blob.data_stream.read())
    raise WifiopsError(f"DOE version {version['number']}: {name} is not in the backup repository's history")


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
