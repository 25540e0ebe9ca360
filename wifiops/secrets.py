"""Where secrets come from: the environment first, then a secrets file kept outside git.

A secret is named in the inventory as `{secret: radius_key}` and looked up as WIFIOPS_SECRET_RADIUS_KEY,
then as `radius_key:` in the secrets file. The device login password is WIFIOPS_PASSWORD or `password:`.
Every value the store hands out is remembered so that logs and reports can be scrubbed of it, and
`patterns` (the platform's secret syntax, e.g. `wpa-passphrase <secret>`) scrub values it never knew;
`guard`, the second line of defence, masks the value after any secret-looking word no pattern knew.
`wifiops.aos8.masking.redact_anywhere` is the same masking for text with no store at hand (a crash, an error line): every
store of the process, the environment's secrets and the platform's catalogue.
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wifiops.errors import SecretError

ENV_PREFIX = "WIFIOPS_SECRET_"
PASSWORD_ENV = "WIFIOPS_PASSWORD"
MASK = "******"
SCRUBBED = "<scrubbed:"  # how a keyed-hash mask begins (see wifiops.backups.scrub)
_DEVICE_MASKED = re.compile(r"\*+")  # `mgmt-user admin root ********************`: masked by the device
_TOKEN = re.compile(r'"[^"\n]*"|[^\s"]+')
_QUOTES = ("'", "`")
_QUOTE_SPLIT = re.compile(r"(['`])")  # a line inside an error's repr ('key x') or backticks
# Every secret value any store of this process read or handed out: what `redact_anywhere` masks once the
# store that knew it is gone (an exception unwound the command that held it).
_PROCESS_KNOWN: set[str] = set()
NEEDS = "needs:"  # a pattern starting `(?#needs:word)` can only match a text holding `word` (lowercase)


class Deferred:
    """A secret pattern compiled at its first use. Each catalogue pattern needs a word (`(?#needs:word)`) that
    most texts do not hold; compiling all forty at once took 4 ms of every start that masked one line (issue 26).
    It substitutes as the pattern it stands for."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self.flags = pattern, flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def sub(self, replace: Callable[[re.Match[str]], str], text: str) -> str:
        return self.compiled.sub(replace, text)


SecretPattern = re.Pattern[str] | Deferred


def _masked(value: str) -> bool:
    """Already a mask: ours (******, <scrubbed:...>) or the device's (stars only)."""
    return value.startswith(SCRUBBED) or _DEVICE_MASKED.fullmatch(value) is not None


@dataclass(frozen=True)
class Unrecognised:
    """A value the second line of defence masked: where it was and after which word (never the value)."""

    line: int
    word: str


@dataclass(frozen=True)
class Guard:
    """The second line of defence: on a configuration line, the value after a secret-looking word.

    A word counts when it is a whole unquoted lowercase token in `keywords` or the last part of a
    hyphenated one (`admin-passwd`); `skip` are the words between a keyword and its value that are not
    the value (a key number, an algorithm); lines matching `exempt` are names or methods, left alone.
    Prose (an error, a log line) is not configuration: a line starting with anything but a lowercase
    word, or holding `: `, is left to the patterns; so is a line they already masked.
    """

    keywords: frozenset[str]
    skip: re.Pattern[str]
    exempt: tuple[re.Pattern[str], ...]
    _quick: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = "|".join(sorted(map(re.escape, self.keywords)))
        object.__setattr__(self, "_quick", re.compile(rf"(?:^|[\s-])(?:{words})(?:\s|$)"))

    def line(self, line: str, replace: Callable[[str], str]) -> tuple[str, list[str]]:
        """`line` with each unrecognised value masked, and the words they followed."""
        if (not self._quick.search(line) or not _config_like(line) or MASK in line or SCRUBBED in line
                or any(p.search(line) for p in self.exempt)):
            return line, []  # no such word, prose, a line a catalogue entry masked, or a name
        tokens = list(_TOKEN.finditer(line))
        out, words, at, i = [], [], 0, 0
        while i < len(tokens):
            word = tokens[i].group(0)
            i += 1
            if not self._keyword(word):
                continue
            j = i
            while j < len(tokens) - 1 and j - i < 2 and self.skip.match(tokens[j].group(0)):
                j += 1
            if j >= len(tokens):
                break
            value = tokens[j]
            text = value.group(0)
            start, end = value.span()
            if text.startswith('"'):
                text, start, end = text[1:-1], start + 1, end - 1
            i = j + 1
            if not text or text == MASK or _masked(text):
                continue
            out.append(line[at:start] + replace(text))
            at = end
            words.append(word)
        return ("".join(out) + line[at:], words) if words else (line, [])

    def _keyword(self, word: str) -> bool:
        return (word.islower() and not word.startswith('"')
                and (word in self.keywords or word.rsplit("-", 1)[-1] in self.keywords))


def _config_like(line: str) -> bool:
    stripped = line.lstrip()
    return bool(stripped) and stripped[0].islower() and ": " not in stripped


class SecretStore:
    """Resolve secret names; scrub known values and pattern-matched secrets from text.

    `warnings` are said to the engineer by the face (the store prints nothing), e.g. a secrets file that
    every user of the machine can read.
    """

    def __init__(self, values: Mapping[str, str], env: Mapping[str, str] | None = None,
                 source: str = "", patterns: Sequence[SecretPattern] = (),
                 warnings: Sequence[str] = (), guard: Guard | None = None) -> None:
        for pattern in patterns:
            if not _has_secret_group(pattern):
                raise ValueError(f"secret pattern {pattern.pattern!r} has no (?P<secret>...) group")
        self._file_values = dict(values)
        self._env = os.environ if env is None else env
        self._source = source
        self._handed_out: set[str] = set()
        self.patterns = tuple(patterns)
        self._needs = [(p, _needed_word(p)) for p in self.patterns]
        self.guard = guard
        self.warnings: list[str] = list(warnings)
        _PROCESS_KNOWN.update(v for v in self._file_values.values() if v)

    @classmethod
    def for_inventory(cls, lab_file: Path | None, user_file: Path | None, *,
                      patterns: Sequence[SecretPattern] = (), guard: Guard | None = None) -> SecretStore:
        """The lab's committed secrets file wins when present (lab values only); else the user's file.

        Only the user's file is permission-checked. The lab's file is in git with lab values the lab
        accepts on 127.0.0.1 only; git checks it out 0644 and keeps no other mode, so ssh's rule would
        refuse every fresh clone for no gain.
        """
        if lab_file is not None:
            return cls(read_secrets_file(lab_file), source=str(lab_file), patterns=patterns, guard=guard)
        if user_file is None or not os.path.lexists(user_file):
            return cls({}, source=str(user_file or ""), patterns=patterns, guard=guard)
        warnings = check_private(user_file)
        return cls(read_secrets_file(user_file), source=str(user_file), patterns=patterns, warnings=warnings,
                   guard=guard)

    def get(self, name: str) -> str:
        value = self._env.get(ENV_PREFIX + name.upper()) or self._file_values.get(name)
        if value is None:
            where = f" or `{name}:` in {self._source}" if self._source else ""
            raise SecretError(f"secret {name!r} is not set: export {ENV_PREFIX}{name.upper()}{where}")
        self._handed_out.add(value)
        _PROCESS_KNOWN.add(value)
        return value

    def login_password(self) -> str | None:
        value = self._env.get(PASSWORD_ENV) or self._file_values.get("password")
        if value:
            self._handed_out.add(value)
            _PROCESS_KNOWN.add(value)
        return value

    def remember(self, *values: str) -> None:
        """Values known to be secret though not handed out by this store (e.g. a login password)."""
        self._handed_out.update(v for v in values if v)
        _PROCESS_KNOWN.update(v for v in values if v)

    def known(self) -> set[str]:
        """Every secret value this store could hand out or has seen: what logs must never show."""
        from_env = {v for k, v in self._env.items() if k.startswith(ENV_PREFIX) or k == PASSWORD_ENV}
        return {v for v in (self._handed_out | set(self._file_values.values()) | from_env) if v}

    def redact(self, text: str, mask: Callable[[str], str] | None = None,
               found: list[Unrecognised] | None = None) -> str:
        """Known values first (longest first, so a value inside another is not left half-masked), then
        each pattern's `secret` group, the rest of its match kept so the reader sees what was masked, then
        the guard's second line of defence; the same again inside each quoted piece of a line (an error
        quoting a configuration line). What the guard masked is added to `found`, by line number.

        `mask` turns a secret into its replacement (default: ******); backups give a keyed hash, so the
        same secret always reads the same and a changed one shows as a change.
        """
        replace = mask or (lambda _: MASK)
        for value in sorted(self.known(), key=len, reverse=True):
            if value in text:
                text = text.replace(value, replace(value))
        lines = self._patterns_by_line(text, replace)
        if self.guard is None and "'" not in text and "`" not in text:
            return "\n".join(lines)
        for number, line in enumerate(lines, 1):
            words: list[str] = []
            if self.guard is not None:
                line, words = self.guard.line(line, replace)
            if "'" in line or "`" in line:  # an error quoting a line: each quoted piece read as a line
                line = "".join(piece if piece in _QUOTES else self._piece(piece, replace, words)
                               for piece in _QUOTE_SPLIT.split(line))
            lines[number - 1] = line
            if found is not None:
                found.extend(Unrecognised(number, word) for word in words)
        return "\n".join(lines)

    def _patterns_by_line(self, text: str, replace: Callable[[str], str]) -> list[str]:
        """The patterns, each tried only on the lines holding its word: a 15,000-line configuration
        holds a few dozen such lines, and every pattern matches within one line."""
        lines = text.split("\n")
        lower = text.lower()
        starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
        for pattern, word in self._needs:
            if not word:
                lines = pattern.sub(lambda match: _mask_secret_group(match, replace), "\n".join(lines)).split("\n")
                continue
            at, numbers = lower.find(word), set()
            while at >= 0:
                numbers.add(bisect.bisect_right(starts, at) - 1)
                at = lower.find(word, at + len(word))
            for number in numbers:
                lines[number] = pattern.sub(lambda match: _mask_secret_group(match, replace), lines[number])
        return lines

    def _patterns(self, text: str, replace: Callable[[str], str]) -> str:
        lower = text.lower()
        for pattern, word in self._needs:
            if word and word not in lower:
                continue
            text = pattern.sub(lambda match: _mask_secret_group(match, replace), text)
        return text

    def _piece(self, piece: str, replace: Callable[[str], str], words: list[str]) -> str:
        piece = self._patterns(piece, replace)
        if self.guard is not None:
            piece, more = self.guard.line(piece, replace)
            words.extend(more)
        return piece


def process_known() -> frozenset[str]:
    """Every secret value a store of this process has read or handed out (wifiops.aos8.masking masks them)."""
    return frozenset(_PROCESS_KNOWN)


def _has_secret_group(pattern: SecretPattern) -> bool:
    """A deferred pattern is read as written, not compiled for this."""
    if isinstance(pattern, Deferred):
        return "(?P<secret>" in pattern.pattern
    return "secret" in pattern.groupindex


def _needed_word(pattern: SecretPattern) -> str:
    start = f"(?#{NEEDS}"
    return pattern.pattern[len(start):pattern.pattern.index(")")] if pattern.pattern.startswith(start) else ""


def _mask_secret_group(match: re.Match[str], replace: Callable[[str], str]) -> str:
    start, end = match.span("secret")
    whole = match.group(0)
    if start < 0:  # the group did not take part in this match
        return whole
    offset = match.start()
    secret = whole[start - offset:end - offset]
    if secret == MASK or _masked(secret):  # already masked (a known value, or by the device)
        return whole
    return whole[:start - offset] + replace(secret) + whole[end - offset:]


def check_private(path: Path) -> list[str]:
    """ssh's rule for the user's secrets file: refuse it writable by others, warn when others can read it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return []  # read_secrets_file says what is wrong with the path
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        who = " and ".join(w for bit, w in ((stat.S_IWGRP, "its group"), (stat.S_IWOTH, "every user"))
                           if mode & bit)
        raise SecretError(f"{path}: the secrets file is writable by {who}, who could change the passwords "
                          f"wifiops sends: run `chmod 600 {path}`")
    said = []
    if mode & stat.S_IROTH:
        said.append(f"{path}: the secrets file is readable by every user of this machine: run `chmod 600 {path}`")
    folder = Path(os.path.realpath(path)).parent
    try:
        folder_mode = os.stat(folder).st_mode
    except OSError:
        return said
    if folder_mode & (stat.S_IWGRP | stat.S_IWOTH):  # even sticky (/tmp): another user may plant it before you
        said.append(f"{folder}: the folder of the secrets file is writable by other users, who could replace the "
                    f"file: keep it in a private folder (`chmod 700 {folder}`, or move it to ~/.config/wifiops/)")
    return said


def read_secrets_file(path: Path) -> dict[str, str]:
    """Name -> value from a secrets file, read within the inventory loader's bounds; never echoes a value."""
    from wifiops.yamlsource import load_yaml  # only where a secrets file is read: the console never needs it

    doc = load_yaml(path)
    if doc.findings:
        raise SecretError("secrets file cannot be read:\n" + "\n".join(str(f) for f in doc.findings))
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        raise SecretError(str(doc.finding((), "a secrets file maps secret names to values (`radius_key: ...`)")))
    values: dict[str, str] = {}
    for name, value in doc.data.items():
        if not isinstance(value, str):
            raise SecretError(str(doc.finding((str(name),), "a secret value must be text: put it in quotes")))
        values[str(name)] = value
    return values
