"""Rehearsals in the run journal (issue 32): which plan a rehearsal on the twin ran, and the real run it vouches for.

A plan is known by a keyed hash (HMAC-SHA256 of its scope and, per node, the exact lines shown before the yes;
the key is `<run_dir>/rehearsal.key`, 0600, never in a record), so the journal says "this plan was rehearsed"
without holding the plan's lines. The rehearsal itself is run by the face (wifiops/face/rehearse.py, which may
start the lab); this module is lab-free: the engine never imports the lab.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from wifiops.engine.journal import JOURNAL
from wifiops.readers import JOURNAL_BYTES, read_text
from wifiops.settings import Settings

KIND = "rehearsal"  # a journal record's `kind`
KEY_FILE = "rehearsal.key"


def _key(settings: Settings) -> bytes:
    """The run dir's plan key, made on first use (0600)."""
    folder = settings.path(settings.run_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text(encoding="utf-8").strip())


def _identity(plan: Mapping[str, Any]) -> dict[str, Any]:
    """What identifies a plan: its scope and, per node, the lines (not where it was saved)."""
    return {"scope": plan.get("scope"), "nodes": [[n.get("node"), n.get("remediation")] for n in plan.get("nodes") or []]}


def plans_of(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The plans a run showed before its yes (its confirm steps), in order; only what identifies them."""
    return [_identity(s["plan"]) for s in record.get("steps") or [] if s.get("plan") and not s["plan"].get("refused")]


def _hash(settings: Settings, thing: Any) -> str:
    text = json.dumps(thing, sort_keys=True, separators=(",", ":"))
    return hmac.new(_key(settings), text.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


def plan_hash(settings: Settings, record: Mapping[str, Any]) -> str | None:
    """The keyed hash of the plans of a run's record; None when it showed none."""
    plans = plans_of(record)
    return _hash(settings, plans) if plans else None


def plan_hashes(settings: Settings, record: Mapping[str, Any]) -> list[str]:
    """Each plan's own keyed hash (a playbook that needs a rehearsal checks its plan before asking)."""
    return [_hash(settings, [plan]) for plan in plans_of(record)]


def unrehearsed(settings: Settings, plan: Mapping[str, Any], within: timedelta,
                now: datetime | None = None) -> str | None:
    """Why `plan` may not be sent: no successful rehearsal of it within `within`; None when there is one."""
    digest = _hash(settings, [_identity(plan)])
    now = now or datetime.now(timezone.utc)
    for record in reversed(_records(settings)):
        if record.get("result") != "ok" or digest not in (record.get("plans") or []):
            continue
        try:
            when = datetime.fromisoformat(str(record.get("ended") or record.get("started")))
        except ValueError:
            continue
        if now - when <= within:
            return None
    hours = int(within.total_seconds() // 3600)
    return (f"this playbook needs its plan rehearsed on a twin in the last {hours}h and no successful rehearsal of "
            "this exact plan is journaled: run it with --rehearse first (docs/twin.md)")


def _records(settings: Settings) -> list[dict[str, Any]]:
    path = settings.path(settings.run_dir) / JOURNAL
    if not path.exists():
        return []
    found = []
    for line in read_text(path, JOURNAL_BYTES, "run journal").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("kind") == KIND:
            found.append(record)
    return found


def latest(settings: Settings, name: str, digest: str) -> dict[str, Any] | None:
    """The last rehearsal of playbook `name` whose plans hashed to `digest`, whatever its result."""
    return next((r for r in reversed(_records(settings)) if r.get("name") == name and r.get("plan") == digest), None)


def link(settings: Settings, record: Mapping[str, Any]) -> dict[str, Any] | None:
    """For a real run's record: the rehearsal of the same plan (its hash), if one was journaled; what the record
    keeps of it (when, result, fidelity, its folder)."""
    if record.get("check") or not record.get("name"):
        return None
    digest = plan_hash(settings, record)
    if digest is None:
        return None
    found = latest(settings, str(record["name"]), digest)
    if found is None:
        return {"plan": digest, "rehearsed": False}
    return {"plan": digest, "rehearsed": True, "started": found.get("started"), "result": found.get("result"),
            "revision": found.get("revision"), "fidelity": found.get("fidelity"), "folder": found.get("folder")}

