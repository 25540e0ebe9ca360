"""Production access (issue 17) on the lab through its bastion: show, backup, apply and the NAPALM driver go
through it with both hops' host keys checked and one login to the bastion per run; with the bastion down or
its key changed, each host fails with one clear line and nothing is sent; the engineer's name is on the
journal, the backup commit and the report."""

from __future__ import annotations

import json
from pathlib import Path

import git
import napalm
from typer.testing import CliRunner

from wifiops.cli import app

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


def config(tmp_path: Path, lab, bastion, *extra: str) -> Path:
    path = tmp_path / "wifiops.yaml"
    lines = [f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}", f"backup_dir: {tmp_path / 'backups'}",
             f"secrets_file: {tmp_path / 'none.yaml'}", f"templates: {REPO / 'templates' / 'aruba_os'}", "timeout: 5",
             "bastion:", "  host: 127.0.0.1", f"  port: {bastion.port}", f"  username: {bastion.username}",
             "  name: wallix-lab", f"  password_command: printf {bastion.password}", *extra]
    path.write_text("\n".join(lines) + "\n")
    return path


def wifiops(cfg: Path, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["--config", str(cfg), *args, "--json"])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}


def test_show_goes_through_the_bastion_with_one_login_per_run(lab, lab_bastion, tmp_path: Path) -> None:
    logins, channels = lab_bastion.connections, lab_bastion.channels
    code, shown = wifiops(config(tmp_path, lab, lab_bastion), "show", "show switches")
    assert code == 0 and all(r["ok"] for r in shown["results"]), shown
    assert lab_bastion.connections - logins == 1  # one login to the bastion for the six devices
    assert lab_bastion.channels - channels == len(shown["results"]) == 6


def test_backup_and_apply_through_the_bastion_name_the_engineer(fresh_lab, lab_bastion, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab, lab_bastion, "engineer: Nadia Engineer")
    code, backed = wifiops(cfg, "backup")
    assert code == 0, backed
    commit = git.Repo(tmp_path / "backups").head.commit
    assert commit.author.name == "Nadia Engineer" and "Nadia Engineer" in commit.message
    code, done = wifiops(cfg, "apply", "--commit", "--live")
    assert code == 0 and done["engineer"] == "Nadia Engineer", done
    code, compliant = wifiops(cfg, "diff", "--live")  # the firewall's segments stay pending (issue 34)
    assert all(n["compliant"] for n in compliant["nodes"]) and code == 1
    report = tmp_path / "report.md"
    result = runner.invoke(app, ["--config", str(cfg), "report", "diff", "--out", str(report), "--format", "md",
                                 "--intended", "--live"])
    assert result.exit_code == 0 and "Nadia Engineer" in report.read_text()


def test_the_engineers_bastion_login_is_the_default_name(lab, lab_bastion, tmp_path: Path) -> None:
    cfg = config(tmp_path, lab, lab_bastion)
    result = runner.invoke(app, ["--config", str(cfg), "run", str(REPO / "playbooks" / "nightly-backup.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "runs" / "journal.jsonl").read_text().splitlines()[-1])
    assert record["who"] == lab_bastion.username and record["device_user"]
    assert git.Repo(tmp_path / "backups").head.commit.author.name == lab_bastion.username


def test_with_the_bastion_down_each_host_fails_with_one_line_and_nothing_is_sent(lab, lab_bastion,
                                                                                   tmp_path: Path) -> None:
    since = {host: lab.received_count(host) for host in lab.ports}
    lab_bastion.down()
    try:
        result = runner.invoke(app, ["--config", str(config(tmp_path, lab, lab_bastion)), "show", "show switches"])
    finally:
        lab_bastion.up()
    assert result.exit_code == 2
    failed = [line for line in result.stderr.splitlines() if "wallix-lab" in line]
    assert len(failed) == 6 and all("no answer from the bastion wallix-lab" in line for line in failed), result.stderr
    assert "Traceback" not in result.output
    assert {host: lab.received_count(host) for host in lab.ports} == since


def test_a_changed_bastion_key_refuses_every_host_before_any_password(lab, lab_bastion, tmp_path: Path) -> None:
    since = {host: lab.received_count(host) for host in lab.ports}
    lab_bastion.new_key()
    try:
        result = runner.invoke(app, ["--config", str(config(tmp_path, lab, lab_bastion)), "show", "show switches"])
    finally:
        lab_bastion.new_key()
        lab_bastion.record_key()
    assert result.exit_code == 2
    failed = [line for line in result.stderr.splitlines() if "CHANGED" in line]
    assert len(failed) == 6 and all("wallix-lab" in line for line in failed), result.stderr
    assert {host: lab.received_count(host) for host in lab.ports} == since


def test_the_napalm_driver_goes_through_the_bastion(lab, lab_bastion) -> None:
    user, password = lab.credentials
    device = napalm.get_network_driver("aos8")("127.0.0.1", user, password, timeout=10, optional_args={
        "port": lab.port("mc-1"), "known_hosts": str(lab.known_hosts), "name": "mc-1",
        "jump_host": f"{lab_bastion.username}@127.0.0.1:{lab_bastion.port}", "jump_password": lab_bastion.password})
    channels = lab_bastion.channels
    with device:
        assert device.get_facts()["hostname"] == "mc-1"
    assert lab_bastion.channels == channels + 1


def test_the_engineers_ssh_config_proxyjump_is_followed(lab, lab_bastion, tmp_path: Path, monkeypatch) -> None:
    ssh_config = tmp_path / "ssh_config"
    ssh_config.write_text(f"Host wallix\n    HostName 127.0.0.1\n    Port {lab_bastion.port}\n"
                          f"    User {lab_bastion.username}\n\nHost 127.0.0.1\n    ProxyJump wallix\n")
    monkeypatch.setenv("WIFIOPS_SECRET_BASTION_PASSWORD", lab_bastion.password)
    cfg = tmp_path / "wifiops.yaml"
    cfg.write_text("\n".join([f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}",
                              f"secrets_file: {tmp_path / 'none.yaml'}", f"ssh_config: {ssh_config}", "timeout: 5"]))
    channels = lab_bastion.channels
    code, shown = wifiops(cfg, "show", "show hostname", "--host", "mc-2")
    assert code == 0 and shown["results"][0]["output"].strip() == "Hostname is mc-2"
    assert lab_bastion.channels == channels + 1


def test_a_bastion_that_allows_one_channel_per_connection_gets_one_login_per_device(lab, lab_bastion,
                                                                                    tmp_path: Path) -> None:
    logins = lab_bastion.connections
    code, shown = wifiops(config(tmp_path, lab, lab_bastion, "  share_connection: false"), "show", "show hostname")
    assert code == 0 and len(shown["results"]) == 6
    assert lab_bastion.connections - logins == 6


def test_each_engineers_device_credentials_come_from_a_command_or_the_environment(lab, tmp_path: Path,
                                                                                   monkeypatch) -> None:
    base = [f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}", f"secrets_file: {tmp_path / 'no.yaml'}",
            "timeout: 5"]
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("\n".join([*base, "password_command: printf not-the-password"]) + "\n")
    result = runner.invoke(app, ["--config", str(wrong), "show", "show hostname", "--host", "mc-1"])
    assert result.exit_code == 2 and "mc-1: login refused" in result.stderr  # the command's password was used
    assert "not-the-password" not in result.output
    right = tmp_path / "right.yaml"
    right.write_text("\n".join([*base, f"password_command: printf {lab.credentials[1]}"]) + "\n")
    assert runner.invoke(app, ["--config", str(right), "show", "show hostname", "--host", "mc-1"]).exit_code == 0
    monkeypatch.setenv("WIFIOPS_USERNAME", "ndupont")
    result = runner.invoke(app, ["--config", str(right), "show", "show hostname", "--host", "mc-1"])
    assert result.exit_code == 2 and "login refused for user 'ndupont'" in result.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("\n".join([*base, "password_command: \"false\""]) + "\n")
    result = runner.invoke(app, ["--config", str(broken), "show", "show hostname"])
    assert "password command 'false' printed no password" in str(result.exception)
