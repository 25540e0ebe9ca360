"""ClearPass servers watched like any server (issue 28): reachable, and in their cluster with replication on.

Each cycle reads every ClearPass server's REST API (`/api/cppm-version`, `/api/cluster/server`: what the
watch reads is engine/watch.py's). Per server, two samples, on the alert kinds every host has, so the
inventory's hysteresis, thresholds (by site and by host: `sync: false` switches the cluster check off for a
server), incident rules and GTR apply unchanged:

- `unreachable`: the API did not answer, or refused the API client (a server nobody can reach serves no
  RADIUS that anybody can check either); its availability counted as a host's (kind `clearpass`);
- `sync`: the server is not in the cluster list it answers, the cluster names no publisher, or its own
  `replication_status` is not ENABLED (a subscriber that stopped replicating authenticates with a stale
  configuration). A server that did not answer is not sampled for this (nothing is known).

Pure: what the servers answered is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wifiops.clearpass.client import ClusterServer
from wifiops.store.base import Subject
from wifiops.supervision.evaluate import Reading, Sample
from wifiops.supervision.rules import Rules

KIND = "clearpass"  # the host kind of a ClearPass server in samples, subjects and rules
REPLICATING = "ENABLED"


@dataclass(frozen=True)
class ServerSeen:
    """What one ClearPass server answered this cycle: `error` when it did not, else its cluster's servers."""

    name: str
    site: str | None
    error: str | None = None
    members: Sequence[ClusterServer] = ()


def evaluate_clearpass(reading: Reading, seen: Sequence[ServerSeen], rules: Rules) -> None:
    for server in seen:
        facts = {"kind": KIND, "site": server.site}
        reading.states[Subject(KIND, server.name, site=server.site)] = "down" if server.error else "up"
        reading.samples.append(Sample("unreachable", server.name, server.error is not None,
                                      server.error or f"{server.name}: the ClearPass API answers", facts))
        if server.error is None and rules.for_host(server.name, KIND, server.site).sync:
            problem = cluster_problem(server)
            reading.samples.append(Sample("sync", server.name, problem is not None,
                                          problem or f"{server.name}: in its cluster, replication enabled", facts))


def cluster_problem(server: ServerSeen) -> str | None:
    """What is wrong with the server's place in its cluster, in one line; None: nothing."""
    me = next((m for m in server.members if m.local), None)
    publisher = next((m for m in server.members if m.is_publisher), None)
    if me is None:
        return f"{server.name}: not in the cluster list it answers: check Administration > Server Manager"
    if publisher is None:
        return f"{server.name}: its cluster has no publisher: promote one (Server Manager) before any change"
    status = (me.replication_status or "").upper()
    if status != REPLICATING:
        return (f"{server.name}: replication {me.replication_status or 'unknown'} from its publisher "
                f"{publisher.name} (last {me.last_replication or 'never'}): it authenticates with a stale "
                "configuration; check the cluster's status on the publisher")
    return None
