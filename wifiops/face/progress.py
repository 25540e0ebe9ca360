"""A Nornir processor that shows progress on stderr (stdout stays clean for --json and pipes)."""

from __future__ import annotations

from nornir.core.inventory import Host
from nornir.core.task import AggregatedResult, MultiResult, Task
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from wifiops.engine.processor import Processor
from wifiops.face.output import errors


class ProgressBar(Processor):
    def __init__(self, label: str) -> None:
        self.label = label
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=errors, transient=True)
        self.task_id: TaskID | None = None

    def task_started(self, task: Task) -> None:
        self.progress.start()
        self.task_id = self.progress.add_task(self.label, total=len(task.nornir.inventory.hosts))

    def task_completed(self, task: Task, result: AggregatedResult) -> None:
        self.progress.stop()

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        state = "[red]failed[/red]" if result.failed else "ok"
        self.progress.console.print(f"  {host.name}: {state}", highlight=False)
        if self.task_id is not None:
            self.progress.advance(self.task_id)
