"""The tool's own configuration file: the shipped default, and what a typo in it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from wifiops.errors import ConfigError
from wifiops.settings import load_settings

REPO = Path(__file__).resolve().parent.parent


def test_shipped_config_points_a_newcomer_at_the_lab() -> None:
    settings = load_settings(REPO / "wifiops.yaml")
    assert settings.path(settings.inventory) == REPO / "inventory" / "lab"
    assert settings.workers == 10


def test_config_is_found_from_a_subdirectory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIFIOPS_CONFIG", raising=False)
    monkeypatch.chdir(REPO / "inventory" / "lab")
    assert load_settings().root == REPO


def test_typo_in_config_names_line_and_key(tmp_path: Path) -> None:
    config = tmp_path / "wifiops.yaml"
    config.write_text("inventory: inventory/lab\nworkres: 10\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    assert f"{config}:2: workres" in str(raised.value)
