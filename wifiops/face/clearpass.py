"""`wifiops clearpass status|devices|compare|copy`: the ClearPass servers through their REST API.

Thin: each command opens the inventory's ClearPass servers, calls one engine function (wifiops.engine.clearpass)
and draws its report, or prints it as JSON. No secret is ever printed: devices carry none, and a copy names
the secret it writes, never its value. Exit codes: 0 ok (compare: the same), 1 findings (compare: differences;
copy: refused and rolled back), 2 errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from wifiops.face.options import HostOption, InventoryOption, JsonOption, TimeoutOption, settings
from wifiops.face.output import console, emit_json, errors, failures, table

if TYPE_CHECKING:
    from wifiops.engine.clearpass import ClearPassEstate

app = typer.Typer(help="ClearPass servers through their REST API: status, network devices, compare, copy.",
                  no_args_is_help=True)

ServerArgument = Annotated[str, typer.Argument(help="A ClearPass server of the inventory, e.g. cppm-1.")]


def _estate(inventory: Path | None, timeout: float | None) -> ClearPassEstate:
    from wifiops.engine.clearpass import ClearPassEstate
    from wifiops.estate import Estate

    chosen = settings().with_timeout(timeout)
    return ClearPassEstate(Estate.open(chosen, inventory))


@app.command("status")
def status_command(host: HostOption = None, inventory: InventoryOption = None, timeout: TimeoutOption = None,
                   json: JsonOption = False) -> None:
    """Version and cluster of each ClearPass server (or --host). Exit 0 all answered, 2 a server failed."""
    from wifiops.engine.clearpass import status

    report = status(_estate(inventory, timeout), host or ())
    if json:
        emit_json(report.to_dict())
        raise typer.Exit(report.exit_code)
    table("ClearPass servers", ["server", "version", "hardware", "cluster", "publisher", "replication"],
          ([s.name, s.version.version if s.version else "", s.version.hardware if s.version else "",
            ", ".join(c.name for c in s.cluster), next((c.name for c in s.cluster if c.is_publisher), ""),
            ", ".join(f"{c.name} {c.replication_status}" for c in s.cluster if not c.is_publisher)]
           for s in report.servers if s.ok))
    failures([s.error for s in report.servers if s.error])
    raise typer.Exit(report.exit_code)


@app.command("devices")
def devices_command(host: ServerArgument, inventory: InventoryOption = None, timeout: TimeoutOption = None,
                    json: JsonOption = False) -> None:
    """The network devices (RADIUS clients) of HOST, every page. Secrets are write-only: never shown."""
    from wifiops.engine.clearpass import devices

    found = devices(_estate(inventory, timeout), host)
    if json:
        emit_json({"server": host, "devices": [d.to_dict() for d in found]})
        return
    table(f"{host}: {len(found)} network device(s)", ["id", "name", "IP address", "vendor", "CoA", "description"],
          ([d.id, d.name, d.ip_address, d.fields.get("vendor_name"), d.fields.get("coa_capable"),
            d.fields.get("description")] for d in found))


@app.command("compare")
def compare_command(a: ServerArgument, b: ServerArgument, inventory: InventoryOption = None,
                    timeout: TimeoutOption = None, json: JsonOption = False) -> None:
    """The network devices of A against B's: missing on B, extra on B, differing fields (secrets only as set or
    not set). Exit 0 the same, 1 differences, 2 error."""
    from wifiops.engine.clearpass import compare_servers

    found = compare_servers(_estate(inventory, timeout), a, b)
    if json:
        emit_json(found.to_dict())
        raise typer.Exit(found.exit_code)
    if found.missing:
        table(f"On {a}, missing on {b}", ["name", "IP address"], ([d.name, d.ip_address] for d in found.missing))
    if found.extra:
        table(f"On {b} only", ["name", "IP address"], ([d.name, d.ip_address] for d in found.extra))
    if found.differing:
        table(f"Differing ({a} / {b})", ["name", "field", a, b],
              ([d.name, f.field, f.a, f.b] for d in found.differing for f in d.fields))
    if found.same:
        console.print(f"{a} and {b} have the same {len(found.alike)} network device(s)")
    else:
        console.print(f"{len(found.missing)} missing on {b}, {len(found.extra)} only on {b}, "
                      f"{len(found.differing)} differing, {len(found.alike)} alike")
    raise typer.Exit(found.exit_code)


@app.command("copy")
def copy_command(
    a: ServerArgument,
    b: ServerArgument,
    commit: Annotated[bool, typer.Option("--commit", help="Create them on B (default: a dry run, B untouched).")] = False,
    radius_secret: Annotated[Optional[str], typer.Option(
        "--radius-secret", help="The secret's name in the secrets store for the RADIUS shared secret (default: "
        "the key of A's RADIUS server in the intent).")] = None,
    inventory: InventoryOption = None,
    timeout: TimeoutOption = None,
    json: JsonOption = False,
) -> None:
    """Create on B the network devices of A that B lacks, each with the RADIUS shared secret from the secrets
    store. A dry run unless --commit; a committed copy stops at the first refusal and deletes what it created,
    so B is left as it was. Exit 0 done (or dry run), 1 refused and rolled back, 2 error."""
    from wifiops.engine.clearpass import copy_devices

    report = copy_devices(_estate(inventory, timeout), a, b, commit=commit, radius_secret=radius_secret)
    if json:
        emit_json(report.to_dict())
        raise typer.Exit(report.exit_code)
    if report.to_create:
        verb = "created" if commit and not report.refused else "would create" if not commit else "to create"
        table(f"{verb} on {b} ({len(report.to_create)}), RADIUS shared secret from secret "
              f"{report.radius_secret!r}", ["name", "IP address", "description"],
              ([d.name, d.ip_address, d.fields.get("description")] for d in report.to_create))
    if report.differing:
        table(f"On both, differing: left as they are on {b}", ["name", "fields"],
              ([d.name, ", ".join(f.field for f in d.fields)] for d in report.differing))
    if report.extra:
        table(f"Only on {b}: left as they are", ["name", "IP address"], ([d.name, d.ip_address] for d in report.extra))
    if report.refused:
        errors.print(f"{b} refused {report.refused['name']}: {report.refused['error']}", style="red",
                     markup=False, highlight=False, soft_wrap=True)
        errors.print(f"rolled back: deleted again on {b}: {', '.join(report.rolled_back) or 'nothing had been made'}",
                     markup=False, highlight=False, soft_wrap=True)
    if report.left_on_b:
        failures([f"{b}: still there after the rollback, delete them by hand: {', '.join(report.left_on_b)}"])
    if report.error and not report.refused:
        failures([report.error])
    if not report.to_create:
        console.print(f"nothing to copy: {b} has every network device of {a}")
    elif not commit:
        console.print(f"dry run: nothing was changed on {b}; --commit creates them")
    elif not report.refused:
        console.print(f"{len(report.created)} network device(s) created on {b}")
    if report.folder:
        errors.print(f"record: {report.folder}", markup=False, highlight=False)
    raise typer.Exit(report.exit_code)
