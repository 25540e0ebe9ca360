"""Reading a host over its REST API when its inventory says so (`transport: rest | auto`, docs/rest-api.md).

`read(task, commands)` gives the records of each show command read over REST, or None when the host is
read over SSH (`ssh`, or `auto` and its API cannot be reached): the task then reads over its SSH session.
The records are those the screens give (wifiops/aos8/restjson.py). Nothing of what the device answered is
kept: no transcript holds the users of a user table.
"""

from __future__ import annotations

from nornir.core.task import Task

from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.aos8.parse import Parsed
from wifiops.aos8.rest import RestReader, RestUnavailable
from wifiops.aos8.restjson import parse_json
from wifiops.settings import TIMEOUT_DEFAULT


def read(task: Task, commands: tuple[str, ...]) -> dict[str, Parsed] | None:
    transport = task.host.get("transport") or "ssh"
    if transport == "ssh":
        return None
    own = task.host.connection_options.get(CONNECTION_NAME)
    extras = (own.extras if own else None) or {}
    try:
        reader = RestReader(task.host.name, task.host.hostname or task.host.name, task.host.get("rest_port"),
                            task.host.username or "", task.host.password or "", ca_file=extras.get("rest_ca"),
                            timeout=float(extras.get("timeout", TIMEOUT_DEFAULT)))
    except RestUnavailable:
        if transport == "rest":
            raise
        return None
    try:
        return {command: parse_json(command, reader.show(command)) for command in commands}
    finally:
        reader.close()
