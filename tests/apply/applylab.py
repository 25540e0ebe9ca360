"""Helpers of the apply-safety tests: wifiops in process (CliRunner) or as a real process (signals, kill -9,
two runs at once), the lab's committed nodes, and waits on the lab's own record of what it received."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from wifiops.aos8.session import Aos8Session
from wifiops.cli import app
from wifiops.errors import WifiopsError

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
NODES = ["/md", "/md/Louvre", "/md/Louvre/00:1a:1e:72:10:01", "/md/Louvre/00:1a:1e:72:10:02"]
READS = ("no paging", "encrypt disable", "show ")
WAIT = 60.0  # seconds any wait of these tests may take on a loaded machine before it fails


def config(tmp_path: Path, lab: Any, timeout: int = 5) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {lab.inventory_dir}", f"run_dir: {tmp_path / 'runs'}",
                               f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                               f"templates: {REPO / 'templates' / 'aruba_os'}", f"timeout: {timeout}"]) + "\n")
    return path


def wifiops(cfg: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["--config", str(cfg), *args, "--json"])
    assert result.stdout.strip(), result.output
    return result.exit_code, json.loads(result.stdout)


def said(cfg: Path, *args: str) -> tuple[int, str]:
    """Exit code and everything printed, as a person reads it (no --json)."""
    result = runner.invoke(app, ["--config", str(cfg), *args])
    if isinstance(result.exception, WifiopsError):  # what wifiops.cli.main prints and returns for it
        return result.exception.exit_code, f"{result.output}\nerror: {result.exception}"
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def session(lab: Any) -> Aos8Session:
    user, password = lab.credentials
    return Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password, name="mm-1",
                               known_hosts=lab.known_hosts)


def committed(lab: Any) -> dict[str, list[str]]:
    """Each node's committed configuration, its lines sorted (a re-created object is listed last)."""
    with session(lab) as mm:
        mm.send("encrypt disable")
        return {node: sorted(mm.show(f"show configuration committed {node}").splitlines()) for node in NODES}


def config_lines(lines: list[str]) -> list[str]:
    """What was received beyond reads: a logout `exit` counts only inside configuration mode."""
    found, configuring = [], False
    for line in lines:
        configuring = (configuring or line == "configure terminal") and line != "end"
        if not line.startswith(READS) and (line != "exit" or configuring):
            found.append(line)
    return found


def wait_for(what: str, ready: Callable[[], bool], process: "Wifiops | None" = None) -> None:
    deadline = time.monotonic() + WAIT
    while not ready():
        if process is not None and process.proc.poll() is not None:
            raise AssertionError(f"wifiops ended before {what}: {process.stderr()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT:g} s for {what}")
        time.sleep(0.005)


class Wifiops:
    """`wifiops ARGS` as its own process (python -m wifiops), its stderr read as it comes."""

    def __init__(self, cfg: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "wifiops", "--config", str(cfg), *args], cwd=REPO,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: list[str] = []
        self.out: list[str] = []
        self._readers = [threading.Thread(target=self._read, daemon=True),
                         threading.Thread(target=self._read_out, daemon=True)]
        for reader in self._readers:
            reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def _read_out(self) -> None:
        assert self.proc.stdout is not None
        self.out.append(self.proc.stdout.read())

    def stderr(self) -> str:
        return "\n".join(self.lines)

    def printed(self, text: str) -> bool:
        return any(text in line for line in list(self.lines))

    def interrupt(self) -> None:
        self.proc.send_signal(signal.SIGINT)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=WAIT)

    def finish(self) -> tuple[int, str, str]:
        self.proc.wait(timeout=WAIT * 3)
        for reader in self._readers:
            reader.join(timeout=WAIT)
        return self.proc.returncode, "".join(self.out), self.stderr()


def records(tmp_path: Path) -> list[dict[str, Any]]:
    """The record.json of every apply run, oldest first."""
    return [json.loads(p.read_text()) for p in sorted((tmp_path / "runs").glob("*-apply/record.json"))]


def journal(tmp_path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (tmp_path / "runs" / "journal.jsonl").read_text().splitlines()]
