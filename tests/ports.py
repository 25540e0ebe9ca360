"""Ports for a lab the test starts later on ports it names (its hosts.yaml): taken outside the system's range of
ephemeral ports, which every `bind(0)` (another suite's lab on free ports, any client) draws from, so nothing
else takes one between the choice and the lab's start (two suites on one machine collided there)."""

from __future__ import annotations

import random
import socket

LOW, HIGH = 24000, 32000  # below Linux's ephemeral range (32768-60999), above the lab's own hosts.yaml ports (22xxx)
_given: set[int] = set()


def named_port() -> int:
    """A port free now, never handed out before by this process, that the system will not give to a bind(0)."""
    for _ in range(200):
        port = random.randrange(LOW, HIGH)
        if port in _given:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _given.add(port)
        return port
    raise RuntimeError(f"no free port between {LOW} and {HIGH}")
