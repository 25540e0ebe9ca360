"""ArubaOS 8 configuration text as objects: read as a device prints it, merged, ordered, written.

Two readers. `read` takes any configuration text a device prints (bodies flush-left or indented by any
amount, blank lines, banner, `end`) and says which line is top-level and which belongs to a block, from
the block keywords (syntax.yaml, their one home) and the `!` closing every block; it loses nothing, so
`write(read(text)) == text`. `parse` reads the toolkit's own rendered text, whose objects must all be
known (objects.yaml: what an object is, the order of kinds, which lines reference which objects).
See docs/config-model.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from wifiops.aos8.data import Fact, load
from wifiops.aos8.platform import aos8

INDENT = "    "  # 8.x output and §3.5's template target indent bodies by four spaces


class _SyntaxFile(Fact):
    blocks: list[str]
    text_blocks: list[str]
    oneliners: list[str]
    banner: str
    strip: list[str]


def _either(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(frozen=True)
class Syntax:
    """syntax.yaml: which top-level lines open a block, which are known one-liners, which are no configuration."""

    blocks: tuple[str, ...]
    strip: tuple[str, ...]
    opener: re.Pattern[str]
    oneliner: re.Pattern[str]
    other: re.Pattern[str]
    text: tuple[re.Pattern[str], ...]
    banner: str  # what a device prints before its configuration (also in `strip`)

    def delimiter(self, line: str) -> str | None:
        """The delimiter closing the free text a line opens (`banner motd ~`), None when it opens none or
        closes it on the same line."""
        for pattern in self.text:
            found = pattern.match(line.strip())
            if found and found["delim"] not in line.strip()[found.end():]:
                return found["delim"]
        return None

    def opens(self, line: str) -> bool:
        return self.opener.match(line.strip()) is not None

    def known(self, line: str) -> bool:
        """A top-level command this table knows (a block opener or a one-liner)."""
        text = line.strip()
        return self.opener.match(text) is not None or self.oneliner.match(text) is not None


class _PlanLinesFile(Fact):
    not_configuration: list[str]


@cache
def not_configuration() -> tuple[re.Pattern[str], ...]:
    """Exec-mode and session commands (planlines.yaml), matched on a line without its indentation: never
    configuration, so never in a plan (a `write memory` mid-plan would commit half a change)."""
    return tuple(re.compile(p) for p in load("planlines.yaml", _PlanLinesFile).not_configuration)


@cache
def syntax() -> Syntax:
    data = load("syntax.yaml", _SyntaxFile)
    strip = [data.banner, *data.strip]
    return Syntax(tuple(data.blocks), tuple(strip), _either(data.blocks), _either(data.oneliners),
                  _either(strip), tuple(re.compile(p) for p in data.text_blocks), data.banner)


TOP, BODY, TEXT, OTHER = "top", "body", "text", "other"


@dataclass(frozen=True)
class Line:
    """One line of a configuration text as read: `raw` is kept byte for byte, `role` says where it belongs:
    a top-level line, a line of the block above it, a line of free text (a banner's), or no configuration
    (blank, `!`, `Building Configuration...`, `end`)."""

    raw: str
    role: str

    @property
    def text(self) -> str:
        return self.raw.strip()


def read(text: str) -> list[Line]:
    """Every line of a configuration as a device prints it, with its role.

    A block opener (syntax.yaml) owns every line up to its `!` (8.x blocks do not nest); an indented line
    belongs to the top-level line above it, opener or not. In a flush-left text an unknown line right
    after a `!` is a block too when a line before the next `!` is no known top-level command: the 7210's
    `vpn-dialer`, `crypto isakmp policy`, or a block whose header a capture lost, are read as blocks.
    """
    table = syntax()
    raws = text.split("\n")
    indented = _indented_layout(raws)
    lines: list[Line] = []
    inside = seen_top = False
    segment_start = True  # at the start of the text or right after a `!`: where a block may begin
    delimiter: str | None = None  # inside a banner's text, until this
    for index, raw in enumerate(raws):
        stripped = raw.strip()
        if delimiter is not None:
            lines.append(Line(raw, TEXT))
            if delimiter in raw:
                delimiter = None
            continue
        if not stripped:
            lines.append(Line(raw, OTHER))
            continue
        if stripped.startswith(aos8().block_end):  # closes any block, in any layout
            lines.append(Line(raw, OTHER))
            inside, segment_start = False, True
            continue
        if seen_top and (inside or raw[:1].isspace()):
            lines.append(Line(raw, BODY))  # `version v1` of a crypto policy is the policy's, not the banner's
            continue
        if table.other.match(stripped):
            lines.append(Line(raw, OTHER))
            segment_start = segment_start or stripped == "end"
            continue
        lines.append(Line(raw, TOP))
        seen_top = True
        delimiter = table.delimiter(stripped)
        inside = table.opens(stripped) or (not indented and segment_start and _inferred(raws, index))
        segment_start = False
    return lines


def _indented_layout(raws: list[str]) -> bool:
    """Whether this text indents block bodies: more top-level lines followed by an indented line than known
    openers followed by a flush-left one (the 7210 capture: one indented line, seven flush-left bodies)."""
    table = syntax()
    votes, end = 0, aos8().block_end
    significant = [raw for raw in raws if raw.strip()]
    for raw, following in zip(significant, significant[1:]):
        if raw[:1].isspace() or raw.strip().startswith(end) or following.strip().startswith(end):
            continue
        if following[:1].isspace():
            votes += 1
        elif table.opens(raw):
            votes -= 1
    return votes > 0


def _inferred(raws: list[str], index: int) -> bool:
    """An unknown flush-left line opens a block when a flush-left line before the next `!` (or the next
    known block) is no known top-level command either: a group of known one-liners after an unknown one
    stays top-level. A wrong guess is a missing one-liner in syntax.yaml's `oneliners`."""
    table = syntax()
    if table.known(raws[index]):
        return False
    for raw in raws[index + 1:]:
        stripped = raw.strip()
        if not stripped or raw[:1].isspace():
            continue
        if stripped.startswith(aos8().block_end) or stripped == "end" or table.opens(stripped):
            return False  # the segment ends, or a known block begins: only one-liners came before it
        if not table.known(stripped):
            return True
    return False


def write_lines(lines: list[Line], indent: str | None = None) -> str:
    """The text again: as read (`indent` None), or with every body line indented by `indent` ("" for
    flush-left); top-level lines, trailing spaces, blank lines and `!` kept as they were."""
    out = []
    for line in lines:
        if indent is None or line.role != BODY:
            out.append(line.raw)
        else:
            body = line.raw.lstrip()
            out.append(indent + body)
    return "\n".join(out)


def sections(lines: list[Line]) -> list[Block]:
    """The top-level lines, each with the lines of its block, stripped of indentation and trailing spaces."""
    out: list[Block] = []
    for line in lines:
        if line.role == TOP:
            out.append(Block(line.text))
        elif line.role in (BODY, TEXT):
            out[-1].body.append(line.text)
    return out


class _Kind(Fact):
    kind: str
    match: str


class _Reference(Fact):
    match: str
    kind: str


class _ObjectsFile(Fact):
    kinds: list[_Kind]
    references: list[_Reference]
    builtin: dict[str, list[str]]


@dataclass(frozen=True)
class Objects:
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    references: tuple[tuple[re.Pattern[str], str], ...]
    builtin: dict[str, frozenset[str]]

    def kind_of(self, header: str) -> tuple[int, str, str, bool] | None:
        """(rank, kind, name, opens a block) of a top-level line, or None when it is no known object."""
        for rank, (kind, pattern) in enumerate(self.kinds):
            found = pattern.match(header)
            if found:
                return rank, kind, found["name"], syntax().opens(header)
        return None


@cache
def objects() -> Objects:
    data = load("objects.yaml", _ObjectsFile)
    return Objects(kinds=tuple((k.kind, re.compile(k.match)) for k in data.kinds),
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
        if not line.strip() or line.strip() == aos8().block_end:
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
            out.append(aos8().block_end)
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
