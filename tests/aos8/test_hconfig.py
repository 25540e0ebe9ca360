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
from wifiops.estate import Estate

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
    before = compliance(Estate.open(settings, fresh_lab.inventory_dir), live=True)
    assert not any(n.compliant for n in before.nodes[:2])  # the lab's as-built /md and /md/Louvre differ
    assert all(n.compliant for n in before.nodes[2:])  # device nodes: only nas-ip and cluster, as intended
    louvre = before.nodes[1].features  # as built, the lab lacks only the named-VLAN mappings there
    assert louvre["vlan"] is False and louvre["ap_groups"] is True and louvre["cluster"] is True
    with session(fresh_lab) as mm:
        original = {n.node: mm.show(f"show configuration committed {n.node}") for n in before.nodes}
        for node in before.nodes:  # parents first
            mm.push(node.node, node.remediation.splitlines())
    after = compliance(Estate.open(settings, fresh_lab.inventory_dir), live=True)
    assert all(n.compliant for n in after.nodes), [n.remediation for n in after.nodes if not n.compliant]
    with session(fresh_lab) as mm:
        for node in reversed(before.nodes):  # children first
            mm.push(node.node, node.rollback.splitlines())
        assert {n: mm.show(f"show configuration committed {n}") for n in original} == original


# --- reading any layout (issue 22): unknown blocks inferred, repeated lines as the device holds them ------------

def blocks_of(text: str) -> list[tuple[str, list[str]]]:
    from wifiops.aos8.configtext import read, sections

    return [(b.header, b.body) for b in sections(read(text))]


def test_an_unknown_block_is_inferred_from_its_terminator_when_flush_left() -> None:
    text = ("hostname \"x\" \n!\nfuture-block \"p\" \nsetting-one 5 \nsetting-two \n!\n"
            "unknown-one-liner 1 \nsnmp-server community \"c\" \nmgmt-user admin root ***** \n!\n")
    assert blocks_of(text) == [('hostname "x"', []), ('future-block "p"', ["setting-one 5", "setting-two"]),
                               ("unknown-one-liner 1", []), ('snmp-server community "c"', []),
                               ("mgmt-user admin root *****", [])]


def test_an_unknown_block_reads_the_same_indented_by_any_amount() -> None:
    flush = 'future-block "p"\nsetting-one 5\nsetting-two\n!\nwlan ssid-profile "s"\nessid "S"\n!\n'
    for indent in ("   ", "    ", "\t", "  "):
        indented = flush.replace("\nsetting", f"\n{indent}setting").replace("\nessid", f"\n{indent}essid")
        assert blocks_of(indented) == blocks_of(flush), repr(indent)
        assert normalise(indented) == normalise(flush)
        assert plan(indented, flush).compliant and plan(flush, indented).compliant


def test_in_an_indented_text_a_flush_left_line_is_top_level_and_an_indented_one_opens_a_block() -> None:
    text = ('wlan ssid-profile "s"\n    essid "S"\n!\nnew-feature on\nother-thing 2\n!\n'
            'future-block "p"\n    setting-one 5\n!\n')
    assert blocks_of(text) == [('wlan ssid-profile "s"', ['essid "S"']), ("new-feature on", []),
                               ("other-thing 2", []), ('future-block "p"', ["setting-one 5"])]


def test_a_known_block_owns_every_line_up_to_its_terminator() -> None:
    """The 7210 capture's `ap system-profile`: one body line indented, the others flush-left."""
    text = 'ap system-profile "A" \n    session-acl ""\nlms-ip 10.0.0.1 \n!\nvlan 42 \n!\n'
    assert blocks_of(text) == [('ap system-profile "A"', ['session-acl ""', "lms-ip 10.0.0.1"]), ("vlan 42", [])]


def test_every_block_kind_the_toolkit_renders_opens_a_block_and_no_one_liner_does() -> None:
    from wifiops.aos8.configtext import objects, syntax

    blocks = {'vlan 10', 'netdestination "n"', 'aaa authentication-server radius "r"', 'aaa server-group "g"',
              'aaa authentication dot1x "d"', "ip access-list session acl", 'aaa authentication captive-portal "c"',
              'user-role "u"', 'aaa profile "a"', 'wlan ssid-profile "s"', 'wlan virtual-ap "v"',
              'ap system-profile "p"', 'ap-group "g"', 'lc-cluster group-profile "c"'}
    one_liners = {"vlan-name guests", "vlan guests 10", 'aaa bandwidth-contract "b" mbits 2',
                  'lc-cluster group-membership "c"', "ip radius nas-ip 10.0.0.1"}
    for line in blocks | one_liners:
        found = objects().kind_of(line)
        assert found is not None and found[3] == (line in blocks) == syntax().opens(line), line


def test_a_repeated_line_is_read_as_the_device_holds_it() -> None:
    """Issue 24: hier-config refused a repeated line (DuplicateChildError, the key in its message)."""
    running = ('aaa authentication-server radius "r"\n    key k1\n    host "h"\n    key k1\n!\n'
               'aaa server-group "g"\n    auth-server r position 1\n    auth-server r position 1\n!\n'
               'hostname "a"\nhostname "a"\nhostname "b"\n'
               'aaa authentication-server radius "r"\n    timeout 5\n    key k2\n!\n')
    assert normalise(running) == ('aaa authentication-server radius "r"\n    key k2\n    host "h"\n    timeout 5\n'
                                  'aaa server-group "g"\n    auth-server r position 1\nhostname "b"\n')
    assert plan(running, 'hostname "b"\naaa server-group "g"\n    auth-server r position 1\n!\n'
                'aaa authentication-server radius "r"\n    host "h"\n    key k2\n    timeout 5\n!\n').compliant


def test_an_attribute_the_intent_does_not_model_is_left_alone() -> None:
    """Issue 23: inside an object the intent renders, a tuned value of an attribute the intent sets for no object
    of that kind is never negated, and the rollback never touches it; what the intent sets is still changed."""
    from wifiops.aos8.hconfig import unmodelled

    running = ('aaa authentication-server radius "r"\n    host "h"\n    key k\n    timeout 5\n!\n'
               'aaa authentication dot1x "d"\n    termination\n!\n'
               'wlan ssid-profile "a"\n    essid "A"\n    opmode wpa2-aes\n    mfp-required\n!\n'
               'wlan ssid-profile "old"\n    essid "OLD"\n!\n')
    intended = ('aaa authentication-server radius "r"\n    host "h2"\n    key k\n!\n'
                'aaa authentication dot1x "d"\n!\n'
                'wlan ssid-profile "a"\n    essid "A"\n    opmode wpa2-aes\n!\n'
                'wlan ssid-profile "b"\n    essid "B"\n    opmode wpa3-aes-ccm-128\n    mfp-required\n!\n')
    kept, aside = unmodelled(running, intended)
    assert aside == [('aaa authentication-server radius "r"', "timeout 5"), ('aaa authentication dot1x "d"', "termination")]
    result = plan(kept, intended)
    assert "timeout" not in result.remediation + result.rollback and "termination" not in result.remediation
    assert '    host "h2"' in result.remediation and '    host "h"' in result.rollback
    # modelled for SSID profiles (the intent sets it on "b"): the intent's "a" has none, so it is removed
    assert 'wlan ssid-profile "a"\n    no mfp-required\n!' in result.remediation
    assert 'no wlan ssid-profile "old"' in result.remediation  # a whole object the intent drops is deleted


def test_an_indented_text_of_unknown_blocks_only_is_read_by_its_indentation() -> None:
    text = 'future-block "p"\n    setting\n!\nunknown-one-liner x\nother-one-liner y\n!\n'
    assert blocks_of(text) == [('future-block "p"', ["setting"]), ("unknown-one-liner x", []),
                               ("other-one-liner y", [])]


def test_windows_line_ends_read_the_same_and_are_kept() -> None:
    from wifiops.aos8.configtext import read, write_lines

    text = 'vpn-dialer d \nike authentication pre-share k \n!\nhostname "h" \n'
    crlf = text.replace("\n", "\r\n")
    assert write_lines(read(crlf)) == crlf
    assert blocks_of(crlf) == blocks_of(text) == [("vpn-dialer d", ["ike authentication pre-share k"]),
                                                  ('hostname "h"', [])]
