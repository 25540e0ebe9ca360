"""The `wifiops` command. Each command parses options, calls one engine function, renders the result."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wifiops.errors import WifiopsError
from wifiops.face.render import console, emit_json, errors, table
from wifiops.settings import Settings, load_settings

app = typer.Typer(help="Network automation for ArubaOS 8 WiFi estates.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
inventory_app = typer.Typer(help="Check and show the estate's inventory.", no_args_is_help=True)
app.add_typer(inventory_app, name="inventory")

ConfigOption = Annotated[Optional[Path], typer.Option("--config", help="wifiops.yaml to use.")]
InventoryOption = Annotated[Optional[Path], typer.Option("--inventory", "-i", help="Inventory directory.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

_state: dict[str, Settings] = {}


@app.callback()
def _root(config: ConfigOption = None) -> None:
    _state["settings"] = load_settings(config)


def settings() -> Settings:
    return _state.get("settings") or load_settings()


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
    from wifiops.estate import open_nornir
    from wifiops.inventory.summary import summarise

    summary = summarise(open_nornir(settings(), inventory_dir(inventory)))
    if json:
        emit_json(summary)
        return
    table("Hosts", ["name", "role", "platform", "address", "port", "site", "model", "node"],
          ([h["name"], h["role"], h["platform"], h["address"], h["port"], h["site"], h["model"], h["node"]]
           for h in summary["hosts"]))
    table("Configuration nodes", ["node", "type", "parent", "devices", "AP groups"],
          ([n["path"], n["type"], n["parent"], ", ".join(n["devices"]), ", ".join(n["ap_groups"])]
           for n in summary["nodes"]))
    aps = summary["aps"]
    table("AP groups", ["AP group", "node", "site", "APs", "priority"],
          ([g, v["node"], v["site"], v["count"], v["priority"]] for g, v in aps["by_group"].items()))
    table(f"AP models ({aps['total']} APs)", ["model", "APs"], aps["by_model"].items())


@app.command("show")
def show_command(
    command: Annotated[str, typer.Argument(help="The show command, e.g. 'show switches'.")],
    host: Annotated[Optional[list[str]], typer.Option("--host", "-H", help="Only this host (repeatable).")] = None,
    inventory: InventoryOption = None,
    timeout: Annotated[Optional[float], typer.Option("--timeout", min=0.1,
                                                     help="Seconds to wait for each device (default: wifiops.yaml).")] = None,
    json: JsonOption = False,
) -> None:
    """Run one show command on every managed host (or --host ones), in parallel."""
    from wifiops.engine.collect import collect
    from wifiops.face.progress import ProgressBar

    if not command.startswith("show "):
        raise typer.BadParameter("only show commands are run here", param_hint="COMMAND")
    chosen = settings() if timeout is None else settings().model_copy(update={"timeout": timeout})
    report = collect(chosen, command, inventory=inventory_dir(inventory), names=host or (),
                     processors=[ProgressBar(command)])
    if json:
        emit_json({"command": command, "log_dir": str(report.log_dir),
                   "results": [r.to_dict() for r in report.results]})
    else:
        for result in report.results:
            console.rule(f"{result.host}", style="red" if not result.ok else "")
            console.print(result.output if result.ok else result.error, style=None if result.ok else "red",
                          markup=False, highlight=False)
        errors.print(f"transcripts: {report.log_dir}", markup=False, highlight=False)
    if report.failed:
        errors.print(f"failed on: {', '.join(report.failed)}", markup=False)
        raise typer.Exit(2)


def _mount_lab() -> None:
    """The lab is its own component; the face offers its commands when it is installed."""
    try:
        from wifiops.lab.cli import app as lab_app
    except ImportError:
        return
    app.add_typer(lab_app, name="lab", help="Run the simulated estate (MMs, 7210s, APs, clients) over SSH.")


_mount_lab()


def main() -> None:
    try:
        app()
    except WifiopsError as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False)
        raise SystemExit(exc.exit_code) from None
