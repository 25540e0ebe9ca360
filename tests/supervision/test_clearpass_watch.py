"""ClearPass watched like any server (issue 28), over real HTTPS to the lab's servers with a stepped clock: a
server out of reach is one major incident with the server GTR and counts as down; a subscriber whose
replication stopped is a `sync` alert; `sync: false` for a host switches that check off."""

from __future__ import annotations

from datetime import datetime

from wifiops.engine.availability import availability
from wifiops.windows import PARIS

from watching import Watched


def test_a_clearpass_out_of_reach_is_an_incident_and_counted_down(watched: Watched, fresh_lab,
                                                                  smtp_server) -> None:
    start = watched.clock()
    first = watched.cycle()
    assert first.exit_code == 0 and not any("ClearPass" in e for e in first.errors)
    fresh_lab.fault("cppm-2", "refuse-login")  # its API refuses the API client: nobody can check it
    down = [watched.cycle() for _ in range(3)]
    assert [len(r.outcome.raised) for r in down] == [0, 1, 0]
    [incident] = down[1].outcome.opened
    assert (incident.kind, incident.subject, incident.severity, incident.gtr) == (
        "unreachable", "cppm-2", "major", "server")  # the contract's class of a server
    assert incident.deadline == datetime(2026, 3, 16, 11, 10, tzinfo=PARIS)  # 4 working hours from Fri 17:10
    assert smtp_server.messages[0].subject == "wifiops ALERTE unreachable cppm-2 [incident majeur n° 1]"
    assert "was refused" in smtp_server.messages[0].body
    fresh_lab.clear("cppm-2")
    back = [watched.cycle() for _ in range(4)]
    assert sum(len(r.outcome.cleared) for r in back) == 1
    rows = {r.name: r for r in availability(watched.store, start=start, end=watched.clock(), by="device").rows}
    assert rows["cppm-2"].down_s > 0 and rows["cppm-1"].down_s == 0


def test_a_subscriber_that_stopped_replicating_is_a_sync_alert(watched: Watched, fresh_lab, smtp_server) -> None:
    assert watched.cycle().exit_code == 0
    fresh_lab._sync(fresh_lab.core.clearpass.set_replication, "cppm-2", "DISABLED")
    raised = [a for _ in range(3) for a in watched.cycle().outcome.raised]
    assert [a.key for a in raised] == ["sync:cppm-2"]
    assert "replication DISABLED from its publisher cppm-1" in raised[0].message
    fresh_lab._sync(fresh_lab.core.clearpass.set_replication, "cppm-2", "ENABLED")
    assert sum(len(watched.cycle().outcome.cleared) for _ in range(4)) == 1
