"""One exception family, each with a message meant for the engineer at the shell.

Exit codes follow the project's rule: 0 ok, 1 findings (not compliant, refused by policy), 2 errors.
"""

from __future__ import annotations

from collections.abc import Sequence


class WifiopsError(Exception):
    """Base of every error wifiops reports to a person; `exit_code` is what the CLI returns."""

    exit_code = 2


class ConfigError(WifiopsError):
    """The tool's own configuration file (wifiops.yaml) is missing or wrong."""


class InventoryError(WifiopsError):
    """The inventory cannot be read or does not validate; carries every finding."""

    def __init__(self, findings: Sequence[object], message: str | None = None) -> None:
        self.findings = list(findings)
        super().__init__(message or "\n".join(str(f) for f in findings))


class SecretError(WifiopsError):
    """A `{secret: NAME}` reference has no value in the environment or the secrets file."""
