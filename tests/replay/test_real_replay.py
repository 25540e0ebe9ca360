"""Real devices' answers through wifiops' session and parsers: each public capture of tests/real/shows/ that kept
its device's prompt (`(mc01) [MDC] #show ap essid`, `(MGD-DEV::MC-Fz3r0-1) #...`, `(OXID-IZE01) [mynode] #...`)
is served by the replay server as that device: login at that prompt, `no paging`, then the command answered
with the capture's lines. The session must find the real prompt, the echo and the end of the answer, and the
parser must read from the session exactly what it reads from the file (tests/real/test_real_shows.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from server import Transcript

from wifiops.aos8.parse import parse
from wifiops.aos8.platform import aos8

SHOWS = Path(__file__).resolve().parents[1] / "real" / "shows"
FIRST = re.compile(r"^(?P<prompt>\([^)]+\) ?(?:\[[^\]]+\] ?)?(?:\([^)]*\) ?)?#)(?P<command>show .+?)\s*$")


def captures() -> list[Path]:
    """The captures that start with their device's prompt and the command typed."""
    return sorted(p for p in SHOWS.glob("*.txt") if FIRST.match(p.read_text(encoding="utf-8").split("\n", 1)[0]))


def as_device(path: Path) -> tuple[str, str, str]:
    """(prompt, command, output): the output is what follows the command's line, up to a closing prompt."""
    first, _, rest = path.read_text(encoding="utf-8").partition("\n")
    found = FIRST.match(first)
    assert found, path
    lines = rest.split("\n")
    while lines and (not lines[-1].strip() or aos8().is_prompt(lines[-1])):
        lines.pop()  # the prompt after the answer (kept by some publishers), and the file's last newline
    return found["prompt"], found["command"], "\n".join(lines)


def test_the_real_captures_with_a_prompt_are_all_replayed() -> None:
    assert len(captures()) == 12  # a new capture with its prompt joins this tier; one that lost it leaves it


@pytest.mark.parametrize("path", captures(), ids=lambda p: p.name)
def test_a_real_devices_answer_reads_the_same_through_the_session_as_from_the_file(replay, path: Path) -> None:
    prompt, command, output = as_device(path)
    device = replay(real=Transcript.of_capture(prompt, command, output, str(path)))
    with device.session("real") as session:
        assert session.prompt.text == prompt.strip()
        answer = session.show(command)
    from_session, from_file = parse(command, answer), parse(command, output)
    assert from_session.records == from_file.records and from_file.records
    # the same lines left unread, for the same reason (numbered from the answer's first line, which the session
    # starts after the echo's blank line)
    assert [(u.text, u.why) for u in from_session.unparsed] == [(u.text, u.why) for u in from_file.unparsed]
