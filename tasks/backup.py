"""Task `backup`: one host's configuration as the device prints it, every answer checked whole.

Per managed device: the commands of wifiops/aos8/backup.yaml (running-config, version, inventory). On a
conductor MM also the node hierarchy and each node's committed configuration. Nothing is scrubbed or
written here: the engine does that for every host at once, after the run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nornir.core.task import Result, Task

from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.aos8.backup import spec
from wifiops.errors import IncompleteAnswer


@dataclass
class HostBackup:
    files: dict[str, str] = field(default_factory=dict)  # file name -> answer
    nodes: dict[str, str] = field(default_factory=dict)  # node path -> committed configuration
    warnings: list[str] = field(default_factory=list)
    pending: dict[str, list[str]] = field(default_factory=dict)  # node -> lines left uncommitted (the `^`)


def backup(task: Task, *, inventory_nodes: frozenset[str]) -> Result:
    session = task.host.get_connection(CONNECTION_NAME, task.nornir.config)
    taken = HostBackup()
    if task.host.get("conductor") and session.prompt.unsaved:  # a session cut before its `write memory`: the next one commits these lines
        taken.pending = session.pending_changes()
    for prepared in session.prepare():
        if prepared.refused:
            taken.warnings.append(f"{task.host.name}: {prepared.sent!r} refused ({prepared.answer.strip()}); secrets "
                                  "print masked, so a changed secret will not show in its backup")
    for item in spec().device:
        answer = session.show(item.command)
        if not re.search(item.complete, answer):
            raise IncompleteAnswer(task.host.name, f"{item.command!r} came back incomplete ({len(answer)} "
                                   "characters, not what a whole answer ends with); its previous backup is kept")
        taken.files[item.file] = answer
    if task.host.get("conductor"):
        found = session.hierarchy()
        for path in sorted(set(found) - inventory_nodes):
            taken.warnings.append(f"{task.host.name}: node {path} is on the MM but not in the inventory")
        for path in sorted(inventory_nodes - set(found)):
            taken.warnings.append(f"{task.host.name}: node {path} is in the inventory but not on the MM")
        for path in found:
            taken.nodes[path] = session.committed(path)
    return Result(host=task.host, result=taken)
