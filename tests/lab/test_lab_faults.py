"""What a client sees for each fault the lab can inject (real SSH, real netmiko)."""

from __future__ import annotations

import re
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


MM3 = r"\(mm-3\) \[mynode\] #"
# answers that print the same bytes twice while the lab clock stands still (`show ap database` has uptimes)
STEADY = ["show hostname", "show running-config", "show ap database", "show nonsense",
          "show configuration node-hierarchy"]


@pytest.fixture
def still_clock(fresh_lab):
    """The lab clock held still for the test: two renders of a show with uptimes are the same bytes."""
    fresh_lab.core.clock.hold()
    try:
        yield fresh_lab.core.clock
    finally:
        fresh_lab.core.clock.release()


def _round_trip(shell, command: str) -> tuple[float, str]:
    start = time.monotonic()
    shell.send(command + "\r")
    out = shell.read_until(MM3)
    return time.monotonic() - start, out


def test_slow_is_latency_per_answer_not_per_line(fresh_lab, still_clock, open_shell):
    """`slow MS` delays each answer by MS, as a VPN and a bastion do: a 380-line answer arrives 300 ms
    late, not 380 x 300 ms late."""
    shell = open_shell("mm-3")
    shell.read_until(MM3)
    _round_trip(shell, "no paging")
    fast, calm = _round_trip(shell, "show ap database")
    fresh_lab.fault("mm-3", "slow", 300)
    slow, late = _round_trip(shell, "show ap database")
    assert late == calm and len(late.splitlines()) > 300
    assert 0.3 <= slow < fast + 3  # per line it would be 380 x 0.3 s; the margin holds on a loaded machine


def test_slow_range_draws_each_answer_in_range_and_keeps_order(fresh_lab, still_clock, open_shell):
    """`slow MIN-MAX`: each answer waits a random MIN..MAX ms; answers still come in order, so commands
    sent in one burst read exactly as without latency (echo, output, prompt, for each in turn)."""
    shell = open_shell("mm-3")
    shell.read_until(MM3)
    _round_trip(shell, "no paging")
    shell.send("".join(c + "\r" for c in STEADY))
    calm = shell.read_until(MM3, count=len(STEADY))
    fresh_lab.fault("mm-3", "slow", "50-250")
    assert fresh_lab.core.faults_of("mm-3").active() == ["slow 50-250"]
    times = [_round_trip(shell, "show hostname")[0] for _ in range(6)]
    assert all(t >= 0.05 for t in times) and max(times) < 0.25 + 2, times  # no upper bound a loaded machine breaks
    assert max(times) - min(times) > 0.02, times  # drawn per answer, not once
    shell.send("".join(c + "\r" for c in STEADY))
    assert shell.read_until(MM3, count=len(STEADY)) == calm


def test_slow_argument_is_checked(fresh_lab):
    from wifiops.lab.faults import FaultError

    for bad in ("fast", "300-100", "-5", "1-2-3", "99999999"):
        with pytest.raises(FaultError):
            fresh_lab.fault("mm-3", "slow", bad)
    assert fresh_lab.core.faults_of("mm-3").active() == []


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
    assert conn.find_prompt() == "(mm-4) [mynode] #"  # the session is idle: nothing left to arrive late
    conn.clear_buffer()
    fresh_lab.fault("mm-4", "hang")  # no sleep: nothing the device sent before can satisfy the next read
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


def _up_cell(out: str, ap: str) -> str:
    row = next(line for line in out.splitlines() if line.startswith(ap + " "))
    return re.search(r"Up (\S+)", row).group(1)


def test_reboot_ap_restarts_one_aps_uptime_everywhere(fresh_lab, still_clock):
    """`reboot-ap AP`: that AP's uptime starts again from zero on the MM and on both cluster members, its
    BSSes' tot-t too, and its users associate again; the other APs keep theirs. An event: no fault stays on."""
    from wifiops.lab.faults import KINDS, NEEDS_ARG

    assert "reboot-ap" in KINDS and "reboot-ap" in NEEDS_ARG  # `wifiops lab fault` lists KINDS
    ops = fresh_lab.core.ops
    ap = next(c.ap for c in ops.live_clients() if ops.ap_state[c.ap].boot < ops.now() - 86400)
    other = next(a.name for a in ops.aps if a.name != ap)
    active = ops.ap_state[ap].switch
    fresh_lab.fault("mc-1", "reboot-ap", ap)
    assert fresh_lab.core.faults_of("mc-1").active() == []
    still_clock.advance(75)
    for host in ("mm-1", "mc-1", "mc-2"):
        with ConnectHandler(**fresh_lab.device_params(host)) as conn:
            database = conn.send_command("show ap database")
        assert _up_cell(database, ap) == "1m:15s", host
        assert "d:" in _up_cell(database, other)
    with ConnectHandler(**fresh_lab.device_params(active)) as conn:
        bss = conn.send_command("show ap bss-table")
        users = conn.send_command("show user-table")
    assert {line.split()[10] for line in bss.splitlines() if f"  {ap}  " in line} == {"1m:15s"}
    ages = {re.search(r"  (\d\d:\d\d:\d\d)  ", line).group(1) for line in users.splitlines()
            if f"  {ap}  " in line}  # its users (the AP's own tunnel row names no AP)
    assert ages == {"00:00:01"}


def test_reboot_ap_argument_is_checked(fresh_lab):
    from wifiops.lab.faults import FaultError

    with pytest.raises(FaultError, match="needs an argument"):
        fresh_lab.fault("mc-1", "reboot-ap")
    with pytest.raises(FaultError, match="unknown AP"):
        fresh_lab.fault("mc-1", "reboot-ap", "NO-SUCH-AP")


def test_an_ap_group_back_from_down_has_rebooted(fresh_lab, still_clock):
    """A lost switch stack takes the APs' PoE with it: when ap-group-down is cleared, those APs boot."""
    fresh_lab.fault("mm-1", "ap-group-down", "LIEVIN")
    still_clock.advance(600)
    fresh_lab.clear("mm-1")
    still_clock.advance(30)
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        out = conn.send_command("show ap database")
    lievin = [line for line in out.splitlines() if " LIEVIN " in line]
    assert lievin and {re.search(r"Up (\S+)", line).group(1) for line in lievin} == {"0m:30s"}
    assert all("d:" in re.search(r"Up (\S+)", line).group(1) or "h:" in re.search(r"Up (\S+)", line).group(1)
               for line in out.splitlines() if " LOUVRE-STE-ANNE " in line)
