"""YAML loading that remembers where each value came from, and that a hostile file cannot overwhelm.

Why: an engineer fixing a 358-line AP file needs "aps.yaml:212 aps[208].mac", not a Python traceback.
PyYAML's composed nodes carry their marks, so the line of a data path is found by walking them. Duplicate
keys, which YAML silently resolves to the last one, are reported: a host or AP defined twice is a typo.

Every file is read within bounds, each refusal a finding with its line: only regular files (a FIFO would
hang the read, /dev/zero would never end), at most MAX_FILE_BYTES, UTF-8 only, and at most MAX_VALUES
values, whether written or brought by aliases (a 1 KB "billion laughs" file otherwise expands to 10^9
values in every walk that follows it). Expansion is counted on the composed node graph, where an alias is
a second reference to the same node, before anything is built; the data is then built once per node.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wifiops import readers

PathKey = tuple[str | int, ...]

# libyaml's loader keeps the same marks and is about ten times faster on the 358-line AP file.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TooManyValues(Exception):
    pass


class _CountingLoader(_Loader):  # type: ignore[valid-type,misc]  # a variable: libyaml when installed
    """The safe loader, counting values as it composes them, to stop at MAX_VALUES.

    The composer calls descend_resolver once for every node it makes (libyaml's as PyYAML's), whatever
    its tag: the one hook that sees them all. The base method only serves path resolvers, which the safe
    loader does not have.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.values = 0

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            raise _TooManyValues

# 16 MiB: an aps.yaml of 20,000 APs is 3.4 MiB, so this leaves room for about 90,000 APs in one file.
MAX_FILE_BYTES = 16 * 1024 * 1024
# Values (scalars, lists, mappings) in one file, written or brought by aliases. 20,000 APs are 340,000,
# or 540,000 if each takes its defaults with `<<: *defaults`; a billion-laughs file expands to 10^9. The
# bound also holds a file of tiny values ([1,1,1,...]): each composed node costs about 400 bytes, so
# 16 MiB of them would take 3 GB, while a million take 375 MB and 3 s.
MAX_VALUES = 1_000_000
# The longest number an inventory holds is a VLAN, a port or a rate. The bound keeps far below Python's
# 4,300-digit int() limit and the quadratic cost of a long base-60 YAML 1.1 number (1:2:3:...).
MAX_NUMBER_CHARS = 100
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_STR_TAG, _BOOL_TAG, _NULL_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_MAP_TAG, _SEQ_TAG, _MERGE_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge"
_BOOLS: dict[str, bool] = yaml.constructor.SafeConstructor.bool_values
_ABSENT, _BUILDING = object(), object()


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
    """A loaded YAML file: its data, the problems met while reading it, and the line of each path.

    Lines are looked up in the composed nodes, composed again from the text on the first lookup: a valid
    inventory never asks, and the 340,000 nodes of a 20,000-AP file would be kept in memory for nothing.
    """

    path: Path
    data: Any
    findings: list[Finding] = field(default_factory=list)
    text: str | None = field(default=None, repr=False)
    _root: yaml.Node | None = field(default=None, init=False, repr=False)
    _keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = field(default_factory=dict, init=False, repr=False)

    def line_of(self, key: PathKey) -> int | None:
        """Line of the deepest known prefix of `key` (a missing field is reported at its parent)."""
        node = self._nodes()
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in key:
            if isinstance(node, yaml.MappingNode):
                pair = self._mapping(node).get(str(part))
                if pair is None:
                    break
                line = pair[0].start_mark.line + 1  # a mapping entry is where its key is written
                node = pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def finding(self, key: PathKey, message: str) -> Finding:
        return Finding(self.path, self.line_of(key), dotted(key), message)

    def _nodes(self) -> yaml.Node | None:
        if self._root is None and self.text is not None:
            with _gc_paused():
                loader = _Loader(self.text)
                try:
                    self._root = loader.get_single_node()
                except yaml.YAMLError:
                    self.text = None  # unreadable: lines stay unknown
                finally:
                    loader.dispose()
        return self._root

    def _mapping(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        index = self._keys.get(id(node))
        if index is None:
            index = self._keys[id(node)] = {str(k.value): (k, v) for k, v in node.value}  # last one wins, as in YAML
        return index


def dotted(key: PathKey) -> str:
    """`("aps", 3, "mac")` -> `aps[3].mac`, the way the engineer reads the file."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_yaml(path: Path) -> YamlDoc:
    """Read one YAML file within bounds; every problem becomes a finding with its line, never an exception."""
    text, problem = read_text(path)
    if problem is not None:
        return YamlDoc(path, None, findings=[problem])
    assert text is not None
    with _gc_paused():
        data, findings = _parse(path, text)
    return YamlDoc(path, data, findings, text=text)


def _parse(path: Path, text: str) -> tuple[Any, list[Finding]]:
    """Compose, then build the data with its checks; the nodes die with this frame, before the collector is
    back on (otherwise its first pass scans them all)."""
    loader = _CountingLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        # No alias without an anchor (&) and an alias (*): a C-speed test spares the walk to most files.
        if "&" in text and "*" in text and _expands_too_far(node):
            return None, [_alias_finding(path, text)]
        builder = _Builder(node, path, loader.construct_object)
        data = builder.build(node)
        if builder.findings:  # sorted by line, unique: a mapping with two duplicates is reported once
            return None, sorted(set(builder.findings), key=lambda f: (f.line or 0, f.field))
        return data, []
    except _TooManyValues:
        return None, [Finding(path, None, "", f"file holds more than {MAX_VALUES:,} values (20,000 APs are "
                                              "340,000): is it the right file?")]
    except yaml.MarkedYAMLError as exc:
        return None, [_malformed(path, exc)]
    except yaml.YAMLError as exc:
        return None, [Finding(path, None, "", f"malformed YAML: {exc}")]
    except RecursionError:  # only without libyaml, which stops at 1,000 levels with a line
        return None, [Finding(path, None, "", "malformed YAML: nested too deeply")]
    finally:
        loader.dispose()


def file_problem(path: Path) -> str | None:
    """Why `path` cannot be read as an inventory file (missing, a loop, not a plain file, too big), or None."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return readers.os_problem(exc)
    return _kind_problem(info)


def read_text(path: Path) -> tuple[str | None, Finding | None]:
    """The file's text, or a finding: the shared bounded reader (wifiops.readers), its refusal as a finding."""
    try:
        return readers.decode(readers.read_bytes(path, MAX_FILE_BYTES, "inventory file"), str(path)), None
    except readers.Unreadable as exc:
        return None, Finding(path, exc.line, "", _inventory_words(exc.problem))


def _inventory_words(problem: str) -> str:
    """The shared reader's words, with what an inventory file is and how big one gets."""
    if problem.startswith("is ") and "regular file" in problem:
        return problem.replace("must be a plain file", "must be a plain YAML file")
    if "MiB limit" in problem:
        return problem.replace(": is it", " (20,000 APs take 3.4 MiB): is it")
    return problem


def _kind_problem(info: os.stat_result) -> str | None:
    problem = readers.kind_problem(info, "inventory file")
    if problem is not None:
        return _inventory_words(problem)
    if info.st_size > MAX_FILE_BYTES:
        return _inventory_words(readers.too_big(info.st_size, MAX_FILE_BYTES, "inventory file"))
    return None


def _malformed(path: Path, exc: yaml.MarkedYAMLError) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    problem = " ".join(p for p in (exc.context, exc.problem) if p)
    if exc.context_mark and mark and exc.context_mark.line != mark.line:
        problem += f" (the construct opened at line {exc.context_mark.line + 1})"
    return Finding(path, line, "", f"malformed YAML: {problem}")


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while nodes are built.

    Measured on 20,000 APs: composing takes 2.2 s with the collector and 0.46 s without, which rescans the
    growing graph of nodes again and again though it holds no cycle to free. Size limits bound the memory.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Builder:
    """Build a composed document's data in one pass, checking what PyYAML would not or could not say.

    Checks: duplicate keys, numbers too long to convert, scalars that do not convert (`2024-13-45`,
    `!!int ten`), keys that are lists or mappings. A node met a second time is an alias: its data is
    built once and shared, as PyYAML does (expansion was bounded before). Plain strings, booleans, nulls, maps
    and sequences are built here, which is three times faster than PyYAML's constructor on 20,000 APs;
    every other tag, and maps with `<<` merge keys, go to PyYAML's constructor after their children
    were checked.
    """

    def __init__(self, root: yaml.Node, path: Path, construct: Callable[..., Any]) -> None:
        self.root, self.path, self.construct = root, path, construct
        self.findings: list[Finding] = []
        self.built: dict[int, Any] = {}

    def build(self, node: yaml.Node) -> Any:
        kind = node.__class__
        if kind is yaml.ScalarNode:
            tag = node.tag
            if tag == _STR_TAG:
                return node.value
            if tag == _BOOL_TAG and node.value.lower() in _BOOLS:
                return _BOOLS[node.value.lower()]
            if tag == _NULL_TAG:
                return None
            return self._scalar(node)
        known = self.built.get(id(node), _ABSENT)
        if known is not _ABSENT:
            return None if known is _BUILDING else known  # _BUILDING: an endless alias, refused before
        self.built[id(node)] = _BUILDING
        if kind is yaml.MappingNode and node.tag == _MAP_TAG:
            value: Any = self._mapping(node)
        elif kind is yaml.SequenceNode and node.tag == _SEQ_TAG:
            value = [self.build(item) for item in node.value]
        else:
            value = self._other(node)
        self.built[id(node)] = value
        return value

    def _mapping(self, node: yaml.Node) -> Any:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                return self._other(node)
            key = self.build(key_node)
            value = self.build(value_node)
            try:
                if key in result:
                    self.findings += _duplicates(self.path, self.root, node)
                result[key] = value
            except TypeError:
                self._finding(key_node, "a list or mapping cannot be a key")
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            return self._finding(node, f"a number of {len(node.value)} characters: no inventory value is that "
                                       f"long (at most {MAX_NUMBER_CHARS}); quote it if it is text")
        try:
            return self.construct(node)
        except (ValueError, TypeError, KeyError, OverflowError):  # not echoed: it may be a secret
            kind = node.tag.rpartition(":")[2]
            return self._finding(node, f"this value cannot be read as a YAML {kind}; quote it if it is text")

    def _other(self, node: yaml.Node) -> Any:
        """A merge, or a tag of PyYAML's (`!!set`, `!!omap`...): check the children, then let PyYAML build."""
        for child in _children(node):
            if child.tag != _MERGE_TAG:  # `<<` itself is no value: PyYAML's constructor merges what follows
                self.build(child)
        if self.findings:
            return None
        try:
            return self.construct(node, deep=True)
        except (ValueError, TypeError, KeyError, OverflowError):
            return self._finding(node, "this block cannot be read as YAML data")

    def _finding(self, node: yaml.Node, message: str) -> None:
        self.findings.append(Finding(self.path, node.start_mark.line + 1, "", message))
        return None


def _duplicates(path: Path, root: yaml.Node, node: yaml.Node) -> list[Finding]:
    key = _path_to(root, node)
    found = []
    first: dict[str, int] = {}
    for key_node, _ in node.value:
        name = str(key_node.value)
        line = key_node.start_mark.line + 1
        if name in first:
            found.append(Finding(path, line, dotted(key + (name,)), f"defined twice (first at line {first[name]})"))
        first[name] = line
    return found


def _path_to(root: yaml.Node, target: yaml.Node) -> PathKey:
    """The data path of `target` (breadth first, so the shortest one if it is shared)."""
    queue: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    seen: set[int] = set()
    for node, key in queue:
        if node is target:
            return key
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            queue += [(value, key + (str(k.value),)) for k, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            queue += [(item, key + (index,)) for index, item in enumerate(node.value)]
    return ()


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return node.value if isinstance(node, yaml.SequenceNode) else []


def _expands_too_far(root: yaml.Node) -> bool:
    """Whether following every alias gives more than MAX_VALUES values, or never ends.

    Sizes are memoised by node, so this is linear in the file even when the expansion is 10^9; an alias
    to a node that contains it (an endless structure) counts as too far.
    """
    size: dict[int, int] = {}
    open_ = -1
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            total = size[id(node)] = 1 + sum(size[id(child)] for child in _children(node))
            if total > MAX_VALUES:
                return True
            continue
        known = size.get(id(node))
        if known == open_:
            return True
        if known is not None:
            continue
        size[id(node)] = open_
        stack.append((node, True))
        stack += [(child, False) for child in _children(node)]
    return False


def _alias_finding(path: Path, text: str) -> Finding:
    """Replay the events to name the alias that goes too far (only on this error path: events are slower)."""
    sizes: dict[str, int] = {}
    open_: list[list[Any]] = [[None, 0]]  # [anchor, values so far] of each open collection
    total = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes:
                return Finding(path, line, "", f"the alias *{event.anchor} refers to the block that contains it: "
                                               "the data would never end")
            total += sizes[event.anchor]
            open_[-1][1] += sizes[event.anchor]
            if total > MAX_VALUES:
                return Finding(path, line, "", f"aliases expand this file beyond {MAX_VALUES:,} values here "
                                               f"(*{event.anchor}): aliases share a block, they do not "
                                               "multiply it (is this an alias bomb?)")
        elif isinstance(event, yaml.ScalarEvent):
            total += 1
            open_[-1][1] += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            total += 1
            open_.append([event.anchor, 1])
            sizes.pop(event.anchor or "", None)  # an alias inside now refers to this open block
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, count = open_.pop()
            open_[-1][1] += count
            if anchor:
                sizes[anchor] = count
    return Finding(path, None, "", f"aliases expand this file beyond {MAX_VALUES:,} values")


def load_shipped(text: str) -> Any:
    """A data file shipped inside wifiops (trusted, small, no line numbers wanted): libyaml's safe loader when
    PyYAML has it, about ten times the pure-Python one; the platform's facts are read at the start of most
    commands (issue 26). The same data either way (tests/test_start.py compares them)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

