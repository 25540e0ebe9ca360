"""ArubaOS 8 CLI facts loaded from platform.yaml, validated and compiled once.

The file is read through a pydantic model, so a missing or misspelt key fails at load with its name,
and every use in the code is an attribute the type checker knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict


class PlatformFile(BaseModel):
    """platform.yaml, key by key."""

    model_config = ConfigDict(extra="forbid", frozen=True)
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
    secrets: list[str]
    block_end: str


@dataclass(frozen=True)
class Prompt:
    """A parsed prompt: `(mm-1) ^[Louvre] (config) #` -> host mm-1, node Louvre, context config, unsaved."""

    host: str
    node: str | None
    context: str | None
    unsaved: bool
    text: str


@dataclass(frozen=True)
class Platform:
    data: PlatformFile
    prompt: re.Pattern[str]
    errors: tuple[re.Pattern[str], ...]
    secrets: tuple[re.Pattern[str], ...]
    show_command: re.Pattern[str]
    unsafe: re.Pattern[str]

    # the plain words, as attributes
    @property
    def paging_off(self) -> str:
        return self.data.paging_off

    @property
    def config_context(self) -> str:
        return self.data.config_context

    @property
    def config_enter(self) -> str:
        return self.data.config_enter

    @property
    def config_exit(self) -> str:
        return self.data.config_exit

    @property
    def submode_exit(self) -> str:
        return self.data.submode_exit

    @property
    def commit(self) -> str:
        return self.data.commit

    @property
    def commit_ok(self) -> str:
        return self.data.commit_ok

    @property
    def pending(self) -> str:
        return self.data.pending

    @property
    def purge_pending(self) -> str:
        return self.data.purge_pending

    @property
    def block_end(self) -> str:
        return self.data.block_end

    def parse_prompt(self, text: str) -> Prompt | None:
        """The last prompt in `text`, or None when the device has not printed one."""
        matches = list(self.prompt.finditer(text))
        if not matches:
            return None
        last = matches[-1]
        return Prompt(host=last["host"], node=last["node"], context=last["context"],
                      unsaved=last["mark"] == self.data.unsaved_marker, text=last.group(0).strip())

    def is_prompt(self, line: str) -> bool:
        """Whether one line (the last one read) is a prompt of any shape."""
        return self.prompt.search(line) is not None

    def refusal(self, answer: str) -> str | None:
        """The line of the device's answer that says it refused a command, if any."""
        for line in answer.splitlines():
            if any(pattern.search(line) for pattern in self.errors):
                return line.strip()
        return None

    def unsafe_character(self, line: str) -> str | None:
        """The first character of `line` that must never reach a device, if any."""
        found = self.unsafe.search(line)
        return found.group(0) if found else None

    def is_show(self, command: str) -> bool:
        return self.show_command.search(command) is not None


@cache
def aos8() -> Platform:
    raw = yaml.safe_load((Path(__file__).with_name("platform.yaml")).read_text(encoding="utf-8"))
    data = PlatformFile.model_validate(raw)
    return Platform(data=data, prompt=re.compile(data.prompt, re.M),
                    errors=tuple(re.compile(p, re.M) for p in data.errors),
                    secrets=tuple(re.compile(p, re.M) for p in data.secrets),
                    show_command=re.compile(data.show_command), unsafe=re.compile(data.unsafe_characters))
