"""Helpers of the parser tests: the hand-written samples, and one command's answers from a lab host."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wifiops.aos8.parse import Parsed, parse
from wifiops.aos8.session import Aos8Session

SAMPLES = Path(__file__).resolve().parent / "samples"
COMMANDS = ["show ap database", "show ap database long", "show ap active", "show ap bss-table",
            "show ap bss-table details", "show ap essid", "show user-table", "show user-table verbose",
            "show switches", "show version", "show license", "show cpuload", "show memory", "show clock"]
HOSTS = ["mm-1", "mc-1"]  # the conductor MM, and an MD of the Louvre cluster


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def parse_sample(command: str, name: str) -> Parsed:
    return parse(command, sample(name))


def fetch(lab: Any, host: str, commands: list[str]) -> dict[str, str]:
    """The answers of `host` to `commands`, over one SSH session."""
    user, password = lab.credentials
    with Aos8Session.connect("127.0.0.1", port=lab.port(host), username=user, password=password, name=host,
                             known_hosts=lab.known_hosts) as session:
        return {command: session.show(command) for command in commands}


def pick(record: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """The fields of `record` named in `expected`: `assert pick(r, want) == want` shows only those."""
    return {key: record.get(key, "<absent>") for key in expected}
