"""Task `user_table`: a controller's `show user-table`, parsed into records, for the connection statistics.

Only an MD's table has users (an MM prints an empty one; users live on the controller that anchors them,
arubaos8.md §4.6). The answer names every client (MAC, IP, user name), so the session's transcript keeps its
length and not its rows, and the records go back to the engine in memory only: it counts them and drops them
(wifiops/engine/stats.py). Parsing is wifiops/aos8/parse.py.
"""

from __future__ import annotations

from nornir.core.task import Result, Task

from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.aos8.parse import parse
from wifiops.tasks.rest import read as read_rest

COMMAND = "show user-table"


def user_table(task: Task) -> Result:
    over_rest = read_rest(task, (COMMAND,))  # `transport: rest | auto` (docs/rest-api.md)
    if over_rest is not None:
        return Result(host=task.host, result=over_rest[COMMAND])
    session = task.host.get_connection(CONNECTION_NAME, task.nornir.config)
    return Result(host=task.host, result=parse(COMMAND, session.show(COMMAND, keep=False)))
