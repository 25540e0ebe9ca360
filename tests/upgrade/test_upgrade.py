"""`wifiops upgrade plan|run` against the lab over real SSH: the order, the checks before any reload, one
device at a time with its down time on the lab clock, and the way back (docs/upgrade.md)."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
from pathlib import Path

import yaml
from netmiko import ConnectHandler
from typer.testing import CliRunner

from wifiops.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()
ORDER = ["mm-2", "mm-4", "mm-3", "mm-1", "mc-1", "mc-2"]  # standby MMs, the other active one, the conductor, MDs
WINDOW = ["--approved-on", "2026-11-02", "--at", "2026-12-08 23:30"]  # 10+ working days later, all sites closed
CHANGING = ("copy", "boot", "reload", "y")


def config(tmp_path: Path, lab) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}",
                               f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                               f"templates: {REPO / 'templates' / 'aruba_os'}", "timeout: 5"]) + "\n")
    return path


def target(tmp_path: Path, *, corrupt: bool = False, deadline: float = 20, downtime: dict | None = None,
           preload: bool = True) -> Path:
    images = {}
    for model, prefix in (("ArubaMM-VA", "ArubaOS_MM"), ("Aruba7210", "ArubaOS_72xx")):
        name = f"{prefix}_8.10.0.14_91234"
        local = tmp_path / name
        local.write_bytes(b"image " + name.encode())
        published = hashlib.sha256(local.read_bytes()).hexdigest()
        if corrupt and model == "Aruba7210":
            local.write_bytes(b"image " + name.encode() + b" truncated")
        images[model] = {"file": name, "sha256": published, "path": str(local)}
    path = tmp_path / "upgrade.yaml"
    path.write_text(json.dumps({"version": "8.10.0.14", "build": "91234", "server": "10.150.0.50",
                                "protocol": "tftp", "images": images, "step_deadline_s": deadline,
                                "poll_s": 0.3, "preload": preload, "preload_max_downloads": 200,
                                "ap_group_downtime_s": downtime or {"default": 600}}))
    return path


def wifiops(cfg: Path, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["--config", str(cfg), *args, "--json"])
    assert result.stdout.strip(), result.output
    return result.exit_code, json.loads(result.stdout)


def changes_sent(lab, since: dict[str, int]) -> list[str]:  # type: ignore[no-untyped-def]
    """The lines that change a device, each host's since `since` (the session lab keeps every test's)."""
    return [f"{h}: {line}" for h in ORDER for line in lab.received(h, since[h])
            if line.strip().split(" ", 1)[0] in CHANGING]


def counts(lab) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {h: lab.received_count(h) for h in ORDER}


def running(lab, host: str) -> str:  # type: ignore[no-untyped-def]
    with ConnectHandler(**lab.device_params(host)) as conn:
        return str(conn.send_command("show version")).split("Version ", 1)[1].split()[0]


def aps_up(lab) -> int:  # type: ignore[no-untyped-def]
    with ConnectHandler(**lab.device_params("mm-1")) as conn:
        return sum(1 for line in str(conn.send_command("show ap database")).splitlines() if " Up " in line)


def test_the_plan_orders_the_estate_and_sends_nothing_that_changes_it(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    code, plan = wifiops(config(tmp_path, fresh_lab), "upgrade", "plan", str(target(tmp_path)))
    assert code == 0, plan
    assert [s["host"] for s in plan["steps"]] == ORDER
    mc1 = plan["steps"][4]
    assert mc1["partition"] == 1 and mc1["back"] == 0
    assert "copy tftp: 10.150.0.50 ArubaOS_72xx_8.10.0.14_91234 system: partition 1" in mc1["sends"]
    assert any("AP Up" in w for w in mc1["waits"])
    # the APs preload the new image from their controller (partition 1) before any controller reloads
    assert mc1["sends"].index("ap image-preload activate all-aps partition 1 max-downloads 200") < mc1["sends"].index(
        "reload")
    assert not any("image-preload" in line for line in plan["steps"][0]["sends"])  # an MM has no APs
    assert plan["aps_up"] == 358 and sum(plan["groups_up"].values()) == 358
    assert plan["ap_versions"]["AP-535"] == {"8.10.0.12 (89321)": 210}
    assert changes_sent(fresh_lab, since) == []


def test_run_without_apply_is_a_dry_run(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    result = runner.invoke(app, ["--config", str(config(tmp_path, fresh_lab)), "upgrade", "run",
                                 str(target(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output and "mm-2" in result.output
    assert changes_sent(fresh_lab, since) == []


def test_a_corrupted_image_is_refused_before_anything_is_sent(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = counts(fresh_lab)
    result = runner.invoke(app, ["--config", str(config(tmp_path, fresh_lab)), "upgrade", "run",
                                 str(target(tmp_path, corrupt=True)), "--apply", *WINDOW])
    assert result.exit_code == 1, result.output
    assert "Aruba7210" in result.output and "corrupted or wrong image" in result.output
    assert counts(fresh_lab) == before  # not even a login


def test_an_image_failing_its_signature_on_a_device_stops_before_any_reload(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    fresh_lab.fault("mc-1", "image-corrupt")
    code, report = wifiops(config(tmp_path, fresh_lab), "upgrade", "run", str(target(tmp_path)), "--apply", *WINDOW)
    assert code == 1, report
    assert "mc-1" in report["stopped"] and "no device was reloaded" in report["stopped"]
    assert "signature verification failed" in report["outcomes"][-1]["detail"]
    assert not [line for line in changes_sent(fresh_lab, since) if "reload" in line]
    assert {h: running(fresh_lab, h) for h in ("mm-1", "mc-1")} == {"mm-1": "8.10.0.12", "mc-1": "8.10.0.12"}


def test_a_run_upgrades_every_host_one_at_a_time(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    fresh_lab.settle(reload=1.0, rejoin=3.0)  # long enough that a sample on a loaded machine sees them away
    code, report = wifiops(config(tmp_path, fresh_lab), "upgrade", "run", str(target(tmp_path)), "--apply", *WINDOW)
    assert code == 0, report
    assert [(o["host"], o["state"]) for o in report["outcomes"]] == [(h, "upgraded") for h in ORDER]
    assert {h: running(fresh_lab, h) for h in ORDER} == {h: "8.10.0.14" for h in ORDER}
    assert aps_up(fresh_lab) == 358
    # sampled while each controller was away: the first one's peer carried every AP (a cluster's hitless
    # failover); the second's peer runs another release, so no cluster: its APs re-homed and rejoined
    fewest = {o["host"]: o["fewest_aps_up"] for o in report["outcomes"][4:]}
    assert fewest["mc-1"] == 358 and fewest["mc-2"] < 358
    # every AP took its controller's release as it rejoined; each group's down time was sampled, within its allowance
    assert all(list(v) == ["8.10.0.14 (91234)"] for v in report["ap_versions_after"].values())
    assert sum(n for v in report["ap_versions_after"].values() for n in v.values()) == 358
    assert report["samples"] > 0 and report["groups_down_s"] and max(report["groups_down_s"].values()) <= 600
    assert set(report["preload"]) == {"mc-1", "mc-2"}
    reloads = [line for line in changes_sent(fresh_lab, since) if line.endswith(": reload")]
    assert [line.split(":")[0] for line in reloads] == ORDER  # one at a time, in the plan's order
    log = (Path(report["plan"]["log_dir"]) / "mc-1.log").read_text()
    assert "boot system partition 1" in log and "copy tftp:" in log


def test_aps_that_do_not_rejoin_take_the_way_back_and_stop_the_run(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    fresh_lab.settle(reload=1.0, rejoin=0.5)
    fresh_lab.fault("mc-1", "aps-no-rejoin")
    code, report = wifiops(config(tmp_path, fresh_lab), "upgrade", "run", str(target(tmp_path, deadline=6)),
                           "--apply", *WINDOW)
    assert code == 1, report
    states = {o["host"]: o["state"] for o in report["outcomes"]}
    assert states["mc-1"] == "rolled-back" and states["mc-2"] == "staged"
    # the MMs upgraded before it are taken back: the estate ends on one release
    assert {h: states[h] for h in ORDER[:4]} == dict.fromkeys(ORDER[:4], "taken-back")
    assert {h: running(fresh_lab, h) for h in ORDER} == {h: "8.10.0.12" for h in ORDER}
    assert aps_up(fresh_lab) == 358
    assert not [line for line in changes_sent(fresh_lab, since) if line == "mc-2: reload"]


def test_an_ap_group_down_longer_than_allowed_takes_the_way_back(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    fresh_lab.settle(reload=1.0, rejoin=4.0)  # without preload, mc-2's APs re-home to mc-1 and take 4 s
    code, report = wifiops(config(tmp_path, fresh_lab), "upgrade", "run",
                           str(target(tmp_path, preload=False, downtime={"default": 600, "DELACROIX": 0.2})),
                           "--apply", *WINDOW)
    assert code == 1, report
    states = {o["host"]: o["state"] for o in report["outcomes"]}
    assert states == {**{h: "taken-back" for h in ORDER[:5]}, "mc-2": "rolled-back"}
    assert "AP group DELACROIX" in report["stopped"] and "0.2 s allowed" in report["stopped"]
    assert report["groups_down_s"]["DELACROIX"] > 0.2
    assert {h: running(fresh_lab, h) for h in ORDER} == {h: "8.10.0.12" for h in ORDER}
    assert aps_up(fresh_lab) == 358
    assert not [line for line in changes_sent(fresh_lab, since) if "image-preload" in line]  # preload: false


def test_a_device_that_does_not_come_back_stops_the_run_and_says_what_to_do(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    fresh_lab.settle(reload=1.0)
    fresh_lab.fault("mm-2", "boot-fail")
    code, report = wifiops(config(tmp_path, fresh_lab), "upgrade", "run", str(target(tmp_path, deadline=3)),
                           "--apply", *WINDOW)
    assert code == 2, report
    assert report["outcomes"][0]["host"] == "mm-2" and report["outcomes"][0]["state"] == "not-returned"
    assert "console" in report["outcomes"][0]["detail"] and "partition 0" in report["outcomes"][0]["detail"]
    assert running(fresh_lab, "mm-4") == "8.10.0.12"
    assert [line for line in changes_sent(fresh_lab, since) if line.endswith(": reload")] == ["mm-2: reload"]


def test_an_scp_copy_answers_the_password_and_no_log_holds_it(fresh_lab, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    path = target(tmp_path)
    spec = json.loads(path.read_text())
    path.write_text(json.dumps({**spec, "protocol": "scp", "user": "images", "password_env": "IMAGE_SERVER_PW"}))
    monkeypatch.setenv("IMAGE_SERVER_PW", "Scp-S3cret-29")
    fresh_lab.settle(reload=0.5)
    code, report = wifiops(config(tmp_path, fresh_lab), "upgrade", "run", str(path), "--apply", "--host", "mm-2",
                           *WINDOW)
    assert code == 0, report
    assert [o["host"] for o in report["outcomes"]] == ["mm-2"]
    assert running(fresh_lab, "mm-2") == "8.10.0.14" and running(fresh_lab, "mm-1") == "8.10.0.12"
    assert "mm-2: copy scp: 10.150.0.50 images ArubaOS_MM_8.10.0.14_91234 system: partition 1" in changes_sent(
        fresh_lab, since)
    logs = "".join(p.read_text() for p in Path(report["plan"]["log_dir"]).iterdir() if p.is_file())
    assert "Scp-S3cret-29" not in logs and "Scp-S3cret-29" not in json.dumps(report)


def test_controllers_alone_are_refused_while_the_mms_run_an_older_release(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    result = runner.invoke(app, ["--config", str(config(tmp_path, fresh_lab)), "upgrade", "run", str(target(tmp_path)),
                                 "--apply", "--host", "mc-1", "--host", "mc-2", *WINDOW])
    assert result.exit_code == 1, result.output
    assert "mm-1 runs 8.10.0.12" in result.output and "MMs to 8.10.0.14 first" in result.output
    assert changes_sent(fresh_lab, since) == []


def test_a_nearly_full_flash_is_refused_before_anything_is_sent(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    fresh_lab.fault("mc-2", "disk-full")
    code, plan = wifiops(config(tmp_path, fresh_lab), "upgrade", "plan", str(target(tmp_path)))
    assert code == 1, plan
    assert plan["findings"] == ["mc-2: 40 MB free on /flash, the copy needs 1024 MB: free some (old crash files, "
                                "logs) first"]
    assert changes_sent(fresh_lab, since) == []


def test_versions_lists_both_partitions_and_finds_hosts_off_the_target(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, found = wifiops(config(tmp_path, fresh_lab), "upgrade", "versions")
    assert code == 0, found
    mc1 = next(r for r in found["rows"] if r["host"] == "mc-1")
    assert mc1["runs"] == "8.10.0.12" and mc1["boot"] == 0
    assert mc1["partitions"] == {"0": "8.10.0.12 (89321)", "1": "8.10.0.7 (86231)"}
    assert found["aps"]["AP-305"] == {"8.10.0.12 (89321)": 59}
    assert sum(n for v in found["aps"].values() for n in v.values()) == 358
    code, found = wifiops(config(tmp_path, fresh_lab), "upgrade", "versions", "--target", str(target(tmp_path)))
    assert code == 1 and len(found["findings"]) == 6 + 5  # each host, and each AP model
    assert found["findings"][0] == "mm-2: runs 8.10.0.12 build 89321, not the target 8.10.0.14 build 91234"
    assert "APs AP-535: 210 run 8.10.0.12 (89321), not the target 8.10.0.14 (91234)" in found["findings"]


def test_the_window_must_hold_the_whole_run_not_only_its_start(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    early = ["--approved-on", "2026-11-02", "--at", "2026-12-09 06:00"]  # Wednesday: the Louvre opens at 9:00
    result = runner.invoke(app, ["--config", str(config(tmp_path, fresh_lab)), "upgrade", "run",
                                 str(target(tmp_path, deadline=1800)), "--apply", *early])
    assert result.exit_code == 1, result.output
    assert "refused:" in result.output
    assert changes_sent(fresh_lab, since) == []


def test_a_controller_that_does_not_boot_is_booted_back_from_its_console_and_the_estate_taken_back(  # type: ignore[no-untyped-def]
        fresh_lab, tmp_path) -> None:
    since = counts(fresh_lab)
    fresh_lab.settle(reload=1.0, rejoin=0.5)
    fresh_lab.fault("mc-2", "boot-fail")  # its reload onto 8.10.0.14 never comes back: it sits at its boot loader
    cfg = config(tmp_path, fresh_lab)
    code, plan = wifiops(cfg, "upgrade", "plan", str(target(tmp_path, deadline=6)))
    mc2 = next(s for s in plan["steps"] if s["host"] == "mc-2")
    console = f"127.0.0.1:{fresh_lab.console_ports['mc-2']}"
    assert mc2["console"] == console and mc2["way_back"][-3:] == ["(Enter)", "def_part 0", "boot"]
    code, report = wifiops(cfg, "upgrade", "run", str(target(tmp_path, deadline=6)), "--apply", *WINDOW)
    assert code == 1, report
    states = {o["host"]: o["state"] for o in report["outcomes"]}
    assert states == {**{h: "taken-back" for h in ORDER[:5]}, "mc-2": "rolled-back"}
    assert "from its console" in report["stopped"] and "taken back" in report["stopped"]
    assert {h: running(fresh_lab, h) for h in ORDER} == {h: "8.10.0.12" for h in ORDER}
    assert aps_up(fresh_lab) == 358
    # on the console, exactly what the plan listed; in mc-2's log too
    typed = [line for line in fresh_lab.received("mc-2", since["mc-2"]) if line.startswith("console>")]
    assert typed == ["console> ", "console> def_part 0", "console> boot"]
    assert "console> def_part 0" in (Path(report["plan"]["log_dir"]) / "mc-2.log").read_text()
    # the estate went back in the reverse order: controllers, then the MMs
    reloads = sorted((r["time"], h) for h in ORDER for r in fresh_lab._sync(fresh_lab.core.received_lines, h, since[h])
                     if r["line"] == "reload")
    assert [h for _, h in reloads] == ORDER + ORDER[-2::-1]


def test_a_console_that_cannot_be_reached_stops_the_run_and_says_what_to_do(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    inventory = tmp_path / "inventory"
    shutil.copytree(fresh_lab.inventory_dir, inventory)
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    with socket.socket() as s:  # a port nothing listens on: the console server's line is dead
        s.bind(("127.0.0.1", 0))
        hosts["mc-2"]["data"]["console"]["port"] = s.getsockname()[1]
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    cfg = config(tmp_path, fresh_lab)
    cfg.write_text(cfg.read_text().replace(str(fresh_lab.inventory_dir), str(inventory)))
    fresh_lab.settle(reload=1.0, rejoin=0.5)
    fresh_lab.fault("mc-2", "boot-fail")
    code, report = wifiops(cfg, "upgrade", "run", str(target(tmp_path, deadline=4)), "--apply", *WINDOW)
    assert code == 2, report
    mc2 = report["outcomes"][-1]
    assert mc2["host"] == "mc-2" and mc2["state"] == "not-returned"
    assert "console" in mc2["detail"] and "boot partition 0 there by hand" in mc2["detail"]
    assert running(fresh_lab, "mc-1") == "8.10.0.14"  # nothing taken back: the failed one is still down


def test_aps_not_rejoining_on_the_second_controller_take_the_whole_estate_back(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = counts(fresh_lab)
    fresh_lab.settle(reload=1.0, rejoin=0.5)
    fresh_lab.fault("mc-2", "aps-no-rejoin")  # back on 8.10.0.14, its APs stay Down until it runs 8.10.0.12 again
    result = runner.invoke(app, ["--config", str(config(tmp_path, fresh_lab)), "upgrade", "run",
                                 str(target(tmp_path, deadline=6)), "--apply", *WINDOW])
    assert result.exit_code == 1, result.output
    assert {h: running(fresh_lab, h) for h in ORDER} == {h: "8.10.0.12" for h in ORDER}
    assert aps_up(fresh_lab) == 358
    outcome = result.stdout.split("upgrade: outcome", 1)[1]
    for host in ORDER[:5]:  # each host upgraded before mc-2 says it was taken back, on its own row
        row = next(line for line in outcome.splitlines() if line.startswith(f"{host} "))
        assert "taken-back" in row and "taken back to 8.10.0.12" in row, outcome
    assert "mc-2: rolled-back" in result.stderr and "every host upgraded before it taken back" in result.stderr
    assert "all 358 APs up" in result.stderr
    # back in the reverse order: the controller first, then the MMs, conductor before the standbys
    reloads = sorted((r["time"], h) for h in ORDER for r in fresh_lab._sync(fresh_lab.core.received_lines, h, since[h])
                     if r["line"] == "reload")
    assert [h for _, h in reloads] == ORDER + ["mc-2"] + ORDER[-2::-1]


def test_the_plan_shows_the_worst_case_with_the_way_back(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = config(tmp_path, fresh_lab)
    result = runner.invoke(app, ["--config", str(cfg), "upgrade", "plan", str(target(tmp_path, deadline=1800))])
    assert result.exit_code == 0, result.output
    # forward: 6 devices, one way back and the preload at 30 min each (4.5 h); taking back the 5 before the last
    # one (a controller twice: its APs) and the estate's APs once more: 3.5 h
    assert "worst case: 4.5 h (the window holds this); worst case with the way back: 8.0 h" in result.stdout
    code, plan = wifiops(cfg, "upgrade", "plan", str(target(tmp_path, deadline=1800)))
    assert (plan["worst_case_s"], plan["way_back_worst_case_s"]) == (4.5 * 3600, 3.5 * 3600)


def test_a_way_back_running_past_the_opening_hours_is_a_warning_not_a_refusal(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fresh_lab.fault("mc-1", "image-corrupt")  # the run stops at staging: nothing reloads in this test
    early = ["--approved-on", "2026-11-02", "--at", "2026-12-09 04:00"]  # ends by 08:30; taken back, by 12:00
    result = runner.invoke(app, ["--config", str(config(tmp_path, fresh_lab)), "upgrade", "run",
                                 str(target(tmp_path, deadline=1800)), "--apply", *early])
    assert "refused:" not in result.output, result.output
    assert "warning: should the estate be taken back, the way back (3.5 h more, 8.0 h in all) would run past" in (
        " ".join(result.stderr.split()))
    assert "no device was reloaded" in result.stderr  # it went on: the window held the forward run
    night = runner.invoke(app, ["--config", str(config(tmp_path, fresh_lab)), "upgrade", "run",
                                str(target(tmp_path, deadline=1800)), "--apply", *WINDOW])
    assert "no device was reloaded" in night.stderr and "warning:" not in night.output  # a normal night: no warning


def test_a_way_back_that_stops_short_says_each_hosts_state_and_what_to_do(fresh_lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from wifiops.engine.upgrade import execute, plan
    from wifiops.estate import Estate
    from wifiops.settings import Settings

    fresh_lab.settle(reload=1.0, rejoin=0.5)
    fresh_lab.fault("mc-2", "aps-no-rejoin")
    chosen = Settings(root=tmp_path, run_dir=tmp_path / "runs", secrets_file=tmp_path / "none.yaml",
                      backup_dir=tmp_path / "backups", templates=REPO / "templates" / "aruba_os", timeout=5)
    found, run = plan(Estate.open(chosen, fresh_lab.inventory_dir), target(tmp_path, deadline=4))

    def progress(line: str) -> None:  # mc-1's own way back then never boots: it sits at its boot loader
        if line.startswith("mc-1: taking it back"):
            fresh_lab.fault("mc-1", "boot-fail")

    report = execute(found, run, progress=progress, timeout=5.0)
    assert report.code == 2, report.to_dict()
    states = {o.host: o.state for o in report.outcomes}
    assert states == {**{h: "upgraded" for h in ORDER[:4]}, "mc-1": "not-taken-back", "mc-2": "rolled-back"}
    mc1 = next(o for o in report.outcomes if o.host == "mc-1")
    assert "on its console, boot partition 0 (it holds 8.10.0.12)" in mc1.detail
    assert "the way back stopped at mc-1" in (report.stopped or "")
    assert "still on 8.10.0.14: mm-1, mm-3, mm-4, mm-2: once mc-1 is back on its old release, take them back in " \
           "this order (mm-1: boot system partition 0, reload" in (report.stopped or "")
    assert {h: running(fresh_lab, h) for h in ORDER[:4]} == dict.fromkeys(ORDER[:4], "8.10.0.14")
    assert running(fresh_lab, "mc-2") == "8.10.0.12"
