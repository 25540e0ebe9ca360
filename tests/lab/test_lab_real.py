"""The lab prints and refuses what real ArubaOS 8 devices print and refuse (issue 22, items 3 and 5), over
real SSH: the configuration layout each command uses (docs/lab.md), the masked mgmt-user line of every
configuration, ESSID length in UTF-8 bytes, a 7210's real ports, and `mdc` from an MD's device node."""

from __future__ import annotations

import re

import pytest
from netmiko import ConnectHandler

INVALID = "% Invalid input detected at '^' marker."
# the prompt that ends an answer: `#` alone once returned a running-config with no body on a loaded machine
PROMPT = r"[\])] ?#\s*$"


def cli(conn, line: str) -> str:
    return conn.send_command(line, expect_string=PROMPT, read_timeout=15)


def body_indents(text: str) -> set[str]:
    """The indentations of the lines inside blocks (after a block's opening line, before its `!`)."""
    found: set[str] = set()
    for line in text.splitlines():
        m = re.match(r"^( +)\S", line)
        if m:
            found.add(m.group(1))
    return found


@pytest.mark.parametrize("layout, running, committed", [
    ("real", "   ", "    "), ("indent4", "    ", "    "), ("indent3", "   ", "   "), ("flush", None, None)])
def test_each_command_prints_its_layout(fresh_lab, layout, running, committed):
    fresh_lab.set_layout(layout)
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        run = cli(conn, "show running-config")
        com = cli(conn, "show configuration committed /md")
        eff = cli(conn, "show configuration effective /md/Louvre")
    assert body_indents(run) == ({running} if running else set())
    assert body_indents(com) == body_indents(eff) == ({committed} if committed else set())
    # the same lines whatever the layout
    assert 'aaa authentication-server radius "cppm-1" ' in com.splitlines()
    assert f'{committed or ""}host "10.150.2.11" ' in com.splitlines()


def test_an_unknown_layout_is_refused(fresh_lab):
    from wifiops.lab.layouts import LayoutError

    with pytest.raises(LayoutError, match="unknown configuration layout"):
        fresh_lab.set_layout("indent2")


def test_the_layout_comes_from_the_environment(monkeypatch):
    from wifiops.lab.layouts import from_env

    monkeypatch.setenv("WIFIOPS_LAB_LAYOUT", "flush")
    assert from_env().indent("running-config") == ""
    monkeypatch.delenv("WIFIOPS_LAB_LAYOUT")
    assert from_env().indent("running-config") == "   " and from_env().indent("committed") == "    "


@pytest.mark.parametrize("host", ["mm-1", "mm-3", "mc-1", "mc-2"])
def test_every_configuration_has_a_masked_mgmt_user(fresh_lab, host):
    """8.10 prints a management user's password as 20 asterisks, `encrypt disable` or not (oxidized 8.10.0.7
    ran `encrypt disable` first); the lab's password never shows."""
    user, password = fresh_lab.credentials
    with ConnectHandler(**fresh_lab.device_params(host)) as conn:
        cli(conn, "encrypt disable")
        out = cli(conn, "show running-config")
    assert f"mgmt-user {user} root ******************** " in out.splitlines()
    assert password not in out


def essid_line(conn, essid: str) -> str:
    cli(conn, "cd /md")
    cli(conn, "configure terminal")
    cli(conn, 'wlan ssid-profile "bytes"')
    return conn.send_command(f'essid "{essid}"', expect_string=PROMPT, read_timeout=15, strip_prompt=False)


def test_an_essid_is_32_bytes_of_utf8_not_32_characters(fresh_lab):
    longest = "Musée-du-Louvre-Café-" + "x" * 10  # 31 characters, 33 bytes
    assert len(longest) == 31 and len(longest.encode()) == 33
    fits = "Musée-du-Louvre-Café-" + "x" * 8  # 29 characters, 31 bytes
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        assert INVALID in essid_line(conn, longest)
        assert INVALID not in conn.send_command(f'essid "{fits}"', expect_string=PROMPT, read_timeout=15)
        assert INVALID in conn.send_command(f'essid "{"y" * 33}"', expect_string=PROMPT, read_timeout=15)


def test_a_7210_has_six_ports(fresh_lab):
    """0/0/0 to 0/0/5 at a 7210's device node; 0/0/6 and 0/0/99 are refused at the port, as the device does;
    a group node (several models below) is not checked."""
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        cli(conn, "cd mc-1")
        cli(conn, "configure terminal")
        assert INVALID not in cli(conn, "interface gigabitethernet 0/0/5")
        cli(conn, "exit")
        for bad in ("0/0/6", "0/0/99", "0/1/0"):
            out = conn.send_command(f"interface gigabitethernet {bad}", expect_string=PROMPT, read_timeout=15,
                                    strip_prompt=False)
            assert INVALID in out, bad
            caret = next(line for line in out.splitlines() if line.strip() == "^")
            assert caret.index("^") == out.splitlines()[-1].index("#") + 1 + len("interface gigabitethernet ")
        cli(conn, "cd /md/Louvre")
        assert INVALID not in cli(conn, "interface gigabitethernet 0/0/99")


def test_mdc_reaches_the_md_shell_from_its_device_node(fresh_lab):
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        assert "device node" in cli(conn, "mdc")  # at mynode: not an MD's node
        cli(conn, "cd mc-2")
        conn.send_command("mdc", expect_string=r"\[MDC\] #")
        assert conn.find_prompt() == "(mc-2) [MDC] #"
        assert "Hostname is mc-2" in cli(conn, "show hostname")
        assert "managed by a Mobility Conductor" in cli(conn, "configure terminal")
        cli(conn, "exit")
        assert conn.find_prompt() == "(mm-1) [00:1a:1e:72:10:02] #"
        out = conn.send_command("mdconnect", expect_string=r"\[MDC\] #")
        assert "Redirecting to Managed Device Shell" in out
    assert "show hostname" in fresh_lab.received("mc-2")
