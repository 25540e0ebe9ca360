"""ArubaOS 8 CLI facts loaded from platform.yaml, compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml


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
    prompt: re.Pattern[str]
    errors: tuple[re.Pattern[str], ...]
    raw: dict[str, str]

    def __getattr__(self, name: str) -> str:
        try:
            return self.raw[name]
        except KeyError:
            raise AttributeError(name) from None

    def parse_prompt(self, text: str) -> Prompt | None:
        """The last prompt in `text`, or None when the device has not printed one."""
        matches = list(self.prompt.finditer(text))
        if not matches:
            return None
        last = matches[-1]
        return Prompt(host=last["host"], node=last["node"], context=last["context"],
                      unsaved=last["mark"] == self.raw["unsaved_marker"], text=last.group(0).strip())

    def refusal(self, answer: str) -> str | None:
        """The line of the device's answer that says it refused a command, if any."""
        for line in answer.splitlines():
            if any(pattern.search(line) for pattern in self.errors):
                return line.strip()
        return None


@cache
def aos8() -> Platform:
    data = yaml.safe_load((Path(__file__).with_name("platform.yaml")).read_text(encoding="utf-8"))
    return Platform(prompt=re.compile(data.pop("prompt"), re.M),
                    errors=tuple(re.compile(p, re.M) for p in data.pop("errors")),
                    raw={k: str(v) for k, v in data.items()})
