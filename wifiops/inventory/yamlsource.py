"""YAML loading that remembers where each value came from.

Why: an engineer fixing a 358-line AP file needs "aps.yaml:212 aps[208].mac", not a Python traceback.
PyYAML's composed nodes carry their marks; we keep a map from data path to line. Duplicate keys, which
YAML silently resolves to the last one, are reported: a host or AP defined twice is a typo, not intent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]

# libyaml's loader keeps the same marks and is about ten times faster on the 358-line AP file.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Finding:
    """One problem in one file: where it is and what is wrong, in words for people."""

    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": str(self.file), "line": self.line, "field": self.field, "message": self.message}


@dataclass
class YamlDoc:
    """A loaded YAML file: its data, the line of each path, and the problems met while reading it."""

    path: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def line_of(self, key: PathKey) -> int | None:
        """Line of the deepest known prefix of `key` (a missing field is reported at its parent)."""
        for end in range(len(key), -1, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return None

    def finding(self, key: PathKey, message: str) -> Finding:
        return Finding(self.path, self.line_of(key), dotted(key), message)


def dotted(key: PathKey) -> str:
    """`("aps", 3, "mac")` -> `aps[3].mac`, the way the engineer reads the file."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_yaml(path: Path) -> YamlDoc:
    """Read one YAML file; malformed YAML becomes a finding with its line, never an exception."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return YamlDoc(path, None, findings=[Finding(path, None, "", f"cannot read file: {exc.strerror}")])
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        if exc.context_mark and mark and exc.context_mark.line != mark.line:
            problem += f" (the construct opened at line {exc.context_mark.line + 1})"
        return YamlDoc(path, None, findings=[Finding(path, line, "", f"malformed YAML: {problem}")])
    except yaml.YAMLError as exc:
        return YamlDoc(path, None, findings=[Finding(path, None, "", f"malformed YAML: {exc}")])
    finally:
        loader.dispose()
    doc = YamlDoc(path, data)
    if node is not None:
        _walk(node, (), doc)
    return doc


def _walk(node: yaml.Node, key: PathKey, doc: YamlDoc) -> None:
    doc.lines[key] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            line = key_node.start_mark.line + 1
            if name in seen:
                doc.findings.append(Finding(doc.path, line, dotted(key + (name,)),
                                            f"defined twice (first at line {seen[name]})"))
            seen[name] = line
            _walk(value_node, key + (name,), doc)
            doc.lines[key + (name,)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, key + (index,), doc)
