"""A plain paramiko client for the lab's tests: it checks host keys against a known-hosts file with
RejectPolicy (as the toolkit does) and reads a shell channel until a pattern."""

from __future__ import annotations

import re
import time
from pathlib import Path

import paramiko


def ssh_client(address: str, port: int, user: str, password: str, known_hosts: Path) -> paramiko.SSHClient:
    """Connected, or paramiko.BadHostKeyException / SSHException when the key does not match."""
    client = paramiko.SSHClient()
    client.load_host_keys(str(known_hosts))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        client.connect(address, port=port, username=user, password=password, look_for_keys=False,
                       allow_agent=False, timeout=5, banner_timeout=5, auth_timeout=5)
    except BaseException:
        client.close()
        raise
    return client


class Shell:
    """An interactive channel and everything it has received."""

    def __init__(self, client: paramiko.SSHClient) -> None:
        self.client = client
        self.chan = client.invoke_shell(term="vt100", width=200)
        self.text = ""

    def send(self, text: str) -> None:
        self.chan.sendall(text.encode())

    def read_until(self, pattern: str, count: int = 1, timeout: float = 5.0) -> str:
        """Read until `pattern` (a regex) has appeared `count` times in what is new; return that text."""
        start = len(self.text)
        deadline = time.monotonic() + timeout
        while len(re.findall(pattern, self.text[start:])) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} x{count} within {timeout} s: {self.text[start:][-300:]!r}")
            if self.chan.recv_ready():
                self.text += self.chan.recv(65536).decode(errors="replace")
            else:
                time.sleep(0.002)
        return self.text[start:]
