"""Firmware on the lab's MMs and controllers: two boot partitions each, images copied from a file server,
the boot partition chosen, `reload` onto it (docs/upgrade.md; evidence tags [V]/[CODE]/[R] there).

What a client meets, and what the lab therefore keeps:
- each device has partitions 0 and 1, each empty or holding one release (version, build); one is the
  default boot partition (`show boot`, `show image version` marks it **Default boot**), one is running;
- `copy tftp: | scp: | ftp: ...  system: partition N` fetches a file from the lab's file server (a name
  the catalogue below knows, for the device's platform) into partition N; the image's signature is
  checked as it lands; a bad one (fault `image-corrupt`) or another platform's image leaves the
  partition as it was and says so; the copied partition becomes the default boot partition [R];
- `boot system partition N` sets the default boot partition (refused when N is empty);
- `reload` asks `(y/n)`, then the device is unreachable for the lab's reload-delay and comes back running
  its default boot partition (`show version`, `show switches` then report that release);
- faults: `image-corrupt` (the next copies to the host fail their signature check), `boot-fail` (a reload
  onto another release does not come back: the device stays down until the lab is reset),
  `aps-no-rejoin` (after a reload onto another release, the APs the controller served stay Down until
  it runs its previous release again).

Platform rules: an MD newer than its MM is not refused by the lab; members of a cluster on two releases give no
hitless failover (core.reload_device) [R]:
docs/upgrade.md says why.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

PARTITIONS = (0, 1)
# The image file names Aruba publishes, by platform: `ArubaOS_MM_8.6.0.5_75979` for an MM VA [CODE, a
# public upgrade script], `ArubaOS_70xx_6.4.4.16_61809` for a 7000 [CODE, a public netmiko script]; the
# 7200's `72xx` by analogy [R].
IMAGE_PREFIX = {"ArubaMM-VA": "ArubaOS_MM", "Aruba7210": "ArubaOS_72xx"}
IMAGE_NAME = re.compile(r"(?P<prefix>ArubaOS_\w+?)_(?P<version>\d+\.\d+\.\d+\.\d+)_(?P<build>\d+)$")
# Releases the lab's file server holds, for every platform (version, build); the first one is what the
# estate runs at start (CCTP: 8.10.0.12 LSR). 8.10.0.14 is the lab's "next" release [R: build invented].
RELEASES = (("8.10.0.12", "89321"), ("8.10.0.14", "91234"), ("8.10.0.13", "90655"))
FILE_SERVER_HOSTS = "any"  # the lab's file server answers on any address a copy names
FAULTS = ("image-corrupt", "boot-fail", "aps-no-rejoin", "disk-full")
# `show storage`: the flash file system, in MB (size, used) [R]; disk-full leaves DISK_FULL_FREE_MB free
FLASH_MB = {"Aruba7210": (7600.0, 1540.0), "ArubaMM-VA": (31745.0, 4210.0)}
DISK_FULL_FREE_MB = 40.0
BOOT_FAIL_S = 10 * 365 * 86_400.0  # "does not come back": down until the lab is reset

# What the device prints [R unless marked]; docs/upgrade.md lists what could not be confirmed.
MESSAGES: dict[str, Any] = {
    "reload_question": "Do you really want to restart the system(y/n): ",   # [V] arubaos8.md §2 (mm01 reload)
    "reload_now": ["", "System will now restart!"],                           # [V] same capture
    "password": "Password:",
    "copy_progress": ["", "Upgrading partition {n}", "...................................................."],
    "copy_ok": ["Image upgraded successfully", "", "The system will boot from partition {n} during the next reboot."],
    "no_file": ["", "Error: could not fetch {file} from {server}: file not found"],
    "bad_signature": ["", "Upgrading partition {n}", "", "Error: Image signature verification failed. Partition {n} "
                      "was not changed."],
    "wrong_platform": ["", "Error: {file} is not an image for this platform ({model}). Partition {n} was not "
                       "changed."],
    "boot_empty": ["Error: partition {n} does not hold an image"],
    "boot_set": [],
}


def image_name(model: str, version: str, build: str) -> str:
    return f"{IMAGE_PREFIX.get(model, 'ArubaOS_MM')}_{version}_{build}"


def image_sha256(name: str) -> str:
    """The SHA-256 Aruba publishes for a file of the lab's server: the hash of its (lab) content."""
    return hashlib.sha256(image_content(name)).hexdigest()


def image_content(name: str) -> bytes:
    """The bytes the lab's file server serves for `name` (a stand-in for the real image)."""
    return f"lab image {name}\n".encode()


@dataclass
class Partition:
    version: str
    build: str


@dataclass
class Firmware:
    """One device's two partitions, the default boot one and the running one."""

    partitions: dict[int, Partition | None]
    boot: int = 0
    running: int = 0

    def version(self) -> Partition:
        return self.partitions[self.running] or Partition(*RELEASES[0])


@dataclass
class UpgradeLab:
    firmware: dict[str, Firmware]
    faults: dict[str, list[str]] = field(default_factory=dict)  # host -> FAULTS switched on
    no_rejoin: dict[str, list[str]] = field(default_factory=dict)  # host -> APs kept Down by aps-no-rejoin

    @classmethod
    def build(cls, names: list[str]) -> "UpgradeLab":
        """Every device runs partition 0 holding the estate's release; partition 1 holds the release before
        it (the way back an upgrade left), as on a device upgraded once before [R]."""
        current, previous = Partition(*RELEASES[0]), Partition("8.10.0.7", "86231")
        return cls({n: Firmware({0: current, 1: previous}) for n in names})

    def of(self, host: str) -> Firmware:
        if host not in self.firmware:
            self.firmware[host] = Firmware({0: Partition(*RELEASES[0]), 1: None})
        return self.firmware[host]

    def has(self, host: str, fault: str) -> bool:
        return fault in self.faults.get(host, [])

    def set_fault(self, host: str, kind: str) -> None:
        self.faults.setdefault(host, [])
        if kind not in self.faults[host]:
            self.faults[host].append(kind)

    def clear(self, host: str) -> None:
        self.faults.pop(host, None)

    def to_dict(self) -> dict[str, Any]:
        return {"firmware": {h: {"partitions": {str(k): (asdict(p) if p else None) for k, p in f.partitions.items()},
                                 "boot": f.boot, "running": f.running} for h, f in self.firmware.items()},
                "faults": {h: list(v) for h, v in self.faults.items()},
                "no_rejoin": {h: list(v) for h, v in self.no_rejoin.items()}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "UpgradeLab":
        firmware = {h: Firmware({int(k): (Partition(**p) if p else None) for k, p in f["partitions"].items()},
                                int(f["boot"]), int(f["running"])) for h, f in d.get("firmware", {}).items()}
        return cls(firmware, {h: list(v) for h, v in (d.get("faults") or {}).items()},
                   {h: list(v) for h, v in (d.get("no_rejoin") or {}).items()})

    # --- what the CLI does -------------------------------------------------------------------------
    def copy(self, host: str, model: str, server: str, file: str, n: int) -> list[str]:
        """`copy <proto>: ... system: partition N`: the output; the partition changes only on success."""
        found = IMAGE_NAME.match(file.rsplit("/", 1)[-1])
        known = found is not None and (found["version"], found["build"]) in RELEASES
        if found is None or not known:
            return [m.format(file=file, server=server) for m in MESSAGES["no_file"]]
        if found["prefix"] != IMAGE_PREFIX.get(model):
            return [m.format(file=file, model=model, n=n) for m in MESSAGES["wrong_platform"]]
        if self.has(host, "image-corrupt"):
            return [m.format(n=n) for m in MESSAGES["bad_signature"]]
        fw = self.of(host)
        fw.partitions[n] = Partition(found["version"], found["build"])
        fw.boot = n
        return [m.format(n=n) for m in MESSAGES["copy_progress"] + MESSAGES["copy_ok"]]

    def set_boot(self, host: str, n: int) -> list[str]:
        fw = self.of(host)
        if fw.partitions.get(n) is None:
            return [m.format(n=n) for m in MESSAGES["boot_empty"]]
        fw.boot = n
        return list(MESSAGES["boot_set"])

    def image_version(self, host: str) -> list[str]:
        """`show image version` [R layout: partition lines as remembered from ArubaOS 6/8 controllers]."""
        fw = self.of(host)
        rule = "-" * 34
        out = [rule]
        for n in PARTITIONS:
            part = fw.partitions.get(n)
            mark = " **Default boot**" if n == fw.boot else ""
            out.append(f"Partition               : 0:{n} (/dev/usb/flash{n + 1}){mark}")
            if part is None:
                out.append(f"/dev/usb/flash{n + 1}: Image not present")
            else:
                out += [f"Software Version        : ArubaOS {part.version} (Digitally Signed SHA1/SHA256 - "
                        "Production Build)",
                        f"Build number            : {part.build}",
                        f"Label                   : {part.build}",
                        "Built on                : Thu Sep 12 03:41:27 UTC 2024"]
            out.append(rule)
        return out

    def show_boot(self, host: str) -> list[str]:
        """`show boot` [R]."""
        return ["", "Config File: default.cfg", f"Boot Partition: PARTITION {self.of(host).boot}"]

    def show_storage(self, host: str, model: str) -> list[str]:
        """`show storage` [R layout: df-like, sizes with a unit]; the flash is where images land."""
        size, used = FLASH_MB.get(model, (7600.0, 1540.0))
        if self.has(host, "disk-full"):
            used = size - DISK_FULL_FREE_MB
        free = size - used

        def unit(mb: float) -> str:
            return f"{mb / 1024:.1f}G" if mb >= 1024 else f"{mb:.1f}M"
        return ["", f"{'Filesystem':<24}{'Size':>8}{'Used':>10}{'Available':>10} Use% Mounted on",
                f"{'none':<24}{'500.0M':>8}{'12.3M':>10}{'487.7M':>10}   2% /tmp",
                f"{'/dev/usb/flash3':<24}{unit(size):>8}{unit(used):>10}{unit(free):>10} {used / size:4.0%} /flash"]

    def reload(self, host: str) -> tuple[bool, bool]:
        """The device boots its default partition. Returns (changed release, comes back)."""
        fw = self.of(host)
        before = fw.version()
        fw.running = fw.boot
        changed = fw.version() != before
        return changed, not (changed and self.has(host, "boot-fail"))
