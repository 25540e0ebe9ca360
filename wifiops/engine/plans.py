"""A plan as a file: what `wifiops apply` shows, saved so that `apply --commit --plan FILE` sends exactly that.

A plan keeps, per node, the configuration it was made from (scrubbed, as backups keep it: secrets are
keyed hashes), so the apply can tell whether the node changed since (drift), and a digest of the intent,
so a plan made before the intent changed is not pushed. It holds no secret: the lines carry keyed hashes,
which the apply turns back into values from the secrets store and the device, in memory, when it sends.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from wifiops.aos8.hconfig import phases
from wifiops.errors import WifiopsError
from wifiops.paths import write_atomically
from wifiops.readers import PLAN_BYTES, Unreadable, read_json

PLAN_FILE = "plan.json"


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
        return sum(1 for line in self.remediation.splitlines() if line.strip() and line.strip() != "!")

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

    @property
    def changed(self) -> list[NodePlan]:
        return [n for n in self.nodes if n.remediation.strip()]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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
