"""The ArubaOS 8 driver of hier-config: its rules are data (hconfig.yaml, syntax.yaml, objects.yaml), not `if`s.

hier-config reads structure from indentation; real 8.10 output can print block bodies flush-left, so
`normalise` first rebuilds the indentation with configtext.read (block keywords and `!`, arubaos8.md
§3.3), and reads a repeated line as the device would (hier-config refuses a duplicate).
Creations follow the order of objects.yaml (an object before what references it), deletions come after
every modification and in the reverse order (a reference is removed before the object it names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from hier_config import WorkflowRemediation, get_hconfig
from hier_config.models import IdempotentCommandsRule, MatchRule, SectionalExitingRule
from hier_config.platforms.driver_base import HConfigDriverBase, HConfigDriverRules
from hier_config.root import HConfig

from wifiops.aos8 import data
from wifiops.aos8.data import Fact
from wifiops.aos8.configtext import INDENT, Block, objects, read, sections, syntax
from wifiops.aos8.platform import aos8


class _Rules(Fact):
    idempotent: list[tuple[str, str]]
    ordered_bodies: list[str]
    two_word_attributes: list[str]


@cache
def rules() -> _Rules:
    return data.load("hconfig.yaml", _Rules)


class Aos8Driver(HConfigDriverBase):
    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        data = rules()
        text = syntax()
        # No ordering rules: hier-config would try each of them on every line of every plan (two rules per
        # object kind); `_weight` orders the top-level lines instead, once per line.
        # No per-line substitution: `normalise` already dropped what is no configuration (syntax.yaml `strip`)
        # and trailing spaces, and every text is loaded through it. One exit rule for every block opener.
        return HConfigDriverRules(
            idempotent_commands=[
                IdempotentCommandsRule(match_rules=((MatchRule(startswith=parent), MatchRule(re_search=child))
                                                    if parent else (MatchRule(re_search=child),)))
                for parent, child in data.idempotent],
            sectional_exiting=[SectionalExitingRule(match_rules=(MatchRule(re_search=text.opener.pattern),),
                                                    exit_text=aos8().block_end)],
        )


def normalise(text: str) -> str:
    """Bodies indented under their block's opening line, whether the source indented them or not, and each
    line once (see `as_device`)."""
    out: list[str] = []
    for block in as_device(sections(read(text))):
        out.append(block.header)
        out += [INDENT + line for line in block.body]
    return "\n".join(out) + "\n"


def as_device(blocks: list[Block]) -> list[Block]:
    """What a device holds after reading these lines in order: a block opened twice is one block (entering
    a sub-mode again adds to it); a single-value command given twice keeps its last value (each replaced
    the one before, hconfig.yaml `idempotent`); any other line given twice is one setting, kept once at its
    first place (typing `auth-server x position 1` or an ACL rule again sets nothing new)."""
    bodies: dict[str, list[str]] = {}
    for block in blocks:
        body = bodies.setdefault(block.header, [])
        if syntax().delimiter(block.header) is not None:
            # a banner's text: the last banner typed wins; a line repeated in it (a border of stars) is read
            # once, as hier-config holds each line of a section once
            body[:] = dict.fromkeys(block.body)
        else:
            body += block.body
    return [Block(header, _holding(bodies[header], header)) for header in _holding(list(bodies), "")]


def _holding(lines: list[str], parent: str) -> list[str]:
    """The lines a device holds after reading `lines` in order, each at the place it was first set."""
    slots: dict[str, str] = {}
    for line in lines:
        slots[_single_value(parent, line) or "\0" + line] = line  # a dict keeps the first place, the last value
    return list(slots.values())


def _single_value(parent: str, line: str) -> str | None:
    """The command a single-value line sets (`key `, `hostname `, `vlan guests `), None for any other."""
    for pattern in _idempotent(parent):
        found = pattern.match(line)
        if found:
            return found.group(0)
    return None


@lru_cache(maxsize=4096)
def _idempotent(parent: str) -> tuple[re.Pattern[str], ...]:
    """hconfig.yaml's single-value commands under `parent` ("" for top-level lines), as hier-config matches them."""
    return tuple(re.compile(pattern) for prefix, pattern in rules().idempotent
                 if (parent.startswith(prefix) if prefix else not parent))


def managed(text: str, kinds: set[str]) -> tuple[str, int]:
    """The objects of `kinds` (those the intent renders on this node), and how many other lines were set aside.

    What the intent does not render on a node (a hostname, the management interface and its VLAN, an AP
    system profile) is out of its scope there: never compared, never removed. A plan that deleted a
    controller's management VLAN because the intent does not model it would cut the controller off.
    """
    kept: list[str] = []
    aside = 0
    table = objects()
    for block in sections(read(text)):
        found = table.kind_of(block.header)
        if found is not None and found[1] in kinds:
            kept += [block.header, *(INDENT + line for line in block.body), aos8().block_end]
        else:
            aside += 1 + len(block.body)
    return "\n".join(kept) + ("\n" if kept else ""), aside


def unmodelled(running: str, intended: str) -> tuple[str, list[tuple[str, str]]]:
    """`running` without the lines the intent does not model, and those lines as (block header, line).

    Inside a block both texts have, a line whose attribute (`attribute`) the intent sets for no object of
    that kind is not the intent's: a tuned RADIUS `timeout`, a dot1x `termination`. A plan built on what
    is returned leaves it alone (never negates it) and its rollback never restores it: it was not touched.
    A block the intent does not have at all is compared whole (deleted when the intent drops the object).
    """
    wanted = as_device(sections(read(intended)))
    modelled: dict[str, set[str]] = {}
    for block in wanted:
        modelled.setdefault(_kind(block.header), set()).update(attribute(block.header, line) for line in block.body)
    headers = {block.header for block in wanted}
    kept: list[str] = []
    aside: list[tuple[str, str]] = []
    for block in as_device(sections(read(running))):
        kept.append(block.header)
        for line in block.body:
            if block.header in headers and attribute(block.header, line) not in modelled[_kind(block.header)]:
                aside.append((block.header, line))
            else:
                kept.append(INDENT + line)
        if block.body or syntax().opens(block.header):
            kept.append(aos8().block_end)
    return "\n".join(kept) + ("\n" if kept else ""), aside


def attribute(header: str, line: str) -> str:
    """What a body line sets: its first word without `no ` (`shutdown` and `no shutdown` set one thing), two
    words for hconfig.yaml's `two_word_attributes`; every rule of an ordered body (an ACL) is one attribute."""
    if any(re.match(p, header) for p in rules().ordered_bodies):
        return "rules"
    words = line.removeprefix("no ").split()
    return " ".join(words[:2] if words and words[0] in rules().two_word_attributes else words[:1])


def _kind(header: str) -> str:
    found = objects().kind_of(header)
    return found[1] if found else header


def load(text: str) -> HConfig:
    return get_hconfig(Aos8Driver(), normalise(text))


@dataclass(frozen=True)
class Plan:
    """What would bring `running` to `intended`, and what would undo it."""

    compliant: bool
    remediation: str
    rollback: str


def plan(running: str, intended: str) -> Plan:
    old, new = load(running), load(intended)  # each read once: loading is most of the time
    workflow = WorkflowRemediation(old, new)
    remediation = _ordered_bodies(workflow.remediation_config, old, new)
    rollback = _ordered_bodies(workflow.rollback_config, new, old)
    return Plan(not remediation.strip(), remediation, rollback)


def _text(config: HConfig) -> str:
    """Bodies indented four spaces under their block, each block closed by `!` (a plan returns to config)."""
    lines: list[str] = []
    for section in sorted(config.children, key=lambda c: _weight(c.text)):
        lines.append(section.text)
        for child in section.all_children_sorted():
            lines.append(INDENT * (child.depth() - 1) + child.text)
        if section.children:
            lines.append(aos8().block_end)
    return "\n".join(lines) + ("\n" if lines else "")


@cache
def _weights() -> tuple[tuple[re.Pattern[str], int], ...]:
    """The order of a plan's top-level lines, from objects.yaml's kinds (referenced before referencing): each
    kind created in that order (100 + rank), deleted in the reverse one (900 - rank), any other deletion last
    (1000), any other line first (0, hier-config's default). The last pattern a line matches gives its weight,
    as hier-config's ordering rules did."""
    kinds = [pattern for _, pattern in objects().kinds]
    return ((re.compile("^no "), 1000),
            *((kind, 100 + rank) for rank, kind in enumerate(kinds)),
            *((re.compile("^no " + kind.pattern.lstrip("^")), 900 - rank) for rank, kind in enumerate(kinds)))


@lru_cache(maxsize=4096)
def _weight(line: str) -> int:
    weight = 0
    for pattern, value in _weights():
        if pattern.search(line):
            weight = value
    return weight


def _ordered_bodies(change: HConfig, old: HConfig, new: HConfig) -> str:
    """A session ACL whose rules differ, in content or in order, is rewritten whole: every old rule out,
    then each rule in its order (the ACL itself stays, so the roles naming it keep working)."""
    ordered = [re.compile(p) for p in rules().ordered_bodies]
    for wanted in new.children:
        if not any(p.match(wanted.text) for p in ordered):
            continue
        was = old.get_child(equals=wanted.text)
        old_rules = [c.text for c in was.children] if was else []
        new_rules = [c.text for c in wanted.children]
        if was is None or old_rules == new_rules:
            continue  # created whole by the plan already, or unchanged
        present = change.get_child(equals=wanted.text)
        if present is not None:
            present.delete()
        rewritten = change.add_child(wanted.text)
        for rule in old_rules:
            rewritten.add_child(f"no {rule}")
        for rule in new_rules:
            rewritten.add_child(rule, check_if_present=False)
    return _text(change)


def phases(text: str) -> tuple[str, str]:
    """A plan as (changes, deletions). Across nodes a deletion waits for every node's changes: a profile at
    /md is deleted only after the AP groups of /md/Louvre stopped naming it (parents' changes first, then
    children's deletions first)."""
    changes: list[str] = []
    deletions: list[str] = []
    for line in text.splitlines():
        (deletions if line.startswith("no ") else changes).append(line)
    return ("\n".join(changes) + "\n" if changes else ""), ("\n".join(deletions) + "\n" if deletions else "")
