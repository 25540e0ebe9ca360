"""`wifiops render`: the intended configuration, one file per node, and a summary of what was written."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wifiops.face.options import FeatureOption, InventoryOption, JsonOption, NodeLimitOption, settings
from wifiops.face.output import emit_json, errors, table


def render_command(
    limit: NodeLimitOption = None,
    feature: FeatureOption = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Folder for the files (default: render_dir "
                                                "of wifiops.yaml).")] = None,
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """Render the intended configuration of every node from the inventory, linted; secrets written as ******."""
    from wifiops.engine.render import render_intent
    from wifiops.estate import Estate

    chosen = settings()
    folder = out if out is not None else chosen.path(chosen.render_dir)
    report = render_intent(Estate.open(chosen, inventory), limit=limit or (),
                           features=feature or (), out=folder)
    if json:
        emit_json({"out": str(folder), "nodes": [n.to_dict() for n in report.nodes],
                   "firewall": [s.to_dict() for s in report.sheets]})
        return
    table(f"Intended configuration ({folder})", ["node", "features", "lines", "file"],
          ([n.node, ", ".join(n.features), n.lines, _under(n.file, folder)] for n in report.nodes), keys=["node", "file"],
          optional=["features"])
    if report.sheets:
        table("Firewall change sheets (the firewall enforces these rates)", ["segment", "state", "change", "file"],
              ([s.segment, s.status, s.summary(), _under(s.files[0], folder) if s.files else ""] for s in report.sheets),
              keys=["segment", "file"])
    errors.print(f"{len(report.nodes)} node(s) rendered, {sum(n.lines for n in report.nodes)} lines",
                 markup=False, highlight=False)


def _under(file: str | Path | None, folder: Path) -> str:
    """A written file as a path under the folder the title names (shorter, so it fits 80 columns whole)."""
    if file is None:
        return ""
    try:
        return str(Path(file).relative_to(folder))
    except ValueError:
        return str(file)
