"""The firmware reader (wifiops/aos8/upgrade.py) on real public captures (tests/real/firmware/README.md)."""

from __future__ import annotations

from pathlib import Path

from wifiops.aos8.upgrade import read_partitions

FIRMWARE = Path(__file__).with_name("firmware")


def test_a_real_show_image_version_gives_its_partition_and_default_boot() -> None:
    text = (FIRMWARE / "show-image-version.thuongnguyen-7240.txt").read_text(encoding="utf-8")
    found = read_partitions(text)
    assert found.default == 0 and list(found.images) == [0]
    # the page shows no release number after `ArubaOS`: the reader does not guess one (no way back read from it)
    assert found.images[0] is None


def test_the_lab_prints_the_partition_line_as_the_capture_does() -> None:
    from wifiops.lab.upgrade import UpgradeLab

    real = (FIRMWARE / "show-image-version.thuongnguyen-7240.txt").read_text(encoding="utf-8").splitlines()[1]
    lab = UpgradeLab.build(["mc-1"]).image_version("mc-1")[1]
    assert lab.split(":", 1)[1].split() == real.split(":", 1)[1].split()  # `0:0 (/dev/usb/flash1) **Default boot**`
