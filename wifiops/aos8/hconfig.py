"""The ArubaOS 8 driver of hier-config: its rules are data (hconfig.yaml, objects.yaml), not `if`s.

hier-config reads structure from indentation; real 8.10 output can print block bodies flush-left, so
`normalise` first rebuilds the indentation from the block-opening keywords and `!` (arubaos8.md §3.3).
Creations follow the order of objects.yaml (an object before what references it), deletions come after
every modification and in the reverse order (a reference is removed before the object it names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from hier_config import WorkflowRemediation, get_hconfig
from hier_config.models import IdempotentCommandsRule, MatchRule, OrderingRule, PerLineSubRule, SectionalExitingRule
from hier_config.platforms.driver_base import HConfigDriverBase, HConfigDriverRules
from hier_config.root import HConfig
from pydantic import BaseModel, ConfigDict

from wifiops.aos8.configtext import INDENT, objects

EXIT = "!"  # how rendered and planned configuration closes a block; the session types it as `exit`


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    blocks: list[str]
    strip: list[str]
    idempotent: list[tuple[str, str]]
    ordered_bodies: list[str]


@cache
def rules() -> _Rules:
    return _Rules.model_validate(yaml.safe_load(Path(__file__).with_name("hconfig.yaml").read_text("utf-8")))


@cache
def _opener() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{b})" for b in rules().blocks))


class Aos8Driver(HConfigDriverBase):
    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        data = rules()
        kinds = objects().kinds
        creations = [OrderingRule(match_rules=(MatchRule(re_search=pattern.pattern),), weight=100 + rank)
                     for rank, (_, pattern, _) in enumerate(kinds)]
        deletions = [OrderingRule(match_rules=(MatchRule(re_search="^no " + pattern.pattern.lstrip("^")),),
                                  weight=900 - rank) for rank, (_, pattern, _) in enumerate(kinds)]
        # The last matching rule wins: any deletion last by default, then each known kind in its place.
        anything_deleted = OrderingRule(match_rules=(MatchRule(startswith="no "),), weight=1000)
        return HConfigDriverRules(
            per_line_sub=[PerLineSubRule(search=p, replace="") for p in data.strip]
            + [PerLineSubRule(search=r"[ \t]+$", replace="")],
            idempotent_commands=[
                IdempotentCommandsRule(match_rules=((MatchRule(startswith=parent), MatchRule(re_search=child))
                                                    if parent else (MatchRule(re_search=child),)))
                for parent, child in data.idempotent],
            ordering=[anything_deleted, *creations, *deletions],
            sectional_exiting=[SectionalExitingRule(match_rules=(MatchRule(re_search=b),), exit_text=EXIT)
                               for b in data.blocks],
        )


def normalise(text: str) -> str:
    """Bodies indented under their block's opening line, whether the source indented them or not."""
    out: list[str] = []
    inside = False
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            continue
        if stripped == EXIT:
            inside = False
            continue
        if raw[:1].isspace() or inside:  # AOS 8 blocks do not nest: until its `!`, a line is the block's
            out.append(INDENT + stripped)
            continue
        out.append(stripped)
        inside = _opener().match(stripped) is not None
    return "\n".join(out) + "\n"


def managed(text: str, kinds: set[str]) -> tuple[str, int]:
    """The objects of `kinds` (those the intent renders on this node), and how many other lines were set aside.

    What the intent does not render on a node (a hostname, the management interface and its VLAN, an AP
    system profile) is out of its scope there: never compared, never removed. A plan that deleted a
    controller's management VLAN because the intent does not model it would cut the controller off.
    """
    kept: list[str] = []
    aside = 0
    keep = False
    table = objects()
    for line in normalise(text).splitlines():
        if not line[:1].isspace():
            found = table.kind_of(line)
            keep = found is not None and found[1] in kinds
            if keep:
                kept.append(EXIT)  # each section closed, so the text reads back with the same structure
        if keep:
            kept.append(line)
        else:
            aside += 1
    return "\n".join(kept[1:] + [EXIT] if kept else []) + ("\n" if kept else ""), aside


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
    for section in sorted(config.children, key=lambda c: c.order_weight):
        lines.append(section.text)
        for child in section.all_children_sorted():
            lines.append(INDENT * (child.depth() - 1) + child.text)
        if section.children:
            lines.append(EXIT)
    return "\n".join(lines) + ("\n" if lines else "")


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
    change.set_order_weight()
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
