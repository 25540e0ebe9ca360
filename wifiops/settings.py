"""The tool's own configuration: one `wifiops.yaml` at the repository root.

Found through --config, then $WIFIOPS_CONFIG, then the nearest wifiops.yaml from the current directory
upwards. Relative paths in it are relative to the file, so commands work from any sub-directory. The
shipped file points at the lab inventory, so a newcomer's first command needs no device.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, ValidationError

from wifiops.errors import ConfigError
from wifiops.yamlsource import load_yaml

FILENAME = "wifiops.yaml"
ENV = "WIFIOPS_CONFIG"
# A device's timeout (seconds to wait for its SSH answer and each prompt): the default and the limit, the one
# place both are said (wifiops.yaml, --timeout, a host's own in the inventory, every session's wait).
TIMEOUT_DEFAULT = 30.0
TIMEOUT_MAX = 3600.0


class Mail(BaseModel):
    model_config = ConfigDict(extra="forbid")
    smtp_host: str = "127.0.0.1"
    """The mail relay's host."""
    smtp_port: Annotated[StrictInt, Field(ge=1, le=65535)] = 8025
    """The mail relay's SMTP port."""
    sender: str = "wifiops@localhost"
    """The From address of the mails wifiops sends."""
    recipients: list[str] = []
    """Who gets alerts and reports; empty: mail is off (a run says so in one warning line)."""


class Bastion(BaseModel):
    """The jump host every device session goes through (the Louvre's Wallix gateway)."""

    model_config = ConfigDict(extra="forbid")
    host: str
    """The bastion's address."""
    port: Annotated[StrictInt, Field(ge=1, le=65535)] = 22
    """The bastion's SSH port."""
    username: str | None = None  # the engineer's login there; default: $WIFIOPS_BASTION_USER, else the OS login
    name: str = "bastion"  # how messages name it
    # A command that prints the bastion password (a password manager: `pass show wallix`); else the secret
    # `bastion_password` (WIFIOPS_SECRET_BASTION_PASSWORD or the secrets file); else the engineer's SSH agent
    # or keys, as their own ssh would.
    password_command: str | None = None
    # One SSH connection to the bastion for all the sessions of a run (its channels); false where the bastion
    # allows one channel per connection.
    share_connection: StrictBool = True


class Lab(BaseModel):
    """Where `wifiops lab` finds the estate it serves and keeps its run files: beside this wifiops.yaml, never
    beside the installed package (a venv shared by two folders must not mix their host keys)."""

    model_config = ConfigDict(extra="forbid")
    inventory: Path = Path("inventory/lab")  # the estate `wifiops lab up` serves (its known_hosts written there)
    run_dir: Path = Path(".lab")  # pid, control socket, log, saved state; $WIFIOPS_LAB_DIR wins


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bastion: Bastion | None = None
    """The jump host every device session goes through; none: devices are reached directly."""
    # Use the ProxyJump lines of this OpenSSH client config for the devices it names (`~/.ssh/config`), for an
    # engineer who reaches the bastion that way already; `bastion:` above wins when both are set.
    ssh_config: Path | None = None
    engineer: str | None = None  # the name on every change (journal, backup commits, reports); default below
    # A command that prints the device login password (a password manager); else WIFIOPS_PASSWORD or
    # `password:` in the secrets file. Never a committed file.
    password_command: str | None = None
    inventory: Path = Path("inventory/lab")
    """The inventory folder: its hosts, groups, defaults and APs (hosts.yaml... or an inventory.yaml naming them)."""
    backup_dir: Path = Path("backups")
    """The git repository of the running-config backups."""
    backup_remote: str | None = None  # a git remote (URL or path) each backup run pushes to
    run_dir: Path = Path("runs")
    """Where each run's folder (journal, per-host transcripts) and the conductor's lock go."""
    store: Path | None = None  # the supervision store (SQLite); default: <run_dir>/supervision.sqlite
    templates: Path = Path("templates/aruba_os")
    """The Jinja2 templates of the intended configuration, one per feature."""
    render_dir: Path = Path("rendered")
    """Where `wifiops render` writes one file per node (secrets as ******)."""
    secrets_file: Path = Path("~/.config/wifiops/secrets.yaml")
    """The secrets file (outside git): device password, RADIUS keys, PSKs."""
    # Numbers are numbers: `timeout: true` or `timeout: "30"` is a typo or a quoting mistake, refused rather than
    # read as 1 s or converted behind the engineer's back.
    workers: Annotated[StrictInt, Field(ge=1, le=200)] = 10
    # Seconds to wait for a device's SSH answer and for each prompt; a device silent longer fails its host.
    timeout: Annotated[StrictFloat | StrictInt, Field(gt=0, le=TIMEOUT_MAX, allow_inf_nan=False)] = TIMEOUT_DEFAULT
    mail: Mail = Mail()
    """How alerts and reports are mailed."""
    language: Literal["fr", "en"] = "fr"  # of what the client reads: the DOE, change and activity reports
    lab: Lab = Lab()
    """Where `wifiops lab` finds its estate and keeps its run files."""
    root: Path = Path(".")
    """The folder of this wifiops.yaml, which relative paths are read from (set by the loader, not the file)."""

    def with_timeout(self, timeout: float | None) -> "Settings":
        """These settings with --timeout applied, checked as the file's value is (0 < S <= 3600; no inf, no NaN)."""
        if timeout is None:
            return self
        try:
            return Settings.model_validate({**self.model_dump(), "timeout": float(timeout)})
        except ValidationError:
            raise ConfigError(f"--timeout {timeout!r}: give seconds, more than 0 and at most {TIMEOUT_MAX:g}") from None

    def inventory_dir(self, override: Path | None = None) -> Path:
        """The inventory a command works on: --inventory when given, else the configured one."""
        return override if override is not None else self.path(self.inventory)

    def path(self, value: Path) -> Path:
        """Resolve a configured path against the config file's directory."""
        value = value.expanduser()
        return value if value.is_absolute() else (self.root / value).resolve()


def find_config(explicit: Path | None = None, cwd: Path | None = None) -> Path | None:
    if explicit is not None:
        return explicit
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / FILENAME).is_file():
            return folder / FILENAME
    return None


def load_settings(explicit: Path | None = None) -> Settings:
    """Settings from the config file, or the built-in defaults relative to the current directory."""
    path = find_config(explicit)
    if path is None:
        return Settings(root=Path.cwd())
    doc = load_yaml(path)
    if doc.findings:
        raise ConfigError("\n".join(str(f) for f in doc.findings))
    if doc.data is not None and not isinstance(doc.data, dict):
        raise ConfigError(f"{path}:{doc.line_of(()) or 1}: wifiops.yaml is a mapping of settings (`inventory: ...`), "
                          f"not a {type(doc.data).__name__}: see the shipped wifiops.yaml")
    try:
        return Settings.model_validate({**(doc.data or {}), "root": path.resolve().parent})
    except ValidationError as exc:
        problems: dict[tuple[str | int, ...], str] = {}
        for e in exc.errors():  # one line per field: a number's union (float or int) would give two
            loc = tuple(p for p in e["loc"] if p not in _TYPE_TAGS)
            said = "give a number, not text or true/false" if e["type"] in _NOT_A_NUMBER else e["msg"]
            problems.setdefault(loc, f"{path}:{doc.line_of(loc) or '?'}: {'.'.join(map(str, loc))}: {said}")
        raise ConfigError("\n".join(problems.values())) from None


_TYPE_TAGS = {"float", "int", "str", "bool"}
_NOT_A_NUMBER = {"float_type", "int_type"}
