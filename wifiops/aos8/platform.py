"""ArubaOS 8 CLI facts loaded from platform.yaml, validated and compiled once.

The file is read through a pydantic model, so a missing or misspelt key fails at load with its name,
and every use in the code is an attribute the type checker knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

from wifiops.aos8.data import Fact, load
from wifiops.secrets import Deferred, Guard


@dataclass(frozen=True)
class Prompt:
    """A parsed prompt: `(mm-1) ^[Louvre] (config) #` -> host mm-1, node Louvre, context config, unsaved."""

    host: str
    node: str | None
    context: str | None
    unsaved: bool
    text: str


class Platform(Fact):
    """platform.yaml, key by key (the words are fields), with its patterns compiled once."""

    prompt: str
    unsaved_marker: str
    config_context: str
    paging_off: str
    show_command: str
    unsafe_characters: str
    config_enter: str
    config_banner: str
    config_exit: str
    submode_exit: str
    commit: str
    commit_ok: str
    pending: str
    purge_pending: str
    managed_refusal: str
    errors: list[str]
    refusal_lines: int
    block_end: str

    @cached_property
    def prompt_pattern(self) -> re.Pattern[str]:
        return re.compile(self.prompt, re.M)

    @cached_property
    def error_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.M) for p in self.errors)

    @property
    def secret_patterns(self) -> tuple[Deferred, ...]:
        """Each with a named group `secret`: what the secrets store masks (the catalogue, secretcommands.yaml)."""
        from wifiops.aos8.secretcommands import catalogue

        return catalogue().patterns

    @property
    def secret_guard(self) -> Guard:
        """The second line of defence: the value after a secret-looking word no catalogue entry knew."""
        from wifiops.aos8.secretcommands import catalogue

        return catalogue().guard

    @cached_property
    def _show(self) -> re.Pattern[str]:
        return re.compile(self.show_command)

    @cached_property
    def _unsafe(self) -> re.Pattern[str]:
        return re.compile(self.unsafe_characters)

    def parse_prompt(self, text: str) -> Prompt | None:
        """The last prompt in `text`, or None when the device has not printed one."""
        matches = list(self.prompt_pattern.finditer(text))
        if not matches:
            return None
        last = matches[-1]
        return Prompt(host=last["host"], node=last["node"], context=last["context"],
                      unsaved=last["mark"] == self.unsaved_marker, text=last.group(0).strip())

    def is_prompt(self, line: str) -> bool:
        """Whether one line (the last one read) is a prompt of any shape."""
        return self.prompt_pattern.search(line) is not None

    def refusal(self, answer: str) -> str | None:
        """The line of the device's answer that says it refused a command, if any (first lines only)."""
        for line in [line for line in answer.splitlines() if line.strip()][: self.refusal_lines]:
            if any(pattern.search(line) for pattern in self.error_patterns):
                return line.strip()
        return None

    def unsafe_character(self, line: str) -> str | None:
        """The first character of `line` that must never reach a device, if any."""
        found = self._unsafe.search(line)
        return found.group(0) if found else None

    def is_show(self, command: str) -> bool:
        return self._show.search(command) is not None


@cache
def aos8() -> Platform:
    return load("platform.yaml", Platform)
