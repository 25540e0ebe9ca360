"""Where secrets come from: the environment first, then a secrets file kept outside git.

A secret is named in the inventory as `{secret: radius_key}` and looked up as WIFIOPS_SECRET_RADIUS_KEY,
then as `radius_key:` in the secrets file. The device login password is WIFIOPS_PASSWORD or `password:`.
Every value the store hands out is remembered so that logs and reports can be scrubbed of it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import yaml

from wifiops.errors import SecretError

ENV_PREFIX = "WIFIOPS_SECRET_"
PASSWORD_ENV = "WIFIOPS_PASSWORD"
MASK = "******"


class SecretStore:
    """Resolve secret names; scrub known values from text."""

    def __init__(self, values: Mapping[str, str], env: Mapping[str, str] | None = None,
                 source: str = "") -> None:
        self._file_values = dict(values)
        self._env = os.environ if env is None else env
        self._source = source
        self._handed_out: set[str] = set()

    @classmethod
    def for_inventory(cls, lab_file: Path | None, user_file: Path | None) -> "SecretStore":
        """The lab's committed secrets file wins when present (lab values only); else the user's file."""
        path = lab_file or user_file
        values: dict[str, str] = {}
        if path is not None and path.exists():
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            values = {str(k): str(v) for k, v in loaded.items()}
        return cls(values, source=str(path) if path else "")

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

    def redact(self, text: str) -> str:
        for value in sorted(self.known(), key=len, reverse=True):
            text = text.replace(value, MASK)
        return text
