"""The lab hosts' SSH host keys, and the known-hosts file that lets a client check them.

Each host has its own ed25519 key, as each controller has its own. A lab with a state dir keeps them in
`<state>/host_keys/<host>` (0600, dir 0700), so a client's known-hosts entries hold across restarts;
the in-process test lab makes them in memory. When a lab starts, it writes its hosts' entries into the
known-hosts file kept with the inventory it serves (OpenSSH format, `[127.0.0.1]:22201 ssh-ed25519 AAAA`,
plain `127.0.0.1` for port 22), replacing the lines of the same address and port and keeping the rest.
The `new-host-key` fault serves another key without touching that file (see faults.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from pathlib import Path

import asyncssh

from wifiops.lab.files import PUBLIC_FILE, private_dir, write_atomically

KEY_DIR = "host_keys"
KEY_TYPE = "ssh-ed25519"
# a host name becomes a file name: refuse anything that could leave the key dir (`..`, `/`) or hide
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class HostKeyError(RuntimeError):
    """A host key the lab cannot use (an unsafe host name, an unreadable key file)."""


def new_key() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key(KEY_TYPE)


def host_keys(names: Iterable[str], state_dir: Path | None) -> dict[str, asyncssh.SSHKey]:
    """One key per host: read from the state dir, made (and saved 0600) when missing; in memory only
    when there is no state dir."""
    names = list(names)
    if state_dir is None:
        return {name: new_key() for name in names}
    key_dir = private_dir(state_dir / KEY_DIR)
    keys = {}
    for name in names:
        if not _SAFE_NAME.fullmatch(name):
            raise HostKeyError(f"host name {name!r} cannot name a key file (letters, digits, . _ - only)")
        path = key_dir / name
        if path.exists():
            try:
                keys[name] = asyncssh.read_private_key(str(path))
            except (OSError, asyncssh.KeyImportError) as exc:
                raise HostKeyError(f"{path}: not a readable private key ({exc}); delete it to give {name} "
                                   "a new key (clients will then see a changed key)") from exc
        else:
            keys[name] = new_key()
            write_atomically(path, keys[name].export_private_key())
    return keys


def host_pattern(address: str, port: int) -> str:
    """How OpenSSH (and paramiko) name an address and port in known_hosts."""
    return address if port == 22 else f"[{address}]:{port}"


def known_hosts_line(address: str, port: int, key: asyncssh.SSHKey) -> str:
    algorithm, blob = key.export_public_key("openssh").decode().split()[:2]
    return f"{host_pattern(address, port)} {algorithm} {blob}"


def update_known_hosts(path: Path, entries: dict[str, str]) -> None:
    """Write `entries` (host pattern -> line) into the known-hosts file at `path`, atomically.

    Lines naming another address or port are kept as they are; a pattern of ours (in clear or hashed
    as `ssh-keygen -H` writes it) is taken out of the line holding it, and the line dropped when
    nothing else is left on it. Comments and `@cert-authority`/`@revoked` lines are kept."""
    kept: list[str] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
            rest = _without_patterns(line, set(entries))
            if rest is not None:
                kept.append(rest)
    text = "\n".join(kept + list(entries.values())) + "\n"
    mode = path.stat().st_mode & 0o777 if path.exists() else PUBLIC_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text.encode("utf-8", errors="surrogateescape"), mode)


def _without_patterns(line: str, ours: set[str]) -> str | None:
    """`line` without the host patterns in `ours`; None when it named only those."""
    stripped = line.strip()
    if not stripped or stripped.startswith(("#", "@")):
        return line
    field, _, rest = stripped.partition(" ")
    patterns = field.split(",")
    left = [p for p in patterns if not _matches(p, ours)]
    if len(left) == len(patterns):
        return line
    return f"{','.join(left)} {rest}" if left else None


def _matches(pattern: str, ours: set[str]) -> bool:
    if not pattern.startswith("|1|"):
        return pattern in ours
    try:  # |1|base64(salt)|base64(HMAC-SHA1(salt, host)), OpenSSH's HashKnownHosts
        salt_b64, digest_b64 = pattern[3:].split("|", 1)
        salt, digest = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    except ValueError:
        return False
    return any(hmac.compare_digest(hmac.new(salt, host.encode(), hashlib.sha1).digest(), digest)
               for host in ours)
