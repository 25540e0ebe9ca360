"""Three `wifiops backup` at once (issue 23), as real processes on one repository: none crashes, none tells the
user to delete a lock, one commit per real change, and each commit's message says what that commit changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import git

from wifiops.aos8.session import Aos8Session

REPO = Path(__file__).resolve().parents[2]


def config(tmp_path: Path, lab) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}",
                               f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                               "timeout: 10"]) + "\n")
    return path


def three_at_once(cfg: Path) -> list[tuple[int, dict, str]]:
    procs = [subprocess.Popen([sys.executable, "-m", "wifiops", "--config", str(cfg), "backup", "--json"],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ}) for _ in range(3)]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        done.append((proc.returncode, json.loads(out) if out.strip() else {}, err))
    return done


def check_messages(repo: git.Repo) -> None:
    """Each commit's first line counts the hosts it changed, and its body names exactly the files it changed."""
    for commit in repo.iter_commits():
        parent = commit.parents[0] if commit.parents else None
        files = set(commit.stats.files) if parent else {e.path for e in commit.tree.traverse() if e.type == "blob"}
        named = set()
        hosts = 0
        for line in commit.message.splitlines():
            if line.startswith("changed "):
                hosts += 1
                named |= {f.strip() for f in line.split(": ", 1)[1].split(",")}
        assert named == files, commit.message
        assert f": {hosts} host(s) changed" in commit.message.splitlines()[0]


def test_three_backups_at_once_make_one_commit_per_change_each_message_true(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    first = three_at_once(cfg)
    assert [code for code, _, _ in first] == [0, 0, 0], [err for _, _, err in first]
    assert all("lock" not in err.lower() and "Traceback" not in err for _, _, err in first)
    repo = git.Repo(tmp_path / "backups")
    assert len(list(repo.iter_commits())) == 1
    assert sorted(bool(out["revision"]) for _, out, _ in first) == [False, False, True]

    user, password = fresh_lab.credentials
    with Aos8Session.connect("127.0.0.1", port=fresh_lab.port("mm-1"), username=user, password=password,
                             name="mm-1", known_hosts=fresh_lab.known_hosts) as mm:
        mm.push("/md/Louvre", ["vlan-name concurrent"])
    second = three_at_once(cfg)
    assert [code for code, _, _ in second] == [0, 0, 0], [err for _, _, err in second]
    assert len(list(repo.iter_commits())) == 2
    changed = [out for _, out, _ in second if out["revision"]]
    assert len(changed) == 1
    check_messages(repo)
    assert "vlan-name concurrent" in (tmp_path / "backups" / "louvre-palais" / "mm-1" / "nodes" / "md" /
                                      "Louvre.cfg").read_text()
