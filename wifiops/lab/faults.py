"""Per-host faults, switchable while the lab runs (from Python, or from another process via control.py).

Each fault reproduces something a client meets in the field:
  refuse-login        password rejected (netmiko: NetmikoAuthenticationException)
  drop-after BYTES    the session is cut after BYTES bytes of output (a flapping WAN link)
  slow MS             MS milliseconds of latency before every output line (a loaded controller)
  reject-line REGEX   config lines matching REGEX are refused with the device's parse error
  ap-group-down GROUP the APs of GROUP show Down and carry no clients (a switch stack lost)
  hang                the device stops answering; the TCP/SSH connection stays open
  clear               all of the above off
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("refuse-login", "drop-after", "slow", "reject-line", "ap-group-down", "hang")
NEEDS_ARG = {"drop-after", "slow", "reject-line", "ap-group-down"}


class FaultError(ValueError):
    """A fault request a person got wrong (unknown kind, missing or bad argument)."""


@dataclass
class HostFaults:
    refuse_login: bool = False
    drop_after: int | None = None
    slow_ms: int = 0
    reject_line: str | None = None
    ap_groups_down: list[str] = field(default_factory=list)
    hang: bool = False

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
                self.slow_ms = int(value)
            elif kind == "reject-line":
                re.compile(value)
                self.reject_line = value
            elif kind == "ap-group-down":
                if value not in self.ap_groups_down:
                    self.ap_groups_down.append(value)
            elif kind == "hang":
                self.hang = True
        except (ValueError, re.error) as exc:
            raise FaultError(f"bad argument for {kind}: {arg!r} ({exc})") from exc

    def rejects(self, line: str) -> bool:
        return self.reject_line is not None and re.search(self.reject_line, line) is not None

    def active(self) -> list[str]:
        """Human summary, e.g. ['slow 200', 'hang']."""
        out = []
        if self.refuse_login:
            out.append("refuse-login")
        if self.drop_after is not None:
            out.append(f"drop-after {self.drop_after}")
        if self.slow_ms:
            out.append(f"slow {self.slow_ms}")
        if self.reject_line:
            out.append(f"reject-line {self.reject_line}")
        out += [f"ap-group-down {g}" for g in self.ap_groups_down]
        if self.hang:
            out.append("hang")
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "HostFaults":
        return cls(**d)
