"""Shared fixtures. The lab (`lab`, `fresh_lab`) comes from wifiops.lab.testing: a Louvre estate served
over real SSH on free 127.0.0.1 ports, in-process, for the whole test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wifiops.lab.bastion import RunningBastion

pytest_plugins = ["wifiops.lab.testing", "wifiops.testing_smtp"]

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture
def lab_bastion(lab: Any) -> Iterator[RunningBastion]:
    """The lab's bastion on the `lab` fixture's loop, its key in the lab's known_hosts."""
    running = RunningBastion(lab)
    try:
        yield running
    finally:
        running.close()
