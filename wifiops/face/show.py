"""`wifiops show`: one show command on every managed host, in parallel; one line per failed host."""

from __future__ import annotations

from typing import Annotated

import typer

from wifiops.face.options import HostOption, InventoryOption, JsonOption, TimeoutOption, settings
from wifiops.face.output import console, emit_json, errors, failures, warnings


def show_command(
    command: Annotated[str, typer.Argument(help="The show command, e.g. 'show switches'.")],
    host: HostOption = None,
    inventory: InventoryOption = None,
    timeout: TimeoutOption = None,
    json: JsonOption = False,
) -> None:
    """Run one show command on every managed host (or --host ones), in parallel."""
    from wifiops.engine.show import collect
    from wifiops.estate import Estate
    from wifiops.face.progress import ProgressBar

    chosen = settings().with_timeout(timeout)
    report = collect(Estate.open(chosen, inventory), command, names=host or (),
                     processors=[ProgressBar(command)])
    warnings(report.warnings)
    if json:
        emit_json({"command": command, "log_dir": str(report.log_dir),
                   "results": [r.to_dict() for r in report.results]})
    else:
        for result in report.results:
            if result.ok:
                console.rule(result.host)
                console.print(result.output, markup=False, highlight=False)
        errors.print(f"transcripts: {report.log_dir}", markup=False, highlight=False)
    failures([r.error or r.host for r in report.results if not r.ok], report.log_dir)
    if report.failed:
        raise typer.Exit(2)
