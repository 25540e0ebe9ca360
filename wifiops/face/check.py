"""`wifiops check`: the estate's health against the inventory; `wifiops check compare` before and after a change."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from wifiops.face.options import InventoryOption, JsonOption, TimeoutOption, settings
from wifiops.face.output import console, emit_json, errors, failures, say, table

app = typer.Typer(help="Health of the estate, compared with the inventory.", invoke_without_command=True)
SHOWN = 40  # findings printed one per line; the rest are counted (all of them are in --json)


@app.callback()
def check_command(
    context: typer.Context,
    host: Annotated[Optional[list[str]], typer.Option(
        "--limit", "--host", "-H", help="Only this MM or controller (repeatable); the conductor is always read, "
        "as it answers for the estate.")] = None,
    inventory: InventoryOption = None,
    timeout: TimeoutOption = None,
    json: JsonOption = False,
) -> None:
    """Read the live estate and compare it with the inventory: APs missing, down, unknown, in another group or
    rebooted; devices not up or not in sync; licences; CPU and memory. Exit 0 healthy, 1 findings, 2 error."""
    if context.invoked_subcommand is not None:
        return
    from wifiops.engine.check import run_check
    from wifiops.estate import Estate
    from wifiops.face.progress import ProgressBar

    chosen = settings().with_timeout(timeout)
    estate = Estate.open(chosen, inventory)  # once: the check's hosts, and the SSIDs the intent broadcasts
    nr = estate.nornir
    report = run_check(estate, names=host or (),
                       processors=[] if json else [ProgressBar("check")])
    if json:
        emit_json(report.to_dict())
        raise typer.Exit(report.exit_code)
    found = report.to_dict()["summary"]
    table(f"APs ({found['aps_up']} up of {found['aps_seen']} seen)", ["AP group", "up", "down"],
          ([g, c["up"], c["down"]] for g, c in found["by_group"].items()))
    clients = {**{ssid: 0 for ssid in _intended_ssids(nr)}, **found["clients_by_ssid"]}  # 0: broadcast by no AP
    table(f"Clients ({found['clients']})", ["SSID", "clients"], sorted(clients.items()))
    unread = {line.split(":", 1)[0]: line.split(":", 1)[-1].strip() for line in report.errors}
    table("Devices", ["host", "version", "CPU %", "memory %"],
          [*([h, v["version"], v["cpu_percent"], v["memory_percent"]] for h, v in sorted(found["hosts"].items())),
           *([h, "NOT READ", "", ""] for h in sorted(unread) if h not in found["hosts"])])
    by_check: dict[str, int] = {}
    for finding in report.findings:
        by_check[finding.check] = by_check.get(finding.check, 0) + 1
    if by_check:
        table("Findings", ["check", "count"], sorted(by_check.items()))
    for finding in report.findings[:SHOWN]:
        errors.print(finding.message, style="red" if finding.priority else None, markup=False, highlight=False,
                     soft_wrap=True)
    if len(report.findings) > SHOWN:
        errors.print(f"... and {len(report.findings) - SHOWN} more finding(s): --json lists them all",
                     markup=False, highlight=False)
    failures(report.errors, report.log_dir)
    errors.print(f"snapshot: {report.log_dir / 'snapshot.json'}", markup=False, highlight=False)
    say(f"verdict: {_verdict(report, unread)}")
    raise typer.Exit(report.exit_code)


def _verdict(report: Any, unread: dict[str, str]) -> str:
    """The last line: what a person acts on."""
    if report.exit_code == 0:
        return "healthy: the estate matches the inventory"
    said = []
    if report.findings:
        priority = sum(1 for f in report.findings if f.priority)
        said.append(f"{len(report.findings)} finding(s)" + (f", {priority} on priority APs" if priority else ""))
    if report.errors:
        said.append(f"{len(report.errors)} host(s) not read ({', '.join(sorted(unread)) or 'see above'}): "
                    "the estate is not fully known")
    return "NOT healthy: " + "; ".join(said)


def _intended_ssids(nr: Any) -> list[str]:
    """The SSIDs the inventory's intent broadcasts (defaults, groups, hosts): each shown, 0 clients included."""
    holders = [nr.inventory.defaults, *nr.inventory.groups.values(), *nr.inventory.hosts.values()]
    return sorted({s["name"] for h in holders for s in (h.data.get("ssids") or [])
                   if isinstance(s, dict) and s.get("name")})


@app.command("compare")
def compare_command(
    before: Annotated[Path, typer.Argument(help="A snapshot.json of an earlier `wifiops check`.")],
    after: Annotated[Optional[Path], typer.Argument(help="A later one (default: the latest).")] = None,
    json: JsonOption = False,
) -> None:
    """What changed between two checks: APs that went down or came up, clients per SSID, devices. Exit 1 if an
    AP went down or went missing."""
    from wifiops.engine.check import compare, latest_snapshot, load_snapshot

    later = after or latest_snapshot(settings().path(settings().run_dir))
    result = compare(load_snapshot(before), load_snapshot(later))
    code = 1 if result["aps_went_down"] or result["aps_gone"] else 0
    if json:
        emit_json(result)
        raise typer.Exit(code)
    for key, label in (("aps_went_down", "went down"), ("aps_gone", "gone"), ("aps_came_up", "came up"),
                       ("aps_new", "new")):
        if result[key]:
            say(f"APs {label} ({len(result[key])}): {', '.join(result[key])}")
    from wifiops.when import format_when

    table(f"Clients per SSID ({format_when(result['before'])} -> {format_when(result['after'])}, Paris time)",
          ["SSID", "before", "after"],
          ([s, c["before"], c["after"]] for s, c in result["clients"].items()))
    for name, change in result["devices"].items():
        console.print(f"{name}: {change['before']} -> {change['after']}", markup=False, soft_wrap=True)
    raise typer.Exit(code)
