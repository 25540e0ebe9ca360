"""The session layer as a hostile but fair user meets it (issue 6): late prompts, control characters, dead
sessions, timeouts. Real SSH to the lab, real netmiko; the lab's faults make the network misbehave."""

from __future__ import annotations

import time

import pytest

from wifiops.aos8.session import Aos8Session
from wifiops.errors import LoginRefused, NoAnswer, SessionLost, UnsafeCommand


def session(lab, host: str, timeout: float = 10.0) -> Aos8Session:
    user, password = lab.credentials
    return Aos8Session.connect("127.0.0.1", port=lab.port(host), username=user, password=password, name=host,
                               known_hosts=lab.known_hosts, timeout=timeout)


def test_a_late_prompt_is_never_taken_for_the_next_answer(fresh_lab) -> None:
    """An extra RETURN (netmiko's find_prompt sends one) is answered by a bare prompt; under latency that
    prompt arrives after the next command is written. The answer must still be that command's own."""
    fresh_lab.fault("mm-2", "slow", 150)
    with session(fresh_lab, "mm-2") as mm:
        mm.connection.write_channel("\r\r")  # two late prompts on their way
        assert mm.show("show hostname") == "Hostname is mm-2"
        assert "ArubaMM-VA" in mm.show("show version")


@pytest.mark.parametrize("latency", ["150", "0-400", "1000"])
def test_login_and_answers_hold_behind_a_slow_link(fresh_lab, latency: str) -> None:
    fresh_lab.fault("mc-1", "slow", latency)
    with session(fresh_lab, "mc-1") as md:
        assert md.prompt.host == "mc-1"
        assert md.show("show hostname") == "Hostname is mc-1"
        assert "Aruba7210" in md.show("show inventory")
        assert md.show("show hostname") == "Hostname is mc-1"


@pytest.mark.parametrize("line", ["show clock\nconfigure terminal", "show clock\rwrite memory", "hostname\tx",
                                  "show clock\x1a", "show clock\u2028write memory"])
def test_a_control_character_is_never_sent(fresh_lab, line: str) -> None:
    with session(fresh_lab, "mm-1") as mm:
        with pytest.raises(UnsafeCommand):
            mm.send(line)
        with pytest.raises(UnsafeCommand):
            mm.configure(["hostname SAFE", line], node="/md")
        assert not mm.prompt.unsaved  # the whole change was refused before its first line
        assert mm.show("show hostname") == "Hostname is mm-1"  # and the session is still in step
        assert [e.sent for e in mm.transcript.exchanges] == ["no paging", "show hostname"]


def test_each_failure_is_raised_as_its_cause(fresh_lab) -> None:
    fresh_lab.fault("mm-2", "refuse-login")
    with pytest.raises(LoginRefused, match=r"^mm-2: login refused for user 'admin'"):
        session(fresh_lab, "mm-2")
    fresh_lab.fault("mm-3", "hang")
    with pytest.raises(NoAnswer, match=r"^mm-3: the device sent nothing for 1 s"):
        session(fresh_lab, "mm-3", timeout=1)
    fresh_lab.fault("mc-2", "drop-after", 900)
    with session(fresh_lab, "mc-2") as md:
        with pytest.raises(SessionLost, match=r"^mc-2: .*(cut|closed)"):
            md.show("show running-config")


def test_a_hung_device_fails_within_its_timeout(fresh_lab) -> None:
    """netmiko's cleanup waited a second full timeout on a hung device; the bound is the timeout itself."""
    fresh_lab.fault("mm-4", "hang")
    started = time.monotonic()
    with pytest.raises(NoAnswer):
        session(fresh_lab, "mm-4", timeout=1.5)
    assert time.monotonic() - started < 2.5  # was 2 x 1.5 + 1 = 4 s


@pytest.mark.parametrize("timeout", [float("inf"), 1e10, float("nan"), 0.0, -1.0])
def test_an_unbounded_timeout_is_refused(fresh_lab, timeout: float) -> None:
    with pytest.raises(ValueError, match="at most 3600"):
        session(fresh_lab, "mm-1", timeout=timeout)
