"""The report model: per node, per feature, what was before and what is after, with counts.

The same model is drawn as Markdown and HTML (wifiops/reports/render.py) and serialised as JSON
(`wifiops report diff --json`); its `to_dict()` shape is a public interface (README).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from wifiops.aos8.configtext import objects, parse
from wifiops.aos8.hconfig import normalise

OTHER = "other"


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    match: str
    feature: str
    lines: dict[str, str] = {}


class _Feature(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str
    about: str


class _FeaturesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    features: dict[str, _Feature]
    rules: list[_Rule]


@cache
def _features() -> _FeaturesFile:
    data = _FeaturesFile.model_validate(yaml.safe_load(Path(__file__).with_name("features.yaml").read_text("utf-8")))
    unknown = {r.feature for r in data.rules} | {f for r in data.rules for f in r.lines.values()}
    if unknown - set(data.features):
        raise ValueError(f"features.yaml: rules name unknown features {sorted(unknown - set(data.features))}")
    return data


@cache
def _rules() -> tuple[tuple[re.Pattern[str], str, dict[str, str]], ...]:
    return tuple((re.compile(r.match), r.feature, dict(r.lines)) for r in _features().rules)


def feature_title(feature: str) -> str:
    known = _features().features.get(feature)
    return known.title if known else feature


def feature_about(feature: str) -> str:
    known = _features().features.get(feature)
    return known.about if known else ""


def feature_order() -> list[str]:
    return list(_features().features)


def feature_of(header: str, line: str | None = None) -> str:
    """The feature of an object (its header line), or of one line of its body."""
    header = header.removeprefix("no ")
    for pattern, feature, lines in _rules():
        if pattern.match(header):
            if line is not None:
                words = line.removeprefix("no ").split()
                return lines.get(words[0], feature) if words else feature
            return feature
    return OTHER


def _key(header: str) -> tuple[str, str]:
    found = objects().kind_of(header)
    return (found[1], found[2]) if found else ("", header)


@dataclass
class ObjectChange:
    """One configuration object (its header line) and its lines before and after."""

    object: str
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


@dataclass
class FeatureChange:
    feature: str
    title: str
    added: int = 0
    removed: int = 0
    compliant: bool | None = None  # running vs intended only
    objects: list[ObjectChange] = field(default_factory=list)

    def take(self, header: str, before: list[str], after: list[str]) -> None:
        """One object's lines; a one-line object whose value changed (`... mbits 150` to `... mbits 300`)
        is one object, found by its kind and name."""
        key = _key(header)
        found = next((o for o in self.objects if _key(o.object) == key), None)
        if found is None:
            found = ObjectChange(header)
            self.objects.append(found)
        found.before += before
        found.after += after
        self.removed += len(before)
        self.added += len(after)


@dataclass
class NodeReport:
    node: str
    source: str  # "backup <old>..<new>", "backup <revision>" or "live"
    added: int = 0
    removed: int = 0
    compliant: bool | None = None  # running vs intended only
    features: list[FeatureChange] = field(default_factory=list)
    diff: str = ""  # unified diff (changes) or the remediation (intended)
    rollback: str = ""  # intended only
    history: list[dict[str, str]] = field(default_factory=list)  # backup versions, newest first

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed) or self.compliant is False


@dataclass
class Report:
    kind: str  # "changes" (between two backups) or "intended" (running vs intended)
    title: str
    generated: str
    scope: str  # the two versions compared, or the source of the running configuration
    nodes: list[NodeReport] = field(default_factory=list)
    from_revision: str | None = None
    to_revision: str | None = None
    by: str = ""  # the engineer who made the report (wifiops.credentials.engineer)
    # the firewall's segment rates (wifiops/engine/firewall.py): segment, summary, status, confirmed_by,
    # confirmed_at, reference, file; confirmations between the two backups, or every sheet's state now
    firewall: list[dict[str, Any]] = field(default_factory=list)
    language: str = "en"  # of the words drawn around it (wifiops.yaml `language:`; the engine sets it)
    device_names: dict[str, str] = field(default_factory=dict)  # device node path -> its host: a MAC is no name

    @property
    def added(self) -> int:
        return sum(n.added for n in self.nodes)

    @property
    def removed(self) -> int:
        return sum(n.removed for n in self.nodes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["added"], data["removed"] = self.added, self.removed
        return data


def _by_header(text: str) -> dict[str, list[str]]:
    """Objects by header line; bodies read flush-left or indented, as the diff engine reads them."""
    blocks: dict[str, list[str]] = {}
    for block in parse(normalise(text)):
        blocks.setdefault(block.header, []).extend(block.body)
    return blocks


def _attribute(features: dict[str, FeatureChange], header: str, before: list[str], after: list[str]) -> None:
    """Each line to its feature (a whole object added or removed lists its header line too)."""
    by_feature: dict[str, tuple[list[str], list[str]]] = {}
    for side, lines in ((0, before), (1, after)):
        for line in lines:
            feature = feature_of(header) if line == header else feature_of(header, line)
            by_feature.setdefault(feature, ([], []))[side].append(line)
    for feature, (old, new) in by_feature.items():
        target = features.setdefault(feature, FeatureChange(feature, feature_title(feature)))
        target.take(header, old, new)


def compare(old: str, new: str) -> list[FeatureChange]:
    """What changed between two versions of a node's configuration, per feature and object, in feature order.

    Bodies are compared in order (a reordered ACL is a change: the device reads it top down).
    """
    before, after = _by_header(old), _by_header(new)
    features: dict[str, FeatureChange] = {}
    for header in [*after, *(h for h in before if h not in after)]:
        if header not in before:
            _attribute(features, header, [], [header, *after[header]])
        elif header not in after:
            _attribute(features, header, [header, *before[header]], [])
        else:
            removed: list[str] = []
            added: list[str] = []
            matcher = SequenceMatcher(a=before[header], b=after[header], autojunk=False)
            for op, i1, i2, j1, j2 in matcher.get_opcodes():
                if op != "equal":
                    removed += before[header][i1:i2]
                    added += after[header][j1:j2]
            if removed or added:
                _attribute(features, header, removed, added)
    return ordered(features)


def ordered(features: dict[str, FeatureChange]) -> list[FeatureChange]:
    order = feature_order()
    return sorted(features.values(), key=lambda f: order.index(f.feature) if f.feature in order else len(order))


def plan_changes(remediation: str) -> dict[str, FeatureChange]:
    """A remediation read as before and after: `no X` lines are what goes (X before), others what comes."""
    features: dict[str, FeatureChange] = {}
    for block in parse(remediation):
        header = block.header
        if header.startswith("no ") and not block.body:
            _attribute(features, header[3:], [header[3:]], [])
            continue
        gone = [line[3:] for line in block.body if line.startswith("no ")]
        come = [line for line in block.body if not line.startswith("no ")]
        if not block.body:
            come = [header]
        _attribute(features, header, gone, come)
    return features
