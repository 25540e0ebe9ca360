"""An apply's scope (wifiops.engine.scope), pure: which lines of a plan a step may send, and the differences
outside it that refuse the step, on plans written as `wifiops diff` prints them."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from wifiops.engine.plans import ApplyPlan, NodePlan
from wifiops.engine.scope import OutOfScope, Scope, split, within
from wifiops.errors import WifiopsError

MD = """aaa authentication-server radius "cppm-3"
    host 10.150.2.13
!
aaa server-group "sg-clearpass"
    auth-server cppm-3
!
aaa bandwidth-contract "regie-auditorium" mbits 250
no vlan-name expo-temporaire
"""
LOUVRE = """ap-group "LIEVIN"
    ap-system-profile "louvre-aps-9240"
!
ap-group "DELACROIX"
    ap-system-profile "louvre-aps-9240"
!
"""


def plan() -> ApplyPlan:
    nodes = [NodePlan(node=node, base="", intended="x", features={}, remediation=text, rollback="")
             for node, text in (("/md", MD), ("/md/Louvre", LOUVRE))]
    return ApplyPlan(made=datetime(2026, 12, 8, tzinfo=timezone.utc), source="live", inventory="i", conductor="mm-1",
                     limit=[], features=[], nodes=nodes)


def test_the_whole_intent_keeps_every_line() -> None:
    kept, outside = split(plan(), Scope.of())
    assert outside == [] and [n.remediation for n in kept.nodes] == [MD, LOUVRE]


def test_objects_and_nodes_keep_their_lines_and_list_the_rest() -> None:
    scope = Scope.of(nodes="/md", kinds=["radius-server", "server-group"])
    kept, outside = split(plan(), scope)
    assert "cppm-3" in kept.nodes[0].remediation and "bandwidth" not in kept.nodes[0].remediation
    assert [str(d) for d in outside] == [
        '/md: aaa bandwidth-contract "regie-auditorium" mbits 250', "/md: no vlan-name expo-temporaire",
        '/md/Louvre: ap-group "LIEVIN" / ap-system-profile "louvre-aps-9240"',
        '/md/Louvre: ap-group "DELACROIX" / ap-system-profile "louvre-aps-9240"']
    with pytest.raises(OutOfScope) as refused:
        within(plan(), scope)
    assert refused.value.exit_code == 1 and "4 difference(s)" in str(refused.value)


def test_one_named_object_alone() -> None:
    scope = Scope.of(nodes=["/md/Louvre"], kinds=["ap-group:LIEVIN"])
    kept, outside = split(plan(), scope)
    assert kept.nodes[1].remediation == 'ap-group "LIEVIN"\n    ap-system-profile "louvre-aps-9240"\n!\n'
    assert '/md/Louvre: ap-group "DELACROIX" / ap-system-profile "louvre-aps-9240"' in [str(d) for d in outside]
    assert kept.nodes[0].remediation == ""  # /md is outside the nodes


def test_features_judge_each_line_by_what_renders_it() -> None:
    owners = {"/md": {("bandwidth-contract", ""): {"qos"}, ("radius-server", ""): {"aaa"},
                      ("radius-server", "host"): {"aaa"}, ("server-group", ""): {"aaa"},
                      ("server-group", "auth-server"): {"aaa"}, ("vlan-name", ""): {"vlan"}}}
    kept, outside = split(plan(), Scope.of(features="qos", nodes="/md"), owners)
    assert kept.nodes[0].remediation == 'aaa bandwidth-contract "regie-auditorium" mbits 250\n'
    assert "/md: no vlan-name expo-temporaire" in [str(d) for d in outside]


def test_a_rehearsal_accepts_the_lines_of_the_steps_it_did_not_perform() -> None:
    earlier = Scope.of(kinds=["ap-group:LIEVIN"])
    now = Scope(objects=("ap-group:DELACROIX",), rehearsed=(earlier,))
    _, outside = split(plan(), now)
    assert all(d.node == "/md" for d in outside)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(WifiopsError, match="unknown object kind"):
        Scope.of(kinds=["ap-groupe:LIEVIN"])
