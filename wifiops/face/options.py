"""Options shared by every command, and the settings of this invocation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from wifiops.face.helptext import clean_help

if TYPE_CHECKING:  # the settings (pydantic) load when a command runs, not for --help
    from wifiops.settings import Settings

clean_help()  # every face imports this module: --help without <bool> nor hard line breaks

ConfigOption = Annotated[Optional[Path], typer.Option("--config", help="wifiops.yaml to use.")]
InventoryOption = Annotated[Optional[Path], typer.Option("--inventory", "-i", help="Inventory directory.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
HostOption = Annotated[Optional[list[str]], typer.Option("--host", "-H", help="Only this host (repeatable).")]
NodeLimitOption = Annotated[Optional[list[str]], typer.Option(
    "--limit", "-l", help="Only this node path or MD host (repeatable).")]
FeatureOption = Annotated[Optional[list[str]], typer.Option(
    "--feature", "-f", help="Only this feature (repeatable): vlan, aaa, portal, qos, ssid, security, ap_groups, "
    "cluster.")]
TimeoutOption = Annotated[Optional[float], typer.Option(
    "--timeout", help="Seconds to wait for each device, at most 3600 (default: wifiops.yaml).")]

_state: dict[str, Path | None] = {}
_loaded: dict[str, Settings] = {}


def use_settings(config: Path | None) -> None:
    """Remember --config; the file is read by the first command that needs it (`parse` never does)."""
    _state["config"] = config
    _loaded.clear()


def settings() -> Settings:
    from wifiops.settings import load_settings

    if "config" not in _state:  # outside a command (no callback ran): read afresh, as before
        return load_settings()
    if "settings" not in _loaded:
        _loaded["settings"] = load_settings(_state["config"])
    return _loaded["settings"]
