"""The failure paths of `wifiops apply --commit` made to happen over real SSH (issue 33): a `write memory` that
answers an error or leaves the `^`, a rollback line the device refuses, a node changed behind the run's back
while it rolls back. Each test asserts what the engineer sees: the node failed and rolled back (exit 1), or
"NOT restored" with the pre-change backup named (exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from applylab import committed, config, journal, said, wifiops
from wifiops.engine.apply import ApplyReport, apply
from wifiops.settings import Settings
from wifiops.estate import Estate

REPO = Path(__file__).resolve().parents[2]


def run(lab, tmp_path: Path, progress: Callable[[str], None]) -> ApplyReport:
    settings = Settings(root=REPO, run_dir=tmp_path / "runs", secrets_file=tmp_path / "none.yaml",
                        backup_dir=tmp_path / "backups", timeout=5)
    return apply(Estate.open(settings, lab.inventory_dir), live=True, commit=True, progress=progress)


@pytest.mark.parametrize(("fault", "words"), [
    ("write-memory-error", "Error: Configuration could not be saved"),
    ("write-memory-pending", "the changes are still pending (the prompt kept its ^)"),
])
def test_a_write_memory_that_does_not_save_fails_the_node_and_rolls_back(fresh_lab, tmp_path: Path, fault: str,
                                                                         words: str) -> None:
    """/md is committed; /md/Louvre's save fails: /md/Louvre failed, /md rolled back, both as before, exit 1."""
    baseline = committed(fresh_lab)

    def save_fails_on_the_second_node(said: str) -> None:
        if said.startswith("/md/Louvre: changes"):
            fresh_lab.fault("mm-1", fault)
        if said.startswith("/md/Louvre: FAILED"):  # the device saves again for the rollback
            fresh_lab.clear("mm-1")

    report = run(fresh_lab, tmp_path, save_fails_on_the_second_node)
    louvre, md = report.outcomes["/md/Louvre"], report.outcomes["/md"]
    assert louvre.status == "failed" and "write memory" in (louvre.error or "") and words in (louvre.error or "")
    assert md.status == "rolled back" and md.rollback == louvre.rollback == "restored"
    assert report.exit_code == 1 and report.result == "failed, restored"
    assert committed(fresh_lab) == baseline and fresh_lab.pending() == {}


def test_a_write_memory_error_on_the_first_node_leaves_nothing_pending(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    baseline = committed(fresh_lab)
    fresh_lab.fault("mm-1", "write-memory-error")
    code, done = wifiops(cfg, "apply", "--commit", "--live")
    fresh_lab.clear("mm-1")
    assert code == 1, done
    md = {n["node"]: n for n in done["nodes"]}["/md"]
    assert md["status"] == "failed" and "write memory did not save" in md["error"] and md["restore"] == "restored"
    assert committed(fresh_lab) == baseline and fresh_lab.pending() == {}
    assert journal(tmp_path)[-1]["result"] == "failed, restored"


def test_a_rollback_line_the_device_refuses_is_not_restored_naming_the_pre_change_backup(fresh_lab,
                                                                                         tmp_path: Path) -> None:
    """/md/Louvre's `vlan multimedia 120` is refused, then so is `no vlan-name intra`, a line only the rollback of
    /md sends: /md stays changed, and the engineer is told where its pre-change configuration is."""
    cfg = config(tmp_path, fresh_lab)
    fresh_lab.fault("mm-1", "reject-line", r"^(vlan multimedia 120|no vlan-name intra)$")
    code, text = said(cfg, "apply", "--commit", "--live")
    fresh_lab.clear("mm-1")
    assert code == 2, text
    record = journal(tmp_path)[-1]
    assert record["result"] == "NOT restored" and record["state"]["/md"] == "NOT restored"
    revision = record["backup_revision"]
    told = [line for line in text.splitlines() if line.startswith("/md: NOT restored")]
    assert told and "/md refused 'no vlan-name intra'" in told[0]
    assert told[0].endswith(f"the backup taken before the push, revision {revision} of {tmp_path / 'backups'}")
    assert fresh_lab.pending() == {}  # the refused rollback purged what it left pending


def test_a_node_changed_behind_the_runs_back_during_its_rollback_is_not_restored(fresh_lab, tmp_path: Path) -> None:
    """The rollback goes through, but another administrator commits a line at /md right after its `write
    memory`: the comparison with the state before the run catches it."""
    fresh_lab.fault("mm-1", "reject-line", r"^vlan multimedia 120$")

    def someone_else_commits_during_the_rollback(said: str) -> None:
        if said.startswith("/md/Louvre: FAILED"):
            fresh_lab.fault("mm-1", "change-behind", "/md vlan-name sneaked-in")

    report = run(fresh_lab, tmp_path, someone_else_commits_during_the_rollback)
    fresh_lab.clear("mm-1")
    md = report.outcomes["/md"]
    assert md.status == "rolled back"
    assert (md.rollback or "").startswith("NOT restored: the node differs from its pre-change state")
    assert report.outcomes["/md/Louvre"].rollback == "restored"
    assert report.exit_code == 2 and report.result == "NOT restored"
    assert (md.rollback or "").endswith(f"the backup taken before the push, revision {report.backup_revision} of "
                                        f"{tmp_path / 'backups'}")


def test_a_revert_that_does_not_reach_the_configuration_it_goes_back_to_fails(fresh_lab, tmp_path: Path) -> None:
    """A playbook's rollback (engine.apply.revert) is judged equal to the configuration the plan was made from: a
    line committed behind its back during the revert makes it fail, and the node is put back as it was."""
    from wifiops.engine.apply import revert

    settings = Settings(root=REPO, run_dir=tmp_path / "runs", secrets_file=tmp_path / "none.yaml",
                        backup_dir=tmp_path / "backups", timeout=5)
    applied = apply(Estate.open(settings, fresh_lab.inventory_dir), live=True, commit=True)
    assert applied.exit_code == 0
    after_apply = committed(fresh_lab)
    fresh_lab.fault("mm-1", "change-behind", "/md vlan-name sneaked-in")
    reverted = revert(Estate.open(settings, fresh_lab.inventory_dir), plan_file=applied.plan_file)
    fresh_lab.clear("mm-1")
    md = reverted.outcomes["/md"]
    assert md.status == "failed" and "differs from the configuration it was to go back to" in (md.error or "")
    assert reverted.exit_code != 0
    assert md.rollback == "restored" and committed(fresh_lab) == after_apply  # the revert itself undone
