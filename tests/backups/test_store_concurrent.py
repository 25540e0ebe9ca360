"""The backup repository made by several runs at the same moment (issue 23: three backups on a new folder): each
one opens it, none fails on the other's half-written `.git` or on git's own lock files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import git

OPEN = "import sys; from pathlib import Path; from wifiops.backups.store import BackupRepo; BackupRepo(Path(sys.argv[1]))"


def test_runs_that_make_the_repository_at_the_same_moment_all_open_it(tmp_path: Path) -> None:
    for round_ in range(4):
        folder = tmp_path / f"backups-{round_}"
        procs = [subprocess.Popen([sys.executable, "-c", OPEN, str(folder)], stderr=subprocess.PIPE, text=True)
                 for _ in range(6)]
        failed = [err for proc in procs if (err := proc.communicate(timeout=120)[1]) or proc.returncode]
        assert failed == [], failed[0]
        repo = git.Repo(folder)
        assert repo.config_reader("repository").get_value("user", "name") == "wifiops"
