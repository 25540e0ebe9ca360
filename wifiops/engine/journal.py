"""Per-host logs of exactly what was sent and answered, and the run's own log, for every run.

Each run gets its own folder under run_dir (`runs/<UTC time>-<verb>/`): one `<host>.log` per host,
written by a Nornir processor when the host's task completes, and `run.log`, where the Python tracebacks
of failed hosts go (never the console). Every secret is replaced by ****** in both.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nornir.core.inventory import Host
from nornir.core.task import MultiResult, Task

from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.engine.processor import Processor
from wifiops.paths import child
from wifiops.aos8.masking import redact_anywhere
from wifiops.settings import Settings

RUN_LOG = "run.log"
JOURNAL = "journal.jsonl"  # <run_dir>/journal.jsonl: a JSON line per playbook run, alert raised or cleared,
#                            incident reminded, acknowledged or restored (`kind` says which)


def new_run_dir(base: Path, verb: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    path = base / f"{stamp}-{verb}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def append_journal(settings: Settings, record: Mapping[str, Any]) -> None:
    """One line of the run journal: the history the contract asks to hand over (requests, incidents,
    maintenance), readable with `jq` and nothing else."""
    path = settings.path(settings.run_dir) / JOURNAL
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:  # one write per line: appends from two processes stay whole
        out.write(json.dumps(dict(record), default=str) + "\n")


def crash_log(settings: Settings, exc: BaseException) -> Path:
    """Write an unexpected exception's traceback under run_dir, masked as every console line is
    (`redact_anywhere`: the secrets of every store of the run, the environment's, the catalogue's)."""
    folder = new_run_dir(settings.path(settings.run_dir), "crash")
    text = "".join(traceback.format_exception(exc))
    path = folder / RUN_LOG
    path.write_text(redact_anywhere(text), encoding="utf-8")
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
        child(self.folder, host, ".log").write_text(text, encoding="utf-8")


class _Scrubbed(logging.Formatter):
    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


@contextmanager
def run_log(folder: Path, redact: Callable[[str], str]) -> Iterator[Path]:
    """Send every log record of the run (Nornir's tracebacks, paramiko's complaints) to `run.log`, scrubbed.

    With a handler on the root logger, Python's last-resort handler no longer prints them on stderr,
    where they showed secrets that the tool's own message masks.
    """
    path = folder / RUN_LOG
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(_Scrubbed(redact))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        handler.close()
