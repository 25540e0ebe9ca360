"""Host keys (issue 6): an unknown or changed key refuses that host before the password is sent, the other
hosts carry on, and `wifiops hosts trust` shows fingerprints and records them. Real SSH to the lab."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.lab.testing import write_inventory_copy

runner = CliRunner()
MANAGED = ["mc-1", "mc-2", "mm-1", "mm-2", "mm-3", "mm-4"]


def private_estate(lab, tmp_path: Path, *, trusted: bool) -> Path:
    """A config and inventory of the session lab with a known-hosts file of their own."""
    inventory = write_inventory_copy(lab.estate, tmp_path / "inventory", lab.ports)
    known = inventory / "known_hosts"
    if trusted:
        shutil.copyfile(lab.known_hosts, known)
    else:
        known.unlink(missing_ok=True)
    config = tmp_path / "wifiops.yaml"
    config.write_text(f"inventory: {inventory}\nrun_dir: {tmp_path / 'runs'}\n"
                      f"secrets_file: {tmp_path / 'no-secrets.yaml'}\ntimeout: 5\n")
    return config


def show(config: Path, command: str = "show hostname") -> dict[str, dict]:
    result = runner.invoke(app, ["--config", str(config), "show", command, "--json"])
    return {r["host"]: r for r in json.loads(result.stdout)["results"]}


def trust(config: Path, *args: str) -> tuple[int, dict[str, dict]]:
    result = runner.invoke(app, ["--config", str(config), "hosts", "trust", *args, "--json"])
    return result.exit_code, {r["host"]: r for r in json.loads(result.stdout)["hosts"]}


def test_unknown_keys_refuse_their_hosts_until_trusted(fresh_lab, tmp_path: Path) -> None:
    config = private_estate(fresh_lab, tmp_path, trusted=False)
    results = show(config)
    assert not any(r["ok"] for r in results.values())
    assert results["mm-1"]["error"].startswith("mm-1: unknown SSH host key ssh-ed25519 SHA256:")
    assert "nothing was sent" in results["mm-1"]["error"]
    assert "wifiops hosts trust mm-1" in results["mm-1"]["error"]

    code, rows = trust(config, "mm-1", "mc-1")
    assert code == 0
    assert {h: r["status"] for h, r in rows.items()} == {"mc-1": "recorded", "mm-1": "recorded"}
    assert rows["mm-1"]["fingerprint"].startswith("SHA256:")
    results = show(config)
    assert {h for h, r in results.items() if r["ok"]} == {"mm-1", "mc-1"}
    assert results["mm-1"]["output"] == "Hostname is mm-1"

    code, rows = trust(config)
    assert code == 0 and rows["mm-1"]["status"] == "already trusted" and rows["mm-2"]["status"] == "recorded"
    assert all(r["ok"] for r in show(config).values())


def test_a_changed_key_refuses_that_host_only_and_is_replaced_only_when_asked(fresh_lab, tmp_path: Path) -> None:
    config = private_estate(fresh_lab, tmp_path, trusted=True)
    fresh_lab.fault("mm-3", "new-host-key")  # an impostor, or a replaced device
    results = show(config)
    assert [h for h in MANAGED if not results[h]["ok"]] == ["mm-3"]
    assert results["mm-3"]["error"].startswith("mm-3: the SSH host key has CHANGED")
    assert "nothing was sent" in results["mm-3"]["error"] and "--replace" in results["mm-3"]["error"]
    assert results["mm-3"]["output"] == ""  # the impostor's answer is never believed

    code, rows = trust(config, "mm-3")
    assert code == 1 and rows["mm-3"]["status"] == "CHANGED (not recorded)"
    assert rows["mm-3"]["recorded_fingerprint"] != rows["mm-3"]["fingerprint"]
    assert not show(config)["mm-3"]["ok"]

    code, rows = trust(config, "mm-3", "--replace")
    assert code == 0 and rows["mm-3"]["status"] == "replaced"
    assert show(config)["mm-3"]["output"] == "Hostname is mm-3"


def test_dry_run_records_nothing(fresh_lab, tmp_path: Path) -> None:
    config = private_estate(fresh_lab, tmp_path, trusted=False)
    code, rows = trust(config, "mm-2", "--dry-run")
    assert code == 0 and rows["mm-2"]["status"] == "not recorded (dry run)"
    assert not (tmp_path / "inventory" / "known_hosts").exists()


def test_a_linked_known_hosts_stays_a_link_and_a_dry_run_says_what_replace_would_do(fresh_lab, tmp_path: Path) -> None:
    # issue 24: `hosts trust` replaced a symlinked known_hosts with a plain file, and `--replace --dry-run` said
    # "run again with --replace"
    config = private_estate(fresh_lab, tmp_path, trusted=True)
    known = tmp_path / "inventory" / "known_hosts"
    kept = tmp_path / "elsewhere" / "known_hosts"
    kept.parent.mkdir()
    shutil.move(known, kept)
    known.symlink_to(kept)
    fresh_lab.fault("mm-3", "new-host-key")
    before = kept.read_text()

    result = runner.invoke(app, ["--config", str(config), "hosts", "trust", "mm-3", "--replace", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run: nothing recorded. To record the new key, run again without --dry-run" in result.stderr
    assert "run again with --replace" not in result.stderr and kept.read_text() == before

    code, rows = trust(config, "mm-3", "--replace")
    assert code == 0 and rows["mm-3"]["status"] == "replaced"
    assert known.is_symlink() and kept.read_text() != before  # written through the link
    assert show(config)["mm-3"]["output"] == "Hostname is mm-3"
