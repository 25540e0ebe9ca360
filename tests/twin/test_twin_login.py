"""A twin never gets production's login (issue 32): a rehearsal talks to it with the twin's fixed lab credential,
and the production `password_command` of wifiops.yaml is never run for it (a password manager asking for a
passphrase at 2 am, production's password sent to a lab process)."""

from __future__ import annotations

from pathlib import Path

from wifiops.credentials import run_password_command
from wifiops.estate import Estate
from wifiops.face.rehearse import rehearsal_settings
from wifiops.lab.twin import TWIN_PASSWORD, login_command
from wifiops.settings import load_settings

REPO = Path(__file__).resolve().parents[2]


def test_a_rehearsal_logs_in_with_the_twin_credential_and_never_runs_the_production_password_command(
        tmp_path: Path) -> None:
    ran = tmp_path / "production-password-command-ran"
    command = tmp_path / "pass-show-louvre"
    command.write_text(f"#!/bin/sh\ntouch {ran}\necho production-secret\n")
    command.chmod(0o700)
    config = tmp_path / "wifiops.yaml"
    config.write_text(f"inventory: {REPO / 'inventory' / 'lab'}\nrun_dir: {tmp_path / 'runs'}\n"
                      f"secrets_file: {tmp_path / 'none.yaml'}\npassword_command: {command}\n")
    production = load_settings(config)
    scratch = tmp_path / "rehearsal"
    rehearsing = rehearsal_settings(production, scratch, REPO / "inventory" / "lab")
    assert rehearsing.password_command == login_command() != production.password_command
    run_password_command.cache_clear()
    nornir = Estate.open(rehearsing, REPO / "inventory" / "lab").nornir
    assert nornir.inventory.defaults.password == TWIN_PASSWORD
    assert not ran.exists()  # the production command never ran
    run_password_command.cache_clear()
    assert Estate.open(production, REPO / "inventory" / "lab").nornir.inventory.defaults.password == "production-secret"
    assert ran.exists()  # as it does for a real run: the test could tell
