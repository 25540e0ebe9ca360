"""The scope of an apply: which part of a plan the step was asked to send, and what else the plan holds.

A playbook or runbook step declares its scope (features, nodes, objects); a plain `wifiops apply` has the
whole intent as its scope. A plan line outside the scope is a difference between the intent and the device
that nobody asked this step to fix (a change made by hand, a change applied from another inventory): the
apply refuses before anything is sent and lists those differences, for the engineer to judge. Drift is a
finding, never silently reconciled.

An object is named `kind` (every object of that kind, e.g. `ap-group`) or `kind:name` (`ap-group:LIEVIN`),
kinds as in wifiops/aos8/objects.yaml. Pure: the plan is given, nothing is read or sent here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from wifiops.aos8.configtext import INDENT, objects, parse
from wifiops.aos8.platform import aos8
from wifiops.engine.plans import ApplyPlan, NodePlan
from wifiops.errors import WifiopsError

OTHER = "other"  # a line no feature renders (as wifiops.engine.diff.OTHER)
# (object kind, first word of a body line) -> the features that render such a line; ("kind", "") for headers
Owners = Mapping[tuple[str, str], set[str]]


@dataclass(frozen=True)
class Scope:
    """What one apply may send: empty means any (features, nodes or objects)."""

    features: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    why: str = ""  # what declared it: a step's name, "the whole intent"
    # a rehearsal (--check): the scopes of the earlier steps it did not perform; their lines are in this plan
    # because they were not sent, and are accepted as theirs (nothing is sent in a rehearsal)
    rehearsed: tuple[Scope, ...] = ()

    @classmethod
    def of(cls, features: Sequence[str] | str | None = None, nodes: Sequence[str] | str | None = None,
           kinds: Sequence[str] | str | None = None, why: str = "") -> Scope:
        """From a step's fields; `kinds`: the objects, `kind` or `kind:name`."""
        def names(value: Sequence[str] | str | None) -> tuple[str, ...]:
            found = [value] if isinstance(value, str) else list(value or [])
            return tuple(n.strip() for n in found if n and n.strip())
        scope = cls(names(features), tuple(n.rstrip("/") or "/" for n in names(nodes)), names(kinds), why)
        known = {kind for kind, *_ in objects().kinds}
        unknown = [o for o in scope.objects if o.split(":", 1)[0] not in known]
        if unknown:
            raise WifiopsError(f"scope: unknown object kind in {', '.join(unknown)} (kinds: {', '.join(sorted(known))})")
        return scope

    @property
    def whole(self) -> bool:
        return not (self.features or self.nodes or self.objects)

    def describe(self) -> str:
        if self.whole:
            return "the whole intent"
        parts = [f"{label} {', '.join(values)}" for label, values in
                 (("features", self.features), ("nodes", self.nodes), ("objects", self.objects)) if values]
        return "; ".join(parts)

    def has_node(self, node: str) -> bool:
        node = node.rstrip("/") or "/"
        return not self.nodes or any(node == n or node.startswith(n.rstrip("/") + "/") for n in self.nodes)

    def has_object(self, kind: str | None, name: str | None) -> bool:
        if not self.objects:
            return True
        if kind is None:
            return False
        return any(o == kind or o == f"{kind}:{name}" for o in self.objects)


class OutOfScope(WifiopsError):
    """The plan holds differences outside the step's scope: refused before anything was sent (exit 1)."""

    exit_code = 1

    def __init__(self, scope: Scope, differences: Sequence[Difference]) -> None:
        self.scope, self.differences = scope, list(differences)
        super().__init__(f"refused, nothing was sent: the plan holds {len(self.differences)} difference(s) "
                         f"outside this step's scope ({scope.describe()}), between the intent and the device, "
                         f"for the engineer to judge: {listing(self.differences)}")


@dataclass(frozen=True)
class Difference:
    """One block of a node's plan outside the scope: what it would have sent there."""

    node: str
    lines: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.node}: " + " / ".join(line.strip() for line in self.lines)


def owners_of(by_feature: Mapping[str, str]) -> Owners:
    """Which features render which lines of one node's intent (its text per feature)."""
    from wifiops.engine.diff import _owners

    return _owners(dict(by_feature))


def split(plan: ApplyPlan, scope: Scope, owners: Mapping[str, Owners] | None = None
          ) -> tuple[ApplyPlan, list[Difference]]:
    """(the plan cut to the scope, the differences outside it). `owners`: per node, which features render which
    lines (needed only when the scope names features; a line of no known feature is outside such a scope)."""
    kept: list[NodePlan] = []
    outside: list[Difference] = []
    for node in plan.nodes:
        inside_text, remediation_out = _cut(node, scope, (owners or {}).get(node.node, {}))
        kept.append(node.model_copy(update={"remediation": inside_text}))
        outside += [Difference(node.node, tuple(lines)) for lines in remediation_out]
    return plan.model_copy(update={"nodes": kept}), outside


def _cut(node: NodePlan, scope: Scope, owners: Owners) -> tuple[str, list[list[str]]]:
    table = objects()
    inside: list[str] = []
    outside: list[list[str]] = []
    scopes = (scope, *scope.rehearsed)

    def wanted(kind: str | None, name: str | None, line: str | None) -> bool:
        return any(s.has_node(node.node) and s.has_object(kind, name) and _has_feature(s, owners, kind, line)
                   for s in scopes)

    for block in parse(node.remediation):
        found = table.kind_of(block.header.removeprefix("no "))
        kind, name = (found[1], found[2]) if found else (None, None)
        if not block.body:
            (inside.append(block.header) if wanted(kind, name, None) else outside.append([block.header]))
            continue
        body_in = [line for line in block.body if wanted(kind, name, line)]
        body_out = [line for line in block.body if line not in body_in]
        if body_in:
            inside += [block.header, *(INDENT + line for line in body_in), aos8().block_end]
        if body_out:
            outside.append([block.header, *(INDENT + line for line in body_out)])
    return ("\n".join(inside) + "\n" if inside else ""), outside


def _has_feature(scope: Scope, owners: Owners, kind: str | None, line: str | None) -> bool:
    if not scope.features:
        return True
    if kind is None:
        return False
    by_kind = owners.get((kind, ""), {OTHER})
    found = by_kind if line is None else owners.get((kind, line.removeprefix("no ").split()[0]), by_kind)
    return bool(set(found) & set(scope.features))


def listing(differences: Sequence[Difference], limit: int = 20) -> str:
    """The differences as the refusal says them, at most `limit` of them."""
    shown = [str(d) for d in differences[:limit]]
    more = len(differences) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def within(plan: ApplyPlan, scope: Scope, owners: Mapping[str, Owners] | None = None) -> None:
    """Refuse (OutOfScope) a plan with any difference outside `scope`."""
    _, outside = split(plan, scope, owners)
    if outside:
        raise OutOfScope(scope, outside)
