"""Per-host logs of exactly what was sent and answered, written by a Nornir processor.

Each run gets its own folder under run_dir (`runs/<UTC time>-<verb>/`), one `<host>.log` per host, with
every secret the store handed out replaced by ******. Attached by the face; tasks know nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from nornir.core.inventory import Host
from nornir.core.task import MultiResult, Task

from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.engine.processor import Processor


def new_run_dir(base: Path, verb: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    path = base / f"{stamp}-{verb}"
    path.mkdir(parents=True, exist_ok=True)
    return path


class TranscriptWriter(Processor):
    """Writes each host's session transcript when its task completes (success or failure)."""

    def __init__(self, folder: Path, redact: Callable[[str], str]) -> None:
        self.folder = folder
        self.redact = redact

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        if CONNECTION_NAME not in host.connections:
            if result.failed:
                self._write(host.name, f"!!! no session: {self.redact(str(result.exception))}\n")
            return
        session = host.connections[CONNECTION_NAME].connection
        text = session.transcript.text(self.redact)
        if result.failed:
            text += f"!!! {self.redact(str(result.exception))}\n"
        self._write(host.name, text)

    def _write(self, host: str, text: str) -> None:
        (self.folder / f"{host}.log").write_text(text, encoding="utf-8")
