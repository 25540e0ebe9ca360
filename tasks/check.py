"""Task `check`: what one MM or controller says of itself and of the estate, parsed into records.

Every managed host: its version, CPU load and memory. The conductor MM also answers for the estate: the
MMs and controllers it manages (`show switches`), every AP (`show ap database long`: one row per AP,
where a controller would list each AP of its cluster twice, active and standby), the licences, the clients
per SSID (`show ap essid`, summed over the controllers) and per AP (`show ap active`). Parsing is
wifiops/aos8/parse.py; the comparison with the inventory is the engine's (wifiops/engine/check.py).

A host whose inventory says `transport: rest` is read over its REST API (wifiops/aos8/rest.py), the JSON
read into the same records (wifiops/aos8/restjson.py); `auto` reads over REST when the device offers it
and over SSH when its API cannot be reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nornir.core.task import Result, Task

from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.aos8.parse import Parsed, parse
from wifiops.tasks.rest import read as read_rest

EVERY_HOST = ("show version", "show cpuload", "show memory")
CONDUCTOR = ("show switches", "show ap database long", "show license", "show ap essid", "show ap active")


@dataclass
class HostReadings:
    parsed: dict[str, Parsed] = field(default_factory=dict)  # command -> records and unparsed rows
    pending: dict[str, list[str]] = field(default_factory=dict)  # node -> lines left uncommitted (the `^`)
    transport: str = "ssh"  # how they were read: ssh | rest


def check(task: Task) -> Result:
    commands = EVERY_HOST + (CONDUCTOR if task.host.get("conductor") else ())
    over_rest = read_rest(task, commands)
    if over_rest is not None:
        return Result(host=task.host, result=HostReadings(over_rest, transport="rest"))
    session = task.host.get_connection(CONNECTION_NAME, task.nornir.config)
    readings = HostReadings({command: parse(command, session.show(command)) for command in commands})
    if task.host.get("conductor") and session.prompt.unsaved:  # a session cut before its `write memory`: the next one commits these lines
        readings.pending = session.pending_changes()
    return Result(host=task.host, result=readings)

