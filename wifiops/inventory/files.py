"""Which files make up an inventory directory.

An inventory is a directory holding Nornir's SimpleInventory files (hosts.yaml, groups.yaml,
defaults.yaml) plus aps.yaml. An optional inventory.yaml manifest may point any of them elsewhere, which
is how the lab reuses the Louvre's hierarchy, intent and APs with its own hosts (inventory/lab/).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wifiops.inventory.yamlsource import Finding, load_yaml

MANIFEST = "inventory.yaml"
ROLES = ("hosts", "groups", "defaults", "aps", "secrets")
REQUIRED = ("hosts", "groups", "defaults", "aps")


@dataclass(frozen=True)
class InventoryFiles:
    """Resolved paths of one inventory; `secrets` is the optional lab secrets file."""

    directory: Path
    hosts: Path
    groups: Path
    defaults: Path
    aps: Path
    secrets: Path | None
    manifest: Path | None


def locate(directory: Path) -> tuple[InventoryFiles | None, list[Finding]]:
    """Resolve the files of `directory`; every missing or unknown entry is a finding."""
    directory = directory.resolve()
    if not directory.is_dir():
        return None, [Finding(directory, None, "", "inventory directory does not exist")]
    chosen: dict[str, Path] = {role: directory / f"{role}.yaml" for role in REQUIRED}
    findings: list[Finding] = []
    manifest = directory / MANIFEST
    if manifest.exists():
        doc = load_yaml(manifest)
        findings += doc.findings
        entries = doc.data or {}
        if not isinstance(entries, dict):
            findings.append(doc.finding((), "must be a mapping of file roles to paths"))
            entries = {}
        for role, value in entries.items():
            if role not in ROLES:
                findings.append(doc.finding((role,), f"unknown key; expected one of {', '.join(ROLES)}"))
            elif not isinstance(value, str):
                findings.append(doc.finding((role,), "must be a path relative to the manifest"))
            else:
                chosen[role] = (directory / value).resolve()
    for role in REQUIRED:
        if not chosen[role].exists():
            findings.append(Finding(chosen[role], None, role, f"{role} file not found"))
    secrets = chosen.get("secrets")
    if secrets is not None and not secrets.exists():
        findings.append(Finding(secrets, None, "secrets", "secrets file not found"))
    if findings:
        return None, findings
    return InventoryFiles(directory, chosen["hosts"], chosen["groups"], chosen["defaults"], chosen["aps"],
                          secrets, manifest if manifest.exists() else None), []
