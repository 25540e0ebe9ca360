"""Issue 10's scenarios on the lab: the intent changes, `wifiops diff --live` plans it, the remediation pushed
makes every node compliant, and the rollback pushed afterwards restores the committed configuration exactly.
Plans are pushed in two phases across nodes (changes parents first, deletions children first), so a
profile is never deleted while another node still names it: the lab refuses that order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import shutil

import pytest
import yaml

from wifiops.aos8.hconfig import phases, plan
from wifiops.aos8.session import Aos8Session
from wifiops.engine.diff import NodeCompliance, compliance
from wifiops.lab.testing import write_inventory_copy
from wifiops.settings import Settings
from wifiops.estate import Estate

REPO = Path(__file__).resolve().parents[2]


def ssid(groups: dict, name: str) -> dict:
    return next(s for s in groups["/md"]["data"]["ssids"] if s["name"] == name)


def _opmode(groups: dict) -> None:
    ssid(groups, "Intra_Louvre").update(opmode="wpa3-aes-ccm-128")


def _ssid_removed(groups: dict) -> None:
    groups["/md"]["data"]["ssids"].remove(ssid(groups, "Bill_Louvre"))
    for group in groups.values():
        if "Bill_Louvre" in group["data"].get("broadcasts", []):
            group["data"]["broadcasts"].remove("Bill_Louvre")
    groups["/md"]["data"]["segments"][2]["used_by"] = ["Mobil_Louvre"]


def _segment_added(groups: dict) -> None:
    groups["/md"]["data"]["segments"].append({"name": "expo-temporaire", "vlan": 222, "addressing": "private",
                                              "prefix": "172.22.0.0/24", "dhcp": True, "qos_mbps": 100})


def _portal_limit(groups: dict) -> None:  # a segment's rate is the firewall's (issue 34): no controller line
    groups["/md"]["data"]["captive_portals"][0]["bandwidth_limit_mbps"] = 10


def _new_vap(groups: dict) -> None:
    groups["LIEVIN"]["data"]["broadcasts"].append("Multimedia_Louvre")


def _renamed(groups: dict) -> None:
    ssid(groups, "Intra_Louvre")["profile"] = "intra-staff"


def push_all(lab, plans: list[NodeCompliance], which: str) -> None:
    user, password = lab.credentials
    split = [(n.node, *phases(getattr(n, which))) for n in plans]
    with Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password, name="mm-1",
                             known_hosts=lab.known_hosts) as mm:
        for node, changes, _ in split:  # parents first
            if changes:
                mm.push(node, changes.splitlines())
        for node, _, deletions in reversed(split):  # children first
            if deletions:
                mm.push(node, deletions.splitlines())


def committed(lab, nodes: list[str]) -> dict[str, str]:
    user, password = lab.credentials
    with Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password, name="mm-1",
                             known_hosts=lab.known_hosts) as mm:
        return {n: mm.show(f"show configuration committed {n}") for n in nodes}


@pytest.mark.parametrize("change", [_opmode, _ssid_removed, _segment_added, _portal_limit, _new_vap, _renamed],
                         ids=["opmode", "ssid-removed", "segment-added", "qos-portal-limit", "ap-group-new-vap",
                              "profile-renamed"])
def test_a_change_of_intent_is_planned_applied_and_rolled_back(fresh_lab, tmp_path: Path,
                                                               change: Callable[[dict], None]) -> None:
    settings = Settings(root=REPO, run_dir=tmp_path / "runs", secrets_file=tmp_path / "none.yaml",
                        backup_dir=tmp_path / "backups")
    # the lab brought to today's intent first, so that each scenario's plan is its change alone
    push_all(fresh_lab, compliance(Estate.open(settings, fresh_lab.inventory_dir), live=True).nodes, "remediation")
    inventory = write_inventory_copy(fresh_lab.estate, tmp_path / "inventory", fresh_lab.ports)
    shutil.copyfile(fresh_lab.known_hosts, inventory / "known_hosts")
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    change(groups)
    (inventory / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))

    plans = compliance(Estate.open(settings, inventory), live=True).nodes
    assert not all(n.compliant for n in plans)
    baseline = committed(fresh_lab, [n.node for n in plans])
    push_all(fresh_lab, plans, "remediation")
    after = compliance(Estate.open(settings, inventory), live=True).nodes
    assert all(n.compliant for n in after), {n.node: n.remediation for n in after if not n.compliant}
    push_all(fresh_lab, plans, "rollback")
    restored = committed(fresh_lab, [n.node for n in plans])
    for node, text in baseline.items():  # the same configuration, line for line; a profile deleted and
        # created again is printed after its kind's others (the device lists them in creation order)
        assert plan(restored[node], text).compliant and plan(text, restored[node]).compliant, node
        assert sorted(restored[node].splitlines()) == sorted(text.splitlines()), node
    if change not in (_ssid_removed, _renamed):  # nothing was deleted: the text itself is back, byte for byte
        assert restored == baseline
