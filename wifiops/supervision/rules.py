"""The inventory's supervision rules, resolved for one host, AP group or SSID (schema: wifiops.inventory.schema).

Thresholds are layered key by key, the most specific last: the contract's defaults, `thresholds`, then by
host kind, site and host for an MM or a controller, and by site and AP group for an AP group and its APs.
Hysteresis, incident rules and GTR classes are looked up as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wifiops.errors import InventoryError
from wifiops.inventory.files import defaults_data
from wifiops.inventory.schema import (DEFAULT_THRESHOLDS, GtrClass, Hysteresis, IncidentRule, Supervision,
                                      Thresholds)
from wifiops.supervision.deadlines import WorkingTime


@dataclass(frozen=True)
class Limits:
    """Thresholds resolved for one subject; None: that limit is off there."""

    cpu_percent: float | None
    memory_percent: float | None
    sync: bool
    aps_down: int | None
    aps_down_percent: float | None
    ap_down: bool
    ap_rebooted: bool
    clients_per_ap: int | None
    clients_per_ssid: int | None
    licence_headroom: int | None
    licence_headroom_percent: float | None


LIMIT_FIELDS = tuple(f.name for f in fields(Limits))
assert set(LIMIT_FIELDS) == set(Thresholds.model_fields) == set(DEFAULT_THRESHOLDS)


class Rules:
    """One inventory's supervision block, with its resolutions cached (the same group is asked 300 times)."""

    def __init__(self, supervision: Supervision) -> None:
        self.supervision = supervision
        self.working_time = WorkingTime(supervision.working_hours)
        self._cache: dict[tuple[str, ...], Limits] = {}

    @classmethod
    def from_defaults(cls, data: Mapping[str, Any]) -> Rules:
        """From the defaults' `data` of a loaded inventory (validated on load)."""
        return cls(Supervision.model_validate(data.get("supervision") or {}))

    @classmethod
    def from_inventory(cls, directory: Path) -> Rules:
        """From defaults.yaml alone, for the commands that only read the store (no 358-AP load)."""
        path, raw = defaults_data(directory)
        try:
            return cls.from_defaults(raw)
        except ValidationError as exc:
            raise InventoryError([], f"{path}: supervision is not valid (run `wifiops inventory check`): "
                                 f"{exc.errors()[0]['msg']}") from None

    def for_host(self, name: str, kind: str | None, site: str | None) -> Limits:
        s = self.supervision
        return self._resolve(("host", name), s.kinds.get(kind) if kind in ("mm", "md", "clearpass") else None,  # type: ignore[call-overload]
                             s.sites.get(site or ""), s.hosts.get(name))

    def for_group(self, group: str, site: str | None) -> Limits:
        """An AP group, and each of its APs."""
        s = self.supervision
        return self._resolve(("group", group), s.sites.get(site or ""), s.ap_groups.get(group))

    def clients_per_ssid(self, ssid: str) -> int | None:
        if ssid in self.supervision.ssids:
            return self.supervision.ssids[ssid]
        return self._resolve(("estate",)).clients_per_ssid

    def estate(self) -> Limits:
        return self._resolve(("estate",))

    def hysteresis(self, kind: str) -> Hysteresis:
        rules = self.supervision.hysteresis
        return rules.get(kind) or rules.get("default") or Hysteresis()  # type: ignore[call-overload]

    def incident_rule(self, kind: str, facts: Mapping[str, Any]) -> IncidentRule | None:
        """The first rule for this alert whose priority, host kind and site match the alert's facts."""
        for rule in self.supervision.incidents:
            if rule.alert != kind:
                continue
            if rule.priority is not None and bool(facts.get("priority")) != rule.priority:
                continue
            if rule.kind is not None and facts.get("kind") != rule.kind:
                continue
            if rule.site is not None and facts.get("site") != rule.site:
                continue
            return rule
        return None

    def gtr(self, name: str | None) -> GtrClass | None:
        return self.supervision.gtr.get(name) if name else None

    def _resolve(self, key: tuple[str, ...], *layers: Thresholds | None) -> Limits:
        found = self._cache.get(key)
        if found is None:
            values = dict(DEFAULT_THRESHOLDS)
            for layer in (self.supervision.thresholds, *layers):
                if layer is not None:
                    values.update(layer.model_dump(exclude_unset=True))
            found = self._cache[key] = Limits(**{name: values[name] for name in LIMIT_FIELDS})
        return found
