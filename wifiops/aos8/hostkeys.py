"""SSH host keys, verified against a known-hosts file kept with the inventory, as the engineer's ssh does.

Why not hand paramiko a RejectPolicy: its refusal is an SSHException that netmiko rewords as "TCP
connection failed", so an unknown key and a changed key (a replaced device, or someone in the middle)
would both read as "no answer". The policy here decides, and keeps the verdict for the session to report.
The file is OpenSSH's format (`[127.0.0.1]:22201 ssh-ed25519 AAAA...`), so `ssh` and wifiops agree.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

import paramiko

from wifiops.readers import read_text
from wifiops.errors import ConfigError
from wifiops.paths import write_atomically


def fingerprint(key: paramiko.PKey) -> str:
    """`SHA256:...` as `ssh-keygen -lf` and `ssh` print it."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")


def known_name(address: str, port: int) -> str:
    """How OpenSSH names a host in known_hosts: bare on port 22, `[address]:port` otherwise."""
    return address if port == 22 else f"[{address}]:{port}"


@dataclass(frozen=True)
class Verdict:
    """What the policy saw: the key offered, and the one on record when it differs."""

    status: str  # "unknown" | "changed" | "captured"
    offered: paramiko.PKey
    recorded: paramiko.PKey | None = None


class KnownHostsError(ConfigError):
    """The known-hosts file cannot be read (a damaged line): said once per host, none is reached."""


class KnownHosts:
    """One known-hosts file: look up, check and record keys. Lines for other hosts are kept as they are."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.keys = paramiko.HostKeys()
        if path.is_file():
            try:
                self.keys.load(str(path))
            except (paramiko.SSHException, ValueError, UnicodeDecodeError) as exc:
                raise KnownHostsError(f"{path}: cannot read the known-hosts file: {exc}") from None

    def recorded(self, address: str, port: int) -> dict[str, paramiko.PKey]:
        """Key type -> key on record for this address and port (empty when none)."""
        found = self.keys.lookup(known_name(address, port))
        return {kind: found[kind] for kind in found.keys()} if found is not None else {}

    def check(self, address: str, port: int, key: paramiko.PKey) -> Verdict | None:
        """None when `key` is the one on record; else why not."""
        recorded = self.recorded(address, port)
        if not recorded:
            return Verdict("unknown", key)
        same_type = recorded.get(key.get_name())
        if same_type is not None and same_type == key:
            return None
        return Verdict("changed", key, same_type or next(iter(recorded.values())))

    def record(self, address: str, port: int, key: paramiko.PKey) -> None:
        """Replace this host's entries with `key` and write the file atomically (0644: public keys)."""
        name = known_name(address, port)
        kept = [line for line in _lines(self.path) if name not in _hosts_of(line)]
        kept.append(f"{name} {key.get_name()} {key.get_base64()}")
        write_atomically(self.path, "\n".join(kept) + "\n")
        self.keys = paramiko.HostKeys()
        self.keys.load(str(self.path))


def _lines(path: Path) -> list[str]:
    """known_hosts as lines, bounded like every reader (a FIFO or a device in its place is refused, not read)."""
    return read_text(path, KNOWN_HOSTS_BYTES, "known_hosts file").splitlines() if path.exists() else []


KNOWN_HOSTS_BYTES = 16 * 1024 * 1024


def _hosts_of(line: str) -> list[str]:
    if not line.strip() or line.lstrip().startswith("#"):
        return []
    return line.split()[0].split(",")


class VerifyPolicy(paramiko.MissingHostKeyPolicy):
    """Accept the key on record, refuse any other before authentication (no password leaves wifiops)."""

    def __init__(self, known: KnownHosts, address: str, port: int) -> None:
        self.known, self.address, self.port = known, address, port
        self.verdict: Verdict | None = None

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        self.verdict = self.known.check(self.address, self.port, key)
        if self.verdict is not None:
            raise paramiko.SSHException(f"host key {self.verdict.status}")


class CapturePolicy(paramiko.MissingHostKeyPolicy):
    """Keep the key offered and stop before authentication: how `wifiops hosts trust` reads a key."""

    def __init__(self) -> None:
        self.verdict: Verdict | None = None

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        self.verdict = Verdict("captured", key)
        raise paramiko.SSHException("host key captured")
