"""Rendered ArubaOS 8 configuration as objects: read, merged, put in the order a device accepts, written.

What an object is, the order of kinds and which lines reference which objects are data (objects.yaml).
This reads the toolkit's own rendered text (headers flush-left, bodies indented, `!` closing blocks);
reading a device's output, with its quirks, is the diff engine's job (hier-config driver, issue 10).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

INDENT = "    "  # 8.x output and §3.5's template target indent bodies by four spaces


class _Kind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str
    match: str
    block: bool = False


class _Reference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    match: str
    kind: str


class _ObjectsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kinds: list[_Kind]
    references: list[_Reference]
    builtin: dict[str, list[str]]


@dataclass(frozen=True)
class Objects:
    kinds: tuple[tuple[str, re.Pattern[str], bool], ...]
    references: tuple[tuple[re.Pattern[str], str], ...]
    builtin: dict[str, frozenset[str]]

    def kind_of(self, header: str) -> tuple[int, str, str, bool] | None:
        """(rank, kind, name, opens a block) of a top-level line, or None when it is no known object."""
        for rank, (kind, pattern, block) in enumerate(self.kinds):
            found = pattern.match(header)
            if found:
                return rank, kind, found["name"], block
        return None


@cache
def objects() -> Objects:
    data = _ObjectsFile.model_validate(yaml.safe_load(Path(__file__).with_name("objects.yaml").read_text("utf-8")))
    return Objects(kinds=tuple((k.kind, re.compile(k.match), k.block) for k in data.kinds),
                   references=tuple((re.compile(r.match), r.kind) for r in data.references),
                   builtin={kind: frozenset(names) for kind, names in data.builtin.items()})


@dataclass
class Block:
    """One object: its header line and, for a sub-mode, its body lines (without indentation)."""

    header: str
    body: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [self.header, *self.body]


class UnknownObject(ValueError):
    """A rendered top-level line that objects.yaml does not know: no order can be given to it."""


def parse(text: str) -> list[Block]:
    """Blocks of rendered text: a flush-left line starts an object, indented lines are its body."""
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or line.strip() == "!":
            continue
        if line[0].isspace():
            if not blocks:
                raise UnknownObject(f"an indented line before any object: {line.strip()!r}")
            blocks[-1].body.append(line.strip())
        else:
            blocks.append(Block(line))
    return blocks


def merge(blocks: list[Block]) -> list[Block]:
    """One block per header (features may each add lines to one profile), in the order of kinds.

    Body lines keep their order, a line given twice is kept once; the sort is stable, so objects of
    one kind stay in the order the intent lists them.
    """
    table = objects()
    by_header: dict[str, Block] = {}
    for block in blocks:
        if table.kind_of(block.header) is None:
            raise UnknownObject(f"no object kind in wifiops/aos8/objects.yaml matches {block.header!r}")
        merged = by_header.setdefault(block.header, Block(block.header))
        merged.body += [line for line in block.body if line not in merged.body]
    return sorted(by_header.values(), key=lambda b: table.kind_of(b.header)[0])  # type: ignore[index]


def write(blocks: list[Block]) -> str:
    """The text a device is sent: bodies indented, `!` after every block kind."""
    table = objects()
    out: list[str] = []
    for block in blocks:
        found = table.kind_of(block.header)
        out.append(block.header)
        out += [INDENT + line for line in block.body]
        if found is not None and found[3]:
            out.append("!")
    return "\n".join(out) + ("\n" if out else "")


def defined(blocks: list[Block]) -> set[tuple[str, str]]:
    """(kind, name) of every object in `blocks`."""
    table = objects()
    found = (table.kind_of(b.header) for b in blocks)
    return {(kind, name) for hit in found if hit is not None for _, kind, name, _ in [hit]}


def references(blocks: list[Block]) -> list[tuple[Block, str, str, str]]:
    """(block, line, kind, name) for every line that names another object."""
    table = objects()
    out = []
    for block in blocks:
        for line in block.lines:
            for pattern, kind in table.references:
                found = pattern.match(line)
                if found:
                    out.append((block, line, kind, found["name"]))
    return out
