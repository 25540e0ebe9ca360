"""A Nornir processor that shows progress on stderr (stdout stays clean for --json and pipes)."""

from __future__ import annotations

from nornir.core.inventory import Host
from nornir.core.task import AggregatedResult, MultiResult, Task
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from wifiops.engine.processor import Processor
from wifiops.face.output import errors


PENDING_SHOWN = 4  # hosts named while they are pending; the rest counted


class ProgressBar(Processor):
    """The bar names the hosts still pending (`waiting for mc-2, mm-3`): a slow host is seen by name."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("{task.fields[pending]}"), console=errors,
                                 transient=True)
        self.task_id: TaskID | None = None
        self.pending: list[str] = []

    def _waiting(self) -> str:
        named = ", ".join(self.pending[:PENDING_SHOWN])
        more = f" +{len(self.pending) - PENDING_SHOWN}" if len(self.pending) > PENDING_SHOWN else ""
        return f"waiting for {named}{more}" if named else ""

    def task_started(self, task: Task) -> None:
        self.pending = sorted(task.nornir.inventory.hosts)
        self.progress.start()
        self.task_id = self.progress.add_task(self.label, total=len(task.nornir.inventory.hosts),
                                              pending=self._waiting())

    def task_completed(self, task: Task, result: AggregatedResult) -> None:
        self.progress.stop()

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        state = "[red]failed[/red]" if result.failed else "ok"
        self.progress.console.print(f"  {host.name}: {state}", highlight=False)
        if host.name in self.pending:
            self.pending.remove(host.name)
        if self.task_id is not None:
            self.progress.update(self.task_id, advance=1, pending=self._waiting())
