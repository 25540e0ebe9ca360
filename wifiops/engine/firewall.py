"""The rates the operator's firewall enforces: one change sheet per internet segment, and what was confirmed.

The CCTP gives the QoS of the wired and partner networks to the firewall cluster ("Cluster Firewall"), so
a segment `enforced_by: firewall` renders nothing for the controllers (a contract no role names shapes
nothing) and a sheet instead: name, VLAN, addressing, rate, and what changed since the last sheet the
engineer confirmed done on the firewall. There is no driver for the operator's firewall: the sheet is the
interface, the confirmation (a physical step of the change window, who and when) the only proof.

Confirmed sheets are kept in the backup repository, `firewall/<segment>.json`, one commit per
confirmation with the engineer as author: that repository is the record of what each device holds,
versioned and pushed off this machine with the backups, and the DOE report reads its history between two
revisions already. The run journal keeps the step itself (who answered, in which run).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from wifiops.engine.intent import NodeView
from wifiops.errors import WifiopsError
from wifiops.paths import child, write_atomically
from wifiops.settings import Settings

FOLDER = "firewall"  # under render_dir (the sheets) and under the backup repository (the confirmed ones)
PENDING = "pending on the firewall"
CONFIRMED = "confirmed"
STEP = "firewall change"  # the change window's step that confirms them (`--confirm-step "firewall change"`)
# What the firewall implements: a change to any of these is a change of the sheet.
ENFORCED = ("segment", "vlan", "addressing", "prefix", "dhcp", "static_allowed", "rate_mbps", "direction")
LABELS = {"segment": "Segment", "vlan": "VLAN", "addressing": "Addressing", "prefix": "Prefix", "dhcp": "DHCP",
          "static_allowed": "Static addresses allowed", "rate_mbps": "Rate (Mbps)", "direction": "Direction",
          "used_by": "Used by (SSIDs)", "node": "Defined at"}


@dataclass
class Sheet:
    """One segment as the firewall must shape it (`action` set) or forget it (`remove`), against the last
    sheet confirmed done on it."""

    segment: str
    action: str  # "set" or "remove"
    fields: dict[str, Any]
    digest: str
    last: dict[str, Any] | None = None  # the last confirmed record: fields, digest, confirmed_by, confirmed_at...
    changes: list[dict[str, Any]] = field(default_factory=list)  # {field, before, after}
    files: list[str] = field(default_factory=list)  # the sheet as written (.md, .json)
    stray_on: list[str] = field(default_factory=list)  # nodes whose running config still holds a contract for it

    @property
    def pending(self) -> bool:
        return self.last is None or self.action == "remove" or self.last.get("digest") != self.digest

    @property
    def status(self) -> str:
        return PENDING if self.pending else CONFIRMED

    def summary(self) -> str:
        """One line: what the firewall is asked to do."""
        if self.action == "remove":
            return f"remove segment {self.segment} (VLAN {self.fields.get('vlan')})"
        if self.last is None:
            return f"new: VLAN {self.fields['vlan']}, {self.fields['prefix']}, {self.fields['rate_mbps']} Mbps"
        if not self.changes:
            return f"unchanged: {self.fields['rate_mbps']} Mbps"
        return "; ".join(f"{LABELS.get(c['field'], c['field'])} {_shown(c['before'])} -> {_shown(c['after'])}"
                         for c in self.changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(status=self.status, summary=self.summary())
        return data


def intended(views: Sequence[NodeView]) -> dict[str, dict[str, Any]]:
    """Every segment the firewall enforces, by name, from the highest node that sets it."""
    found: dict[str, dict[str, Any]] = {}
    for view in views:
        for segment in view.own["segments"]:
            if segment["enforced_by"] == "firewall" and segment["name"] not in found:
                found[segment["name"]] = {
                    "segment": segment["name"], "vlan": segment["vlan"], "addressing": segment["addressing"],
                    "prefix": segment["prefix"], "dhcp": segment["dhcp"], "static_allowed": segment["static_allowed"],
                    "rate_mbps": segment["qos_mbps"], "direction": segment["direction"],
                    "used_by": list(segment["used_by"]), "node": view.path}
    return found


def digest(fields: dict[str, Any]) -> str:
    """What the firewall implements, hashed: a confirmation holds for exactly that sheet."""
    return hashlib.sha256(json.dumps({k: fields.get(k) for k in ENFORCED}, sort_keys=True).encode()).hexdigest()[:16]


def confirmed(settings: Settings) -> dict[str, dict[str, Any]]:
    """The last confirmed record of each segment, read from the backup repository's working tree."""
    folder = settings.path(settings.backup_dir) / FOLDER
    records = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise WifiopsError(f"{path}: not a confirmed firewall sheet ({exc}); restore it from the backup "
                               "repository's history") from None
        records[path.stem] = record
    return records


def sheets(settings: Settings, views: Sequence[NodeView]) -> list[Sheet]:
    """The intent's firewall segments against what was last confirmed; a confirmed segment the intent no longer
    has (or gives to a controller) is a sheet too: the firewall must stop shaping it."""
    wanted, done = intended(views), confirmed(settings)
    out = []
    for name, fields in wanted.items():
        last = done.get(name)
        before = (last or {}).get("fields", {})
        changes = [{"field": k, "before": before.get(k), "after": fields.get(k)}
                   for k in ENFORCED if last is not None and before.get(k) != fields.get(k)]
        out.append(Sheet(name, "set", fields, digest(fields), last, changes))
    for name, last in done.items():
        if name not in wanted:
            out.append(Sheet(name, "remove", dict(last.get("fields", {})), "", last,
                             [{"field": "segment", "before": name, "after": None}]))
    return out


def write_sheets(out: Path, found: Sequence[Sheet]) -> None:
    """`<out>/firewall/<segment>.md` and `.json`, each written whole; sheets of segments gone are removed."""
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    names = {s.segment for s in found}
    for old in folder.glob("*.*"):
        if old.suffix in (".md", ".json") and old.stem not in names:
            old.unlink()
    for sheet in found:
        md, js = child(folder, sheet.segment, ".md"), child(folder, sheet.segment, ".json")
        sheet.files = [str(md), str(js)]
        write_atomically(md, markdown(sheet))
        write_atomically(js, json.dumps(sheet.to_dict(), indent=2, sort_keys=True) + "\n")


def markdown(sheet: Sheet) -> str:
    last = sheet.last
    when = (f"confirmed {last.get('confirmed_at')} by {last.get('confirmed_by')}"
            + (f", {last['reference']}" if last.get("reference") else "")) if last else "none confirmed yet"
    lines = [f"# Firewall change sheet: {sheet.segment}", "",
             f"Status: **{sheet.status}**" + ("" if not sheet.pending else
                                              f" (the change window's step \"{STEP}\" records it done)"), "",
             "Enforced by the operator's firewall cluster (CCTP \"Cluster Firewall\": QoS of the wired and partner "
             "networks); the Aruba controllers hold no bandwidth contract for this segment.", ""]
    if sheet.action == "remove":
        lines += [f"**Remove** the QoS and the segment {sheet.segment} on the firewall: the intent no longer has "
                  "it as a firewall segment.", ""]
    lines += [f"| Setting | Intended | Last confirmed ({when}) |", "|---|---|---|"]
    before = (last or {}).get("fields", {})
    for key in (*ENFORCED, "used_by", "node"):
        now = sheet.fields.get(key) if sheet.action == "set" else None
        lines.append(f"| {LABELS[key]} | {_shown(now)} | {_shown(before.get(key)) if last else ''} |")
    lines += ["", "What changed since the last confirmed sheet: " + sheet.summary() + ".", "",
              f"Sheet digest: `{sheet.digest or 'removal'}` (recorded with the confirmation).", ""]
    return "\n".join(lines)


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def confirm(settings: Settings, found: Sequence[Sheet], *, who: str, reference: str = "",
            run: str = "") -> str | None:
    """Record the pending sheets as done on the firewall (one commit, the engineer as its author); the revision.
    Only a person's confirmation calls this: nothing reads the firewall."""
    from wifiops.backups.store import BackupRepo

    pending = [s for s in found if s.pending]
    if not pending:
        return None
    repo = BackupRepo(settings.path(settings.backup_dir))
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    paths = []
    for sheet in pending:
        relative = f"{FOLDER}/{child(repo.folder / FOLDER, sheet.segment, '.json').name}"
        paths.append(relative)
        if sheet.action == "remove":
            (repo.folder / relative).unlink(missing_ok=True)
            continue
        record = {"segment": sheet.segment, "fields": sheet.fields, "digest": sheet.digest, "confirmed_by": who,
                  "confirmed_at": stamp, "reference": reference, "run": run, "summary": sheet.summary()}
        repo.write(relative, json.dumps(record, indent=2, sort_keys=True) + "\n")
    said = "; ".join(f"{s.segment}: {s.summary()}" for s in pending)
    return repo.commit(paths, f"firewall confirmed by {who}" + (f" ({reference})" if reference else "")
                       + f": {said}", author=who)


def judge(found: Sequence[Sheet], running: dict[str, str]) -> list[Sheet]:
    """For compliance: each sheet with the nodes whose running configuration still holds a contract of the same
    name (it shapes nothing: no role of the intent names it; `no aaa bandwidth-contract "<name>"` removes it)."""
    for sheet in found:
        header = f'aaa bandwidth-contract "{sheet.segment}" '
        sheet.stray_on = [node for node, text in running.items()
                          if any(line.startswith(header) for line in text.splitlines())]
    return list(found)


def history(settings: Settings, old: str, new: str | None) -> list[dict[str, Any]]:
    """The confirmations between two revisions of the backup repository, for the DOE: segment, what changed,
    who confirmed and when, the change reference."""
    import git

    from wifiops.backups.store import BackupRepo

    repo = BackupRepo(settings.path(settings.backup_dir))
    if not repo.repo.head.is_valid():
        return []
    rows = []
    names = repo.repo.git.diff("--name-status", old, new or "HEAD", "--", FOLDER).splitlines()
    for line in names:
        state, _, path = line.partition("\t")
        segment = Path(path).stem
        try:
            record = json.loads(repo.repo.git.show(f"{new or 'HEAD'}:{path}")) if state != "D" else None
        except (git.GitCommandError, ValueError):
            record = None
        rows.append(_row(segment, record) if record else
                    {"segment": segment, "summary": "removed from the firewall", "status": CONFIRMED,
                     "confirmed_by": "", "confirmed_at": "", "reference": ""})
    return rows


def status_rows(found: Sequence[Sheet]) -> list[dict[str, Any]]:
    """Every sheet's state now, for the DOE report against the intent."""
    rows = []
    for sheet in found:
        row = _row(sheet.segment, sheet.last or {})
        row.update(summary=sheet.summary(), status=sheet.status, file=sheet.files[0] if sheet.files else "")
        if sheet.pending:
            row.update(confirmed_by="", confirmed_at="", reference="")
        rows.append(row)
    return rows


def _row(segment: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"segment": segment, "summary": record.get("summary", ""), "status": CONFIRMED,
            "confirmed_by": record.get("confirmed_by", ""), "confirmed_at": record.get("confirmed_at", ""),
            "reference": record.get("reference", ""), "file": ""}
