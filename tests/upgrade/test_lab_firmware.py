"""The lab's firmware over real SSH (netmiko): two partitions, a copy with its signature checked, the boot
partition, `reload` with its down time on the lab clock, the release then reported (docs/upgrade.md)."""

from __future__ import annotations

import paramiko
import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import NetmikoBaseException
from paramiko.ssh_exception import SSHException

NEW = "ArubaOS_72xx_8.10.0.14_91234"


def _session(lab, host):  # type: ignore[no-untyped-def]
    return ConnectHandler(**lab.device_params(host))


def _reload(conn) -> str:  # type: ignore[no-untyped-def]
    out = str(conn.send_command_timing("reload", read_timeout=5))
    try:
        out += str(conn.send_command_timing("y", read_timeout=2))
    except (OSError, EOFError, SSHException, NetmikoBaseException):
        pass  # the device went
    return out


def _upgrade_conductor(lab) -> None:  # type: ignore[no-untyped-def]
    """mm-1 onto 8.10.0.14 (an MD never runs newer code than its MM), back after the lab's reload delay."""
    with _session(lab, "mm-1") as conn:
        assert "Image upgraded successfully" in conn.send_command(
            "copy tftp: 10.1.11.50 ArubaOS_MM_8.10.0.14_91234 system: partition 1")
        conn.send_command("boot system partition 1")
        _reload(conn)
    lab.advance(301)


def test_an_md_newer_than_its_conductor_is_refused(fresh_lab) -> None:  # type: ignore[no-untyped-def]
    with _session(fresh_lab, "mc-1") as conn:
        copied = conn.send_command(f"copy tftp: 10.1.11.50 {NEW} system: partition 1")
        assert "Image upgraded successfully" in copied and "boot from partition 1" not in copied
        said = conn.send_command("boot system partition 1")
        assert "newer than the Mobility Conductor's 8.10.0.12" in said
        assert "Boot Partition: PARTITION 0" in conn.send_command("show boot")


def test_copy_boot_reload_reports_the_new_release(fresh_lab) -> None:  # type: ignore[no-untyped-def]
    fresh_lab.settle(reload=300)
    _upgrade_conductor(fresh_lab)
    with _session(fresh_lab, "mc-1") as conn:
        assert "**Default boot**" in conn.send_command("show image version").split("0:1")[0]
        copied = conn.send_command(f"copy tftp: 10.1.11.50 {NEW} system: partition 1")
        assert "Image upgraded successfully" in copied
        images = conn.send_command("show image version")
        assert "8.10.0.14" in images.split("0:1")[1] and "**Default boot**" in images.split("0:1")[1]
        conn.send_command("boot system partition 1")
        assert "Boot Partition: PARTITION 1" in conn.send_command("show boot")
        assert "8.10.0.12" in conn.send_command("show version")  # still running the old one
        said = _reload(conn)
    assert "(y/n)" in said and "System will now restart!" in said
    fresh_lab.advance(1)
    with pytest.raises((OSError, EOFError, SSHException, NetmikoBaseException)):  # down while it reloads
        _session(fresh_lab, "mc-1").disconnect()
    with _session(fresh_lab, "mm-1") as conn:
        row = next(line for line in conn.send_command("show switches").splitlines() if " mc-1 " in line)
        assert " down " in row
    fresh_lab.advance(300)
    with _session(fresh_lab, "mc-1") as conn:
        assert "Version 8.10.0.14" in conn.send_command("show version")
    with _session(fresh_lab, "mm-1") as conn:
        row = next(line for line in conn.send_command("show switches").splitlines() if " mc-1 " in line)
        assert "8.10.0.14_91234" in row and " up " in row


def test_a_corrupt_image_leaves_the_partition_as_it_was(fresh_lab) -> None:  # type: ignore[no-untyped-def]
    fresh_lab.fault("mc-2", "image-corrupt")
    with _session(fresh_lab, "mc-2") as conn:
        before = conn.send_command("show image version")
        said = conn.send_command(f"copy tftp: 10.1.11.50 {NEW} system: partition 1")
        assert "signature verification failed" in said
        assert conn.send_command("show image version") == before


def test_an_scp_copy_asks_a_password_never_echoed_nor_recorded(fresh_lab) -> None:  # type: ignore[no-untyped-def]
    since = fresh_lab.received_count("mc-1")
    with _session(fresh_lab, "mc-1") as conn:
        asked = conn.send_command_timing(f"copy scp: 10.1.11.50 backup {NEW} system: partition 1")
        assert asked.rstrip().endswith("Password:")
        done = conn.send_command_timing("S3cret-scp!")
        assert "S3cret-scp!" not in done and "Image upgraded successfully" in done
    lines = fresh_lab.received("mc-1", since)
    assert "S3cret-scp!" not in lines and "********" in lines


def test_another_platform_image_is_refused(fresh_lab) -> None:  # type: ignore[no-untyped-def]
    with _session(fresh_lab, "mm-2") as conn:
        said = conn.send_command(f"copy tftp: 10.1.11.50 {NEW} system: partition 1")
        assert "not an image for this platform" in said
        assert "Image not present" not in said


def _ap_versions(lab, host: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with _session(lab, host) as conn:
        text = conn.send_command("show ap image version")
    rows = [line.split() for line in text.splitlines()]
    return {r[0]: r[4] for r in rows if len(r) == 6 and r[4][:1].isdigit()}


def test_aps_follow_their_controller_and_a_preload_shortens_their_rejoin(fresh_lab) -> None:  # type: ignore[no-untyped-def]
    fresh_lab.settle(reload=300, rejoin=120)
    assert set(_ap_versions(fresh_lab, "mm-1").values()) == {"8.10.0.12_89321"}
    _upgrade_conductor(fresh_lab)
    with _session(fresh_lab, "mc-1") as conn:
        conn.send_command(f"copy tftp: 10.1.11.50 {NEW} system: partition 1")
        assert conn.send_command("ap image-preload activate all-aps partition 1 max-downloads 200") == ""
        status = conn.send_command("show ap image-preload status summary")
        assert "Active (all-aps)" in status and "Downloading                 : " in status
        fresh_lab.advance(61)  # one batch: half the rejoin delay
        status = conn.send_command("show ap image-preload status summary")
        total = int(status.split("Total APs")[1].split(":")[1].split()[0])
        assert total > 0 and f"Preloaded                   : {total}" in status
        mine = _ap_versions(fresh_lab, "mc-1")
        assert set(mine.values()) == {"8.10.0.12_89321"}  # preloaded, still running the old release
        conn.send_command("boot system partition 1")
        _reload(conn)
    fresh_lab.advance(301)  # mc-1 back on 8.10.0.14; its APs are on mc-2 (hitless failover, old release)
    with _session(fresh_lab, "mc-2") as conn:
        conn.send_command(f"copy tftp: 10.1.11.50 {NEW} system: partition 1")
        conn.send_command("boot system partition 1")
        _reload(conn)
    # every AP re-homes to mc-1: the ones that preloaded there skip the download and are Up first
    fresh_lab.advance(61)
    with _session(fresh_lab, "mm-1") as conn:
        up = [line for line in conn.send_command("show ap database").splitlines() if " Up " in line]
    assert len(up) == total
    fresh_lab.advance(60)
    versions = _ap_versions(fresh_lab, "mm-1")
    assert len(versions) == 358 and set(versions.values()) == {"8.10.0.14_91234"}


def _console(lab, host):  # type: ignore[no-untyped-def]
    """An interactive shell on `host`'s console-server line (real SSH, its key checked)."""
    client = paramiko.SSHClient()
    client.load_host_keys(str(lab.known_hosts))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    user, password = lab.credentials
    client.connect("127.0.0.1", port=lab.console_ports[host], username=user, password=password,
                   look_for_keys=False, allow_agent=False, timeout=10)
    chan = client.invoke_shell()
    chan.settimeout(10)
    return client, chan


def _until(chan, text: str) -> str:  # type: ignore[no-untyped-def]
    seen = ""
    while text not in seen:
        data = chan.recv(65536)
        if not data:
            break
        seen += data.decode()
    return seen


def test_a_controller_that_does_not_boot_waits_at_its_boot_loader_on_its_console(fresh_lab) -> None:  # type: ignore[no-untyped-def]
    fresh_lab.settle(reload=300)
    _upgrade_conductor(fresh_lab)
    fresh_lab.fault("mc-2", "boot-fail")
    with _session(fresh_lab, "mc-2") as conn:
        conn.send_command(f"copy tftp: 10.1.11.50 {NEW} system: partition 1")
        _reload(conn)
    fresh_lab.advance(3600)  # an hour on: still down, its management address answers nothing
    with pytest.raises((OSError, EOFError, SSHException, NetmikoBaseException)):
        _session(fresh_lab, "mc-2").disconnect()
    client, chan = _console(fresh_lab, "mc-2")
    try:
        assert "CPBoot>> " in _until(chan, "CPBoot>> ")
        chan.send("osinfo\r")
        listed = _until(chan, "CPBoot>> ")
        assert "Partition 0: ArubaOS 8.10.0.12" in listed and "Partition 1: ArubaOS 8.10.0.14 (build 91234)  [default]" in listed
        chan.send("boot\r")  # the partition that failed fails again
        assert "Boot failed" in _until(chan, "CPBoot>> ")
        chan.send("def_part 0\r")
        _until(chan, "CPBoot>> ")
        chan.send("boot\r")
        assert "Booting OS partition 0" in _until(chan, "\x00")  # then the console closes: it boots
    finally:
        client.close()
    fresh_lab.advance(301)  # the lab's reload delay
    with _session(fresh_lab, "mc-2") as conn:
        assert "Version 8.10.0.12" in conn.send_command("show version")
    # up, its console line shows its CLI
    client, chan = _console(fresh_lab, "mc-2")
    try:
        assert "#" in _until(chan, "#")
    finally:
        client.close()
