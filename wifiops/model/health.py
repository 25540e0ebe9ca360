"""The health model: what `wifiops check` found and kept, read by the engine that makes it and by supervision's rules
that judge it (below both, so the rules layer needs no SSH to read a report)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SNAPSHOT = "snapshot.json"


@dataclass(frozen=True)
class Finding:
    check: str  # ap-missing, ap-down, ap-unknown, ap-wrong-group, ap-rebooted, device, licence, cpu, memory,
    #            unreadable, pending, host
    subject: str  # the AP, host or licence the finding is about
    message: str
    priority: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class HealthReport:
    taken: str
    log_dir: Path
    snapshot: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    previous: str | None = None  # the snapshot reboots were judged against

    @property
    def exit_code(self) -> int:
        return 2 if self.errors else (1 if self.findings else 0)

    def to_dict(self) -> dict[str, Any]:
        return {"taken": self.taken, "healthy": self.exit_code == 0, "log_dir": str(self.log_dir),
                "snapshot_file": str(self.log_dir / SNAPSHOT), "previous_snapshot": self.previous,
                "findings": [f.to_dict() for f in self.findings], "errors": self.errors,
                "summary": summary(self.snapshot)}


def summary(snapshot: dict[str, Any]) -> dict[str, Any]:
    aps = snapshot["aps"].values()
    by_group: dict[str, dict[str, int]] = {}
    for ap in aps:
        counts = by_group.setdefault(ap.get("group") or "?", {"up": 0, "down": 0})
        counts["up" if ap.get("up") else "down"] += 1
    return {"aps_up": sum(1 for ap in aps if ap.get("up")), "aps_seen": len(snapshot["aps"]),
            "by_group": dict(sorted(by_group.items())), "clients_by_ssid": snapshot["clients"],
            "clients": sum(snapshot["clients"].values()), "hosts": snapshot["hosts"]}


def licence_capacity(licences: list[dict[str, Any]]) -> int:
    """APs the licences of a snapshot allow (expired ones, flag X, left out)."""
    return sum(r.get("count") or 0 for r in licences
               if (r.get("service_type") or "").startswith("Access Points") and "X" not in (r.get("flags") or ""))
