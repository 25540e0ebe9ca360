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
from wifiops.aos8.rest import RestReader, RestUnavailable
from wifiops.aos8.restjson import parse_json

EVERY_HOST = ("show version", "show cpuload", "show memory")
CONDUCTOR = ("show switches", "show ap database long", "show license", "show ap essid", "show ap active")


@dataclass
class HostReadings:
    parsed: dict[str, Parsed] = field(default_factory=dict)  # command -> records and unparsed rows
    transport: str = "ssh"  # how they were read: ssh | rest


def check(task: Task) -> Result:
    commands = EVERY_HOST + (CONDUCTOR if task.host.get("conductor") else ())
    transport = task.host.get("transport") or "ssh"
    if transport != "ssh":
        try:
            return Result(host=task.host, result=_over_rest(task, commands))
        except RestUnavailable:
            if transport == "rest":
                raise
    session = task.host.get_connection(CONNECTION_NAME, task.nornir.config)
    readings = HostReadings({command: parse(command, session.show(command)) for command in commands})
    return Result(host=task.host, result=readings)


def _over_rest(task: Task, commands: tuple[str, ...]) -> HostReadings:
    own = task.host.connection_options.get(CONNECTION_NAME)
    extras = (own.extras if own else None) or {}
    reader = RestReader(task.host.name, task.host.hostname or task.host.name, task.host.get("rest_port"),
                        task.host.username or "", task.host.password or "", ca_file=extras.get("rest_ca"),
                        timeout=float(task.nornir.config.user_defined.get("timeout", 30.0)))
    try:
        return HostReadings({command: parse_json(command, reader.show(command)) for command in commands}, "rest")
    finally:
        reader.close()
