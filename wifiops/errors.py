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


class UnsupportedCommand(WifiopsError):
    """A show command wifiops has no parser for; the message lists the ones it has."""


class UnsafeCommand(WifiopsError):
    """A command that must never reach a device: a control character would start a second command."""


# --- what a device did, one class per cause (as scrapli's exceptions): retries and reports need the cause,
# not only the words. Every message starts with the host's inventory name and says what to do.

class DeviceError(WifiopsError):
    """Something went wrong with one host; the other hosts of the run carry on."""

    def __init__(self, host: str, message: str) -> None:
        self.host = host
        super().__init__(f"{host}: {message}")


class LoginRefused(DeviceError):
    """The device answered SSH and refused the username or password."""


class NoAnswer(DeviceError):
    """Nothing came back in time: no TCP/SSH answer, or a session that went silent."""


class SessionLost(DeviceError):
    """The SSH session was cut while wifiops was using it."""


class NoPrompt(DeviceError):
    """The device answered, but not with anything that looks like an ArubaOS 8 prompt."""


class HostKeyUnknown(DeviceError):
    """No host key is on record for this device: nothing was sent, the password least of all."""


class HostKeyChanged(DeviceError):
    """The device's host key differs from the one on record: a replaced device, or someone in the middle."""


class CommandRefused(DeviceError):
    """The device refused a command (`% Invalid input`, `Error:` ...); `answer` is its own words."""

    exit_code = 1

    def __init__(self, host: str, command: str, answer: str, message: str | None = None) -> None:
        self.command, self.answer = command, answer
        super().__init__(host, message or f"the device refused {command!r}: {answer}")


class ConfigRejected(CommandRefused):
    """A configuration line was refused; nothing after it was sent. `applied` lists what went before it."""

    def __init__(self, host: str, line: str, answer: str, node: str | None, applied: list[str]) -> None:
        self.line, self.node, self.applied = line, node, applied
        super().__init__(host, line, answer, f"{node or 'the device'} refused {line!r}: {answer}")


class IncompleteAnswer(DeviceError):
    """An answer ended on a prompt but is not whole (a running-config without its `end`): never saved."""


class PlanDrift(DeviceError):
    """The running configuration changed between the plan and the apply: nothing was sent.
    `drifted` maps each node to what changed (a unified diff of its scrubbed configuration)."""

    exit_code = 1

    def __init__(self, host: str, drifted: dict[str, str]) -> None:
        self.drifted = drifted
        super().__init__(host, f"the running configuration changed since the plan was made, on "
                         f"{', '.join(drifted)}; nothing was sent. Take a backup and plan again "
                         "(`wifiops backup`, then `wifiops apply`), and review the new plan")


# --- what a ClearPass server did (its REST API over HTTPS), one class per cause; host first, what to do next.

class ClearPassError(DeviceError):
    """Something went wrong with one ClearPass server."""


class ClearPassUnreachable(ClearPassError):
    """No HTTPS answer: the connection was refused or cut, or the server was silent past the timeout."""


class ClearPassCertificateError(ClearPassError):
    """The server's certificate was not verified against the CA wifiops trusts: nothing was sent to it."""


class ClearPassAuthError(ClearPassError):
    """The API client's id and secret were refused, or the server refused a token it had just given."""


class ClearPassRefused(ClearPassError):
    """The server refused what was asked (422, 400): `status`, `detail` and `validation_messages` are its own
    words (field -> {rule: message})."""

    exit_code = 1

    def __init__(self, host: str, message: str, *, status: int, detail: str,
                 validation_messages: dict[str, dict[str, str]] | None = None) -> None:
        self.status, self.detail = status, detail
        self.validation_messages = validation_messages or {}
        super().__init__(host, message)


class ClearPassNotFound(ClearPassError):
    """The server has no such object (404)."""


class ClearPassProtocolError(ClearPassError):
    """The server answered something wifiops does not understand (not JSON, a 5xx, an unexpected shape)."""
