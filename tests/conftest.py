"""Shared fixtures: the repository's paths, and the lab (wifiops.lab.testing) for tests that need SSH."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
