"""The shows issue 22 asked of the lab, over real SSH: `show interface` (each model's real ports, one port,
a VLAN interface), `show ip route`, `show ap debug counters`; and `!` typed in configuration mode. No
public ArubaOS 8 capture of these was found: docs/aos8-layouts.md says what each is modelled on."""

from __future__ import annotations

import pytest
from netmiko import ConnectHandler

from wifiops.aos8.parse import parse

INVALID = "% Invalid input detected at '^' marker."
# the prompt that ends an answer: `#` alone once returned a running-config with no body on a loaded machine
PROMPT = r"[\])] ?#\s*$"


def cli(conn, line: str) -> str:
    return conn.send_command(line, read_timeout=10)


def typed(conn, line: str) -> str:
    """A line whose prompt may change (cd, configure, a profile)."""
    return conn.send_command(line, expect_string=PROMPT, read_timeout=10)


@pytest.mark.parametrize("host, ports", [("mc-1", 6), ("mm-1", 2)])
def test_show_interface_lists_each_models_real_ports(lab, host, ports):
    with ConnectHandler(**lab.device_params(host)) as conn:
        out = cli(conn, "show interface")
        last = cli(conn, f"show interface gigabitethernet 0/0/{ports - 1}")
        beyond = conn.send_command(f"show interface gigabitethernet 0/0/{ports}", expect_string=PROMPT,
                                   read_timeout=10, strip_prompt=False)
    heads = [line for line in out.splitlines() if line.startswith("GE 0/0/")]
    assert [h.split(" is ")[0] for h in heads] == [f"GE 0/0/{n}" for n in range(ports)]
    assert heads[0] == "GE 0/0/0 is up, line protocol is up"          # the uplink has link
    assert heads[1] == "GE 0/0/1 is up, line protocol is down"
    assert last.splitlines()[0] == f"GE 0/0/{ports - 1} is up, line protocol is down"
    assert INVALID in beyond
    caret = next(line for line in beyond.splitlines() if line.strip() == "^")
    assert caret.index("^") == beyond.splitlines()[-1].index("#") + 1 + len("show interface gigabitethernet ")


def test_show_interface_vlan_and_ip_route_follow_the_configuration(lab):
    with ConnectHandler(**lab.device_params("mc-1")) as conn:
        itf = cli(conn, "show interface vlan 150")
        route = cli(conn, "show ip route")
        missing = cli(conn, "show interface vlan 3999")
    ip = lab.core.estate.device("mc-1").mgmt_ip if hasattr(lab.core.estate, "device") else None
    assert itf.splitlines()[0] == "VLAN150 is up line protocol is up"
    assert any(line.startswith("Internet address is ") and line.endswith("  255.255.255.0")
               for line in itf.splitlines())
    assert INVALID in missing
    records = parse("show ip route", route).records
    default = next(r for r in records if r["network"] == "0.0.0.0/0")
    connected = next(r for r in records if r["protocol"] == "C")
    assert default["candidate_default"] is True and default["next_hop"]
    assert connected["interface"] == "VLAN150" and connected["network"].endswith(".0")
    assert ip is None or connected["network"].rsplit(".", 1)[0] == ip.rsplit(".", 1)[0]
    assert not parse("show ip route", route).unparsed


def test_show_ap_debug_counters_lists_the_controllers_aps_and_counts_a_reboot(fresh_lab):
    with ConnectHandler(**fresh_lab.device_params("mc-1")) as conn:
        before = parse("show ap debug counters", cli(conn, "show ap debug counters"))
        active = cli(conn, "show ap active")
        ap = before.records[0]["name"]
        fresh_lab.fault("mc-1", "reboot-ap", ap)
        after = parse("show ap debug counters", cli(conn, "show ap debug counters"))
    assert not before.unparsed and not before.warnings
    assert sorted(r["name"] for r in before.records) == sorted(r["name"] for r in parse("show ap active", active).records)
    # counted since the lab started (an earlier test on this lab may have rebooted some): one more boot each
    assert all(r["bootstraps"] == 1 + r["reboots"] for r in before.records)
    was = next(r for r in before.records if r["name"] == ap)
    rebooted = next(r for r in after.records if r["name"] == ap)
    assert (rebooted["bootstraps"], rebooted["reboots"], rebooted["configs_acked"]) == (
        was["bootstraps"] + 1, was["reboots"] + 1, 2 * (was["bootstraps"] + 1))
    assert [r for r in after.records if r["name"] != ap] == [r for r in before.records if r["name"] != ap]


def test_a_bang_typed_in_a_profile_ends_it_as_exit_does(fresh_lab):
    """A printed configuration typed back: the `!` after a block ends it, so the next top-level line is
    not taken for one of the profile's; at the top, `!` does nothing (configuration mode stays)."""
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        def line(text: str) -> str:
            return conn.send_command_timing(text, read_timeout=10, strip_prompt=True)

        line("cd /md")
        line("configure terminal")
        line('wlan ssid-profile "bang"')
        assert 'SSID Profile "bang"' in conn.find_prompt()
        assert INVALID not in line('essid "bang"')
        assert INVALID not in line("!")
        assert conn.find_prompt().endswith("(config) #")
        assert INVALID not in line("!")
        assert conn.find_prompt().endswith("(config) #")
        # at the top again: a line only a profile takes is refused there
        assert INVALID in line("opmode wpa2-aes")
        line("end")
        pending = conn.send_command("show configuration pending", expect_string=PROMPT, read_timeout=10)
    assert 'essid "bang"' in pending
    assert "!" in fresh_lab.received("mm-1")
