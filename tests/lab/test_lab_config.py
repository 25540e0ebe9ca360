"""The commit model and the grammar's strictness, over real SSH with netmiko."""

from __future__ import annotations

import pytest
from netmiko import ConnectHandler

INVALID = "% Invalid input detected at '^' marker."


def cli(conn, line: str) -> str:
    """One line, read up to the next prompt whatever it has become; returns the output without it."""
    out = conn.send_command(line, expect_string=r"#", read_timeout=5, strip_prompt=False)
    return out.rsplit("\n", 1)[0] if "\n" in out else ""


@pytest.fixture
def mm1(fresh_lab):
    conn = ConnectHandler(**fresh_lab.device_params("mm-1"))
    cli(conn, "cd /md/Louvre")
    cli(conn, "configure terminal")
    yield conn
    conn.disconnect()


def running_config(lab, host: str) -> str:
    with ConnectHandler(**lab.device_params(host)) as conn:
        cli(conn, "encrypt disable")
        return conn.send_command("show running-config")


def test_change_is_committed_only_by_write_memory_and_reaches_both_mds(fresh_lab, mm1):
    for line in ('wlan ssid-profile "intra-louvre"', "opmode wpa3-aes-ccm-128", "exit"):
        assert cli(mm1, line).strip() == ""
    assert "wpa3-aes-ccm-128" not in cli(mm1, "show configuration committed /md/Louvre")
    pending = cli(mm1, "show configuration pending")
    assert "/md/Louvre" in pending and "opmode wpa3-aes-ccm-128" in pending
    assert "opmode wpa3-aes-ccm-128" not in running_config(fresh_lab, "mc-1")
    cli(mm1, "write memory")
    committed = cli(mm1, "show configuration committed /md/Louvre")
    i = fresh_lab.core.layout.indent("committed")  # $WIFIOPS_LAB_LAYOUT may choose another (docs/lab.md)
    assert f'wlan ssid-profile "intra-louvre" \n{i}essid "Intra_Louvre" \n{i}opmode wpa3-aes-ccm-128 \n!' in committed
    i = fresh_lab.core.layout.indent("running-config")
    for md in ("mc-1", "mc-2"):
        cfg = running_config(fresh_lab, md)
        assert f'wlan ssid-profile "intra-louvre" \n{i}essid "Intra_Louvre" \n{i}opmode wpa3-aes-ccm-128 \n!' in cfg


def test_running_config_format(fresh_lab):
    cfg = running_config(fresh_lab, "mc-1").split("\n")
    assert cfg[:3] == ["Building Configuration...", " ", "version 8.10"]
    assert cfg[-1] == "end"
    assert 'hostname "mc-1" ' in cfg
    i = fresh_lab.core.layout.indent("running-config")
    assert f'{i}key "lab-radius-key" ' in cfg  # encrypt disable
    with ConnectHandler(**fresh_lab.device_params("mc-2")) as conn:
        masked = conn.send_command("show running-config")
    assert f"{i}key ****** " in masked.split("\n") and "lab-radius-key" not in masked


def test_pending_lists_each_change_once(mm1):
    """A new profile's opening line is its creation and the header of its lines: printed once, so a
    client counting pending changes counts one per change (a profile that existed keeps its header)."""
    for line in ('wlan ssid-profile "pending-new"', 'essid "Pending_New"', "opmode wpa2-aes", "exit",
                 'wlan ssid-profile "intra-louvre"', "opmode wpa3-aes-ccm-128", "exit"):
        cli(mm1, line)
    lines = cli(mm1, "show configuration pending").split("\n")
    body = lines[lines.index("Pending changes for node /md/Louvre") + 2:]
    assert body == ['wlan ssid-profile "pending-new" ', '    essid "Pending_New" ', "    opmode wpa2-aes ",
                    'wlan ssid-profile "intra-louvre" ', "    opmode wpa3-aes-ccm-128 "]
    changes = [line for line in body if line.startswith("    ") or "pending-new" in line]
    assert len(changes) == 4  # the creation, essid, opmode; intra-louvre's opmode (its header is context)


def test_purge_pending_discards(mm1):
    cli(mm1, "vlan-name purge-me")
    assert mm1.find_prompt() == "(mm-1) ^[Louvre] (config) #"
    cli(mm1, "end")
    cli(mm1, "configuration purge-pending")
    assert mm1.find_prompt() == "(mm-1) [Louvre] #"
    assert "purge-me" not in cli(mm1, "show configuration committed /md/Louvre")


def test_line_outside_profile_is_retried_in_parent(mm1):
    cli(mm1, "vlan 10")
    assert mm1.find_prompt().endswith("(config-submode)#")
    assert cli(mm1, "vlan-name servers").strip() == ""  # not a vlan sub-command: accepted at (config)
    assert mm1.find_prompt().endswith("(config-submode)#")
    cli(mm1, 'wlan ssid-profile "new-one"')  # a profile command moves to that profile
    assert mm1.find_prompt() == '(mm-1) ^[Louvre] (SSID Profile "new-one") #'


@pytest.mark.parametrize("context, line, caret_under", [
    ('wlan ssid-profile "intra-louvre"', "opmode wpa4-quantum", "wpa4-quantum"),
    (None, "vlan 4095", "4095"),
    (None, 'aaa bandwidth-contract "big" mbits 2001', "2001"),
    (None, 'aaa bandwidth-contract "small" kbits 255', "255"),
    ('aaa authentication-server radius "cppm-1"', "timeout 31", "31"),
    ('wlan virtual-ap "intra-louvre"', "vlan 4095", "4095"),
    ('ap-group "LIEVIN"', "essid Foo", "essid"),
])
def test_invalid_values_are_rejected_like_the_device(mm1, context, line, caret_under):
    if context:
        cli(mm1, context)
    prompt = mm1.find_prompt()
    out = cli(mm1, line)
    lines = out.rstrip().split("\n")
    assert lines[-1] == INVALID
    assert lines[-2].index("^") == len(prompt) + line.index(caret_under)


def test_accepted_values_at_the_limits(mm1):
    for line in ("vlan 4094", 'aaa bandwidth-contract "big" mbits 2000', 'aaa bandwidth-contract "s" kbits 256'):
        assert cli(mm1, line).strip() == ""
        cli(mm1, "exit") if line.startswith("vlan") else None


def test_deleting_a_referenced_profile_is_refused(mm1):
    cli(mm1, "cd /md")
    out = cli(mm1, 'no wlan ssid-profile "intra-louvre"')
    assert out.strip().startswith("Error:") and "referenced" in out
    assert 'wlan ssid-profile "intra-louvre"' in cli(mm1, "show configuration committed /md")
    # remove the reference first, then the profile goes
    for line in ('wlan virtual-ap "intra-louvre"', 'no ssid-profile', "exit", 'no wlan ssid-profile "intra-louvre"'):
        assert cli(mm1, line).strip() == "", line
    cli(mm1, "write memory")
    assert 'wlan ssid-profile "intra-louvre"' not in cli(mm1, "show configuration committed /md")


def test_reference_to_missing_profile_is_refused(mm1):
    cli(mm1, 'wlan virtual-ap "x"')
    out = cli(mm1, 'ssid-profile "does-not-exist"')
    assert 'Error: SSID Profile "does-not-exist" does not exist' in out


def test_node_hierarchy(mm1):
    out = cli(mm1, "show configuration node-hierarchy")
    assert "/md/Louvre/00:1a:1e:72:10:01  Device  mc-1" in out
    assert "Config Node" in out and "/mm/mynode" in out


def test_state_survives_save_and_load(fresh_lab, mm1, tmp_path):
    from wifiops.lab.server import LabCore, load_state

    cli(mm1, 'aaa bandwidth-contract "saved" mbits 5')
    cli(mm1, "write memory")
    cli(mm1, 'aaa bandwidth-contract "still-pending" mbits 6')
    fresh_lab.core.save(tmp_path)
    again = LabCore(fresh_lab.estate, load_state(tmp_path))
    committed = "\n".join(again.db.render(again.db.committed["/md/Louvre"], encrypt=True))
    assert '"saved" mbits 5' in committed and "still-pending" not in committed
    assert again.db.has_pending("admin")
