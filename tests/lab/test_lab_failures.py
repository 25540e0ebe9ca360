"""The faults that make a client's failure paths happen (issues 23, 33), seen over real SSH with netmiko:
a `write memory` that answers an error or silently commits nothing, another administrator's commit behind
a run's back, a controller reload, and the settling time of APs (`rejoin-delay`) on the lab clock."""

from __future__ import annotations

import re

import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import NetmikoBaseException, NetmikoTimeoutException

from wifiops.lab.faults import FaultError

MM1 = r"\(mm-1\) \^?\[[^\]]*\] (\([^)]*\) )?#"
CHANGE = "vlan-name lab-fault-probe"


def cli(conn, line: str) -> str:
    return conn.send_command(line, expect_string=MM1, read_timeout=5, strip_prompt=False)


def prompt_after(out: str) -> str:
    return out.rstrip().rsplit("\n", 1)[-1]


def stage_change(conn) -> None:
    """One pending change at /md, as a run pushes it."""
    cli(conn, "cd /md")
    cli(conn, "configure terminal")
    assert "^[md]" in prompt_after(cli(conn, CHANGE))


def committed_at_md(conn) -> str:
    return cli(conn, "show configuration committed /md")


@pytest.mark.parametrize("kind", ["write-memory-error", "write-memory-pending"])
def test_a_save_that_does_not_commit_keeps_the_changes_pending(fresh_lab, kind):
    fresh_lab.fault("mm-1", kind)
    assert fresh_lab.core.faults_of("mm-1").active() == [kind]
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        stage_change(conn)
        out = cli(conn, "write memory")
        assert "^[md]" in prompt_after(out)  # the `^` stays
        if kind == "write-memory-error":
            assert "Configuration Saved." not in out
            assert re.search(r"^Error: .*not committed", out, re.M)
        else:
            assert "Configuration Saved." in out and "Error" not in out
        assert "lab-fault-probe" in cli(conn, "show configuration pending")
        assert "lab-fault-probe" not in committed_at_md(conn)
        assert fresh_lab.pending() == {"admin": ["/md"]}
        fresh_lab.clear("mm-1")
        out = cli(conn, "write memory")
        assert "Configuration Saved." in out and "^[" not in prompt_after(out)
        assert "lab-fault-probe" in committed_at_md(conn)
    assert fresh_lab.pending() == {}


def test_the_save_faults_are_per_mm(fresh_lab):
    """A fault on mm-2 does not touch a save on mm-1 (each MM session saves its own user's changes)."""
    fresh_lab.fault("mm-2", "write-memory-error")
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        stage_change(conn)
        assert "Configuration Saved." in cli(conn, "write memory")
    assert fresh_lab.pending() == {}


def test_change_behind_commits_after_the_next_write_memory_only(fresh_lab):
    fresh_lab.fault("mm-1", "change-behind", '/md aaa bandwidth-contract "behind" mbits 7')
    fresh_lab.fault("mm-3", "change-behind",
                    '/md wlan ssid-profile "behind-ssid" ; essid "behind" ; opmode wpa2-aes ; exit')
    assert fresh_lab.core.faults_of("mm-1").active() == ['change-behind /md aaa bandwidth-contract "behind" mbits 7']
    with ConnectHandler(**fresh_lab.device_params("mm-1")) as conn:
        before = committed_at_md(conn)
        assert "behind" not in before
        stage_change(conn)
        assert "behind" not in committed_at_md(conn)  # nothing yet: it waits for a write memory
        out = cli(conn, "write memory")
        assert "Configuration Saved." in out and "^[" not in prompt_after(out)
        after = committed_at_md(conn)
    assert 'aaa bandwidth-contract "behind" mbits 7' in after
    assert re.search(r'wlan ssid-profile "behind-ssid" \n\s*essid "behind"', after)
    assert "lab-fault-probe" in after  # the run's own change committed too
    assert fresh_lab.core.faults_of("mm-1").active() == [] == fresh_lab.core.faults_of("mm-3").active()
    assert fresh_lab.pending() == {}  # the other administrator left nothing pending
    # fired once: the next save commits only what is pending
    with ConnectHandler(**fresh_lab.device_params("mm-2")) as conn:
        cli2 = conn.send_command("write memory", expect_string=r"#", read_timeout=5)
        assert "Configuration Saved." in cli2


def test_change_behind_is_checked_when_set(fresh_lab):
    with pytest.raises(FaultError, match="unknown node"):
        fresh_lab.fault("mm-1", "change-behind", "/md/Nowhere vlan-name x")
    with pytest.raises(FaultError, match="change-behind at /md"):
        fresh_lab.fault("mm-1", "change-behind", "/md frobnicate the estate")
    with pytest.raises(FaultError, match="NODE LINE"):
        fresh_lab.fault("mm-1", "change-behind", "vlan-name x")
    assert fresh_lab.core.faults_of("mm-1").active() == []


@pytest.fixture
def held(fresh_lab):
    fresh_lab.core.clock.hold()
    try:
        yield fresh_lab
    finally:
        fresh_lab.core.clock.release()


def ap_row(out: str, ap: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(ap + " "))


def test_a_rebooted_ap_is_down_for_the_rejoin_delay_then_up(held):
    lab = held
    ops = lab.core.ops
    ap = ops.aps[-1].name
    lab.settle(rejoin=90)
    assert "rejoin-delay 90" in lab.core.settings()
    lab.fault("mc-1", "reboot-ap", ap) if ops.ap_state[ap].switch == "mc-1" else lab.fault("mc-2", "reboot-ap", ap)
    with ConnectHandler(**lab.device_params("mm-1")) as conn:
        assert " Down " in ap_row(conn.send_command("show ap database"), ap)
        assert not re.search(rf"^{ap} ", conn.send_command("show ap active"), re.M)
        lab.advance(89)
        assert " Down " in ap_row(conn.send_command("show ap database"), ap)
        lab.advance(6)
        assert " Up 0m:5s " in ap_row(conn.send_command("show ap database"), ap)
        assert re.search(rf"^{ap} ", conn.send_command("show ap active"), re.M)


def test_reset_brings_the_settling_back_to_instant(held):
    lab = held
    ap = lab.core.ops.aps[-1].name
    lab.settle(rejoin=600)
    lab.fault(lab.core.ops.ap_state[ap].switch, "reboot-ap", ap)
    lab.reset()
    assert lab.core.ops.rejoin_delay == 0
    assert lab.core.ops.is_up(lab.core.ops.aps[-1])


def test_settle_arguments_are_checked(fresh_lab):
    for bad in ("soon", "-1", "nan", "99999999"):
        with pytest.raises(FaultError):
            fresh_lab.fault("mm-1", "rejoin-delay", bad)
    with pytest.raises(FaultError, match="needs an argument"):
        fresh_lab.fault("mm-1", "reload-delay")
    assert fresh_lab.core.ops.rejoin_delay == 0


def test_a_reloading_controller_is_unreachable_and_its_aps_fail_over(held):
    lab = held
    lab.settle(reload=300)
    with pytest.raises(FaultError, match="Mobility Conductor"):
        lab.fault("mm-1", "reload")
    ops = lab.core.ops
    on_mc1 = {n for n, st in ops.ap_state.items() if st.switch == "mc-1"}
    assert on_mc1
    open_conn = ConnectHandler(**lab.device_params("mc-1"))
    lab.fault("mc-1", "reload")
    with pytest.raises((NetmikoBaseException, NetmikoTimeoutException, OSError, EOFError)):
        open_conn.send_command("show version", read_timeout=2)
    with pytest.raises((NetmikoBaseException, NetmikoTimeoutException, OSError, EOFError)):
        ConnectHandler(**lab.device_params("mc-1"), conn_timeout=3, banner_timeout=3, auth_timeout=3)
    mc2 = lab.estate.device("mc-2").mgmt_ip
    with ConnectHandler(**lab.device_params("mm-1")) as conn:
        switches = conn.send_command("show switches")
        assert re.search(rf"^{re.escape(lab.estate.device('mc-1').mgmt_ip)} .* down ", switches, re.M)
        database = conn.send_command("show ap database")
    for ap in on_mc1:  # hitless: the cluster's standby took them, still Up with their uptime
        row = ap_row(database, ap)
        assert f" {mc2} " in row and " Up " in row
    lab.advance(301)
    with ConnectHandler(**lab.device_params("mc-1")) as conn:
        assert re.search(r"Switch uptime is 0 days 0 hours 0 minutes 1 seconds", conn.send_command("show version"))
