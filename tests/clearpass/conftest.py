"""Fixtures of the ClearPass tests: the session lab's ClearPass servers over real HTTPS, reached with the
toolkit's own client (the lab comes from wifiops.lab.testing, see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from wifiops.clearpass.client import ClearPassClient, ClearPassServer


@pytest.fixture
def server(fresh_lab: Any) -> Callable[..., ClearPassServer]:
    """`server(host, **changes)`: how to reach a lab ClearPass server, as the engine would say it."""
    def make(host: str, **changes: Any) -> ClearPassServer:
        client_id, secret = fresh_lab.clearpass_credentials
        fields: dict[str, Any] = {"name": host, "url": fresh_lab.clearpass_url(host), "client_id": client_id,
                                  "client_secret": secret, "ca_file": fresh_lab.clearpass_ca, "timeout": 5.0}
        return ClearPassServer(**{**fields, **changes})
    return make


@pytest.fixture
def client(server: Callable[..., ClearPassServer]) -> Iterator[Callable[..., ClearPassClient]]:
    """`client(host, **changes)`: a ClearPassClient on a lab server, closed after the test."""
    opened: list[ClearPassClient] = []

    def make(host: str, **changes: Any) -> ClearPassClient:
        opened.append(ClearPassClient(server(host, **changes)))
        return opened[-1]

    yield make
    for c in opened:
        c.close()


@pytest.fixture
def config(fresh_lab: Any, tmp_path: Path) -> Path:
    """A wifiops.yaml on the lab's inventory copy (its clearpass-ca.pem and lab secrets), runs in tmp_path."""
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {fresh_lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}",
                               f"secrets_file: {tmp_path / 'none.yaml'}", "timeout: 5"]) + "\n")
    return path
