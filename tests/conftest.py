"""Shared fixtures. The lab (`lab`, `fresh_lab`) comes from wifiops.lab.testing: a Louvre estate served
over real SSH on free 127.0.0.1 ports, in-process, for the whole test session."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["wifiops.lab.bastion", "wifiops.lab.testing", "wifiops.testing_smtp"]

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
