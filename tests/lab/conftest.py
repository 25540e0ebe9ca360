"""Fixtures of the lab's own tests (the lab itself comes from wifiops.lab.testing, see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable

import paramiko
import pytest

from labclient import Shell, ssh_client


@pytest.fixture
def open_shell(lab: Any) -> Iterator[Callable[[str], Shell]]:
    """`open_shell(host)`: a shell on a host of the session lab, key checked against lab.known_hosts."""
    opened: list[paramiko.SSHClient] = []

    def open_(host: str) -> Shell:
        user, password = lab.credentials
        client = ssh_client(lab.address, lab.port(host), user, password, lab.known_hosts)
        opened.append(client)
        return Shell(client)

    yield open_
    for client in opened:
        client.close()
