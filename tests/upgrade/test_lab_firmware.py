"""The lab's firmware over real SSH (netmiko): two partitions, a copy with its signature checked, the boot
partition, `reload` with its down time on the lab clock, the release then reported (docs/upgrade.md)."""

from __future__ import annotations

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


def test_copy_boot_reload_reports_the_new_release(fresh_lab) -> None:  # type: ignore[no-untyped-def]
    fresh_lab.settle(reload=300)
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
