"""Load grammar.yaml and match CLI lines against it.

The grammar is data so that a new command or a corrected prompt string is a YAML change. This module
only knows the mini-language (keywords, `a|b`, `<param:type>`, `[optional]`), the value types, how a
keyword may be abbreviated (any unique prefix, no shorter than `abbreviations:` says), the output
filters of a show command (`| include TEXT`), and how a device reports a failure: the furthest token
that did not fit gets the caret.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

GRAMMAR_FILE = Path(__file__).with_name("grammar.yaml")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    quoted: bool = False


def split_pipes(line: str) -> list[tuple[int, str]]:
    """`show x | include "a|b"` -> [(0, "show x "), (8, ' include "a|b"')]: the pieces between the
    unquoted `|`s, each with its offset in `line` (so a caret still points into the typed line)."""
    pieces: list[tuple[int, str]] = []
    start, quoted = 0, False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "|" and not quoted:
            pieces.append((start, line[start:i]))
            start = i + 1
    pieces.append((start, line[start:]))
    return pieces


def tokenize(line: str) -> list[Token]:
    """Split on blanks; double quotes group words (`essid "Louvre WiFi"`) as on the device."""
    tokens: list[Token] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        start = i
        if line[i] == '"':
            end = line.find('"', i + 1)
            end = n if end < 0 else end
            tokens.append(Token(line[i + 1:end], start, True))
            i = end + 1
        else:
            while i < n and not line[i].isspace():
                i += 1
            tokens.append(Token(line[start:i], start))
    return tokens


# --- syntax elements -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lit:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Param:
    name: str
    type: str


@dataclass(frozen=True)
class Opt:
    elements: tuple[Any, ...]


def compile_syntax(syntax: str) -> tuple[Any, ...]:
    """`auth-server <server:ref_radius> [position <n:count>]` -> (Lit, Param, Opt(Lit, Param))."""
    parts = re.findall(r"\[|\]|<[^>]+>|[^\s\[\]]+", syntax)
    stack: list[list[Any]] = [[]]
    for part in parts:
        if part == "[":
            stack.append([])
        elif part == "]":
            inner = stack.pop()
            stack[-1].append(Opt(tuple(inner)))
        elif part.startswith("<"):
            name, _, typ = part[1:-1].partition(":")
            stack[-1].append(Param(name, typ or "word"))
        else:
            stack[-1].append(Lit(tuple(part.split("|"))))
    return tuple(stack[0])


@dataclass(frozen=True)
class Command:
    """One command of a context; `block` set when it opens a sub-mode."""

    id: str
    syntax: str
    elements: tuple[Any, ...]
    order: int
    multi: int = 0
    ordered: bool = False
    block: str | None = None
    scope: str | None = None
    local: bool = False
    action: str | None = None
    roles: tuple[str, ...] = ()

    @property
    def key_length(self) -> int:
        """Leading keywords plus `multi` params: what identifies a line for replace / `no`."""
        n, params = 0, 0
        for el in self.elements:
            if isinstance(el, Lit):
                n += 1
            elif isinstance(el, Param) and params < self.multi:
                n += 1
                params += 1
            else:
                break
        return n


@dataclass(frozen=True)
class Block:
    name: str
    kind: str
    prompt: str
    opener: Command
    commands: tuple[Command, ...]


@dataclass
class Part:
    """One rendered piece of a matched line: a keyword, or a param value in its type's style."""

    value: str
    style: str  # lit | bare | quoted | secret | masked


@dataclass
class Match:
    command: Command
    parts: list[Part]
    values: dict[str, str]
    refs: list[tuple[str, str]]
    exact: int  # keywords typed in full; disambiguates prefixes
    consumed: int = 0  # tokens used by the key part (for `no`)


@dataclass
class Failure:
    position: int  # index of the offending token; == len(tokens) means "ran out"
    incomplete: bool


@dataclass
class Grammar:
    raw: dict[str, Any]
    types: dict[str, dict[str, Any]]
    blocks: dict[str, Block]
    config: tuple[Command, ...]
    exec: tuple[Command, ...]
    errors: dict[str, str]
    messages: dict[str, list[str]]
    prompts: dict[str, str]
    defines: dict[str, str] = field(default_factory=dict)
    version: str = "8.10"
    filters: tuple[Command, ...] = ()  # `| include TEXT` and its siblings, after a show command
    abbreviations: dict[str, str] = field(default_factory=dict)  # keyword -> shortest accepted form

    def abbreviates(self, typed: str, keyword: str) -> bool:
        """`typed` may stand for `keyword`: a prefix of it, at least as long as its shortest form."""
        typed, keyword = typed.lower(), keyword.lower()
        return keyword.startswith(typed) and len(typed) >= len(self.abbreviations.get(keyword, ""))

    def block_of_command(self, command: Command) -> str | None:
        """The block kind a top-level line defines (for one-liner definitions such as bandwidth contracts)."""
        return command.block or self.defines.get(command.id)

    def render_order(self, cmd_id: str) -> int:
        for c in self.config:
            if c.id == cmd_id:
                return c.order
        return 10_000


def _command(entry: Any, order: int, ctx_block: str | None = None) -> Command:
    if isinstance(entry, str):
        entry = {"syntax": entry}
    syntax = entry["syntax"]
    elements = compile_syntax(syntax)
    lead = []
    for el in elements:
        if not isinstance(el, Lit):
            break
        lead.append(el.words[0])
    cmd_id = entry.get("id") or " ".join(lead) or syntax
    return Command(id=cmd_id, syntax=syntax, elements=elements, order=order, multi=int(entry.get("multi", 0)),
                   ordered=bool(entry.get("ordered")), block=entry.get("block_name"),
                   scope=entry.get("scope"), local=bool(entry.get("local")), action=entry.get("action"),
                   roles=tuple(entry.get("roles", ())))


@lru_cache(maxsize=4)
def load_grammar(path: str = str(GRAMMAR_FILE)) -> Grammar:
    raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    blocks: dict[str, Block] = {}
    for name, spec in raw["blocks"].items():
        opener = _command({"syntax": spec["opens"], "block_name": name, "multi": 99}, 0)
        subs = tuple(_command(e, i) for i, e in enumerate(spec.get("commands", [])))
        blocks[name] = Block(name, spec.get("kind", name), spec["prompt"], opener, subs)
    config: list[Command] = []
    for i, entry in enumerate(raw["config"]):
        if "block" in entry:
            b = blocks[entry["block"]]
            config.append(Command(id=b.opener.id + "#" + b.name, syntax=b.opener.syntax, elements=b.opener.elements,
                                  order=i, multi=99, block=b.name, scope=entry.get("scope")))
        else:
            config.append(_command(entry, i))
    exec_cmds = tuple(_command(e, i) for i, e in enumerate(raw.get("exec", [])))
    filters = tuple(_command(e, i) for i, e in enumerate(raw.get("filters", [])))
    return Grammar(raw=raw, types=raw["types"], blocks=blocks, config=tuple(config), exec=exec_cmds,
                   errors=raw["errors"], messages=raw["messages"], prompts=raw["prompts"],
                   defines=raw.get("defines", {}), version=str(raw.get("version", "8.10")),
                   filters=filters, abbreviations={str(k).lower(): str(v).lower()
                                                   for k, v in (raw.get("abbreviations") or {}).items()})


# --- matching ---------------------------------------------------------------------------------------

def _check_type(grammar: Grammar, typ: str, value: str) -> bool:
    spec = grammar.types[typ]
    kind = spec["kind"]
    if kind in ("word", "string", "ref"):
        if "max_bytes" in spec and len(value.encode("utf-8")) > int(spec["max_bytes"]):
            return False
        return bool(value) and len(value) <= int(spec.get("max_len", 256))
    if kind == "int":
        if not re.fullmatch(r"\d+", value):
            return False
        return int(spec["min"]) <= int(value) <= int(spec["max"])
    if kind == "enum":
        return value in spec["values"]
    if kind == "ip":
        try:
            ipaddress.IPv4Address(value)
            return True
        except ValueError:
            return False
    if kind in ("regex", "rest"):
        pattern = spec.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            return False
        if "int_max" in spec and re.fullmatch(r"[\d,-]+", value):
            return all(1 <= int(n) <= int(spec["int_max"]) for n in re.findall(r"\d+", value))
        return True
    raise ValueError(f"unknown type kind {kind}")


def _style(grammar: Grammar, typ: str) -> str:
    spec = grammar.types[typ]
    if spec.get("masked"):
        return "masked"
    if spec.get("secret"):
        return "secret"
    return "quoted" if spec.get("quote") else "bare"


def _match_elements(grammar: Grammar, elements: tuple[Any, ...], tokens: list[Token], pos: int,
                    acc: Match, line: str) -> tuple[list[tuple[int, Match]], Failure]:
    """All (end position, match) ways `elements` can consume tokens from `pos`; plus the deepest failure."""
    if not elements:
        return [(pos, acc)], Failure(-1, False)
    el, rest = elements[0], elements[1:]
    worst = Failure(-1, False)

    def deeper(f: Failure) -> None:
        nonlocal worst
        if f.position > worst.position:
            worst = f

    if isinstance(el, Opt):
        r1, f1 = _match_elements(grammar, el.elements + rest, tokens, pos, _copy(acc), line)
        r2, f2 = _match_elements(grammar, rest, tokens, pos, _copy(acc), line)
        deeper(f1)
        deeper(f2)
        return r1 + r2, worst
    if pos >= len(tokens):
        return [], Failure(pos, True)
    tok = tokens[pos]
    if isinstance(el, Lit):
        word = tok.text.lower()
        hit = None
        if not tok.quoted:
            exact = [w for w in el.words if w.lower() == word]
            prefix = [w for w in el.words if grammar.abbreviates(word, w)]
            if exact:
                hit, is_exact = exact[0], True
            elif len(prefix) == 1:
                hit, is_exact = prefix[0], False
        if hit is None:
            return [], Failure(pos, False)
        nxt = _copy(acc)
        nxt.parts.append(Part(hit, "lit"))
        nxt.exact += 1 if is_exact else 0
        return _match_elements(grammar, rest, tokens, pos + 1, nxt, line)
    assert isinstance(el, Param)
    spec = grammar.types[el.type]
    if spec["kind"] == "rest":
        value = line[tok.start:].strip()
        if value.startswith('"') and value.endswith('"') and len(tokens) == pos + 1:
            value = value[1:-1]
        if not _check_type(grammar, el.type, value):
            return [], Failure(pos, False)
        nxt = _copy(acc)
        nxt.parts.append(Part(value, _style(grammar, el.type)))
        nxt.values[el.name] = value
        return _match_elements(grammar, rest, tokens, len(tokens), nxt, line)
    if not _check_type(grammar, el.type, tok.text):
        return [], Failure(pos, False)
    nxt = _copy(acc)
    nxt.parts.append(Part(tok.text, _style(grammar, el.type)))
    nxt.values[el.name] = tok.text
    if spec["kind"] == "ref":
        nxt.refs.append((spec["block"], tok.text))
    return _match_elements(grammar, rest, tokens, pos + 1, nxt, line)


def _copy(m: Match) -> Match:
    return Match(m.command, list(m.parts), dict(m.values), list(m.refs), m.exact)


def match_line(grammar: Grammar, commands: tuple[Command, ...], tokens: list[Token], line: str,
               *, negate: bool = False) -> tuple[Match | None, Failure]:
    """Best full match of `tokens` among `commands`, or the deepest failure.

    With `negate` (the tail of a `no ...` line) a command matches as soon as its key part is typed."""
    best: Match | None = None
    worst = Failure(-1, False)
    for cmd in commands:
        found, failure = _match_elements(grammar, cmd.elements, tokens, 0, Match(cmd, [], {}, [], 0), line)
        if failure.position > worst.position:
            worst = failure
        for end, m in found:
            if end != len(tokens):
                if end > worst.position:
                    worst = Failure(end, False)
                continue
            if best is None or m.exact > best.exact:
                best = m
        if negate and best is None:
            # accept a typed prefix that covers the key (e.g. `no essid`, `no virtual-ap "x"`)
            key_elems = cmd.elements[:cmd.key_length]
            found2, _ = _match_elements(grammar, key_elems, tokens, 0, Match(cmd, [], {}, [], 0), line)
            for end, m in found2:
                if end == len(tokens) and (best is None or m.exact > best.exact):
                    best = m
    return best, worst


def line_key(match: Match) -> str:
    """Replace/remove identity of a matched line: its keywords and its first `multi` params."""
    cmd = match.command
    if cmd.ordered:
        return cmd.id + " " + " ".join(p.value for p in match.parts)
    return " ".join([cmd.id] + [p.value for p in match.parts if p.style != "lit"][: cmd.multi])
