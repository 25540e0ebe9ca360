"""Which files make up an inventory directory.

An inventory is a directory holding Nornir's SimpleInventory files (hosts.yaml, groups.yaml,
defaults.yaml) plus aps.yaml. An optional inventory.yaml manifest may point any of them elsewhere, which
is how the lab reuses the Louvre's hierarchy, intent and APs with its own hosts (inventory/lab/).
Every file is checked before it is read (a symbolic link loop, a FIFO or a device is a finding, never a
hang or a traceback; see wifiops.yamlsource).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wifiops.errors import InventoryError
from wifiops.yamlsource import Finding, file_problem, load_yaml

MANIFEST = "inventory.yaml"
ROLES = ("hosts", "groups", "defaults", "aps", "secrets", "known_hosts", "clearpass_ca")
REQUIRED = ("hosts", "groups", "defaults", "aps")
KNOWN_HOSTS = "known_hosts"  # OpenSSH's name for the file, kept with the inventory when the manifest is silent
CLEARPASS_CA = "clearpass-ca.pem"  # the CA of the ClearPass servers' HTTPS certificates, when the manifest is silent


@dataclass(frozen=True)
class InventoryFiles:
    """Resolved paths of one inventory.

    `secrets` is the optional lab secrets file. `known_hosts` (the SSH host keys of the inventory's hosts)
    is always set, though the file need not exist yet: the manifest's entry, else `<directory>/known_hosts`.
    So is `clearpass_ca`, the CA certificate(s) the ClearPass servers' HTTPS certificates are verified
    against (the manifest's entry, else `<directory>/clearpass-ca.pem`; absent: the system's CAs).
    """

    directory: Path
    hosts: Path
    groups: Path
    defaults: Path
    aps: Path
    secrets: Path | None
    manifest: Path | None
    known_hosts: Path
    clearpass_ca: Path


def locate(directory: Path) -> tuple[InventoryFiles | None, list[Finding]]:
    """Resolve the files of `directory`; every missing, unreadable or unknown entry is a finding."""
    directory = _resolved(directory)
    problem = _directory_problem(directory)
    if problem is not None:
        return None, [Finding(directory, None, "", problem)]
    chosen: dict[str, Path] = {role: directory / f"{role}.yaml" for role in REQUIRED}
    chosen["known_hosts"] = directory / KNOWN_HOSTS
    chosen["clearpass_ca"] = directory / CLEARPASS_CA
    findings: list[Finding] = []
    manifest = directory / MANIFEST
    if os.path.lexists(manifest):  # a dangling link or a loop is reported by load_yaml, not taken for absence
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
                chosen[role] = _resolved(directory / value)
    for role in REQUIRED + (("secrets",) if "secrets" in chosen else ()):
        problem = file_problem(chosen[role])
        if problem is not None:
            findings.append(Finding(chosen[role], None, role,
                                    f"{role} file not found" if problem == "file not found" else problem))
    if findings:
        return None, findings
    return InventoryFiles(directory, chosen["hosts"], chosen["groups"], chosen["defaults"], chosen["aps"],
                          chosen.get("secrets"), manifest if os.path.lexists(manifest) else None,
                          chosen["known_hosts"], chosen["clearpass_ca"]), []


def _resolved(path: Path) -> Path:
    """`path` made absolute without symbolic links; a loop keeps the path as given, for the check to name."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError on a symbolic link loop
        return path.absolute()


def _directory_problem(directory: Path) -> str | None:
    try:
        info = os.stat(directory)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "inventory directory is a symbolic link loop (the link leads back to itself)"
        return "inventory directory does not exist" if exc.errno in (errno.ENOENT, errno.ENOTDIR) else \
            f"cannot read inventory directory: {exc.strerror}"
    return None if stat.S_ISDIR(info.st_mode) else "not a directory: an inventory is a directory of YAML files"


def defaults_data(directory: Path) -> tuple[Path, dict[str, Any]]:
    """defaults.yaml's `data:` alone, for the commands that only read the store (no 358-AP load): its path
    (for messages) and the mapping, not yet validated. A missing or unreadable file is an InventoryError."""
    files, findings = locate(directory)
    if files is None:
        raise InventoryError(findings)
    doc = load_yaml(files.defaults)
    if doc.findings:
        raise InventoryError(doc.findings)
    return files.defaults, ((doc.data or {}).get("data") or {})
