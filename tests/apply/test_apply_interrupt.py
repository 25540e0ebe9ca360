"""Ctrl-C during `wifiops apply --commit` (issue 24): a real process gets SIGINT at five points of its run; it
stops at a line boundary, purges, rolls back what it committed, writes its transcript, record and journal line,
and exits 130 with one line saying what is on each node. The lab's `slow` latency holds the run at each point
long enough for the signal to land there: the wait is on the lab's own record of what it received."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from applylab import Wifiops, committed, config, journal, records, wait_for

# Where to interrupt: (what to wait for, a test on what the lab received since the run started, or on stderr)
Received = Callable[[list[str]], bool]


def _after_first_commit(line: str) -> Received:
    def seen(lines: list[str]) -> bool:
        return "write memory" in lines and line in lines[lines.index("write memory") + 1:]
    return seen


POINTS: dict[str, tuple[str, Received | None]] = {
    # during the fresh backup: nothing is sent
    "before the push": ("backing up", None),
    # /md's first lines are in, its write memory is not
    "mid-node": ("", lambda lines: "vlan-name intra" in lines),
    # /md committed and verified, /md/Louvre being entered: none of its lines sent yet
    "between two nodes": ("", _after_first_commit("cd /md/Louvre")),
    # /md's write memory sent, its answer on the way
    "after a write memory": ("", lambda lines: "write memory" in lines),
    # /md read back for its verification
    "during verify": ("", _after_first_commit("show configuration committed /md")),
}


@pytest.mark.parametrize("point", list(POINTS))
def test_ctrl_c_leaves_each_node_as_before_the_run_and_says_so(fresh_lab, tmp_path: Path, point: str) -> None:
    cfg = config(tmp_path, fresh_lab)
    baseline = committed(fresh_lab)
    fresh_lab.fault("mm-1", "slow", 60)
    since = fresh_lab.received_count("mm-1")
    run = Wifiops(cfg, "apply", "--commit", "--live")
    printed, received = POINTS[point]
    if received is None:
        wait_for(point, lambda: run.printed(printed), run)
    else:
        wait_for(point, lambda: received(fresh_lab.received("mm-1", since)), run)
    run.interrupt()
    code, _, err = run.finish()
    fresh_lab.clear("mm-1")
    assert code == 130, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("interrupted: stopped at a line boundary")
    assert "Traceback" not in err
    # every node as it was before the run, and nothing left pending
    assert committed(fresh_lab) == baseline
    assert fresh_lab.pending() == {}
    # the record and the journal say which
    record = records(tmp_path)[-1]
    assert record["interrupted"] and record["result"] == "interrupted, restored"
    entry = journal(tmp_path)[-1]
    assert entry["kind"] == "apply" and entry["interrupted"]
    states = set(entry["state"].values())
    assert states <= {"restored (as before the run)", "unchanged (as before the run)"}, entry["state"]
    nodes = {n["node"]: n for n in record["nodes"]}
    expected = _expected(point)
    assert {node: nodes[node]["status"] for node in expected} == expected, nodes
    assert all(nodes[n]["restore"] in (None, "restored") for n in nodes)
    log = (Path(record["log_dir"]) / "mm-1.log").read_text()  # the transcript says where it stopped
    assert "<interrupted (Ctrl-C or SIGTERM): stopped here" in log
    sent = fresh_lab.received("mm-1", since)
    # /md committed (then its rollback committed too), or nothing committed at all
    if point in ("before the push", "mid-node"):
        assert "write memory" not in sent
    else:
        assert sent.count("write memory") >= 2
    if point == "before the push":
        assert "configure terminal" not in sent and last.endswith("nothing was sent")
    else:
        assert "/md restored (as before the run)" in last


def _expected(point: str) -> dict[str, Any]:
    """Each node's status in the record at each point."""
    return {
        "before the push": {"/md": "not started", "/md/Louvre": "not started"},
        "mid-node": {"/md": "failed", "/md/Louvre": "not started"},
        "between two nodes": {"/md": "rolled back", "/md/Louvre": "failed"},
        "after a write memory": {"/md": "failed", "/md/Louvre": "not started"},
        "during verify": {"/md": "failed", "/md/Louvre": "not started"},
    }[point]
