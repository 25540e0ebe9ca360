"""A plan as a file: what `wifiops apply` shows, saved so that `apply --commit --plan FILE` sends exactly that.

A plan keeps, per node, the configuration it was made from (scrubbed, as backups keep it: secrets are
keyed hashes), so the apply can tell whether the node changed since (drift), and a digest of the intent,
so a plan made before the intent changed is not pushed. It holds no secret: the lines carry keyed hashes,
which the apply turns back into values from the secrets store and the device, in memory, when it sends.

A plan is evidence of what the engineer saw: it is sealed with a keyed hash (HMAC-SHA256) of everything in it,
its lines, the intent's digest and the running state it was made from. The key lives beside the scrub key, in
the backup repository's .git (0600, never committed), never in the plan, so a plan edited by hand, or written
by anything but this wifiops, is refused; and every line must be configuration (`check_lines`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from wifiops.aos8.configtext import not_configuration, objects, syntax
from wifiops.aos8.hconfig import phases
from wifiops.aos8.platform import aos8
from wifiops.errors import WifiopsError
from wifiops.paths import write_atomically
from wifiops.readers import PLAN_BYTES, Unreadable, read_json

PLAN_FILE = "plan.json"
SEAL_KEY_FILE = "wifiops-plan.key"  # in the backup repository's .git, beside the scrub key
MAX_PLAN_BYTES = 64 * 1024 * 1024  # a plan is a few configurations: far more is not a plan


class NodePlan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    node: str
    base: str  # the node's whole configuration the plan was made from, scrubbed
    intended: str  # digest of the node's scrubbed intent when the plan was made
    features: dict[str, bool]  # compliant per feature, then
    remediation: str  # what the apply sends (secrets as keyed hashes)
    rollback: str  # what would undo it, for the reader (the apply plans its rollback from the live state)

    @property
    def lines(self) -> int:
        return sum(1 for line in self.remediation.splitlines() if line.strip() and line.strip() != aos8().block_end)

    @property
    def changes(self) -> str:
        return phases(self.remediation)[0]

    @property
    def deletions(self) -> str:
        return phases(self.remediation)[1]


class ApplyPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal[1] = 1
    made: datetime
    source: str  # "backup <revision>" or "live"
    inventory: str
    conductor: str
    limit: list[str]
    features: list[str]
    nodes: list[NodePlan]  # parents before children
    seal: str = ""  # HMAC-SHA256 of all of the above (see `seal`); empty: not sealed

    @property
    def changed(self) -> list[NodePlan]:
        return [n for n in self.nodes if n.remediation.strip()]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def seal_key(git_dir: Path) -> bytes:
    """The key that seals plans, made on first use (0600, in .git: never committed, never in a plan)."""
    path = git_dir / SEAL_KEY_FILE
    if not path.exists():
        fresh = path.with_name(f".{SEAL_KEY_FILE}.{os.getpid()}")
        fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(fresh, path)  # whole or not at all, and the first run's key wins
        except FileExistsError:
            pass
        finally:
            fresh.unlink()
    return bytes.fromhex(path.read_text(encoding="utf-8").strip())


def seal(plan: ApplyPlan, key: bytes) -> str:
    body = json.dumps(plan.model_dump(mode="json", exclude={"seal"}), sort_keys=True, separators=(",", ":"))
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def sealed(plan: ApplyPlan, key: bytes) -> ApplyPlan:
    return plan.model_copy(update={"seal": seal(plan, key)})


def check_seal(plan: ApplyPlan, key: bytes, path: Path) -> None:
    """Refuses a plan not sealed by this wifiops with this backup repository's key, or changed since."""
    if not plan.seal:
        raise WifiopsError(f"{path}: this plan is not sealed (made by another tool or an older wifiops); nothing "
                           "was sent; plan again with `wifiops apply` and review it")
    if not hmac.compare_digest(plan.seal, seal(plan, key)):
        raise WifiopsError(f"{path}: this plan was changed after wifiops made it (its seal does not match its "
                           "lines, intent or running state), or it was made with another backup repository; "
                           "nothing was sent; plan again with `wifiops apply` and review it")


def _known_top(line: str) -> tuple[bool, bool]:
    """(known, opens a block) for a flush-left plan line: an object of objects.yaml or a command of syntax.yaml
    (a block opener or a known one-line command), created or negated."""
    bare = line[3:] if line.startswith("no ") else line
    found = objects().kind_of(bare)
    if found is not None:
        return True, found[3] and not line.startswith("no ")
    if syntax().known(bare):
        return True, syntax().opens(bare) and not line.startswith("no ")
    return False, False


def check_lines(plan: ApplyPlan, path: Path) -> None:
    """Every line of every node's remediation is configuration, or the plan is refused (nothing is sent)."""
    platform = aos8()
    for node in plan.nodes:
        inside = False
        for number, raw in enumerate(node.remediation.split("\n"), 1):
            where = f"{path}: node {node.node}, line {number}"
            bad = platform.unsafe_character(raw)
            if bad is not None:
                raise WifiopsError(f"{where}: holds the control character {bad!r}, which would end or edit the line "
                                   "on the device; nothing was sent; plan again with `wifiops apply`")
            line = raw.strip(" ")
            if not line:
                continue
            if line == platform.block_end:
                inside = False
                continue
            if any(p.search(line) for p in not_configuration()):
                raise WifiopsError(f"{where}: {line!r} is not configuration (a command of the CLI, not of a "
                                   "plan); nothing was sent; plan again with `wifiops apply`")
            if raw[:1] in (" ", "\t"):
                if not inside:
                    raise WifiopsError(f"{where}: {line!r} is indented under no block; nothing was sent; plan "
                                       "again with `wifiops apply`")
                continue
            known, opens = _known_top(line)
            if not known:
                raise WifiopsError(f"{where}: {line!r} is no configuration object wifiops knows "
                                   "(wifiops/aos8/objects.yaml); nothing was sent; plan again with `wifiops apply`")
            inside = opens


def save(plan: ApplyPlan, path: Path) -> Path:
    write_atomically(path, plan.model_dump_json(indent=2) + "\n")
    return path


def load(path: Path) -> ApplyPlan:
    """A saved plan; a damaged or hand-edited one is refused with the file, line or field at fault."""
    try:
        data = read_json(path, PLAN_BYTES, "plan")  # bounded: a link to /dev/zero is refused, not read for ever
    except Unreadable as exc:
        raise WifiopsError(f"{exc}; not a plan wifiops saved: plan again with `wifiops apply`") from None
    try:
        return ApplyPlan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise WifiopsError(f"{path}: field {field}: {first['msg']}; plan again with `wifiops apply`") from None
