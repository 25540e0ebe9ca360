"""The estate's sites, read from defaults.yaml alone: `wifiops window` judges a moment against their opening
hours, a pure computation that needs neither Nornir, nor the 358 APs, nor the hundred other models of the
inventory's schema. The sites are validated by the same models as in the full check (hours.py), so a bad
hour is refused alike, with its file, line and field; the rest of defaults.yaml is the full check's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from wifiops.errors import InventoryError
from wifiops.inventory.files import locate
from wifiops.inventory.findings import validated
from wifiops.inventory.hours import Sites
from wifiops.yamlsource import load_yaml


class _Sites(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sites: Sites


class _Defaults(BaseModel):
    model_config = ConfigDict(extra="ignore")
    data: _Sites


def checked_sites(directory: Path) -> dict[str, Any]:
    """defaults.yaml's `sites:` as written, once they validate; InventoryError with every finding otherwise."""
    files, findings = locate(directory)
    if files is None:
        raise InventoryError(findings)
    doc = load_yaml(files.defaults)
    found = doc.findings or validated(doc, _Defaults, doc.data or {}, ())
    if found:
        raise InventoryError(found)
    return dict(doc.data["data"]["sites"])
