"""Where secrets come from: the environment first, then a secrets file kept outside git.

A secret is named in the inventory as `{secret: radius_key}` and looked up as WIFIOPS_SECRET_RADIUS_KEY,
then as `radius_key:` in the secrets file. The device login password is WIFIOPS_PASSWORD or `password:`.
Every value the store hands out is remembered so that logs and reports can be scrubbed of it, and
`patterns` (the platform's secret syntax, e.g. `wpa-passphrase <secret>`) scrub values it never knew.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from wifiops.errors import SecretError
from wifiops.inventory.yamlsource import load_yaml

ENV_PREFIX = "WIFIOPS_SECRET_"
PASSWORD_ENV = "WIFIOPS_PASSWORD"
MASK = "******"
SCRUBBED = "<scrubbed:"  # how a keyed-hash mask begins (see wifiops.backups.scrub)


class SecretStore:
    """Resolve secret names; scrub known values and pattern-matched secrets from text.

    `warnings` are said to the engineer by the face (the store prints nothing), e.g. a secrets file that
    every user of the machine can read.
    """

    def __init__(self, values: Mapping[str, str], env: Mapping[str, str] | None = None,
                 source: str = "", patterns: Sequence[re.Pattern[str]] = (),
                 warnings: Sequence[str] = ()) -> None:
        for pattern in patterns:
            if "secret" not in pattern.groupindex:
                raise ValueError(f"secret pattern {pattern.pattern!r} has no (?P<secret>...) group")
        self._file_values = dict(values)
        self._env = os.environ if env is None else env
        self._source = source
        self._handed_out: set[str] = set()
        self.patterns = tuple(patterns)
        self.warnings: list[str] = list(warnings)

    @classmethod
    def for_inventory(cls, lab_file: Path | None, user_file: Path | None, *,
                      patterns: Sequence[re.Pattern[str]] = ()) -> SecretStore:
        """The lab's committed secrets file wins when present (lab values only); else the user's file.

        Only the user's file is permission-checked. The lab's file is in git with lab values the lab
        accepts on 127.0.0.1 only; git checks it out 0644 and keeps no other mode, so ssh's rule would
        refuse every fresh clone for no gain.
        """
        if lab_file is not None:
            return cls(read_secrets_file(lab_file), source=str(lab_file), patterns=patterns)
        if user_file is None or not os.path.lexists(user_file):
            return cls({}, source=str(user_file or ""), patterns=patterns)
        warnings = check_private(user_file)
        return cls(read_secrets_file(user_file), source=str(user_file), patterns=patterns, warnings=warnings)

    def get(self, name: str) -> str:
        value = self._env.get(ENV_PREFIX + name.upper()) or self._file_values.get(name)
        if value is None:
            where = f" or `{name}:` in {self._source}" if self._source else ""
            raise SecretError(f"secret {name!r} is not set: export {ENV_PREFIX}{name.upper()}{where}")
        self._handed_out.add(value)
        return value

    def login_password(self) -> str | None:
        value = self._env.get(PASSWORD_ENV) or self._file_values.get("password")
        if value:
            self._handed_out.add(value)
        return value

    def remember(self, *values: str) -> None:
        """Values known to be secret though not handed out by this store (e.g. a login password)."""
        self._handed_out.update(v for v in values if v)

    def known(self) -> set[str]:
        """Every secret value this store could hand out or has seen: what logs must never show."""
        from_env = {v for k, v in self._env.items() if k.startswith(ENV_PREFIX) or k == PASSWORD_ENV}
        return {v for v in (self._handed_out | set(self._file_values.values()) | from_env) if v}

    def redact(self, text: str, mask: Callable[[str], str] | None = None) -> str:
        """Known values first (longest first, so a value inside another is not left half-masked), then
        each pattern's `secret` group, the rest of its match kept so the reader sees what was masked.

        `mask` turns a secret into its replacement (default: ******); backups give a keyed hash, so the
        same secret always reads the same and a changed one shows as a change.
        """
        replace = mask or (lambda _: MASK)
        for value in sorted(self.known(), key=len, reverse=True):
            if value in text:
                text = text.replace(value, replace(value))
        for pattern in self.patterns:
            text = pattern.sub(lambda match: _mask_secret_group(match, replace), text)
        return text


def _mask_secret_group(match: re.Match[str], replace: Callable[[str], str]) -> str:
    start, end = match.span("secret")
    whole = match.group(0)
    if start < 0:  # the group did not take part in this match
        return whole
    offset = match.start()
    secret = whole[start - offset:end - offset]
    if secret == MASK or secret.startswith(SCRUBBED):  # already masked (a known value, or by the device)
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
