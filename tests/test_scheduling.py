"""The nightly backup's schedule files are well formed and agree with each other (issue 9).

scripts/wifiops-backup.{service,timer} (systemd), scripts/wifiops-backup.cron (one crontab line) and
playbooks/nightly-backup.yaml (the job's description) say the same command, the same hour and, for the
playbook, the commands backup.yaml really collects: a description that drifts from what runs is worse
than none.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from wifiops.playbooks.schema import load_playbook

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"
PLAYBOOK = REPO / "playbooks" / "nightly-backup.yaml"
# One cron time field: *, a number, a range, a list, each with an optional /step.
CRON_FIELD = re.compile(r"(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*")


def unit(name: str) -> configparser.ConfigParser:
    """A systemd unit read as INI: keys keep their case, `%h` is not interpolation, repeated keys allowed."""
    parser = configparser.ConfigParser(interpolation=None, strict=False, comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((SCRIPTS / name).read_text(encoding="utf-8"), source=name)
    return parser


def cron_lines() -> list[str]:
    text = (SCRIPTS / "wifiops-backup.cron").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_the_service_runs_wifiops_backup_once_from_the_checkout() -> None:
    service = unit("wifiops-backup.service")
    assert set(service.sections()) == {"Unit", "Service"}
    assert service["Unit"]["Description"]
    run = service["Service"]
    assert run["Type"] == "oneshot"
    command = run["ExecStart"].split()
    assert command[1:] == ["run", "playbooks/nightly-backup.yaml"] and command[0].endswith("/.venv/bin/wifiops")
    assert command[0] == f"{run['WorkingDirectory']}/.venv/bin/wifiops"  # the checkout's own venv
    assert "TimeoutStartSec" in run
    text = (SCRIPTS / "wifiops-backup.service").read_text(encoding="utf-8")
    assert not re.search(r"(?m)^\s*Environment=.*PASSWORD", text)  # a password never lives in the unit


def test_the_timer_starts_it_nightly_at_0230_and_catches_up() -> None:
    timer = unit("wifiops-backup.timer")
    assert set(timer.sections()) == {"Unit", "Timer", "Install"}
    when = timer["Timer"]
    assert re.fullmatch(r"\*-\*-\* 02:30:00( Europe/Paris)?", when["OnCalendar"])
    assert when["RandomizedDelaySec"] and when["Persistent"] == "true"
    assert when["Unit"] == "wifiops-backup.service"
    assert timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_reads_the_calendar_expression() -> None:
    expression = unit("wifiops-backup.timer")["Timer"]["OnCalendar"]
    done = subprocess.run(["systemd-analyze", "calendar", expression], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_crontab_line_has_five_time_fields_and_runs_wifiops_backup() -> None:
    lines = cron_lines()
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert len(fields) == 6 and all(CRON_FIELD.fullmatch(f) for f in fields[:5]), fields[:5]
    assert fields[:5] == ["30", "2", "*", "*", "*"]  # 02:30, as the timer
    command = fields[5]
    assert ".venv/bin/wifiops run playbooks/nightly-backup.yaml" in command
    assert "%" not in command  # cron turns % into a newline
    assert "flock -n" in command  # never two runs at once


def test_the_playbook_is_the_job_that_runs() -> None:
    book = load_playbook(PLAYBOOK)  # the schema the engine runs it with
    assert book.name == "nightly-backup" and not book.interrupts_service
    assert [step.action for step in book.steps] == ["backup"] and book.notify_on == ["failure"]
    schedule = book.schedule or {}
    timer = unit("wifiops-backup.timer")["Timer"]["OnCalendar"]
    assert f"{schedule['at']}:00" in timer and schedule["timezone"] in timer
    assert set(schedule["started_by"]) == {"scripts/wifiops-backup.timer", "scripts/wifiops-backup.cron"}
    assert all((REPO / path).is_file() for path in schedule["started_by"])
