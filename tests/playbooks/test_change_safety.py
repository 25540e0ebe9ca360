"""Change safety around the apply transaction (issue 23, parts of 24): each step sends only the change it was asked
for, the plan is printed before the yes, physical steps need the engineer's own answer, and a playbook's inputs stay
data (no path out of its folder, no template run from a variable, one run per approval)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tests.playbooks.test_runbooks import APPROVAL, REPO, TUESDAY_MORNING, at_intent, md, racked, settings
from wifiops.cli import app
from wifiops.playbooks.runner import JOURNAL, run_playbook
from wifiops.playbooks.schema import PlaybookError

PLAYBOOKS = REPO / "playbooks"
NEW_VLAN = "vlan-name expo-temporaire"  # the controller's part of the approved change (the auditorium's rate is
# the firewall's since issue 34: a change sheet, no controller line)
NEW_SEGMENT = {"name": "expo-temporaire", "vlan": 230, "addressing": "private", "prefix": "172.23.0.0/24",
               "dhcp": True, "qos_mbps": 100}


def changed_inventory(lab, tmp_path: Path) -> Path:
    """The inventory after an approved change: the auditorium at 500 Mbps, a new segment."""
    inventory = tmp_path / "changed"
    shutil.copytree(lab.inventory_dir, inventory)  # the lab's copy: its ports, known_hosts, ClearPass CA
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    segments = groups["/md"]["data"]["segments"]
    next(s for s in segments if s["name"] == "regie-auditorium")["qos_mbps"] = 500
    segments.append(NEW_SEGMENT)
    (inventory / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    return inventory


def migrated(lab, inventory: Path) -> Path:
    """The same inventory once the engineer wrote the 7210 migration's end state in it (the successors at the
    ports the lab serves them on since they were installed)."""
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    served = yaml.safe_load((lab.inventory_dir / "hosts.yaml").read_text())
    for name in ("mc-3", "mc-4"):
        hosts[name]["hostname"], hosts[name]["port"] = served[name]["hostname"], served[name]["port"]
    shutil.copyfile(lab.known_hosts, inventory / lab.known_hosts.name)
    for name in ("mc-1", "mc-2"):
        hosts.pop(name)
    for name in ("mc-3", "mc-4"):
        hosts[name]["data"]["lifecycle"] = "in-service"
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    groups["/md/Louvre"]["data"]["cluster"] = {"name": "cluster-louvre-9240", "members": ["mc-3", "mc-4"],
                                               "ap_system_profile": "louvre-aps-9240"}
    (inventory / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    return inventory


def ours(config: str) -> list[str]:
    """The lines of the approved change the MM holds (the new segment; the auditorium's rate is the firewall's)."""
    found = [line for line in config.splitlines() if "expo-temporaire" in line]
    assert found  # a comparison of nothing would always pass
    return found


def test_an_approved_change_survives_both_migrations_byte_for_byte(fresh_lab, tmp_path: Path) -> None:
    at_intent(fresh_lab, tmp_path)
    inventory = changed_inventory(fresh_lab, tmp_path)
    asked: list[str] = []
    printed: list[str] = []
    change = run_playbook(settings(tmp_path / "change"), PLAYBOOKS / "change-window.yaml", inventory=inventory,
                          now=TUESDAY_MORNING, variables={**APPROVAL, "change": "CHG-1001"},
                          confirm=lambda q: asked.append(q) or True, progress=printed.append)
    assert change.result == "ok", [(s.name, s.summary) for s in change.steps if not s.ok]
    shown = next(s for s in change.steps if s.name == "go ahead").plan  # the plan printed before the yes, recorded
    assert shown and shown["scope"] == "the whole intent" and shown["lines"] >= 3
    assert any(NEW_VLAN in n["remediation"] for n in shown["nodes"])
    assert any(NEW_VLAN in line for line in printed[printed.index(next(p for p in printed
                                                                       if p.startswith("the plan"))):])
    live = md(fresh_lab)
    assert NEW_VLAN in live and "mbits 500" not in live  # the rate is on the firewall's sheet, not the MM
    before = ours(live)
    seven = run_playbook(settings(tmp_path / "7210"), PLAYBOOKS / "migrate-7210.yaml", inventory=inventory,
                         now=TUESDAY_MORNING, variables={**APPROVAL, "change": "CHG-1002"}, confirm=racked(fresh_lab))
    assert seven.result == "ok", [(s.name, s.summary) for s in seven.steps if not s.ok]
    clear = run_playbook(settings(tmp_path / "cppm"), PLAYBOOKS / "migrate-clearpass.yaml", inventory=migrated(fresh_lab, inventory),
                         now=TUESDAY_MORNING, variables={**APPROVAL, "change": "CHG-1003"}, confirm=lambda _: True)
    assert clear.result == "ok", [(s.name, s.summary) for s in clear.steps if not s.ok]
    assert ours(md(fresh_lab)) == before  # both changes still live, byte for byte


def test_a_difference_outside_the_steps_scope_stops_the_runbook_before_anything_is_sent(fresh_lab,
                                                                                       tmp_path: Path) -> None:
    """The change is live but the runbook's inventory does not say it (drift): the step lists it and sends
    nothing; the runbook rolls back what it did before (the ClearPass copy); the change stays."""
    at_intent(fresh_lab, tmp_path)
    change = run_playbook(settings(tmp_path / "change"), PLAYBOOKS / "change-window.yaml",
                          inventory=changed_inventory(fresh_lab, tmp_path), now=TUESDAY_MORNING,
                          variables={**APPROVAL, "change": "CHG-1001"}, confirm=lambda _: True)
    assert change.result == "ok"
    before = md(fresh_lab)
    since = fresh_lab.received_count("mm-1")
    report = run_playbook(settings(tmp_path / "cppm"), PLAYBOOKS / "migrate-clearpass.yaml",
                          inventory=fresh_lab.inventory_dir, now=TUESDAY_MORNING, variables=APPROVAL,
                          confirm=lambda _: True)
    assert report.result == "rolled back"
    refused = next(s for s in report.steps if s.name == "new servers behind the old")
    assert not refused.ok and "refused, nothing was sent" in refused.summary
    assert "outside this step's scope (nodes /md; objects radius-server, server-group)" in refused.summary
    assert "/md: no vlan-name expo-temporaire" in refused.summary
    assert "configure terminal" not in fresh_lab.received("mm-1", since)
    assert md(fresh_lab) == before
    assert fresh_lab.clearpass_stored("cppm-3") == []
    record = json.loads((tmp_path / "cppm" / "runs" / JOURNAL).read_text().splitlines()[-1])
    assert record["result"] == "rolled back" and record["why"].startswith("new servers behind the old: refused")
    after = [s["name"] for s in record["steps"] if s["section"] == "after rollback"]
    assert after == ["health after the rollback", "backup after the rollback", "DOE update after the rollback"]
    assert Path(report.reports[0]).read_text().count("rollback") >= 1


# --- inputs --------------------------------------------------------------------------------------------------

def test_a_variable_never_leads_a_path_out_of_its_folder(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError) as refused:
        run_playbook(settings(tmp_path), PLAYBOOKS / "change-window.yaml",
                     variables={**APPROVAL, "change": "../../../../tmp/x"}, check=True)
    assert "change-window.yaml:" in str(refused.value) and "leads out of" in str(refused.value)
    assert not (tmp_path / "runs").exists()


def test_a_repeated_var_is_a_list_where_the_playbook_has_one_and_refused_elsewhere(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match="approver given 2 times"):
        run_playbook(settings(tmp_path), PLAYBOOKS / "change-window.yaml",
                     variables={**APPROVAL, "approver": ["A. One", "B. Two"]}, check=True)


def test_playbook_templates_are_sandboxed_and_variables_are_data(lab, tmp_path: Path) -> None:
    book = tmp_path / "evil.yaml"
    book.write_text("name: evil\nsteps:\n  - name: one\n    notify: {subject: \"{{ ''.__class__.__mro__[1]"
                    ".__subclasses__() }}\"}\n")
    with pytest.raises(PlaybookError, match="unsafe"):
        run_playbook(settings(tmp_path), book, inventory=lab.inventory_dir, check=True)
    plain = tmp_path / "plain.yaml"
    plain.write_text("name: plain\nsteps:\n  - name: one\n    notify: {subject: \"about {{ vars.x }}\"}\n")
    report = run_playbook(settings(tmp_path), plain, inventory=lab.inventory_dir, check=True,
                          variables={"x": "{{ 7 * 7 }}"})
    assert report.steps[0].summary.endswith("about {{ 7 * 7 }}")


def test_an_approval_authorises_one_run(lab, tmp_path: Path) -> None:
    journal = tmp_path / "runs" / JOURNAL
    journal.parent.mkdir(parents=True)
    journal.write_text(json.dumps({"kind": "playbook", "name": "change-window", "check": False, "result": "ok",
                                   "started": "2026-12-01T21:00:00+00:00", "folder": "runs/x",
                                   "approval": {"reference": "CHG-3001"}}) + "\n")
    since = lab.received_count("mm-1")
    report = run_playbook(settings(tmp_path), PLAYBOOKS / "change-window.yaml", inventory=lab.inventory_dir,
                          now=TUESDAY_MORNING, variables=APPROVAL)
    assert report.result == "refused" and report.exit_code == 1 and report.steps == []
    assert report.why and "already authorised the run of change-window" in report.why
    assert lab.received_count("mm-1") == since


def test_yes_never_answers_a_physical_step(lab, tmp_path: Path) -> None:
    config = tmp_path / "wifiops.yaml"
    config.write_text(f"inventory: {lab.inventory_dir}\nrun_dir: {tmp_path / 'runs'}\nbackup_dir: "
                      f"{tmp_path / 'backups'}\nsecrets_file: {tmp_path / 'none.yaml'}\ntemplates: "
                      f"{REPO / 'templates' / 'aruba_os'}\n")
    since = lab.received_count("mm-1")
    # forced: the window rules read the wall clock, and this test is about `--yes`, at any hour of the day
    done = CliRunner().invoke(app, ["--config", str(config), "run", str(PLAYBOOKS / "migrate-7210.yaml"), "--yes",
                                    "--force", "--reason", "the test runs at any hour",
                                    *(f"--var={k}={v}" for k, v in APPROVAL.items()), "--json"])
    record = json.loads(done.stdout)
    asked = next(s for s in record["steps"] if s["name"] == "the new controllers are racked")
    assert done.exit_code == 1 and not asked["ok"] and asked["answered_by"].startswith("nobody")
    assert "configure terminal" not in lab.received("mm-1", since)


def test_a_rollback_step_that_fails_says_not_restored(fresh_lab, tmp_path: Path) -> None:
    """The apply went through, a post-check failed, and the device refuses the line that would take the new segment
    away again: the undo step fails, the run says the estate was NOT restored (exit 2), and still checks and backs up."""
    at_intent(fresh_lab, tmp_path)

    def meanwhile(question: str) -> bool:  # after `health before`, before the push
        fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
        fresh_lab.fault("mm-1", "reject-line", r"^no vlan-name expo-temporaire")
        return True

    report = run_playbook(settings(tmp_path), PLAYBOOKS / "change-window.yaml",
                          inventory=changed_inventory(fresh_lab, tmp_path), now=TUESDAY_MORNING,
                          variables={**APPROVAL, "change": "CHG-1001"}, confirm=meanwhile)
    undo = [s for s in report.steps if s.action == "rollback"]
    assert [s.name for s in undo] == ["undo apply"] and not undo[0].ok, [(s.name, s.summary) for s in report.steps]
    assert "no vlan-name expo-temporaire" in undo[0].summary
    assert report.result == "NOT restored" and report.exit_code == 2
    assert [s.name for s in report.steps if s.section == "after rollback"][:2] == \
        ["health after the rollback", "backup after the rollback"]
    fresh_lab.clear("mm-1")
    assert NEW_VLAN in md(fresh_lab)  # what the device kept, as the record says


def test_a_revert_that_does_not_come_back_equal_is_not_restored(fresh_lab, tmp_path: Path) -> None:
    """Another administrator commits a line while the playbook rolls back: the revert is not equal to the
    configuration the plan was made from, and the run says so (this check, always "equal", would hide it)."""
    at_intent(fresh_lab, tmp_path)

    def meanwhile(question: str) -> bool:
        fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")  # the post-check fails: the run rolls back
        return True

    def behind_the_back(line: str) -> None:
        if line.startswith("undoing apply"):
            fresh_lab.fault("mm-1", "change-behind", "/md vlan-name intrus")

    report = run_playbook(settings(tmp_path), PLAYBOOKS / "change-window.yaml",
                          inventory=changed_inventory(fresh_lab, tmp_path), now=TUESDAY_MORNING,
                          variables={**APPROVAL, "change": "CHG-1001"}, confirm=meanwhile, progress=behind_the_back)
    undo = next(s for s in report.steps if s.name == "undo apply")
    assert not undo.ok and "differs from the configuration it was to go back to" in undo.summary, undo.summary
    assert report.result == "NOT restored" and report.exit_code == 2
    assert NEW_VLAN in md(fresh_lab)  # the revert itself undone: the node as the apply left it, as said
