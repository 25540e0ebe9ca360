"""What a client sees for each fault the lab can inject (real SSH, real netmiko)."""

from __future__ import annotations

import time

import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import NetmikoAuthenticationException, ReadTimeout

INVALID = "% Invalid input detected at '^' marker."


def cli(conn, line: str) -> str:
    out = conn.send_command(line, expect_string=r"#", read_timeout=5, strip_prompt=False)
    return out.rsplit("\n", 1)[0] if "\n" in out else ""


def test_refuse_login_then_clear(fresh_lab):
    fresh_lab.fault("mm-2", "refuse-login")
    with pytest.raises(NetmikoAuthenticationException):
        ConnectHandler(**fresh_lab.device_params("mm-2"))
    fresh_lab.clear("mm-2")
    with ConnectHandler(**fresh_lab.device_params("mm-2")) as conn:
        assert conn.find_prompt() == "(mm-2) [mynode] #"


def test_drop_after_cuts_the_session(fresh_lab):
    fresh_lab.fault("mc-1", "drop-after", 1500)
    conn = ConnectHandler(**fresh_lab.device_params("mc-1"))
    with pytest.raises((OSError, EOFError, ReadTimeout)):
        conn.send_command("show running-config", read_timeout=1)
    assert not conn.is_alive()
    conn.disconnect()


def test_slow_adds_latency_per_line(fresh_lab):
    """A slow device answers late; an explicit expect string avoids netmiko's prompt re-discovery, which a
    slow device desyncs (it sends a second RETURN and later reads that prompt as the command's output)."""
    expect = r"Total Switches:6\s+\(mm-3\) \[mynode\] #"
    with ConnectHandler(**fresh_lab.device_params("mm-3")) as conn:
        start = time.monotonic()
        conn.send_command("show switches", expect_string=expect)
        fast = time.monotonic() - start
        fresh_lab.fault("mm-3", "slow", 60)
        start = time.monotonic()
        out = conn.send_command("show switches", expect_string=expect, read_timeout=10)
        slow = time.monotonic() - start
    assert "Total Switches:6" in out
    assert slow > fast + 0.6  # about 15 lines x 60 ms


def test_reject_line_refuses_matching_config(fresh_lab):
    fresh_lab.fault("mm-1", "reject-line", r"^opmode wpa3")
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        cli(conn, "cd /md")
        cli(conn, "configure terminal")
        cli(conn, 'wlan ssid-profile "intra-louvre"')
        assert cli(conn, "opmode wpa3-aes-ccm-128").endswith(INVALID)
        assert cli(conn, "opmode wpa2-aes").strip() == ""  # other lines still pass
        fresh_lab.clear("mm-1")
        assert cli(conn, "opmode wpa3-aes-ccm-128").strip() == ""


def test_ap_group_down_shows_down_aps(fresh_lab):
    if fresh_lab.core.ops is None:
        pytest.skip("operational shows (wifiops.lab.shows) not available")
    fresh_lab.fault("mm-1", "ap-group-down", "LIEVIN")
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        out = conn.send_command("show ap database")
    rows = [line.split() for line in out.splitlines() if " LIEVIN " in line]
    assert rows and all("Down" in r for r in rows)
    others = [line for line in out.splitlines() if " LOUVRE-PALAIS " in line]
    assert others and all(" Up " in line for line in others)
    fresh_lab.clear("mm-1")
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        out = conn.send_command("show ap database")
    assert all("Down" not in line for line in out.splitlines() if " LIEVIN " in line)


def test_hang_stops_answering(fresh_lab):
    conn = ConnectHandler(**fresh_lab.device_params("mm-4"))
    fresh_lab.fault("mm-4", "hang")
    time.sleep(0.1)
    conn.clear_buffer()  # drop a prompt left over from session preparation
    start = time.monotonic()
    with pytest.raises(ReadTimeout):
        conn.send_command("show hostname", expect_string=r"#", read_timeout=1)
    assert time.monotonic() - start < 4
    assert conn.remote_conn.get_transport().is_active()  # the connection stays open
    conn.remote_conn_pre.close()  # netmiko's disconnect() would wait on the hung CLI
    fresh_lab.clear("mm-4")
    with ConnectHandler(**fresh_lab.device_params("mm-4")) as conn:
        assert "Hostname is mm-4" in conn.send_command("show hostname")


def test_unknown_fault_kind_is_an_error(fresh_lab):
    from wifiops.lab.faults import FaultError

    with pytest.raises(FaultError):
        fresh_lab.fault("mm-1", "explode")
    with pytest.raises(FaultError):
        fresh_lab.fault("nope", "hang")
