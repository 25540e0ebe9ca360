"""A user's install: `pip install` of the checkout (not editable) into a fresh venv, then from an empty folder
outside any checkout `wifiops init`, `wifiops lab up`, the nightly backup playbook and `wifiops lab down`.

What it guards: the lab reads and writes beside the folder's wifiops.yaml, never beside the installed package
(or the checkout it was built from); nothing at run time needs pytest (not installed there); `tasks/` is
installed inside the wifiops namespace, not as a top-level `tasks`. Slow (a venv and its dependencies: about
a minute); `-m "not slow"` leaves it out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def test_pip_install_then_init_lab_and_nightly_backup_from_an_empty_folder(repo: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIFIOPS_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["COLUMNS"] = "200"
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)], tmp_path, env).returncode == 0
    installed = run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                     str(repo)], tmp_path, env, timeout=900)
    assert installed.returncode == 0, installed.stderr[-2000:]
    python, wifiops = str(venv / "bin" / "python"), str(venv / "bin" / "wifiops")
    where = run([python, "-c", "import wifiops, wifiops.tasks.backup; print(wifiops.__file__)"], tmp_path, env)
    assert where.returncode == 0, where.stderr
    package = Path(where.stdout.strip()).parent
    assert str(repo) not in str(package)  # the installed copy, not the checkout
    assert run([python, "-c", "import tasks"], tmp_path, env).returncode != 0  # no top-level `tasks`
    assert run([python, "-c", "import pytest"], tmp_path, env).returncode != 0  # so the lab cannot need it
    checkout_keys = repo / "inventory" / "lab" / "known_hosts"
    before = checkout_keys.stat().st_mtime_ns if checkout_keys.exists() else None

    here = tmp_path / "estate"
    here.mkdir()
    init = run([wifiops, "init"], here, env)
    assert init.returncode == 0, init.stdout + init.stderr
    assert (here / "wifiops.yaml").is_file() and (here / "playbooks" / "nightly-backup.yaml").is_file()
    again = run([wifiops, "init"], here, env)  # nothing of the engineer's is overwritten
    assert again.returncode == 0 and "kept  wifiops.yaml" in again.stdout

    up = run([wifiops, "lab", "up", "--free-ports"], here, env, timeout=120)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        status = json.loads(run([wifiops, "lab", "status", "--json"], here, env).stdout)
        assert status["run_dir"] == str(here / ".lab") and status["inventory"] == str(here / "inventory" / "lab")
        assert status["inventory_copy"] == str(here / ".lab" / "inventory")
        assert Path(status["known_hosts"]).is_file() and status["bastion"]["port"] > 0
        backup = run([wifiops, "run", "playbooks/nightly-backup.yaml", "--inventory", status["inventory_copy"]],
                     here, env)
        assert backup.returncode == 0, backup.stdout + backup.stderr
        assert "8 of 8 host(s) backed up" in backup.stdout  # 6 MMs and controllers, 2 ClearPass clusters
        assert (here / "backups" / ".git").is_dir() and (here / "runs").is_dir()
    finally:
        down = run([wifiops, "lab", "down"], here, env, timeout=60)
    assert down.returncode == 0, down.stdout + down.stderr
    # nothing written beside the package, nor into the checkout it was built from
    assert not (package / "starter" / "inventory" / "lab" / "known_hosts").exists()
    assert not (package.parent / ".lab").exists()
    assert (checkout_keys.stat().st_mtime_ns if checkout_keys.exists() else None) == before
