"""`wifiops hosts trust`: fingerprints shown, keys recorded in the inventory's known-hosts file."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from wifiops.face.options import InventoryOption, JsonOption, settings
from wifiops.face.output import emit_json, errors, table

app = typer.Typer(help="SSH host keys of the managed hosts.", no_args_is_help=True)


@app.command("trust")
def trust_command(
    host: Annotated[Optional[list[str]], typer.Argument(help="Hosts to trust (default: every managed host).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Record a key that differs from the one on record "
                                          "(after checking with the device's owner why it changed).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the fingerprints; record nothing.")] = False,
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """Show each host's SSH key fingerprint and record it; a changed key is kept out unless --replace."""
    from wifiops.engine.hosts import CHANGED, WOULD_REPLACE, trust
    from wifiops.estate import Estate

    report = trust(Estate.open(settings(), inventory), names=host or (), replace=replace,
                   dry_run=dry_run)
    if json:
        emit_json({"known_hosts": str(report.known_hosts), "hosts": [r.to_dict() for r in report.rows]})
    else:
        table(f"SSH host keys ({report.known_hosts})", ["host", "address", "key", "fingerprint", "status"],
              ([r.host, f"{r.address}:{r.port}", r.key_type, r.fingerprint, r.status] for r in report.rows),
              keys=["host", "fingerprint"], optional=["address", "key"])
        for row in report.rows:
            if row.error:
                errors.print(row.error, markup=False, highlight=False)
            elif row.status == CHANGED:
                then = "run again with --replace, without --dry-run" if dry_run else "run again with --replace"
                errors.print(f"{row.host}: the key differs from the one on record ({row.recorded_fingerprint}); "
                             f"not recorded. Check with the device's owner, then {then}",
                             markup=False, highlight=False)
            elif row.status == WOULD_REPLACE:
                errors.print(f"{row.host}: the key differs from the one on record ({row.recorded_fingerprint}); "
                             "dry run: nothing recorded. To record the new key, run again without --dry-run",
                             markup=False, highlight=False)
    raise typer.Exit(report.exit_code)
