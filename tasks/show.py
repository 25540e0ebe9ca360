"""Task `show`: run one show command on a host through the AOS 8 session and return its text."""

from __future__ import annotations

from nornir.core.task import Result, Task

from wifiops.aos8.connection import CONNECTION_NAME


def show(task: Task, *, command: str) -> Result:
    session = task.host.get_connection(CONNECTION_NAME, task.nornir.config)
    return Result(host=task.host, result=session.show(command))
