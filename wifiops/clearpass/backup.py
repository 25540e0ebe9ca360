"""A ClearPass cluster's configuration as backup files: one JSON file per object (backup.yaml says which
kinds), so the nightly commit shows a changed service as a one-file diff.

Configuration is the cluster's (the publisher replicates it), so one server answering is enough and the
files are the cluster's, whichever answered. Files are JSON as the server answered (its field order, two
spaces), without `_links` and without what backup.yaml drops; every field whose name says it is a secret is
masked by the caller's `mask` before the text exists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from wifiops.clearpass.client import ClearPassClient
from wifiops.errors import ClearPassNotFound

FILE_SUFFIX = ".json"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class Kind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    folder: str
    path: str
    detail: bool = False
    since: str | None = None
    paged: bool = True
    name: str = "name"
    drop: tuple[str, ...] = ()


class Cluster(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    path: str
    drop: tuple[str, ...] = ()


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kinds: tuple[Kind, ...]
    cluster: Cluster
    secret_fields: str


@cache
def spec() -> Spec:
    return Spec.model_validate(yaml.safe_load((Path(__file__).with_name("backup.yaml")).read_text("utf-8")))


@dataclass
class ClusterFiles:
    """What one server answered for its cluster: relative path -> file text, and what it does not offer."""

    files: dict[str, str] = field(default_factory=dict)
    not_offered: list[str] = field(default_factory=list)  # one line each, for the report's warnings


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:2])


def file_name(name: object, fallback: object) -> str:
    """A name as one file name a person recognises: `[Guest Operator Logins]` -> `Guest-Operator-Logins`."""
    slug = _UNSAFE.sub("-", str(name or "")).strip("-.")[:60].rstrip("-.")
    return slug or str(fallback)


def _masked(value: Any, secret: re.Pattern[str], mask: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {k: (mask(v) if secret.search(str(k)) and isinstance(v, str) and v else _masked(v, secret, mask))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, secret, mask) for v in value]
    return value


def _text(item: dict[str, Any], drop: tuple[str, ...], mask: Callable[[str], str]) -> str:
    kept = {k: v for k, v in item.items() if k != "_links" and k not in drop}
    secret = re.compile(spec().secret_fields)
    return json.dumps(_masked(kept, secret, mask), indent=2, ensure_ascii=False) + "\n"


def read_cluster(client: ClearPassClient, version: str, mask: Callable[[str], str]) -> ClusterFiles:
    """Every kind of backup.yaml from `client`'s server (`version` its ClearPass version). Any error but a
    kind the server does not serve is raised: a half-read cluster is never written."""
    out = ClusterFiles()
    have = _version(version)
    for kind in spec().kinds:
        if kind.since is not None and have < _version(kind.since):
            out.not_offered.append(f"{client.name}: ClearPass {version} has no /api{kind.path} (from {kind.since}): "
                                   f"its {kind.folder} are not in the backup until the servers are upgraded")
            continue
        try:
            items = client.all_items(kind.path, paged=kind.paged)
            if kind.detail:
                items = [client.get(f"{kind.path}/{int(item['id'])}") for item in items]
        except ClearPassNotFound:
            out.not_offered.append(f"{client.name}: ClearPass {version} answers 404 for /api{kind.path}: its "
                                   f"{kind.folder} are not in the backup")
            continue
        taken: set[str] = set()
        for item in sorted(items, key=lambda i: (str(i.get("id", "")).zfill(12), str(i.get(kind.name, "")))):
            name = file_name(item.get(kind.name), item.get("id", len(taken)))
            if name in taken:  # two objects named alike: the second keeps its id too
                name = f"{name}.{file_name(item.get('id'), len(taken))}"
            taken.add(name)
            out.files[f"{kind.folder}/{name}{FILE_SUFFIX}"] = _text(item, kind.drop, mask)
    cluster = spec().cluster
    servers = [{k: v for k, v in s.items() if k != "_links" and k not in cluster.drop}
               for s in client.all_items(cluster.path, paged=False)]
    out.files[cluster.file] = json.dumps(servers, indent=2, ensure_ascii=False) + "\n"
    return out
