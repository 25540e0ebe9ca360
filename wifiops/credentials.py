"""Who is acting, and with what: the engineer's name on every change, their device and bastion credentials.

The engineer is `engineer:` in wifiops.yaml, else their login on the bastion, else their OS login: the name
the run journal, the backup commits and the reports carry. Credentials come from the environment, the
secrets file, or a command that prints them (a password manager), never from a committed file; the device
username can be the engineer's own (WIFIOPS_USERNAME).
"""

from __future__ import annotations

import getpass
import os
import shlex
import subprocess
from functools import cache
from pathlib import Path

import paramiko

from wifiops.aos8.jump import Jump
from wifiops.errors import ConfigError, SecretError
from wifiops.secrets import SecretStore
from wifiops.settings import Settings

USERNAME_ENV = "WIFIOPS_USERNAME"  # the device login, when each engineer has their own
BASTION_USER_ENV = "WIFIOPS_BASTION_USER"
COMMAND_TIMEOUT = 60.0  # a password manager may ask for a passphrase


def engineer(settings: Settings) -> str:
    if settings.engineer:
        return settings.engineer
    if settings.bastion is not None:
        return bastion_user(settings)
    return getpass.getuser()


def bastion_user(settings: Settings) -> str:
    assert settings.bastion is not None
    return settings.bastion.username or os.environ.get(BASTION_USER_ENV) or getpass.getuser()


@cache
def run_password_command(command: str, what: str) -> str:
    """The first line a password command prints; a failure names the command, never its output. Run once per
    process (a password manager may ask for a passphrase; the estate is opened several times in one command)."""
    try:
        done = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
                              check=False, stdin=subprocess.DEVNULL)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"the {what} password command {command.split()[0]!r} could not run: "
                          f"{exc.__class__.__name__}") from None
    value = done.stdout.splitlines()[0].strip() if done.stdout.strip() else ""
    if done.returncode != 0 or not value:
        raise ConfigError(f"the {what} password command {command.split()[0]!r} printed no password (exit "
                          f"{done.returncode}); run it yourself to see why")
    return value


def jump_for(settings: Settings, store: SecretStore, address: str, port: int) -> Jump | None:
    """The bastion to reach `address` through: `bastion:` of wifiops.yaml, else the ProxyJump the engineer's
    ssh config gives that address, else none (a direct connection)."""
    if settings.bastion is not None:
        found = settings.bastion
        return Jump(found.name, found.host, found.port, bastion_user(settings), _bastion_password(settings, store),
                    shared=found.share_connection)
    if settings.ssh_config is None:
        return None
    return _proxy_jump(settings.path(settings.ssh_config), address, store, settings)


def _bastion_password(settings: Settings, store: SecretStore) -> str | None:
    assert settings.bastion is not None
    if settings.bastion.password_command:
        value = run_password_command(settings.bastion.password_command, "bastion")
        store.remember(value)
        return value
    try:
        return store.get("bastion_password")
    except SecretError:
        return None  # the engineer's agent or keys


def _proxy_jump(path: Path, address: str, store: SecretStore, settings: Settings) -> Jump | None:
    if not path.is_file():
        raise ConfigError(f"ssh_config: {path} does not exist")
    config = paramiko.SSHConfig.from_path(str(path))
    hop = config.lookup(address).get("proxyjump")
    if not hop or hop == "none":
        return None
    first = hop.split(",")[0]  # one bastion: a chain of jumps is not followed
    user, _, rest = first.rpartition("@")
    host, _, port = rest.partition(":")
    found = config.lookup(host)
    try:
        password = store.get("bastion_password")
    except SecretError:
        password = None
    return Jump(host, found.get("hostname", host), int(port or found.get("port", 22)),
                user or found.get("user") or os.environ.get(BASTION_USER_ENV) or getpass.getuser(), password)


def device_username(default: str | None) -> str | None:
    return os.environ.get(USERNAME_ENV) or default
