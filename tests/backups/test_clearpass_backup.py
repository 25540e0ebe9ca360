"""ClearPass in the nightly backup (issue 28): every configuration object its REST API lists, one file per
object, scrubbed, over real HTTPS to the lab's ClearPass servers; a changed service is a one-file diff."""

from __future__ import annotations

import json
from pathlib import Path

import git
from typer.testing import CliRunner

from wifiops.clearpass.client import ClearPassClient, ClearPassServer
from wifiops.cli import app

runner = CliRunner()
FOLDER = "louvre-palais/cppm-1/clearpass"
AD_BIND = "Lab-AD-bind-2026!"  # the lab AD source's bind password, which the API answers


def config(tmp_path: Path, lab) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}",
                               f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                               "timeout: 5"]) + "\n")
    return path


def backup(cfg: Path) -> tuple[int, dict]:
    result = runner.invoke(app, ["--config", str(cfg), "backup", "--json"])
    return result.exit_code, json.loads(result.stdout)


def tree(tmp_path: Path) -> dict[str, str]:
    root = tmp_path / "backups"
    return {str(p.relative_to(root)): p.read_text() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}


def client(lab, host: str = "cppm-1") -> ClearPassClient:
    client_id, secret = lab.clearpass_credentials
    return ClearPassClient(ClearPassServer(host, lab.clearpass_url(host), client_id, secret, lab.clearpass_ca, 5.0))


def test_the_6_7_cluster_is_backed_up_once_and_says_what_its_api_cannot_give(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    code, report = backup(cfg)
    assert code == 0, report
    files = tree(tmp_path)
    cp = {path[len(FOLDER) + 1:] for path in files if path.startswith(FOLDER + "/")}
    assert {"network-devices/mm-1.json", "network-device-groups/louvre-palais.json", "roles/Guest.json",
            "role-mappings/Louvre-Role-Mapping.json", "auth-sources/AD-Louvre.json", "auth-methods/EAP-TLS.json",
            "certificates/server/RADIUS.json", "certificates/service/CN-radius.louvre.local.json",
            "cluster/servers.json"} <= cp
    assert not any(path.startswith("louvre-sainte-anne/cppm-2/") for path in files)  # one cluster, one copy
    # 6.7.7 has no services or enforcement in its API: said, not a failure, and no empty folder
    assert not any(p.startswith(("services/", "enforcement-")) for p in cp)
    assert any("/api/config/service (from 6.8)" in w for w in report["warnings"])
    # the AD bind password the API answered is masked; certificates keep their metadata, not the PEM
    assert all(AD_BIND not in text for text in files.values())
    ad = json.loads(files[f"{FOLDER}/auth-sources/AD-Louvre.json"])
    assert ad["cppm_primary_auth_source_connection_details"]["password"].startswith("<scrubbed:")
    assert "cert_file" not in json.loads(files[f"{FOLDER}/certificates/server/RADIUS.json"])
    servers = json.loads(files[f"{FOLDER}/cluster/servers.json"])
    assert [s["name"] for s in servers] == ["cppm-1", "cppm-2"] and "local_server" not in servers[0]
    log = git.Repo(tmp_path / "backups").git.log("--name-only", "--format=%s")
    assert f"{FOLDER}/roles/Guest.json" in log  # `git log` of the backups shows ClearPass's objects
    assert backup(cfg)[1]["revision"] is None  # a quiet night: nothing changed, no commit


def test_a_changed_service_is_a_one_file_diff_and_a_deleted_object_leaves_the_backup(fresh_lab,
                                                                                    tmp_path: Path) -> None:
    fresh_lab._sync(fresh_lab.core.clearpass.upgrade, "6.11.9.275340")  # the C2000s' replacement
    cfg = config(tmp_path, fresh_lab)
    code, first = backup(cfg)
    assert code == 0 and first["revision"]
    files = tree(tmp_path)
    service = json.loads(files[f"{FOLDER}/services/Louvre-802.1X-Intra.json"])
    assert service["enf_policy"] == "Louvre Intra Enforcement" and service["auth_sources"] == ["AD Louvre"]
    assert f"{FOLDER}/enforcement-policies/Louvre-Intra-Enforcement.json" in files
    assert not any("from 6.8" in w for w in first["warnings"])

    with client(fresh_lab, "cppm-2") as cp:  # through the subscriber: the cluster's configuration
        cp.request("PATCH", "/config/service/3001/disable")
    code, second = backup(cfg)
    assert code == 0 and second["revision"]
    head = git.Repo(tmp_path / "backups").head.commit
    assert set(head.stats.files) == {f"{FOLDER}/services/Louvre-802.1X-Intra.json"}
    assert "changed cppm-1: " in head.message
    diff = git.Repo(tmp_path / "backups").git.diff("HEAD~1", "HEAD")
    assert '-  "enabled": true,' in diff and '+  "enabled": false,' in diff

    with client(fresh_lab) as cp:
        device = cp.network_device_named("mc-2")
        assert device is not None
        cp.delete_network_device(device.id)
    code, third = backup(cfg)
    assert code == 0 and third["revision"]
    head = git.Repo(tmp_path / "backups").head.commit
    assert set(head.stats.files) == {f"{FOLDER}/network-devices/mc-2.json", f"{FOLDER}/network-device-groups/"
                                     "louvre-palais.json"}
    assert not (tmp_path / "backups" / FOLDER / "network-devices" / "mc-2.json").exists()


def test_a_cluster_no_server_answers_is_a_failed_host_the_others_kept(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    assert backup(cfg)[0] == 0
    before = tree(tmp_path)
    fresh_lab.fault("cppm-1", "refuse-login")
    code, report = backup(cfg)
    assert code == 0 and not any(h["host"] == "cppm-1" and not h["ok"] for h in report["hosts"])
    assert any("cppm-1" in w and "another server" in w for w in report["warnings"])  # read from cppm-2
    fresh_lab.fault("cppm-2", "refuse-login")
    code, report = backup(cfg)
    failed = {h["host"]: h["error"] for h in report["hosts"] if not h["ok"]}
    assert code == 1 and set(failed) == {"cppm-1", "cppm-2"}
    assert all(name in text for name, text in failed.items())
    assert tree(tmp_path) == before  # the good copy is kept
