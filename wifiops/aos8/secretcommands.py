"""The catalogue of ArubaOS 8 commands carrying a secret (secretcommands.yaml), validated and compiled once.

Each entry's `match` becomes a pattern whose `secret` group the secrets store masks; the `suspicious`
words, `not_the_value` and `not_secret` become the store's second line of defence (wifiops.secrets.Guard).
The examples are data for the tests: every entry is tried on its clear and its encrypted form.
"""

from __future__ import annotations

import re
from functools import cache, cached_property

from pydantic import field_validator, model_validator

from wifiops.aos8.data import Fact, load
from wifiops.secrets import NEEDS, Deferred, Guard

VALUE = "{value}"


class Example(Fact):
    line: str
    secret: str


class Entry(Fact):
    """One command that carries a secret, as the device prints it (clear and encrypted) and its source."""

    name: str
    word: str
    match: str
    ignore_case: bool = False
    clear: list[Example]
    encrypted: list[Example]
    source: str

    @field_validator("match")
    @classmethod
    def _has_value(cls, match: str) -> str:
        if VALUE not in match:
            raise ValueError(f"{match!r} has no {VALUE} (where the secret stands)")
        return match

    @model_validator(mode="after")
    def _word_in_every_example(self) -> Entry:
        for example in self.clear + self.encrypted:
            if self.word not in example.line.lower():
                raise ValueError(f"{self.name}: word {self.word!r} is not in example {example.line!r}")
        return self


class NotSecret(Fact):
    match: str
    why: str


class Catalogue(Fact):
    """secretcommands.yaml, key by key."""

    value: str
    entries: list[Entry]
    suspicious: list[str]
    not_the_value: str
    not_secret: list[NotSecret]

    def pattern(self, entry: Entry) -> Deferred:
        """The entry's pattern, naming the word every match holds (a regex comment the store reads); compiled
        when a text holds that word."""
        flags = re.M | (re.I if entry.ignore_case else 0)
        return Deferred(f"(?#{NEEDS}{entry.word})" + entry.match.replace(VALUE, self.value), flags)

    @cached_property
    def patterns(self) -> tuple[Deferred, ...]:
        """Each with a named group `secret`: what the secrets store masks."""
        return tuple(self.pattern(entry) for entry in self.entries)

    @cached_property
    def guard(self) -> Guard:
        return Guard(keywords=frozenset(self.suspicious), skip=re.compile(self.not_the_value, re.I),
                     exempt=tuple(re.compile(n.match) for n in self.not_secret))


@cache
def catalogue() -> Catalogue:
    return load("secretcommands.yaml", Catalogue)
