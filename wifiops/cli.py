"""The `wifiops` command. Each command parses options, calls one engine function, renders the result."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup
from typer.models import CommandInfo, TyperInfo

from wifiops.errors import WifiopsError

from wifiops.face.options import ConfigOption, InventoryOption, JsonOption, settings, use_settings
from wifiops.face.output import console, device_node, emit_json, errors, table

# wifiops uses no pydantic plugin: without this, pydantic scans every installed package's entry points when it
# builds its first validator (after this import, when a command runs), at the start of most commands (issue
# 26). Set in the environment, it wins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

LAB_HELP = "Run the simulated estate (MMs, 7210s, APs, clients) over SSH."


class _Deferred(TyperGroup):
    """A command or group of the root, listed by its name; Typer builds it (every option of every subcommand
    read from its function's signature) only when the command line names it, and its module is imported only
    then, or when --help describes it, so one command's start does not pay for the sixty others (issue 26).
    `build` makes it exactly as Typer would have."""

    def __init__(self, name: str, help: str | None, build: Callable[[], Any], hidden: bool = False,
                 describe: Callable[[], tuple[str | None, bool]] | None = None) -> None:
        super().__init__(name=name, help=help, hidden=hidden)
        self.build = build
        self.built: Any = None
        self._describe = describe

    def describe(self) -> None:
        """Its help and whether it is hidden, read from its module (imported now): for --help only."""
        if self._describe is not None:
            self.help, self.hidden = self._describe()
            self._describe = None

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        if self.built is None:
            self.built = self.build()
        return self.built.make_context(info_name, args, parent=parent, **extra)


def _settings() -> dict[str, Any]:
    return {"pretty_exceptions_short": app.pretty_exceptions_short, "rich_markup_mode": app.rich_markup_mode}


def _target(where: str) -> Any:
    """`module:attribute`, imported now."""
    module, _, attribute = where.partition(":")
    return getattr(importlib.import_module(module), attribute)


@cache
def _command_info(name: str, where: str) -> CommandInfo:
    """The command as `app.command(name)` registers it."""
    registry = typer.Typer()
    registry.command(name)(_target(where))
    return registry.registered_commands[0]


@cache
def _group_info(name: str, where: str) -> TyperInfo:
    """The group as `app.add_typer(sub, name=name)` registers it."""
    registry = typer.Typer()
    registry.add_typer(_target(where), name=name)
    return registry.registered_groups[0]


def _command(name: str, where: str) -> _Deferred:
    def describe() -> tuple[str | None, bool]:
        info = _command_info(name, where)
        help = inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
        return help, info.hidden

    return _Deferred(name, None, lambda: typer.main.get_command_from_info(_command_info(name, where), **_settings()),
                     describe=describe)


def _group(name: str, where: str) -> _Deferred:
    def describe() -> tuple[str | None, bool]:
        info = _group_info(name, where)
        return typer.main.solve_typer_info_help(info), bool(info.hidden)

    return _Deferred(name, None, lambda: typer.main.get_group_from_info(
        _group_info(name, where), suggest_commands=app.suggest_commands, **_settings()), describe=describe)


def _lab() -> Any:
    from wifiops.face.lab import app as lab_app

    return typer.main.get_group_from_info(TyperInfo(lab_app, name="lab", help=LAB_HELP),
                                          suggest_commands=app.suggest_commands, **_settings())


class _Root(TyperGroup):
    """The root's commands and groups, each imported and built when named (_Deferred), in Typer's order:
    commands, then groups. The lab is its own component; the face offers its commands when it is installed."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for deferred in [*(_command(n, w) for n, w in COMMANDS.items()), *(_group(n, w) for n, w in GROUPS.items())]:
            self.commands[str(deferred.name)] = deferred
        if importlib.util.find_spec("wifiops.lab") is not None:
            self.commands["lab"] = _Deferred("lab", LAB_HELP, _lab)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        for command in self.commands.values():
            if isinstance(command, _Deferred):
                command.describe()
        super().format_help(ctx, formatter)


app = typer.Typer(help="Network automation for ArubaOS 8 WiFi estates.", no_args_is_help=True,
                  pretty_exceptions_enable=False, cls=_Root)
inventory_app = typer.Typer(help="Check and show the estate's inventory.", no_args_is_help=True)


# What runs as a command starts, before its settings are read: the program (wifiops/entry.py) puts the
# collector's resumption here, so that importing this module (a test, a script) changes nothing.
STARTING: list[Callable[[], None]] = []


@app.callback()
def _root(config: ConfigOption = None) -> None:
    for step in STARTING:
        step()
    use_settings(config)


def inventory_dir(option: Path | None) -> Path:
    return settings().inventory_dir(option)


@inventory_app.command("check")
def inventory_check(inventory: InventoryOption = None, json: JsonOption = False) -> None:
    """Validate the inventory; print every problem with file, line and field."""
    from wifiops.inventory.check import check_inventory

    directory = inventory_dir(inventory)
    result = check_inventory(directory)
    if json:
        emit_json({"inventory": str(directory), "ok": result.ok,
                   "findings": [f.to_dict() for f in result.findings]})
    elif result.ok:
        console.print(f"[green]ok[/green] {directory}: inventory is valid")
    else:
        for finding in result.findings:
            errors.print(str(finding), markup=False, highlight=False)
        errors.print(f"{len(result.findings)} problem(s) in {directory}", markup=False)
    raise typer.Exit(0 if result.ok else 2)


@inventory_app.command("show")
def inventory_show(inventory: InventoryOption = None, json: JsonOption = False) -> None:
    """List hosts, configuration nodes, and AP counts per group and model."""
    from wifiops.estate import Estate
    from wifiops.inventory.summary import summarise

    summary = summarise(Estate.open(settings(), inventory_dir(inventory)).nornir)
    if json:
        emit_json(summary)
        return
    table("Hosts", ["name", "role", "platform", "address", "port", "site", "model", "node", "lifecycle"],
          ([h["name"], h["role"], h["platform"], h["address"], h["port"], h["site"], h["model"],
            device_node(h["node"], [h["name"]]), h["lifecycle"]] for h in summary["hosts"]),
          keys=["name", "node", "site"], optional=["platform", "address", "port", "model"])
    table("Configuration nodes", ["node", "type", "parent", "devices", "AP groups"],
          ([device_node(n["path"], n["devices"]), n["type"], n["parent"], ", ".join(n["devices"]),
            ", ".join(n["ap_groups"])] for n in summary["nodes"]), optional=["devices"])
    aps = summary["aps"]
    table("AP groups", ["AP group", "node", "site", "APs", "priority"],
          ([g, v["node"], v["site"], v["count"], v["priority"]] for g, v in aps["by_group"].items()),
          keys=["AP group", "node", "site"])
    table(f"AP models ({aps['total']} APs)", ["model", "APs"], aps["by_model"].items())


# Each command and group of the root by name, where its function or Typer app lives: imported when named.
COMMANDS: dict[str, str] = {
    "init": "wifiops.face.init:init_command",
    "show": "wifiops.face.show:show_command",
    "render": "wifiops.face.render:render_command",
    "diff": "wifiops.face.diff:diff_command",
    "parse": "wifiops.face.parse:parse_command",
    "apply": "wifiops.face.apply:apply_command",
    "run": "wifiops.face.run:run_command",
    "mail-test": "wifiops.face.notify:mail_test_command",
    "watch": "wifiops.face.watch:watch_command",
    "watchdog": "wifiops.face.watchdog:watchdog_command",
    "availability": "wifiops.face.availability:availability_command",
    "stats": "wifiops.face.stats:stats_command",
    "serve": "wifiops.face.web.serve:serve_command",
}
GROUPS: dict[str, str] = {
    "inventory": "wifiops.cli:inventory_app",
    "check": "wifiops.face.check:app",
    "hosts": "wifiops.face.hosts:app",
    "backup": "wifiops.face.backup:app",
    "config": "wifiops.face.backup:config_app",
    "report": "wifiops.face.report:app",
    "window": "wifiops.face.window:app",
    "incident": "wifiops.face.incident:app",
    "visits": "wifiops.face.visits:app",
    "audit": "wifiops.face.audit:app",
    "clearpass": "wifiops.face.clearpass:app",
    "doe": "wifiops.face.doe:app",
    "upgrade": "wifiops.face.upgrade:app",
}


def main() -> None:
    """Errors reach the console as one line for people; an unexpected crash's traceback goes to a file."""
    try:
        app()
    except WifiopsError as exc:
        from wifiops.aos8.masking import redact_anywhere  # the platform's catalogue: loaded for an error only

        # one line, never folded (a script or a log reads it whole; the terminal wraps it for a person)
        errors.print(redact_anywhere(f"error: {exc}"), markup=False, highlight=False, soft_wrap=True)
        raise SystemExit(exc.exit_code) from None
    except Exception as exc:  # a bug of ours: say where the traceback is, never print it
        from wifiops.aos8.masking import redact_anywhere
        from wifiops.engine.journal import crash_log

        path = crash_log(settings(), exc)
        errors.print(redact_anywhere(f"error: unexpected {type(exc).__name__}: {exc}; the traceback is in {path}"),
                     markup=False, highlight=False, soft_wrap=True)
        raise SystemExit(2) from None
