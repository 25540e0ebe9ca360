"""Task `read_nodes`: the committed configuration of configuration nodes, read live from the conductor MM.

The same commands as a backup (wifiops/aos8/backup.yaml: `encrypt disable`, then `show configuration
committed <node>`), so a live read and a backup compare with the intent the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from nornir.core.task import Result, Task

from wifiops.aos8.connection import CONNECTION_NAME


class NodesRead(dict[str, str]):
    """Node -> its committed configuration; `pending`: lines left uncommitted on the conductor (its prompt's `^`),
    by node, which the next `write memory` there would commit."""

    pending: dict[str, list[str]] = {}


def read_nodes(task: Task, *, nodes: Sequence[str]) -> Result:
    session = task.host.get_connection(CONNECTION_NAME, task.nornir.config)
    session.prepare()
    read = NodesRead({node: session.committed(node, absent_empty=True) for node in nodes})
    read.pending = session.pending_changes() if session.prompt.unsaved else {}
    return Result(host=task.host, result=read)
