"""`wifiops run PLAYBOOK --rehearse` (issue 32): the whole change window, for real, on a twin of the last backup;
nothing reaches the estate (here: the first lab); the journal says it was a rehearsal and the real run of the same
plan links to it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import git
from typer.testing import CliRunner

from tests.twin.test_twin_seed import by_hand
from wifiops.cli import app
from wifiops.errors import WifiopsError

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
CHANGE = [str(REPO / "playbooks" / "change-window.yaml"), "--var", "change=CHG-32", "--var", "approver=N. Engineer",
          "--var", "approved_on=2026-01-05"]
NODES = ("/", "/md", "/md/Louvre", "/mm")


def config(tmp_path: Path, lab) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([
        f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}", f"backup_dir: {tmp_path / 'backups'}",
        f"secrets_file: {tmp_path / 'none.yaml'}", f"templates: {REPO / 'templates' / 'aruba_os'}", "timeout: 10",
        "mail: {recipients: []}"]) + "\n")
    return path


def wifiops(cfg: Path, *args: str):
    return runner.invoke(app, ["--config", str(cfg), *args], env={"COLUMNS": "200"})


def estate(lab) -> tuple[dict[str, int], dict[str, object]]:
    """What the first lab received (every line, every host) and its committed configuration."""
    return ({d.name: lab.received_count(d.name) for d in lab.core.present_devices()},
            {n: json.dumps(lab.committed(n), sort_keys=True) for n in NODES})


def journal(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "runs" / "journal.jsonl").read_text().splitlines()]


def needing_a_rehearsal(tmp_path: Path) -> list[str]:
    """The shipped change window, with `rehearsed_within: 12h` (its plan rehearsed on a twin, lately)."""
    book = tmp_path / "change-window.yaml"
    book.write_text((REPO / "playbooks" / "change-window.yaml").read_text() + "rehearsed_within: 12h\n")
    return [str(book), *CHANGE[1:]]


REAL = ["--yes", "--force", "--reason", "test: whatever the clock says", "--confirm-step", "firewall change"]


def test_a_rehearsal_runs_the_change_window_on_the_twin_and_nothing_reaches_the_estate(fresh_lab, tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    change = needing_a_rehearsal(tmp_path)
    by_hand(fresh_lab)  # production as the acceptance has it: a new SSID, an ACL, a line the lab does not model
    assert wifiops(cfg, "backup").exit_code in (0, 1)
    before = estate(fresh_lab)
    unrehearsed = wifiops(cfg, "run", *change, *REAL)  # not rehearsed yet: the plan is shown, not asked, not sent
    assert unrehearsed.exit_code == 1, unrehearsed.output
    assert "no successful rehearsal of this exact plan is journaled: run it with --rehearse first" in \
        " ".join(unrehearsed.output.split())
    assert estate(fresh_lab)[1] == before[1]
    before = estate(fresh_lab)
    records = (len(list(git.Repo(tmp_path / "backups").iter_commits())), sorted((tmp_path / "runs").glob("*-check")))
    result = wifiops(cfg, "run", *change, "--rehearse")
    print(result.output)
    assert result.exit_code == 0, result.output
    assert "change-window: ok (REHEARSAL on a twin of backup" in result.stdout
    said = re.search(r"fidelity: (\d+) of (\d+) production lines modelled \(99%\); not modelled: 1 lines of kinds "
                     r"ntp \(1\)", " ".join(result.stdout.split()))
    assert said and int(said[2]) == int(said[1]) + 1  # the twin's measure, in the rehearsal report
    assert 'no wlan ssid-profile "twin-expo"' in result.output  # the hand-made SSID is in the plan, off the intent
    assert "nothing was sent to the estate" in result.stdout
    assert estate(fresh_lab) == before  # not one line, not one commit on the first lab
    # nor in the estate's records: its backups and its check snapshots are the rehearsal's own, in its folder
    assert (len(list(git.Repo(tmp_path / "backups").iter_commits())), sorted((tmp_path / "runs").glob("*-check"))) \
        == records
    assert list((tmp_path / "runs" / "rehearsals").glob("*-rehearsal/backups/.git"))
    rehearsal = [r for r in journal(tmp_path) if r["kind"] == "rehearsal"][-1]
    assert rehearsal["result"] == "ok" and rehearsal["plan"] and rehearsal["fidelity"].startswith("fidelity: ")
    assert len(rehearsal["plans"]) == 1 and "vlan-name" not in json.dumps(rehearsal)  # hashes, not lines
    # the real run of the same plan on the estate links to it
    real = wifiops(cfg, "run", *change, *REAL)
    assert real.exit_code == 0, real.output
    record = [r for r in journal(tmp_path) if r["kind"] == "playbook"][-1]
    assert record["rehearsed"]["rehearsed"] is True and record["rehearsed"]["plan"] == rehearsal["plan"]
    assert record["rehearsed"]["started"] == rehearsal["started"]


def test_a_line_the_twin_refuses_is_reported_with_the_rollback_and_the_estate_is_untouched(fresh_lab,
                                                                                            tmp_path: Path) -> None:
    cfg = config(tmp_path, fresh_lab)
    assert wifiops(cfg, "backup").exit_code in (0, 1)
    before = estate(fresh_lab)
    result = wifiops(cfg, "run", *CHANGE, "--rehearse", "--twin-fault", "mm-1 reject-line ^vlan bill")
    print(result.output)
    assert result.exit_code == 1, result.output
    assert "change-window: rolled back (REHEARSAL on a twin of backup" in result.stdout
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.split()}
    assert "FAILED" in rows["apply"] and "vlan bill" in result.stdout  # the line refused, named
    assert "rollback" in result.stdout and "stopped because apply" in result.stdout
    assert estate(fresh_lab) == before  # the fault, the push and the rollback all stayed on the twin
    rehearsal = [r for r in journal(tmp_path) if r["kind"] == "rehearsal"][-1]
    assert rehearsal["result"] == "rolled back" and rehearsal["faults"] == ["mm-1 reject-line ^vlan bill"]


def test_a_rehearsal_with_no_backup_says_what_to_do_and_leaves_no_folder(tmp_path: Path) -> None:
    """No backup yet: one line saying to take one, exit 2, and no empty rehearsal folder left in the run folder."""
    class Lab:
        inventory_dir = REPO / "inventory" / "lab"

    result = wifiops(config(tmp_path, Lab), "run", *CHANGE, "--rehearse")
    assert isinstance(result.exception, WifiopsError) and result.exception.exit_code == 2, result.output
    assert "run `wifiops backup` first" in str(result.exception)
    assert not list((tmp_path / "runs").glob("rehearsals/*")), "an empty rehearsal folder was left"
