"""A device's serial console through its console-server line (SSH): the way back of a controller that does
not boot its new image (docs/upgrade.md). At the boot loader, set the default partition to the previous one
and boot it; the lines and patterns are data (upgrade.yaml, `console_*`, mostly [R])."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import paramiko

from wifiops.aos8.hostkeys import KnownHosts, VerifyPolicy
from wifiops.aos8.upgrade import upgrade_facts
from wifiops.errors import WifiopsError

WAKE_SHOWN = "(Enter)"  # how the plan shows the empty line that wakes the boot loader's prompt


def console_lines(partition: int) -> list[str]:
    """What is typed on the console to boot `partition`: the plan shows exactly these."""
    facts = upgrade_facts()
    return [facts.command("console_wake"), facts.command("console_set_boot", partition=partition),
            facts.command("console_boot")]


def shown(line: str) -> str:
    return line if line else WAKE_SHOWN


@dataclass
class ConsoleLog:
    """What was typed and what the console printed, in order (the host's log)."""

    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(f"{line}\n" for line in self.lines)


def boot_previous(name: str, address: str, port: int, *, username: str, password: str,
                  known_hosts: Path | KnownHosts,
                  partition: int, timeout: float, log: ConsoleLog) -> None:
    """Log in to the console line (its host key checked against `known_hosts` first), wake the boot loader,
    set `partition` as the default and boot it. Raises WifiopsError naming `name` when the console shows no
    boot-loader prompt (nothing is typed then but the Enter) or the boot loader refuses a line."""
    facts = upgrade_facts()
    prompt, booting, failed = (facts.patterns[k] for k in ("console_prompt", "console_booting", "console_failed"))
    client = paramiko.SSHClient()
    known = known_hosts if isinstance(known_hosts, KnownHosts) else KnownHosts(known_hosts)
    client.set_missing_host_key_policy(VerifyPolicy(known, address, port))
    try:
        client.connect(address, port=port, username=username, password=password, timeout=timeout,
                       banner_timeout=timeout, auth_timeout=timeout, look_for_keys=False, allow_agent=False)
    except (OSError, paramiko.SSHException) as exc:
        raise WifiopsError(f"{name}: its console {address}:{port} not reached ({exc}): boot partition {partition} "
                           "there by hand") from None
    try:
        chan = client.invoke_shell()
        chan.settimeout(0.2)

        def until(*patterns: object) -> str:
            seen, deadline = "", time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    data = chan.recv(65536)
                except socket.timeout:
                    continue
                if not data:
                    break  # the console closed: the device boots
                seen += data.decode(errors="replace")
                if any(p.search(seen) for p in patterns):  # type: ignore[attr-defined]
                    break
            log.lines += [f"console< {line}" for line in seen.replace("\r", "").splitlines() if line.strip()]
            return seen

        wake, set_boot, boot = console_lines(partition)
        for line, wanted in ((wake, (prompt,)), (set_boot, (prompt,)), (boot, (booting, failed))):
            log.lines.append(f"console> {shown(line)}")
            chan.send(line + "\r")
            seen = until(*wanted)
            if line == wake and not prompt.search(seen):
                raise WifiopsError(f"{name}: its console {address}:{port} shows no boot-loader prompt: boot "
                                   f"partition {partition} there by hand")
            if line != wake and failed.search(seen.split(line, 1)[-1]):
                raise WifiopsError(f"{name}: the boot loader refused `{line}`: boot partition {partition} on its "
                                   f"console {address}:{port} by hand")
    finally:
        client.close()
