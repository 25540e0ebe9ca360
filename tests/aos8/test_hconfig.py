"""The ArubaOS 8 hier-config driver (groundwork of issue 10): plans pushed to the lab over SSH make the node
compliant, and their rollbacks restore the committed configuration exactly."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.aos8.hconfig import normalise, plan
from wifiops.aos8.session import Aos8Session
from wifiops.cli import app

runner = CliRunner()


def session(lab) -> Aos8Session:
    user, password = lab.credentials
    return Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password, name="mm-1",
                               known_hosts=lab.known_hosts)


def flush_left(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines()) + "\n"


def test_a_configuration_is_compliant_with_itself_flush_left_or_indented(lab) -> None:
    with session(lab) as mm:
        committed = mm.show("show configuration committed /md")
        running = mm.show("show running-config")
    for text in (committed, running):
        assert plan(text, text).compliant
        assert plan(flush_left(text), text).compliant
        assert plan(text, flush_left(text)).compliant
    assert normalise(flush_left(committed)) == normalise(committed)


def test_a_single_value_is_replaced_not_negated() -> None:
    result = plan('wlan ssid-profile "x"\n    essid "X"\n    opmode wpa2-aes\n!\n',
                  'wlan ssid-profile "x"\n    essid "X"\n    opmode wpa3-aes-ccm-128\n!\n')
    assert result.remediation == 'wlan ssid-profile "x"\n    opmode wpa3-aes-ccm-128\n!\n'
    assert result.rollback == 'wlan ssid-profile "x"\n    opmode wpa2-aes\n!\n'


ACL = 'ip access-list session "wifiops-test"\n    any any svc-dns permit\n    any any svc-dhcp permit\n    any any any deny\n!\n'


def _add_vap(text: str) -> str:
    return text.replace('ap-group "LIEVIN" \n', 'ap-group "LIEVIN" \n    virtual-ap "louvre-wifi-gratuit" \n', 1)


def _opmode(text: str) -> str:
    return text.replace('essid "Intra_Louvre" \n    opmode wpa2-aes', 'essid "Intra_Louvre" \n    opmode wpa3-aes-ccm-128')


def _reorder(text: str) -> str:
    return text.replace("    any any svc-dns permit \n    any any svc-dhcp permit \n",
                        "    any any svc-dhcp permit \n    any any svc-dns permit \n")


def _rate(text: str) -> str:
    return text.replace('aaa bandwidth-contract "regie-auditorium" mbits 250', 'aaa bandwidth-contract "regie-auditorium" mbits 1000')


@pytest.mark.parametrize(("node", "edit", "setup"), [
    ("/md/Louvre", _add_vap, None),
    ("/md", _opmode, None),
    ("/md", _reorder, ACL),
    ("/md", _rate, None),
], ids=["ap-group-new-vap", "opmode", "acl-reordered", "qos-rate"])
def test_remediation_makes_the_node_compliant_and_rollback_restores_it(fresh_lab, node: str,
                                                                      edit: Callable[[str], str],
                                                                      setup: str | None) -> None:
    with session(fresh_lab) as mm:
        if setup:
            mm.push(node, setup.splitlines())
        committed = mm.show(f"show configuration committed {node}")
        intended = edit(committed)
        assert intended != committed, "the scenario's edit did not apply"
        result = plan(committed, intended)
        assert not result.compliant
        mm.push(node, result.remediation.splitlines())
        assert plan(mm.show(f"show configuration committed {node}"), intended).compliant, result.remediation
        mm.push(node, result.rollback.splitlines())
        assert mm.show(f"show configuration committed {node}") == committed


def test_config_diff_offline_gives_json_with_indented_remediation(tmp_path: Path, repo: Path) -> None:
    running, intended = tmp_path / "running.cfg", tmp_path / "intended.cfg"
    running.write_text('wlan ssid-profile "x"\nessid "X"\nopmode wpa2-psk-aes\nwpa-passphrase "lab-multimedia-psk"\n!\n')
    intended.write_text('wlan ssid-profile "x"\n    essid "X"\n    opmode wpa3-sae-aes\n    mfp-required\n'
                        '    wpa-passphrase "lab-multimedia-psk"\n!\n')
    result = runner.invoke(app, ["--config", str(repo / "wifiops.yaml"), "config", "diff", str(running),
                                 str(intended), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["compliant"] is False
    assert data["remediation"] == 'wlan ssid-profile "x"\n    opmode wpa3-sae-aes\n    mfp-required\n!\n'
    assert "opmode wpa2-psk-aes" in data["rollback"] and "no mfp-required" in data["rollback"]
    same = runner.invoke(app, ["--config", str(repo / "wifiops.yaml"), "config", "diff", str(running), str(running)])
    assert same.exit_code == 0


def test_wifiops_diff_plans_bring_every_node_to_the_intent_and_back(fresh_lab, tmp_path: Path) -> None:
    from wifiops.engine.diff import compliance
    from wifiops.settings import Settings

    settings = Settings(root=Path(__file__).resolve().parents[2], run_dir=tmp_path / "runs",
                        secrets_file=tmp_path / "none.yaml", backup_dir=tmp_path / "backups")
    before = compliance(settings, inventory=fresh_lab.inventory_dir, live=True)
    assert not any(n.compliant for n in before.nodes[:2])  # the lab's as-built /md and /md/Louvre differ
    assert all(n.compliant for n in before.nodes[2:])  # device nodes: only nas-ip and cluster, as intended
    louvre = before.nodes[1].features  # as built, the lab lacks only the named-VLAN mappings there
    assert louvre["vlan"] is False and louvre["ap_groups"] is True and louvre["cluster"] is True
    with session(fresh_lab) as mm:
        original = {n.node: mm.show(f"show configuration committed {n.node}") for n in before.nodes}
        for node in before.nodes:  # parents first
            mm.push(node.node, node.remediation.splitlines())
    after = compliance(settings, inventory=fresh_lab.inventory_dir, live=True)
    assert all(n.compliant for n in after.nodes), [n.remediation for n in after.nodes if not n.compliant]
    with session(fresh_lab) as mm:
        for node in reversed(before.nodes):  # children first
            mm.push(node.node, node.rollback.splitlines())
        assert {n: mm.show(f"show configuration committed {n}") for n in original} == original
