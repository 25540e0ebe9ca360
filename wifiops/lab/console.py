"""A device's serial console, as a console server serves it: one SSH listener per device that declares a
`console:` line in the inventory, answering even while the device is down (docs/upgrade.md, "The lab").

Why: a controller that does not boot its new image cannot be reached on its management address; the way
back is its console, at the boot loader. What a client meets here:
- the device up: its ordinary CLI (the same shell as its SSH listener);
- the device held at its boot loader (fault `boot-fail`, upgrade.py): the CPBoot prompt; `osinfo` lists the
  partitions, `def_part N` sets the default boot partition, `boot` boots it: onto the partition that failed
  it fails again (the prompt comes back), onto the other one the console closes and the device comes up
  after the lab's reload-delay, running that partition's release [R: the CPBoot banner is seen in a public
  capture of an Aruba controller's console; the prompt and these commands' names and answers are
  reconstructed, docs/upgrade.md];
- the device rebooting: nothing but what it prints (no prompt), as a console line shows a boot.
Each line typed here is in the host's record of what it received, as `console> <line>`.
"""

from __future__ import annotations

from typing import Any

import asyncssh

from wifiops.lab.core import LabCore
from wifiops.lab.estate import LabDeviceSpec

LINE_END = "\r\n"
PROMPT = "CPBoot>> "  # [R]
BANNER = ["", "CPBoot 1.3.0.1 (build 28907)", "Boot: Primary bootflash partition", "",  # [seen: a public capture]
          "Hit any key to stop autoboot:  0", "Boot failed: the OS image did not start (watchdog reset)"]  # [R]


def boot_loader(core: LabCore, host: str, line: str) -> tuple[list[str], bool]:
    """One line typed at the boot loader: (what it prints, the device booted and the console closes)."""
    fw = core.images.of(host)
    words = line.split()
    if not words:
        return [], False
    if words == ["osinfo"]:
        out = []
        for n, part in sorted(fw.partitions.items()):
            what = f"ArubaOS {part.version} (build {part.build})" if part else "no image"
            out.append(f"Partition {n}: {what}" + ("  [default]" if n == fw.boot else ""))
        return out, False
    if words[0] == "def_part" and len(words) == 2 and words[1] in ("0", "1"):
        n = int(words[1])
        if fw.partitions.get(n) is None:
            return [f"Error: partition {n} holds no image"], False
        fw.boot = n
        return [f"Default boot partition set to {n}"], False
    if words == ["boot"]:
        said = [f"Booting OS partition {fw.boot} ..."]
        if fw.boot == fw.running:  # the partition that failed: it fails again
            return said + ["Boot failed: the OS image did not start (watchdog reset)"], False
        core.reload_device(host, by_hand=True)
        return said, True
    return [f"Unknown command '{words[0]}' - try 'help'"], False


class _BootLoaderSession(asyncssh.SSHServerSession):  # type: ignore[misc]
    """The console line of a device at its boot loader (or rebooting): echo, answer, prompt."""

    def __init__(self, core: LabCore, device: LabDeviceSpec) -> None:
        self.core, self.device = core, device
        self.chan: Any = None
        self.buf = ""
        self.session = core.next_session()

    def connection_made(self, chan: Any) -> None:
        self.chan = chan

    def pty_requested(self, *args: Any) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def session_started(self) -> None:
        if self._held():
            self.chan.write(LINE_END.join(BANNER) + LINE_END + PROMPT)
        else:
            self.chan.write(LINE_END)  # rebooting: it prints no prompt yet

    def _held(self) -> bool:
        return self.device.name in self.core.images.held

    def data_received(self, data: str, datatype: Any) -> None:
        self.buf += data
        while True:
            idx = min((i for i in (self.buf.find("\r"), self.buf.find("\n")) if i >= 0), default=-1)
            if idx < 0:
                return
            line, self.buf = self.buf[:idx], self.buf[idx + 1:].lstrip("\n")
            if not self._held():
                continue  # a booting device takes no input
            self.core.record(self.device.name, self.session, f"console> {line}")
            out, booted = boot_loader(self.core, self.device.name, line)
            self.chan.write(line + LINE_END + "".join(o + LINE_END for o in out))
            if booted:
                self.chan.exit(0)
                return
            self.chan.write(PROMPT)


class ConsoleServer(asyncssh.SSHServer):  # type: ignore[misc]
    """One device's console-server line: the device's login; served whether the device is up or not."""

    def __init__(self, core: LabCore, device: LabDeviceSpec, shell: Any) -> None:
        self.core, self.device, self.shell = core, device, shell
        self.username = ""

    def begin_auth(self, username: str) -> bool:
        self.username = username
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == self.device.username and password == self.device.password

    def session_requested(self) -> Any:
        if self.device.name in self.core.images.held or self.core.ops.is_reloading(self.device.name):
            return _BootLoaderSession(self.core, self.device)
        return self.shell(self.core, self.device, self.username)  # up: its CLI


async def serve_console(core: LabCore, device: LabDeviceSpec, shell: Any, address: str, port: int,
                        key: asyncssh.SSHKey) -> Any:
    return await asyncssh.create_server(lambda: ConsoleServer(core, device, shell), address, port,
                                        server_host_keys=[key], encoding="utf-8", line_editor=False,
                                        keepalive_interval=0, login_timeout=30)

