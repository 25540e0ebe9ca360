"""ArubaOS 8 firmware facts (upgrade.yaml): the commands of an upgrade and how their answers read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from wifiops.aos8.data import raw


@dataclass(frozen=True)
class UpgradeFacts:
    commands: dict[str, Any]
    patterns: dict[str, re.Pattern[str]]
    images: dict[str, str]
    defaults: dict[str, Any]
    preload_models: tuple[str, ...] = ()

    def copy(self, protocol: str, **values: Any) -> str:
        forms = self.commands["copy"]
        if protocol not in forms:
            raise KeyError(protocol)
        return str(forms[protocol]).format(**values)

    def command(self, name: str, **values: Any) -> str:
        return str(self.commands[name]).format(**values)

    def image_file(self, model: str, version: str, build: str) -> str | None:
        form = self.images.get(model)
        return form.format(version=version, build=build) if form else None


@cache
def upgrade_facts() -> UpgradeFacts:
    facts = raw("upgrade.yaml")
    return UpgradeFacts(dict(facts["commands"]),
                        {k: re.compile(v, re.M) for k, v in facts["patterns"].items()},
                        dict(facts["images"]), dict(facts["defaults"]), tuple(facts.get("preload_models") or ()))


@dataclass(frozen=True)
class Partitions:
    """`show image version` and `show boot` read: partition -> (version, build) or None, the default one."""

    images: dict[int, tuple[str, str] | None]
    default: int | None


def read_free_mb(storage: str) -> float | None:
    """Free MB on /flash in `show storage`; None when no such row is found."""
    found = upgrade_facts().patterns["flash_free"].search(storage.replace("\r", ""))
    if not found:
        return None
    return float(found["free"]) * {"K": 1 / 1024, "M": 1.0, "G": 1024.0}[found["unit"]]


def read_partitions(image_version: str, boot: str = "") -> Partitions:
    facts = upgrade_facts()
    images: dict[int, tuple[str, str] | None] = {}
    default: int | None = None
    current: int | None = None
    version = ""
    for line in image_version.replace("\r", "").split("\n"):
        line = line.strip()
        if found := facts.patterns["partition"].match(line):
            current = int(found["n"])
            images[current] = None
            version = ""
            if found["default"]:
                default = current
        elif current is not None and (found := facts.patterns["software"].match(line)):
            version = found["version"]
        elif current is not None and version and (found := facts.patterns["build"].match(line)):
            images[current] = (version, found["build"])
    if found := facts.patterns["boot_partition"].search(boot.replace("\r", "")):
        default = int(found["n"])
    return Partitions(images, default)


def read_preload(status: str) -> tuple[int, int, int] | None:
    """(total, preloaded, failed) in `show ap image-preload status summary`; None when it shows no counts."""
    facts = upgrade_facts()
    text = status.replace("\r", "")
    found = [facts.patterns[k].search(text) for k in ("preload_total", "preload_done", "preload_failed")]
    if not all(found):
        return None
    total, done, failed = (int(m["n"]) for m in found if m)
    return total, done, failed
