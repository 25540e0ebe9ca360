"""A host's own timeout in the inventory wins over the global one (issue 26): one slow site can be given longer,
or one hung device given up on sooner, without changing every host's. Real SSH to the lab's `hang` fault."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.errors import WifiopsError
from wifiops.estate import Estate
from wifiops.settings import Settings

runner = CliRunner()


def inventory_with(lab, tmp_path: Path, host: str, extras: dict) -> Path:
    """The lab's inventory copy, `host` given its own `aos8` connection extras."""
    folder = tmp_path / "inventory"
    shutil.copytree(lab.inventory_dir, folder)
    hosts = yaml.safe_load((folder / "hosts.yaml").read_text(encoding="utf-8"))
    hosts[host]["connection_options"] = {"aos8": {"extras": extras}}
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False), encoding="utf-8")
    return folder


def test_a_hosts_own_timeout_fails_it_after_its_seconds_while_the_global_one_is_30(fresh_lab, tmp_path: Path) -> None:
    inventory = inventory_with(fresh_lab, tmp_path, "mm-3", {"timeout": 2})
    config = tmp_path / "wifiops.yaml"
    config.write_text(f"inventory: {inventory}\nrun_dir: {tmp_path / 'runs'}\ntimeout: 30\n"
                      f"secrets_file: {tmp_path / 'no-secrets.yaml'}\n")
    fresh_lab.fault("mm-3", "hang")
    started = time.monotonic()
    result = runner.invoke(app, ["--config", str(config), "show", "show clock", "-H", "mm-3", "-H", "mm-1"])
    elapsed = time.monotonic() - started
    assert result.exit_code == 2, result.output  # a host could not be read
    assert "mm-3: the device sent nothing for 2 s" in result.output, result.output
    assert "mm-1: ok" in result.output  # the other host, on the global timeout, answered
    assert elapsed < 20, f"{elapsed:.1f} s: the host's 2 s did not win over the global 30 s"


@pytest.mark.parametrize("own", [0, -1, 3601, "2", True])
def test_a_hosts_own_timeout_is_held_to_the_same_limit(fresh_lab, tmp_path: Path, own: object) -> None:
    inventory = inventory_with(fresh_lab, tmp_path, "mm-3", {"timeout": own})
    estate = Estate.open(Settings(root=tmp_path, secrets_file=tmp_path / "none.yaml"), inventory)
    with pytest.raises(WifiopsError, match=r"mm-3: .*timeout .*more than 0 and at most 3600"):
        estate.nornir


def test_without_its_own_a_host_takes_the_settings_timeout(fresh_lab, tmp_path: Path) -> None:
    inventory = inventory_with(fresh_lab, tmp_path, "mm-3", {"timeout": 7})
    estate = Estate.open(Settings(root=tmp_path, secrets_file=tmp_path / "none.yaml", timeout=12), inventory)
    timeouts = {name: host.connection_options["aos8"].extras["timeout"]
                for name, host in estate.managed.inventory.hosts.items()}
    assert timeouts["mm-3"] == 7 and timeouts["mm-1"] == 12
