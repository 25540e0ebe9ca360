"""Per-host faults, switchable while the lab runs (from Python, or from another process via control.py).

Each fault reproduces something a client meets in the field:
  refuse-login        password rejected (netmiko: NetmikoAuthenticationException)
  drop-after BYTES    the session is cut after BYTES bytes of output (a flapping WAN link)
  slow MS             MS milliseconds of latency before every answer the device sends (a VPN and a
  slow MIN-MAX        bastion away); MIN-MAX draws each answer's latency uniformly in that range (jitter).
                      Answers keep their order, as TCP keeps it: echo, output, then the prompt.
  reject-line REGEX   config lines matching REGEX are refused with the device's parse error
  ap-group-down GROUP the APs of GROUP show Down and carry no clients (a switch stack lost)
  ap-group-stuck GROUP the APs of GROUP do not come up on the controllers a move sends them to (a firewall
                      rule missing on the new controllers' VLAN, CPsec whitelist not synced): moved while
                      this is on, they show Down in `show ap database` (Switch IP: the new controller)
                      and carry no clients; moved back to the controllers they were on, they come up
                      there; `clear` brings them up where they are (LabCore.rehome, Operations.stuck)
  hang                the device stops answering; the TCP/SSH connection stays open
  new-host-key        new connections get a freshly generated host key that is not in the known-hosts
                      file the lab wrote (a replaced device, or an impostor on its address)
  reboot-ap AP        the AP reboots now: its uptime (and its users' ages) start again from zero, as a
                      health check must notice. An event, not a state: the lab core applies it to the
                      estate's AP (core.set_fault) and nothing stays switched on for `clear` to undo.
  reject-device REGEX a ClearPass server refuses (422) to create or change a network device whose name
                      matches REGEX, as it refuses one it finds invalid (a runbook's copy must roll back)
  write-memory-error  `write memory` answers an error (grammar.yaml messages.write_memory_error, wording
                      unconfirmed, docs/lab.md) and commits nothing: the `^` stays, the changes stay pending
  write-memory-pending `write memory` answers as usual ("Configuration Saved.") but commits nothing: the
                      `^` stays and the changes stay pending (a save that silently did not happen)
  change-behind NODE LINE[ ; LINE...]   another administrator commits LINE(s) at NODE right after the next
                      `write memory` of any MM session (a node changed behind a run's back); fires once.
                      Several lines (a profile and its attributes) are separated by " ; ", `exit` leaves
                      a profile. Checked when set: an unknown node or a line the device refuses is an error
  rejoin-delay SECONDS  lab-wide, whatever host names it: an AP moved to other controllers, rebooted or
                      back from a lost switch takes SECONDS of the lab clock before it shows Up (Down in
                      `show ap database`, absent from `show ap active`, no users meanwhile)
  reload-delay SECONDS  lab-wide: how long a `reload` takes (the controller unreachable)
  reload              an event: the MD reloads now: new SSH connections are cut and open ones dropped for
                      reload-delay seconds of the lab clock, `show switches` says it is down, its APs fail
                      over to their standby controller (or are Down until it is back, then rejoin-delay);
                      back, its uptime starts again
  clear               all of the above off (the host's own key is served again); rejoin-delay and
                      reload-delay are lab settings, not faults: `clear` leaves them

A ClearPass server (HTTPS, clearpass/) takes refuse-login (its OAuth2 endpoint refuses the API client),
slow, hang (the request is read, the answer never comes) and reject-device; the SSH devices take the rest.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

KINDS = ("refuse-login", "drop-after", "slow", "reject-line", "ap-group-down", "ap-group-stuck", "hang",
         "new-host-key", "reboot-ap", "reject-device", "write-memory-error", "write-memory-pending",
         "change-behind", "rejoin-delay", "reload-delay", "reload")
NEEDS_ARG = {"drop-after", "slow", "reject-line", "ap-group-down", "ap-group-stuck", "reboot-ap", "reject-device",
             "change-behind", "rejoin-delay", "reload-delay"}
CLEARPASS_KINDS = ("refuse-login", "slow", "hang", "reject-device")  # what a ClearPass server can be made to do
SSH_KINDS = tuple(k for k in KINDS if k != "reject-device")
EVENTS = {"reboot-ap", "reload"}  # applied once by the lab core; HostFaults keeps nothing for them
SETTINGS = {"rejoin-delay", "reload-delay"}  # lab-wide settings the core keeps (Operations), not host faults
CHANGE_SEPARATOR = " ; "  # between the lines of one change-behind
DELAY_MAX_S = 86_400
_SLOW = re.compile(r"(\d{1,9})(?:-(\d{1,9}))?")
SLOW_MAX_MS = 600_000  # ten minutes: beyond that, `hang` says what is meant


class FaultError(ValueError):
    """A fault request a person got wrong (unknown kind, missing or bad argument)."""


@dataclass
class HostFaults:
    refuse_login: bool = False
    drop_after: int | None = None
    slow_ms: int = 0  # latency of each answer, or the low end of its range when slow_max_ms is set
    slow_max_ms: int | None = None  # high end of the range (jitter); None: a fixed latency
    reject_line: str | None = None
    ap_groups_down: list[str] = field(default_factory=list)
    ap_groups_stuck: list[str] = field(default_factory=list)
    hang: bool = False
    new_host_key: bool = False
    reject_device: str | None = None
    write_memory_error: bool = False
    write_memory_pending: bool = False
    # change-behind: [node, [lines]] committed by another administrator after the next write memory
    change_behind: list[list[Any]] = field(default_factory=list)

    def set(self, kind: str, arg: str | None = None) -> None:
        if kind not in KINDS:
            raise FaultError(f"unknown fault kind {kind!r}; expected one of {', '.join(KINDS)} or clear")
        if kind in NEEDS_ARG and (arg is None or arg == ""):
            raise FaultError(f"fault {kind} needs an argument")
        value = arg or ""
        try:
            if kind == "refuse-login":
                self.refuse_login = True
            elif kind == "drop-after":
                self.drop_after = int(value)
            elif kind == "slow":
                self.slow_ms, self.slow_max_ms = _parse_slow(value)
            elif kind == "reject-line":
                re.compile(value)
                self.reject_line = value
            elif kind == "ap-group-down":
                if value not in self.ap_groups_down:
                    self.ap_groups_down.append(value)
            elif kind == "ap-group-stuck":
                if value not in self.ap_groups_stuck:
                    self.ap_groups_stuck.append(value)
            elif kind == "hang":
                self.hang = True
            elif kind == "new-host-key":
                self.new_host_key = True
            elif kind == "reject-device":
                re.compile(value)
                self.reject_device = value
            elif kind == "write-memory-error":
                self.write_memory_error = True
            elif kind == "write-memory-pending":
                self.write_memory_pending = True
            elif kind == "change-behind":
                self.change_behind.append(list(parse_change_behind(value)))
            elif kind in SETTINGS:
                parse_delay(value)  # the core keeps it (lab-wide)
            # EVENTS (reboot-ap): the argument is checked above, the core applies the event
        except (ValueError, re.error) as exc:
            raise FaultError(f"bad argument for {kind}: {arg!r} ({exc})") from exc

    def rejects(self, line: str) -> bool:
        return self.reject_line is not None and re.search(self.reject_line, line) is not None

    def rejects_device(self, name: str) -> bool:
        return self.reject_device is not None and re.search(self.reject_device, name) is not None

    def latency(self) -> float:
        """Seconds the next answer waits before it goes out (0 without a `slow` fault)."""
        if self.slow_max_ms is None:
            return self.slow_ms / 1000
        return random.uniform(self.slow_ms, self.slow_max_ms) / 1000

    def active(self) -> list[str]:
        """Human summary, e.g. ['slow 200', 'hang'] (as typed to `wifiops lab fault`)."""
        out = []
        if self.refuse_login:
            out.append("refuse-login")
        if self.drop_after is not None:
            out.append(f"drop-after {self.drop_after}")
        if self.slow_max_ms is not None:
            out.append(f"slow {self.slow_ms}-{self.slow_max_ms}")
        elif self.slow_ms:
            out.append(f"slow {self.slow_ms}")
        if self.reject_line:
            out.append(f"reject-line {self.reject_line}")
        out += [f"ap-group-down {g}" for g in self.ap_groups_down]
        out += [f"ap-group-stuck {g}" for g in self.ap_groups_stuck]
        if self.hang:
            out.append("hang")
        if self.new_host_key:
            out.append("new-host-key")
        if self.reject_device:
            out.append(f"reject-device {self.reject_device}")
        if self.write_memory_error:
            out.append("write-memory-error")
        if self.write_memory_pending:
            out.append("write-memory-pending")
        out += [f"change-behind {node} {CHANGE_SEPARATOR.join(lines)}" for node, lines in self.change_behind]
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "HostFaults":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


def _parse_slow(value: str) -> tuple[int, int | None]:
    """`150` -> (150, None); `0-1000` -> (0, 1000). Milliseconds, MIN <= MAX."""
    m = _SLOW.fullmatch(value.strip())
    if not m:
        raise ValueError("expected MS or MIN-MAX in milliseconds, e.g. 150 or 0-1000")
    low = int(m.group(1))
    high = low if m.group(2) is None else int(m.group(2))
    if high < low:
        raise ValueError(f"the range {low}-{high} ends below its start")
    if high > SLOW_MAX_MS:
        raise ValueError(f"at most {SLOW_MAX_MS} ms")
    return low, None if m.group(2) is None else high


def parse_change_behind(value: str) -> tuple[str, list[str]]:
    """`/md/Louvre wlan ssid-profile "x" ; opmode wpa2-aes` -> ("/md/Louvre", [lines])."""
    node, _, rest = value.strip().partition(" ")
    lines = [line.strip() for line in rest.split(CHANGE_SEPARATOR.strip()) if line.strip()]
    if not node.startswith("/") or not lines:
        raise ValueError('expected NODE LINE, e.g. /md/Louvre vlan 999 (several lines separated by " ; ")')
    return node.rstrip("/") or "/", lines


def parse_delay(value: str) -> float:
    """Seconds of the lab clock, 0 to a day."""
    seconds = float(value)
    if not 0 <= seconds <= DELAY_MAX_S:
        raise ValueError(f"expected 0 to {DELAY_MAX_S} seconds")
    return seconds
