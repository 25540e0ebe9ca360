"""`wifiops apply` (issue 11) on the lab over real SSH: a dry run sends nothing (the lab's own record says so), a
committed change makes the nodes compliant, a refused line, a cut session or a failure leaves every node exactly
as it was, leftovers of a cut session are purged and said, and a change made between plan and apply is refused.

The lab's seed is not the intent (its /md lacks the VLAN names and portal roles, /md/Louvre its VLAN ids), so
every test here has a real two-node change to make: /md's changes, then /md/Louvre's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.aos8.session import Aos8Session
from wifiops.cli import app
from wifiops.engine.apply import apply
from wifiops.engine.plans import ApplyPlan, seal_key, sealed
from wifiops.errors import WifiopsError
from wifiops.settings import Settings
from wifiops.estate import Estate

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
NODES = ["/md", "/md/Louvre", "/md/Louvre/00:1a:1e:72:10:01", "/md/Louvre/00:1a:1e:72:10:02"]
LAB_SECRETS = ("lab-radius-key", "lab-multimedia-psk", "lab-ipsec-key", "lab-admin")
# What a session sends that is not configuration: login and backup preparation, reads, and its logout.
READS = ("no paging", "encrypt disable", "show ")
LOGOUT = "exit"


def config(tmp_path: Path, lab) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}",
                               f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                               f"templates: {REPO / 'templates' / 'aruba_os'}", "timeout: 5"]) + "\n")
    return path


def wifiops(cfg: Path, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["--config", str(cfg), *args, "--json"])
    assert result.stdout.strip(), result.output
    return result.exit_code, json.loads(result.stdout)


def refusal(cfg: Path, *args: str) -> str:
    """The one line `wifiops` prints for an error it raises (wifiops.cli.main prints it, exit 2)."""
    result = runner.invoke(app, ["--config", str(cfg), *args])
    assert isinstance(result.exception, WifiopsError) and result.exception.exit_code == 2, result.output
    return str(result.exception)


def session(lab) -> Aos8Session:
    user, password = lab.credentials
    return Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password, name="mm-1",
                               known_hosts=lab.known_hosts)


def committed(lab) -> dict[str, str]:
    with session(lab) as mm:
        mm.send("encrypt disable")
        return {node: mm.show(f"show configuration committed {node}") for node in NODES}


def pending_on_mm(lab) -> bool:
    with session(lab) as mm:
        return mm.prompt.unsaved


def config_lines(lines: list[str]) -> list[str]:
    """What was received beyond reads: a logout `exit` counts only inside configuration mode."""
    found, configuring = [], False
    for line in lines:
        configuring = (configuring or line == "configure terminal") and line != "end"
        if not line.startswith(READS) and (line != LOGOUT or configuring):
            found.append(line)
    return found


def test_a_dry_run_sends_nothing_and_shows_each_nodes_lines(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    assert runner.invoke(app, ["--config", str(cfg), "backup"]).exit_code == 0
    before = {host: fresh_lab.received_count(host) for host in fresh_lab.ports}
    code, shown = wifiops(cfg, "apply")  # from the backup: not one line to any host
    assert code == 0 and not shown["committed"]
    assert {host: fresh_lab.received_count(host) for host in fresh_lab.ports} == before
    by_node = {n["node"]: n for n in shown["nodes"]}
    assert 'user-role "guest-internet"' in by_node["/md"]["remediation"]
    assert "vlan multimedia 120" in by_node["/md/Louvre"]["remediation"]
    assert by_node["/md/Louvre/00:1a:1e:72:10:01"]["status"] == "unchanged"
    assert Path(shown["plan_file"]).exists()

    since = fresh_lab.received_count("mm-1")
    code, live = wifiops(cfg, "apply", "--live")  # a live plan reads, and only reads
    assert code == 0
    assert fresh_lab.received("mm-1", since) and config_lines(fresh_lab.received("mm-1", since)) == []
    assert [n["remediation"] for n in live["nodes"]] == [n["remediation"] for n in shown["nodes"]]


def test_a_committed_change_makes_every_node_compliant_and_sends_exactly_the_plan(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    _, planned = wifiops(cfg, "apply", "--live")
    since = fresh_lab.received_count("mm-1")
    code, done = wifiops(cfg, "apply", "--commit", "--plan", planned["plan_file"])
    assert code == 0, done
    assert {n["node"]: n["status"] for n in done["nodes"]} == {
        "/md": "applied", "/md/Louvre": "applied", "/md/Louvre/00:1a:1e:72:10:01": "unchanged",
        "/md/Louvre/00:1a:1e:72:10:02": "unchanged"}
    assert done["backup_revision"] and not pending_on_mm(fresh_lab)
    sent = config_lines(fresh_lab.received("mm-1", since))
    for node in planned["nodes"]:  # every planned line reached the device, in the plan's order
        wanted = [line.strip() for line in node["remediation"].splitlines() if line.strip() not in ("", "!")]
        got = iter(sent)
        assert all(line in got for line in wanted), node["node"]
    assert sent.count("write memory") == 2  # /md's changes, then /md/Louvre's (nothing to delete)
    code, again = wifiops(cfg, "diff", "--live")  # the controllers are; the firewall's segments are not confirmed
    assert all(n["compliant"] for n in again["nodes"]) and code == 1 and not again["compliant"]  # (issue 34)
    assert {f["status"] for f in again["firewall"]} == {"pending on the firewall"}
    journal = [json.loads(line) for line in (tmp_path / "runs" / "journal.jsonl").read_text().splitlines()]
    assert journal[-1]["kind"] == "apply" and journal[-1]["result"] == "applied" and journal[-1]["engineer"]
    assert journal[-1]["nodes"]["/md"] == "applied"
    log = (Path(done["log_dir"]) / "mm-1.log").read_text()
    assert 'user-role "guest-internet"' in log and "write memory" in log and "Configuration Saved." in log
    assert not any(secret in log for secret in LAB_SECRETS)


def test_a_line_refused_mid_change_leaves_every_node_as_before(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    baseline = committed(fresh_lab)
    fresh_lab.fault("mm-1", "reject-line", r"^vlan multimedia 120$")  # in /md/Louvre, after /md was committed
    code, done = wifiops(cfg, "apply", "--commit", "--live")
    assert code == 1, done
    by_node = {n["node"]: n for n in done["nodes"]}
    assert by_node["/md/Louvre"]["status"] == "failed"
    assert "vlan multimedia 120" in by_node["/md/Louvre"]["error"] and "Invalid input" in by_node["/md/Louvre"]["error"]
    assert by_node["/md"]["status"] == "rolled back" and by_node["/md"]["restore"] == "restored"
    assert by_node["/md/Louvre"]["restore"] == "restored"
    fresh_lab.clear("mm-1")
    assert committed(fresh_lab) == baseline or all(
        sorted(committed(fresh_lab)[n].splitlines()) == sorted(baseline[n].splitlines()) for n in NODES)
    assert not pending_on_mm(fresh_lab)


def test_stop_after_more_than_one_failure_rolls_back_the_failed_node_alone(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    fresh_lab.fault("mm-1", "reject-line", r"^vlan multimedia 120$")
    code, done = wifiops(cfg, "apply", "--commit", "--live", "--stop-after", "2")
    assert code == 1
    by_node = {n["node"]: n for n in done["nodes"]}
    assert by_node["/md/Louvre"]["status"] == "failed" and by_node["/md/Louvre"]["restore"] == "restored"
    assert by_node["/md"]["status"] == "applied"  # its own change went on: it does not need /md/Louvre's
    fresh_lab.clear("mm-1")
    code, after = wifiops(cfg, "diff", "--live")
    assert {n["node"]: n["compliant"] for n in after["nodes"]}["/md"]


def test_a_session_cut_mid_push_leaves_the_nodes_as_before(fresh_lab, tmp_path: Path) -> None:
    baseline = committed(fresh_lab)
    # enough for the apply session's login and reads and the first lines of /md's changes, not for its
    # `write memory`; switched on once the push starts (the fresh backup before it reads more than that)
    with session(fresh_lab) as probe:
        probe.send("encrypt disable")
        for node in NODES:
            probe.show(f"show configuration committed {node}")
        read = sum(len(e.sent) + len(e.answer) + len(e.prompt) + 6 for e in probe.transcript.exchanges)

    def cut_when_pushing(said: str) -> None:  # the link flaps once: cut mid-push, back for the recovery
        if said.startswith("/md: changes"):
            fresh_lab.fault("mm-1", "drop-after", read + 700)
        if said.startswith("/md: FAILED"):
            fresh_lab.clear("mm-1")

    since = fresh_lab.received_count("mm-1")
    settings = Settings(root=REPO, run_dir=tmp_path / "runs", secrets_file=tmp_path / "none.yaml",
                        backup_dir=tmp_path / "backups")
    report = apply(Estate.open(settings, fresh_lab.inventory_dir), live=True, commit=True, progress=cut_when_pushing)
    received = fresh_lab.received("mm-1", since)
    assert "vlan-name intra" in received and "write memory" not in received  # the cut came mid-push
    md = report.outcomes["/md"]
    assert md.status == "failed" and "closed the session" in (md.error or "") and report.exit_code == 1
    assert 0 < md.sent < len(report.plan.nodes[0].remediation.splitlines())
    assert md.rollback == "restored"  # a new session purged what the cut one left pending
    fresh_lab.clear("mm-1")
    now = committed(fresh_lab)
    assert all(sorted(now[n].splitlines()) == sorted(baseline[n].splitlines()) for n in NODES)
    assert not pending_on_mm(fresh_lab)
    log = (report.log_dir / "mm-1.log").read_text()
    assert "vlan-name intra" in log and "<the session was cut; wifiops opened a new one>" in log


def test_leftovers_of_a_cut_session_are_purged_and_said(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    with session(fresh_lab) as mm:  # a session that dies before its write memory
        mm.configure(["vlan-name left-behind"], node="/md")
    assert pending_on_mm(fresh_lab)
    code, done = wifiops(cfg, "apply", "--commit", "--live")
    assert code == 0, done
    assert "left-behind" in done["purged_pending"]
    assert "left-behind" not in committed(fresh_lab)["/md"]


def test_a_change_made_between_plan_and_apply_is_refused_and_nothing_is_pushed(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    _, planned = wifiops(cfg, "apply", "--live")
    with session(fresh_lab) as mm:  # a colleague's change on the WebUI, say
        mm.push("/md/Louvre", ["vlan-name drifted"])
    changed = committed(fresh_lab)
    since = fresh_lab.received_count("mm-1")
    code, done = wifiops(cfg, "apply", "--commit", "--plan", planned["plan_file"])
    assert code == 1
    assert list(done["drift"]) == ["/md/Louvre"] and "+vlan-name drifted" in done["drift"]["/md/Louvre"]
    assert config_lines(fresh_lab.received("mm-1", since)) == []
    assert committed(fresh_lab) == changed


def test_a_damaged_plan_or_a_changed_intent_is_refused_before_anything_is_sent(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    _, planned = wifiops(cfg, "apply", "--live")
    plan_file = Path(planned["plan_file"])
    data = json.loads(plan_file.read_text())
    del data["nodes"][0]["base"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    since = fresh_lab.received_count("mm-1")
    refused = refusal(cfg, "apply", "--commit", "--plan", str(broken))
    assert "broken.json" in refused and "nodes.0.base" in refused
    data = json.loads(plan_file.read_text())
    data["nodes"][1]["intended"] = "0" * 16  # as if the intent of /md/Louvre had changed since
    stale = tmp_path / "stale.json"  # sealed again with the repository's key: a plan made before the change
    stale.write_text(sealed(ApplyPlan.model_validate(data), seal_key(tmp_path / "backups" / ".git")).model_dump_json())
    refused = refusal(cfg, "apply", "--commit", "--plan", str(stale))
    assert "/md/Louvre" in refused and "changed since this plan" in refused
    assert fresh_lab.received_count("mm-1") == since


@pytest.mark.parametrize("feature", ["vlan"])
def test_a_feature_apply_sends_only_that_features_lines(fresh_lab, tmp_path: Path, feature: str) -> None:
    cfg = config(tmp_path, fresh_lab)
    code, done = wifiops(cfg, "apply", "--commit", "--live", "--feature", feature)
    assert code == 0, done
    md = {n["node"]: n for n in done["nodes"]}["/md"]
    assert "vlan-name intra" in md["remediation"] and "user-role" not in md["remediation"]
    _, after = wifiops(cfg, "diff", "--live")
    features = {n["node"]: n["features"] for n in after["nodes"]}
    assert features["/md"]["vlan"] and features["/md/Louvre"]["vlan"] and not all(features["/md"].values())


def test_an_unknown_feature_is_refused_not_taken_for_nothing_to_do(lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, lab)
    for verb in ("apply", "diff"):
        refused = refusal(cfg, verb, "--feature", "colour")
        assert "unknown feature colour" in refused and "ssid" in refused
