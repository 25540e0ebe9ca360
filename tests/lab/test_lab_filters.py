"""Output filters after a show command (`| include`, `| exclude`, `| begin`), over real SSH with netmiko
and, for the pager, a plain paramiko shell that leaves paging on."""

from __future__ import annotations

import re

import pytest
from netmiko import ConnectHandler

INVALID = "% Invalid input detected at '^' marker."
INCOMPLETE = "% Incomplete command."
MORE = "--More--"
# mm-differ (arubaos8.md §3.3) lists the nodes with exactly this line, and reads to this prompt
MM_DIFFER_NODES = 'show configuration node-hierarchy | include "/" | exclude "Default-node is"'
MM_DIFFER_PROMPT = r"^\([a-zA-Z0-9\-\_]*\) [\^\*]{0,2}\[[a-zA-Z0-9\-\_]*\] #"


def lines_of(conn, command: str) -> list[str]:
    """The output lines of `command`, read up to the next prompt whatever it has become."""
    out = conn.send_command(command, expect_string=r"#\s*$", read_timeout=10, strip_prompt=False)
    return out.split("\n")[:-1]


def connect(lab, host: str):
    conn = ConnectHandler(**lab.device_params(host))
    conn.read_channel()  # the `#` netmiko's login leaves unread (its base prompt stops before it)
    return conn


@pytest.fixture(scope="module")
def mm(lab):
    with connect(lab, "mm-1") as conn:
        yield conn


@pytest.fixture(scope="module")
def md(lab):
    with connect(lab, "mc-1") as conn:
        yield conn


def test_mm_differ_node_list(mm):
    whole = lines_of(mm, "show configuration node-hierarchy")
    assert any("Default-node is" in line for line in whole)
    nodes = lines_of(mm, MM_DIFFER_NODES)
    assert nodes == [line for line in whole if "/" in line and "Default-node is" not in line]
    assert [line.split()[0] for line in nodes][:3] == ["/", "/md", "/md/Louvre"]
    assert "/mm/mynode" in [line.split()[0] for line in nodes]
    # the answer ends at the prompt mm-differ waits for
    mm.write_channel(MM_DIFFER_NODES + "\r")
    assert re.search(MM_DIFFER_PROMPT, mm.read_until_pattern(r"#\s*$").split("\n")[-1])


def test_include_exclude_begin_on_exec_and_operational_shows(md):
    config = lines_of(md, "show running-config")
    assert lines_of(md, 'show running-config | include "ssid-profile"') == [
        line for line in config if "ssid-profile" in line]
    assert lines_of(md, "show running-config | exclude !") == [line for line in config if "!" not in line]
    first = next(i for i, line in enumerate(config) if "wlan virtual-ap" in line)
    assert lines_of(md, 'show running-config | begin "wlan virtual-ap"') == config[first:]
    # an operational show (shows.py) is filtered the same way
    version = lines_of(md, "show version")
    assert lines_of(md, "show version | include Version") == [line for line in version if "Version" in line]
    # chained, left to right; an abbreviated command and filter word
    assert lines_of(md, 'sh running-config | inc "essid" | exc "Gratuit"') == [
        line for line in config if "essid" in line and "Gratuit" not in line]
    assert lines_of(md, "show running-config | begin nothing-like-this") == []


def test_text_is_case_sensitive_and_quoted(md):
    assert lines_of(md, "show hostname | include Hostname") == ["Hostname is mc-1"]
    assert lines_of(md, "show hostname | include hostname") == []
    assert lines_of(md, 'show hostname | include "Hostname is mc-1"') == ["Hostname is mc-1"]
    # a quoted `|` is text, not another filter
    assert lines_of(md, 'show hostname | include "is|mc"') == []


@pytest.mark.parametrize("command, caret_under, error", [
    ("show hostname | grep mc", "grep", INVALID),          # not a filter keyword
    ("show hostname | include", None, INCOMPLETE),        # TEXT missing
    ("show hostname |", None, INCOMPLETE),                # filter missing
    ("show hostname | | include mc", "| include", INVALID),
    ("show hostname | include Hostname is", "is", INVALID),  # two words unquoted
    ("show hostname | include mc | count", "count", INVALID),
])
def test_bad_filters_are_refused_like_any_parse_error(md, command, caret_under, error):
    out = lines_of(md, command)
    assert out[-1] == error
    if caret_under is not None:
        # the caret sits under the offending word of the echoed line "(mc-1) #<command>"
        assert out[-2] == " " * len("(mc-1) #" + command[:command.rindex(caret_under)]) + "^"
    else:
        assert len(out) == 1


def test_filters_apply_before_the_pager(open_shell):
    """Paging stays on: a long output filtered down to a few lines is not paged, a long one still is."""
    shell = open_shell("mc-1")
    shell.read_until(r"\(mc-1\) #")
    shell.send('show running-config | include "aaa profile"\r')
    short = shell.read_until(r"\(mc-1\) #")
    assert MORE not in short
    assert len([line for line in short.split("\r\n") if line.startswith("aaa profile ")]) == 6
    shell.send("show running-config | exclude nothing-like-this\r")
    assert MORE in shell.read_until(re.escape(MORE))
    shell.send("q")
    shell.read_until(r"\(mc-1\) #")


def test_filters_in_config_mode_and_on_pending(fresh_lab):
    with connect(fresh_lab, "mm-1") as conn:
        for line in ("cd /md/Louvre", "configure terminal", 'aaa bandwidth-contract "filtered" mbits 9'):
            conn.send_command(line, expect_string=r"#\s*$")
        pending = lines_of(conn, 'show configuration pending | include "bandwidth-contract"')
        assert pending == ['aaa bandwidth-contract "filtered" mbits 9 ']
        conn.send_command("end", expect_string=r"#\s*$")
