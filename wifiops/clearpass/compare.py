"""Two servers' network devices side by side: what one has and the other lacks, and what differs.

Devices are matched by name (ids are each server's own). Fields are compared by dotted path
(`attributes.Location`, `snmp_read.zone_name`), lists of names as sets. A secret is never compared by value,
and never shown: only whether each side said it was set ("set" / "not set"). A real server answers "" for
every secret (arubaos8.md §6.4), so two servers' secrets compare equal however they differ; whoever copies a
device writes its secret from the secrets store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from wifiops.clearpass.client import SECRET_FIELDS, NetworkDevice

SET, NOT_SET = "set", "not set"


@dataclass(frozen=True)
class FieldDifference:
    field: str  # dotted path
    a: Any  # MISSING fields are None; secrets are "set" or "not set"
    b: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class DeviceDifference:
    name: str
    a_id: int
    b_id: int
    fields: list[FieldDifference]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "a_id": self.a_id, "b_id": self.b_id,
                "fields": [f.to_dict() for f in self.fields]}


@dataclass
class Comparison:
    """`missing`: on A, not on B; `extra`: on B, not on A; `differing`: on both, not alike."""

    a: str
    b: str
    missing: list[NetworkDevice] = field(default_factory=list)
    extra: list[NetworkDevice] = field(default_factory=list)
    differing: list[DeviceDifference] = field(default_factory=list)
    alike: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.missing or self.extra or self.differing)

    @property
    def exit_code(self) -> int:
        return 0 if self.same else 1

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "same": self.same,
                "missing": [d.to_dict() for d in self.missing], "extra": [d.to_dict() for d in self.extra],
                "differing": [d.to_dict() for d in self.differing], "alike": self.alike}


def _comparable(device: NetworkDevice, ignore: Iterable[str]) -> dict[str, Any]:
    flat = {k: sorted(v) if isinstance(v, list) and all(isinstance(i, str) for i in v) else v
            for k, v in device.flat().items()}
    for path in SECRET_FIELDS:
        flat[path] = SET if path in device.secrets_set else NOT_SET
    for name in ignore:
        for key in [k for k in flat if k == name or k.startswith(name + ".")]:
            del flat[key]
    return flat


def device_differences(a: NetworkDevice, b: NetworkDevice, ignore: Iterable[str] = ()) -> list[FieldDifference]:
    ignore = list(ignore)
    left, right = _comparable(a, ignore), _comparable(b, ignore)
    return [FieldDifference(key, left.get(key), right.get(key))
            for key in sorted(set(left) | set(right)) if left.get(key) != right.get(key)]


def compare(a: Sequence[NetworkDevice], b: Sequence[NetworkDevice], *, a_name: str = "a", b_name: str = "b",
            ignore: Iterable[str] = ()) -> Comparison:
    """The network devices of A against B's; `ignore` names fields (dotted) left out of the comparison."""
    ignore = list(ignore)
    on_b = {d.name: d for d in b}
    on_a = {d.name: d for d in a}
    result = Comparison(a_name, b_name)
    for device in sorted(a, key=lambda d: d.name):
        other = on_b.get(device.name)
        if other is None:
            result.missing.append(device)
            continue
        differences = device_differences(device, other, ignore)
        if differences:
            result.differing.append(DeviceDifference(device.name, device.id, other.id, differences))
        else:
            result.alike.append(device.name)
    result.extra = [d for d in sorted(b, key=lambda d: d.name) if d.name not in on_a]
    return result
