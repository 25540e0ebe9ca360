"""The `wifiops` command. Each command parses options, calls one engine function, renders the result."""

from __future__ import annotations

import importlib.util
import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup
from typer.models import CommandInfo, TyperInfo

from wifiops.errors import WifiopsError

from wifiops.face.apply import apply_command
from wifiops.face.availability import availability_command
from wifiops.face.backup import app as backup_app
from wifiops.face.check import app as check_app
from wifiops.face.clearpass import app as clearpass_app
from wifiops.face.backup import config_app
from wifiops.face.hosts import app as hosts_app
from wifiops.face.incident import app as incident_app
from wifiops.face.init import init_command
from wifiops.face.options import ConfigOption, InventoryOption, JsonOption, settings, use_settings
from wifiops.face.output import console, device_node, emit_json, errors, table
from wifiops.face.diff import diff_command
from wifiops.face.notify import mail_test_command
from wifiops.face.parse import parse_command
from wifiops.face.render import render_command
from wifiops.face.run import run_command
from wifiops.face.doe import app as doe_app
from wifiops.face.report import app as report_app
from wifiops.face.show import show_command
from wifiops.face.stats import stats_command
from wifiops.face.web.serve import serve_command
from wifiops.face.window import app as window_app
from wifiops.face.upgrade import app as upgrade_app
from wifiops.face.watch import watch_command
from wifiops.face.watchdog import watchdog_command
from wifiops.face.visits import app as visits_app
from wifiops.face.audit import app as audit_app

# wifiops uses no pydantic plugin: without this, pydantic scans every installed package's entry points when it
# builds its first validator (after this import, when a command runs), at the start of most commands (issue
# 26). Set in the environment, it wins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

LAB_HELP = "Run the simulated estate (MMs, 7210s, APs, clients) over SSH."


class _Deferred(TyperGroup):
    """A command or group of the root, listed by its name and help; Typer builds it (every option of every
    subcommand read from its function's signature) only when the command line names it, so one command's start
    does not pay for the sixty others (issue 26). `build` makes it exactly as Typer would have."""

    def __init__(self, name: str, help: str | None, build: Callable[[], Any], hidden: bool = False) -> None:
        super().__init__(name=name, help=help, hidden=hidden)
        self.build = build
        self.built: Any = None

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        if self.built is None:
            self.built = self.build()
        return self.built.make_context(info_name, args, parent=parent, **extra)


def _settings() -> dict[str, Any]:
    return {"pretty_exceptions_short": app.pretty_exceptions_short, "rich_markup_mode": app.rich_markup_mode}


def _command(info: CommandInfo) -> _Deferred:
    name = info.name or typer.main.get_command_name(info.callback.__name__)  # type: ignore[union-attr]
    help = inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
    return _Deferred(name, help, lambda: typer.main.get_command_from_info(info, **_settings()), hidden=info.hidden)


def _group(info: TyperInfo) -> _Deferred:
    return _Deferred(str(info.name), typer.main.solve_typer_info_help(info), lambda: typer.main.get_group_from_info(
        info, suggest_commands=app.suggest_commands, **_settings()))


def _lab() -> Any:
    from wifiops.face.lab import app as lab_app

    return typer.main.get_group_from_info(TyperInfo(lab_app, name="lab", help=LAB_HELP),
                                          suggest_commands=app.suggest_commands, **_settings())


class _Root(TyperGroup):
    """The root's commands and groups, each built when named (_Deferred), in Typer's order: commands, then
    groups. The lab is its own component; the face offers its commands when it is installed."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for deferred in [*map(_command, _COMMANDS), *map(_group, _GROUPS)]:
            self.commands[str(deferred.name)] = deferred
        if importlib.util.find_spec("wifiops.lab") is not None:
            self.commands["lab"] = _Deferred("lab", LAB_HELP, _lab)


app = typer.Typer(help="Network automation for ArubaOS 8 WiFi estates.", no_args_is_help=True,
                  pretty_exceptions_enable=False, cls=_Root)
inventory_app = typer.Typer(help="Check and show the estate's inventory.", no_args_is_help=True)
app.add_typer(inventory_app, name="inventory")


@app.callback()
def _root(config: ConfigOption = None) -> None:
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


app.command("init")(init_command)
app.command("show")(show_command)
app.command("render")(render_command)
app.command("diff")(diff_command)
app.command("parse")(parse_command)
app.command("apply")(apply_command)
app.command("run")(run_command)
app.command("mail-test")(mail_test_command)
app.command("watch")(watch_command)
app.command("watchdog")(watchdog_command)
app.command("availability")(availability_command)
app.command("stats")(stats_command)
app.command("serve")(serve_command)
app.add_typer(check_app, name="check")
app.add_typer(hosts_app, name="hosts")
app.add_typer(backup_app, name="backup")
app.add_typer(config_app, name="config")
app.add_typer(report_app, name="report")
app.add_typer(window_app, name="window")
app.add_typer(incident_app, name="incident")
app.add_typer(visits_app, name="visits")
app.add_typer(audit_app, name="audit")
app.add_typer(clearpass_app, name="clearpass")
app.add_typer(doe_app, name="doe")
app.add_typer(upgrade_app, name="upgrade")
# Taken from Typer's registry into the root's own: Typer would build them all at every start (_Root, above).
_COMMANDS, _GROUPS = list(app.registered_commands), list(app.registered_groups)
app.registered_commands.clear()
app.registered_groups.clear()


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
