"""Nightly backups (issue 9) against the lab over real SSH: no noise, one commit per change, a good copy
never lost, no secret anywhere, history and diff, a remote."""

from __future__ import annotations

import getpass
import json
import subprocess
from pathlib import Path

import git
import pytest
from typer.testing import CliRunner

from wifiops.aos8.session import Aos8Session
from wifiops.cli import app

runner = CliRunner()
LAB_SECRETS = ("lab-radius-key", "lab-multimedia-psk", "lab-ipsec-key", "lab-admin")
MC1_NODE = "/md/Louvre/00:1a:1e:72:10:01"


def config(tmp_path: Path, lab, **extra: str) -> Path:
    path = tmp_path / "wifiops.yaml"
    lines = [f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}", f"backup_dir: {tmp_path / 'backups'}",
             f"secrets_file: {tmp_path / 'none.yaml'}", "timeout: 3"] + [f"{k}: {v}" for k, v in extra.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def backup(cfg: Path, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["--config", str(cfg), "backup", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def commits(tmp_path: Path) -> int:
    return len(list(git.Repo(tmp_path / "backups").iter_commits()))


def files(tmp_path: Path) -> dict[str, bytes]:
    root = tmp_path / "backups"
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}


def change(lab, node: str, lines: list[str]) -> None:
    user, password = lab.credentials
    with Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password, name="mm-1",
                             known_hosts=lab.known_hosts) as mm:
        mm.push(node, lines)


def test_a_quiet_night_makes_no_commit_and_a_change_makes_exactly_one(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    code, first = backup(cfg)
    assert code == 0 and first["revision"] and all(h["ok"] for h in first["hosts"])
    tree = files(tmp_path)
    assert "louvre-palais/mc-1/running-config.cfg" in tree
    assert "louvre-palais/mm-1/nodes/md/Louvre.cfg" in tree and "louvre-palais/mm-1/nodes/root.cfg" in tree
    assert tree["louvre-palais/mc-1/running-config.cfg"].rstrip().endswith(b"end")
    assert b"Building Configuration" not in tree["louvre-palais/mc-1/running-config.cfg"]

    code, second = backup(cfg)
    assert code == 0 and second["revision"] is None and commits(tmp_path) == 1

    change(fresh_lab, "/md/Louvre", ['ap-group "LIEVIN"', '    virtual-ap "louvre-wifi-gratuit"', "!"])
    code, third = backup(cfg)
    assert code == 0 and third["revision"] and commits(tmp_path) == 2
    touched = set(git.Repo(tmp_path / "backups").head.commit.stats.files)
    assert touched == {"louvre-palais/mm-1/nodes/md/Louvre.cfg", "louvre-palais/mc-1/running-config.cfg",
                       "louvre-palais/mc-2/running-config.cfg"}
    message = git.Repo(tmp_path / "backups").head.commit.message
    assert message.startswith("backup ") and "3 host(s) changed, 0 failed" in message
    assert "changed mm-1: louvre-palais/mm-1/nodes/md/Louvre.cfg" in message
    head = git.Repo(tmp_path / "backups").head.commit
    assert head.committer.name == "wifiops" and head.author.name == getpass.getuser()  # the engineer who ran it


def test_each_fault_keeps_that_hosts_previous_backup(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    assert backup(cfg)[0] == 0
    before = files(tmp_path)
    change(fresh_lab, "/md/Louvre", ['ap-group "LIEVIN"', '    virtual-ap "louvre-wifi-gratuit"', "!"])
    fresh_lab.fault("mm-2", "refuse-login")
    fresh_lab.fault("mc-2", "drop-after", 3000)
    fresh_lab.fault("mm-3", "slow", 4000)  # past the 3 s timeout
    fresh_lab.fault("mm-4", "hang")
    code, report = backup(cfg)
    assert code == 1
    errors = {h["host"]: h["error"] for h in report["hosts"] if not h["ok"]}
    assert sorted(errors) == ["mc-2", "mm-2", "mm-3", "mm-4"]
    assert "login refused" in errors["mm-2"] and "sent nothing" in errors["mm-4"]
    assert "cut" in errors["mc-2"] or "closed" in errors["mc-2"]
    assert errors["mm-3"].startswith("mm-3: ")
    after = files(tmp_path)
    for host in ("mm-2", "mc-2", "mm-3", "mm-4"):
        kept = {p: b for p, b in before.items() if f"/{host}/" in p}
        assert kept and all(after[p] == b for p, b in kept.items()), f"{host}'s backup changed"
    assert after["louvre-palais/mc-1/running-config.cfg"] != before["louvre-palais/mc-1/running-config.cfg"]
    message = git.Repo(tmp_path / "backups").head.commit.message
    assert "failed mm-2: login refused" in message and "2 host(s) changed, 4 failed" in message

    for host in ("mm-1", "mc-1", "cppm-1", "cppm-2", "cppm-3", "cppm-4"):  # the ClearPass clusters are backed up too
        fresh_lab.fault(host, "refuse-login")
    assert backup(cfg)[0] == 2  # nothing at all could be backed up


def test_no_secret_of_the_lab_anywhere(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    result = runner.invoke(app, ["--config", str(cfg), "backup"])
    assert result.exit_code == 0, result.output
    history = subprocess.run(["git", "-C", str(tmp_path / "backups"), "log", "-p", "--all"], capture_output=True,
                             text=True).stdout
    tree = b"".join(files(tmp_path).values()).decode()
    transcripts = "".join(p.read_text() for p in (tmp_path / "runs").rglob("*.log"))
    for secret in LAB_SECRETS:
        for where, text in (("files", tree), ("history", history), ("output", result.output),
                            ("transcripts", transcripts)):
            assert secret not in text, f"{secret} found in the backup's {where}"
    running = files(tmp_path)["louvre-palais/mc-1/running-config.cfg"].decode()
    keys = [line.split()[-1] for line in running.splitlines() if line.strip().startswith("key ")]
    assert keys and len(set(keys)) == 1 and keys[0].startswith('"<scrubbed:')  # one secret, one stable text


def test_a_changed_secret_shows_as_a_change_without_being_stored(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    backup(cfg)
    before = files(tmp_path)["louvre-palais/mc-1/running-config.cfg"].decode()
    change(fresh_lab, "/md", ['aaa authentication-server radius "cppm-1"', '    key "rotated-key-2026"', "!"])
    backup(cfg)
    after = files(tmp_path)["louvre-palais/mc-1/running-config.cfg"].decode()
    assert before != after and "rotated-key-2026" not in after
    assert sum(1 for a, b in zip(before.splitlines(), after.splitlines()) if a != b) == 1


def test_history_and_diff_between_any_two_versions(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    backup(cfg)
    change(fresh_lab, MC1_NODE, ["ip radius nas-ip 10.150.1.99"])
    backup(cfg)
    shown = runner.invoke(app, ["--config", str(cfg), "backup", "history", "mc-1", "--json"])
    versions = json.loads(shown.stdout)["versions"]
    assert len(versions) == 2
    node_versions = json.loads(runner.invoke(app, ["--config", str(cfg), "backup", "history", MC1_NODE,
                                                   "--json"]).stdout)["versions"]
    assert [v["revision"] for v in node_versions] == [v["revision"] for v in versions]
    last = runner.invoke(app, ["--config", str(cfg), "backup", "diff", "mc-1"]).stdout
    assert "-ip radius nas-ip 10.150.1.11" in last and "+ip radius nas-ip 10.150.1.99" in last
    between = runner.invoke(app, ["--config", str(cfg), "backup", "diff", "mc-1", versions[1]["revision"][:10],
                                  versions[0]["revision"][:10]]).stdout
    assert "+ip radius nas-ip 10.150.1.99" in between
    today = versions[0]["date"][:10]
    assert "no difference" in runner.invoke(app, ["--config", str(cfg), "backup", "diff", "mc-1", today]).stdout
    bad = runner.invoke(app, ["--config", str(cfg), "backup", "diff", "mc-1", "not-a-rev"])
    assert "neither a revision nor a date" in str(bad.exception)


def test_each_run_pushes_to_the_remote_and_a_failed_push_keeps_the_commit(fresh_lab, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git.Repo.init(remote, bare=True)
    cfg = config(tmp_path, fresh_lab, backup_remote=str(remote))
    code, report = backup(cfg)
    assert code == 0 and report["pushed"] == "ok"
    assert git.Repo(remote).head.commit.hexsha == report["revision"]

    cfg = config(tmp_path, fresh_lab, backup_remote=str(tmp_path / "nowhere.git"))
    change(fresh_lab, MC1_NODE, ["ip radius nas-ip 10.150.1.98"])
    code, report = backup(cfg)
    assert code == 1 and report["revision"] and "push to" in report["pushed"] and "local commit is kept" in report["pushed"]
    assert git.Repo(tmp_path / "backups").head.commit.hexsha == report["revision"]


def test_config_scrub_prints_a_scrubbed_copy_offline(tmp_path: Path, repo: Path) -> None:
    saved = tmp_path / "saved.cfg"
    saved.write_text('Building Configuration...\nconductorip 1.1.1.1 ipsec Sup3rS3cret interface vlan 1801\n'
                     'aaa authentication-server radius "x"\n    key "lab-radius-key"\n!\nend\n')
    result = runner.invoke(app, ["--config", str(repo / "wifiops.yaml"), "config", "scrub", str(saved)])
    assert result.exit_code == 0
    assert result.stdout == ('conductorip 1.1.1.1 ipsec ****** interface vlan 1801\naaa authentication-server '
                             'radius "x"\n    key "******"\n!\nend\n')


@pytest.mark.parametrize("target", ["mm-9", "md/Louvre"])
def test_history_of_an_unknown_target_is_an_error(lab, tmp_path: Path, target: str) -> None:
    result = runner.invoke(app, ["--config", str(config(tmp_path, lab)), "backup", "history", target])
    assert "neither a managed host nor a node path" in str(result.exception)


def test_a_failed_night_is_in_the_history_and_is_no_good_backup(fresh_lab, tmp_path: Path) -> None:
    from wifiops.engine.watchdog import last_good_backup
    from wifiops.settings import load_settings

    cfg = config(tmp_path, fresh_lab)
    code, good = backup(cfg)
    assert code == 0 and good["revision"]
    fresh_lab.fault("mm-2", "refuse-login")
    code, failed = backup(cfg)  # nothing changed anywhere, one host failed: still a commit, with no file
    assert code == 1 and failed["revision"] and commits(tmp_path) == 2
    head = git.Repo(tmp_path / "backups").head.commit
    assert not head.stats.files and "0 host(s) changed, 1 failed" in head.message
    assert "failed mm-2: login refused" in head.message and head.message.rstrip().endswith("Backup-Result: failed")
    shown = runner.invoke(app, ["--config", str(cfg), "backup", "history", "mm-2", "--json"])
    revisions = [v["revision"] for v in json.loads(shown.stdout)["versions"]]
    assert revisions == [failed["revision"], good["revision"]]  # mm-2's own history says the failed night
    other = runner.invoke(app, ["--config", str(cfg), "backup", "history", "mc-1", "--json"])
    assert [v["revision"] for v in json.loads(other.stdout)["versions"]] == [good["revision"]]
    assert last_good_backup(load_settings(cfg)) == git.Repo(tmp_path / "backups").commit(good["revision"]).committed_datetime
