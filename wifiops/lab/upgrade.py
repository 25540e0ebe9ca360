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

APs (docs/upgrade.md, "The lab"): each AP runs a release of its own (`show ap image version` [R layout]),
every one the estate's at start; an AP that (re)joins a controller takes that controller's release (it
downloads the image as it joins, part of its rejoin-delay) and keeps it through a hitless failover. AP image
preload (`ap image-preload activate all-aps|specific-aps [partition N] [max-downloads N]`, `add ap-group G`,
`cancel`: the syntax in Aruba's 8.5 CLI reference; `show ap image-preload status summary` [R]) lets the APs
of an MD download the image of one of its partitions while they serve, `max-downloads` at a time (ten by
default, as documented); an AP that later joins a controller running the release it preloaded skips the
download (DOWNLOAD_SHARE of its rejoin-delay).

Platform rules: an MD is never newer than its MM: `boot system partition N` on an MD whose partition N holds
a release newer than the conductor runs is refused, and a copy to an MD leaves the default boot partition
alone then [R: the rule is Aruba's (upgrade the MM first), its wording on the device was not found];
members of a cluster on two releases give no hitless failover (core.reload_device) [R]: docs/upgrade.md
says why.
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
# The share of an AP's rejoin-delay that is its image download [R]: an AP that preloaded the release of the
# controller it joins skips it. One preload download takes that long too, `max-downloads` APs at a time.
DOWNLOAD_SHARE = 0.5
PRELOAD_MAX_DOWNLOADS = 10  # [doc: ArubaOS 8.5 CLI reference, `ap image-preload`: "The default value is ten APs"]

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
    "md_newer": ["Error: partition {n} holds ArubaOS {version}, newer than the Mobility Conductor's {mm}: a managed "
                 "device cannot run a newer release than its conductor. Upgrade the conductor first."],
    "preload_empty": ["Error: partition {n} does not hold an image to preload"],
    "preload_none": ["AP image preload is not active"],
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


def newer(a: Partition, b: Partition) -> bool:
    """Release a is newer than b (8.10.0.14 > 8.10.0.12)."""
    def key(p: Partition) -> tuple[int, ...]:
        return tuple(int(x) for x in p.version.split(".") if x.isdigit())
    return key(a) > key(b)


@dataclass
class Preload:
    """One MD's AP image preload: the partition served, how many at a time, and each AP's instant done."""

    partition: int
    release: list[str]  # [version, build] of that partition
    max_downloads: int
    mode: str  # all-aps | specific-aps
    download_s: float  # one AP's download
    done: dict[str, float] = field(default_factory=dict)  # AP -> the instant its download ends


@dataclass
class UpgradeLab:
    firmware: dict[str, Firmware]
    faults: dict[str, list[str]] = field(default_factory=dict)  # host -> FAULTS switched on
    no_rejoin: dict[str, list[str]] = field(default_factory=dict)  # host -> APs kept Down by aps-no-rejoin
    ap_release: dict[str, list[str]] = field(default_factory=dict)  # AP -> [version, build]; absent: the estate's
    preloaded: dict[str, list[Any]] = field(default_factory=dict)  # AP -> [version, build, instant done]
    preloads: dict[str, Preload] = field(default_factory=dict)  # MD -> its active preload
    preload_list: dict[str, list[str]] = field(default_factory=dict)  # MD -> AP groups added (specific-aps)
    held: list[str] = field(default_factory=list)  # hosts a `boot-fail` keeps at the boot loader (console.py)

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
                "no_rejoin": {h: list(v) for h, v in self.no_rejoin.items()},
                "ap_release": dict(self.ap_release), "preloaded": dict(self.preloaded),
                "preloads": {h: asdict(p) for h, p in self.preloads.items()},
                "preload_list": {h: list(v) for h, v in self.preload_list.items()}, "held": list(self.held)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "UpgradeLab":
        firmware = {h: Firmware({int(k): (Partition(**p) if p else None) for k, p in f["partitions"].items()},
                                int(f["boot"]), int(f["running"])) for h, f in d.get("firmware", {}).items()}
        return cls(firmware, {h: list(v) for h, v in (d.get("faults") or {}).items()},
                   {h: list(v) for h, v in (d.get("no_rejoin") or {}).items()},
                   {a: list(v) for a, v in (d.get("ap_release") or {}).items()},
                   {a: list(v) for a, v in (d.get("preloaded") or {}).items()},
                   {h: Preload(**p) for h, p in (d.get("preloads") or {}).items()},
                   {h: list(v) for h, v in (d.get("preload_list") or {}).items()}, list(d.get("held") or []))

    # --- the APs' releases and the preload ------------------------------------------------------------
    def ap_version(self, ap: str) -> Partition:
        found = self.ap_release.get(ap)
        return Partition(found[0], found[1]) if found else Partition(*RELEASES[0])

    def follow(self, aps: set[str] | list[str], release: Partition) -> None:
        """These APs joined a controller running `release`: they run it now (downloaded as they joined)."""
        for ap in aps:
            self.ap_release[ap] = [release.version, release.build]
            self.preloaded.pop(ap, None)  # a reboot clears what was preloaded [doc: one preload per boot]

    def has_preloaded(self, ap: str, release: Partition, now: float) -> bool:
        found = self.preloaded.get(ap)
        if not found:
            return False
        return [found[0], found[1]] == [release.version, release.build] and now >= float(found[2])

    def preload_add(self, md: str, group: str) -> list[str]:
        groups = self.preload_list.setdefault(md, [])
        if group not in groups:
            groups.append(group)
        return []

    def preload_activate(self, md: str, mode: str, n: int | None, max_downloads: int | None,
                         aps: list[tuple[str, str]], now: float, download_s: float) -> list[str]:
        """`aps`: (name, group) of the APs active on `md` now; those allowed start downloading, max at a time."""
        fw = self.of(md)
        n = fw.boot if n is None else n
        part = fw.partitions.get(n)
        if part is None:
            return [m.format(n=n) for m in MESSAGES["preload_empty"]]
        k = max(1, max_downloads or PRELOAD_MAX_DOWNLOADS)
        allowed = [a for a, g in aps if mode == "all-aps" or g in self.preload_list.get(md, [])
                   or a in self.preload_list.get(md, [])]
        todo = [a for a in sorted(allowed) if self.ap_version(a) != part
                and (self.preloaded.get(a) or [])[:2] != [part.version, part.build]]
        done = {a: now + (i // k + 1) * download_s for i, a in enumerate(todo)}
        self.preloads[md] = Preload(n, [part.version, part.build], k, mode, download_s, done)
        for a, at in done.items():
            self.preloaded[a] = [part.version, part.build, at]
        return []

    def preload_cancel(self, md: str, now: float) -> list[str]:
        """APs downloading go on (as documented); those still waiting are dropped, and so is the list."""
        found = self.preloads.pop(md, None)
        self.preload_list.pop(md, None)
        if found is None:
            return list(MESSAGES["preload_none"])
        for a, at in found.done.items():
            if at - found.download_s > now:  # not started yet
                self.preloaded.pop(a, None)
        return []

    def preload_status(self, md: str, now: float) -> list[str]:
        """`show ap image-preload status summary` [R layout: key : value lines, the counts the feature's
        documentation names (downloading, done, failed)]."""
        found = self.preloads.get(md)
        if found is None:
            return ["", "AP Image Preload Status Summary", "-------------------------------",
                    f"{'AP Image Preload':<28}: Inactive"]
        done = sum(1 for t in found.done.values() if now >= t)
        started = sum(1 for t in found.done.values() if now >= t - found.download_s)
        return ["", "AP Image Preload Status Summary", "-------------------------------",
                f"{'AP Image Preload':<28}: Active ({found.mode})",
                f"{'Partition':<28}: {found.partition} (ArubaOS {found.release[0]}, build {found.release[1]})",
                f"{'Max Simultaneous Downloads':<28}: {found.max_downloads}",
                f"{'Total APs':<28}: {len(found.done)}",
                f"{'Preloaded':<28}: {done}",
                f"{'Downloading':<28}: {started - done}",
                f"{'Waiting':<28}: {len(found.done) - started}",
                f"{'Failed':<28}: 0"]

    # --- what the CLI does -------------------------------------------------------------------------
    def copy(self, host: str, model: str, server: str, file: str, n: int, ceiling: Partition | None = None
             ) -> list[str]:
        """`copy <proto>: ... system: partition N`: the output; the partition changes only on success. On an
        MD (`ceiling`: its conductor's release) a release newer than the conductor's is not made the boot one."""
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
        if ceiling is not None and newer(fw.partitions[n] or ceiling, ceiling):
            return [m.format(n=n) for m in MESSAGES["copy_progress"] + MESSAGES["copy_ok"][:1]]
        fw.boot = n
        return [m.format(n=n) for m in MESSAGES["copy_progress"] + MESSAGES["copy_ok"]]

    def set_boot(self, host: str, n: int, ceiling: Partition | None = None) -> list[str]:
        """`boot system partition N`; on an MD (`ceiling`: its conductor's running release) a newer release
        than the conductor's is refused."""
        fw = self.of(host)
        part = fw.partitions.get(n)
        if part is None:
            return [m.format(n=n) for m in MESSAGES["boot_empty"]]
        if ceiling is not None and newer(part, ceiling):
            return [m.format(n=n, version=part.version, mm=ceiling.version) for m in MESSAGES["md_newer"]]
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

    def reload(self, host: str, now: float = 0.0, by_hand: bool = False) -> tuple[bool, bool]:
        """The device boots its default partition (its AP preload ends: the downloads not finished by `now`
        are lost). Returns (changed release, comes back). `by_hand`: booted from its boot loader onto another
        partition than the one that failed (console.py): it comes back."""
        found = self.preloads.pop(host, None)
        self.preload_list.pop(host, None)
        for a, at in (found.done.items() if found else ()):
            if at > now:
                self.preloaded.pop(a, None)
        fw = self.of(host)
        before = fw.version()
        fw.running = fw.boot
        changed = fw.version() != before
        back = by_hand or not (changed and self.has(host, "boot-fail"))
        if host in self.held:
            self.held.remove(host)
        if not back:
            self.held.append(host)
        return changed, back
