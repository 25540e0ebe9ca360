"""Every file reader bounded as the inventory's is (issue 24): a FIFO, /dev/zero, a directory, non-UTF-8, deep
nesting or a 5,000-digit number given to `parse`, `config diff/scrub`, `check compare` or a saved plan is one line
naming the file, exit 2, within seconds and without eating memory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from wifiops.engine.plans import load
from wifiops.errors import WifiopsError


def fifo(path: Path) -> None:
    os.mkfifo(path)


def dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def directory(path: Path) -> None:
    path.mkdir()


def latin1(path: Path) -> None:
    path.write_bytes(b'{"aps": "caf\xe9"}\n')


def deep(path: Path) -> None:
    path.write_text("[" * 200_000 + "]" * 200_000)


def long_number(path: Path) -> None:
    path.write_text('{"aps": ' + "9" * 5000 + "}\n")


HOSTILE: dict[str, Callable[[Path], None]] = {"fifo": fifo, "dev-zero": dev_zero, "directory": directory,
                                              "latin1": latin1, "deep": deep, "long-number": long_number}
EXPECTED = {"fifo": "named pipe (FIFO), not a regular file", "dev-zero": "character device, not a regular file",
            "directory": "a directory, not a regular file", "latin1": "not UTF-8 text: byte 0xe9",
            "deep": "nested more than 64 levels", "long-number": "a number of 5,000 digits"}


MARK = "@@wifiops-maxrss-kib "


def wifiops(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """Run the CLI as a user would; its exit, its time and its peak memory (MiB)."""
    config = tmp_path / "wifiops.yaml"
    config.write_text(f"run_dir: {tmp_path / 'runs'}\nsecrets_file: {tmp_path / 'none.yaml'}\ntimeout: 5\n")
    # its own peak, said by the process itself at exit: VmHWM, the high-water mark of its own memory since exec
    # (RUSAGE_CHILDREN is the largest child this session ever ran, and ru_maxrss keeps the forking pytest's peak)
    probe = ("import atexit, runpy, sys\n"
             "def peak():\n"
             "    for line in open('/proc/self/status'):\n"
             "        if line.startswith('VmHWM:'):\n"
             "            return int(line.split()[1])\n"
             "atexit.register(lambda: sys.stderr.write(f'\\n{MARK}{peak()}\\n'))\n"
             "sys.argv = ['wifiops'] + sys.argv[1:]\n"
             "runpy.run_module('wifiops', run_name='__main__')\n").replace("{MARK}", MARK)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", probe, "--config", str(config), *args], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    said = re.search(r"\n?" + re.escape(MARK) + r"(\d+)\n", done.stderr)
    assert said, done.stderr  # the process got to its end
    peak = int(said[1]) // 1024
    done.stderr = done.stderr[:said.start()] + done.stderr[said.end():]
    return done, time.monotonic() - started, peak


def one_line(stderr: str) -> str:
    """The error line; the console folds it at 200 columns when stderr is not a terminal (cli.main), which
    the long paths of pytest's folders reach: unfolded here."""
    assert "Traceback" not in stderr and stderr.count("error: ") == 1, stderr
    return stderr.replace("\n", "").strip()


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_plan_is_one_line(tmp_path: Path, kind: str) -> None:
    plan = tmp_path / "plan.json"
    HOSTILE[kind](plan)
    started = time.monotonic()
    with pytest.raises(WifiopsError) as caught:
        load(plan)
    assert time.monotonic() - started < 5
    said = str(caught.value)
    assert said.startswith(str(plan)) and "\n" not in said and "plan again" in said
    assert EXPECTED[kind] in said


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "latin1"])
def test_parse_refuses_what_is_no_saved_text(tmp_path: Path, kind: str) -> None:
    saved = tmp_path / "ap-database.txt"
    HOSTILE[kind](saved)
    done, took, peak = wifiops(tmp_path, "parse", "show ap database", str(saved))
    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr)
    assert line.startswith(f"error: {saved}") and EXPECTED[kind] in line and "Traceback" not in done.stderr
    assert took < 30 and peak < 200


@pytest.mark.parametrize("verb", ["diff", "scrub"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory"])
def test_config_diff_and_scrub_refuse_what_is_no_file(tmp_path: Path, verb: str, kind: str) -> None:
    hostile = tmp_path / "running.cfg"
    HOSTILE[kind](hostile)
    good = tmp_path / "intended.cfg"
    good.write_text("hostname mm-1\n")
    done, took, peak = wifiops(tmp_path, "config", verb, str(hostile), *([str(good)] if verb == "diff" else []))
    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr)
    assert line.startswith(f"error: {hostile}") and EXPECTED[kind] in line
    assert took < 30 and peak < 200


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_check_compare_refuses_a_hostile_snapshot(tmp_path: Path, kind: str) -> None:
    snapshot = tmp_path / "snapshot.json"
    HOSTILE[kind](snapshot)
    done, took, peak = wifiops(tmp_path, "check", "compare", str(snapshot), str(snapshot))
    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr)
    assert line.startswith(f"error: {snapshot}") and EXPECTED[kind] in line
    assert took < 30 and peak < 200


def test_the_last_readers_are_bounded_too(tmp_path: Path) -> None:
    """The NAPALM driver's configuration file, the run journal and known_hosts: a FIFO in their place is refused
    at once with one line naming it, never opened (it would hang), like every other reader."""
    from napalm.base.exceptions import MergeConfigException

    from wifiops.aos8.hostkeys import _lines
    from wifiops.engine.change import find_run
    from wifiops.readers import Unreadable
    from wifiops.settings import Settings
    from napalm_aos8.aos8 import _lines as napalm_lines

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(MergeConfigException, match="not a regular file"):
        napalm_lines(str(fifo), None, MergeConfigException)
    with pytest.raises(Unreadable, match="not a regular file"):
        _lines(fifo)
    runs = tmp_path / "runs"
    runs.mkdir()
    os.mkfifo(runs / "journal.jsonl")
    with pytest.raises(Unreadable, match="journal.jsonl.*not a regular file"):
        find_run(Settings(root=tmp_path, run_dir=runs), "CHG-1")
    from wifiops.engine.upgrade import load_target
    with pytest.raises(Unreadable, match="not a regular file"):
        load_target(fifo)
    from wifiops.playbooks.runner import _used
    with pytest.raises(Unreadable, match="journal.jsonl.*not a regular file"):
        _used(Settings(root=tmp_path, run_dir=runs), {"reference": "CHG-1"})
    assert time.monotonic() - started < 30
