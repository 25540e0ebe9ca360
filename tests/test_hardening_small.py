"""The smaller cases of issue 24, each one line naming its cause, no traceback: a clear secret under connection
extras, a secrets file in a folder others can write, a wifiops.yaml that is a list, `timeout: true` or "30",
missing git, a .git/objects that cannot be written, a full disk (a file-size limit stands for it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.backups.store import BackupRepo, BackupStoreError
from wifiops.cli import app
from wifiops.paths import write_atomically
from wifiops.secrets import check_private

BASE = Path(__file__).resolve().parent / "fixtures" / "inventories" / "base"
runner = CliRunner()


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wifiops", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)


def test_a_clear_secret_under_connection_extras_is_refused_without_echo(tmp_path: Path) -> None:
    inventory = tmp_path / "inv"
    shutil.copytree(BASE, inventory)
    hosts = inventory / "hosts.yaml"
    hosts.write_text(hosts.read_text().replace("  hostname: 127.0.0.1\n", "  hostname: 127.0.0.1\n  connection_options:\n"
                                               "    netmiko: {extras: {secret: Enable-S3cret}}\n", 1))
    result = runner.invoke(app, ["inventory", "check", "--json", "--inventory", str(inventory)])
    assert result.exit_code == 2
    [finding] = json.loads(result.output)["findings"]
    assert finding["field"] == "mm-1.connection_options.netmiko.extras" and finding["line"] == 4
    assert "`secret` under extras is a secret written in the inventory" in finding["message"]
    assert "Enable-S3cret" not in result.output


def test_a_secrets_file_in_a_folder_others_can_write_is_warned_about(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    secrets = folder / "secrets.yaml"
    secrets.write_text("password: x\n")
    secrets.chmod(0o600)
    folder.chmod(0o700)
    assert check_private(secrets) == []
    folder.chmod(0o777)
    [warning] = check_private(secrets)
    assert warning.startswith(f"{folder}: the folder of the secrets file is writable by other users")


def test_a_wifiops_yaml_that_is_a_list_is_one_line_and_no_crash_folder(tmp_path: Path) -> None:
    (tmp_path / "wifiops.yaml").write_text("- inventory: inventory\n- timeout: 5\n")
    done = cli("inventory", "check", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"error: {tmp_path / 'wifiops.yaml'}:1: wifiops.yaml is a mapping of settings "
                                   "(`inventory: ...`), not a list: see the shipped wifiops.yaml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wifiops.yaml"]  # no crash folder


@pytest.mark.parametrize("value", ["true", '"30"'])
def test_a_timeout_that_is_not_a_number_is_refused(tmp_path: Path, value: str) -> None:
    (tmp_path / "wifiops.yaml").write_text(f"inventory: {BASE}\ntimeout: {value}\n")
    done = cli("inventory", "check", cwd=tmp_path)
    assert done.returncode == 2 and f"{tmp_path / 'wifiops.yaml'}:2: timeout" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_git_is_one_line(tmp_path: Path) -> None:
    script = ("from pathlib import Path; from wifiops.backups.store import BackupRepo\n"
              f"BackupRepo(Path({str(tmp_path / 'backups')!r}))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PATH": str(tmp_path / "no-bin")})
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1].endswith(
        "cannot open the backup repository: git is not installed (or not on PATH): install git (`apt install git`)")


def test_a_git_store_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    repo = BackupRepo(tmp_path / "backups")
    assert repo.write("louvre-palais/mm-1/running.cfg", "hostname mm-1\n")
    objects = tmp_path / "backups" / ".git" / "objects"
    shutil.rmtree(objects)
    objects.write_text("")  # as root a chmod would not stop git: a file where its folder should be does
    with pytest.raises(BackupStoreError) as caught:
        repo.commit(["louvre-palais/mm-1/running.cfg"], "backup")
    said = str(caught.value)
    assert "\n" not in said and said.startswith(f"{tmp_path / 'backups'}: the backup files are written but not "
                                                "committed: ")


def test_a_full_disk_keeps_the_previous_copy_and_is_one_line(tmp_path: Path) -> None:
    # RLIMIT_FSIZE stands for a full disk: the write fails mid-file, as ENOSPC would
    folder = tmp_path / "backups"
    script = f"""
import resource, signal
from pathlib import Path
from wifiops.backups.store import BackupRepo, BackupStoreError
repo = BackupRepo(Path({str(folder)!r}))
repo.write("s/mm-1/running.cfg", "hostname mm-1\\n")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
try:
    repo.write("s/mm-1/running.cfg", "x" * 1_000_000)
except BackupStoreError as exc:
    print(exc)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    [line] = done.stdout.splitlines()
    assert line == f"{folder / 's/mm-1/running.cfg'}: cannot write the backup: File too large; the previous copy is kept"
    assert (folder / "s/mm-1/running.cfg").read_text() == "hostname mm-1\n"
    assert [p.name for p in (folder / "s/mm-1").iterdir()] == ["running.cfg"]  # no half-written temporary left


def test_a_write_goes_through_a_link_and_keeps_it(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "known_hosts"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "known_hosts"
    link.symlink_to(target)
    write_atomically(link, "new\n")
    assert link.is_symlink() and target.read_text() == "new\n"
