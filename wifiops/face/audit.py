"""`wifiops audit rf`: each room's radios as the controllers know them, for the yearly coverage audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from wifiops.face.options import InventoryOption, JsonOption, settings
from wifiops.face.output import emit_json, failures, table

app = typer.Typer(help="Audits read from the controllers (nothing is changed).", no_args_is_help=True)


@app.command("rf")
def rf_command(
    site: Annotated[Optional[list[str]], typer.Option("--site", help="Only this site (repeat for more).")] = None,
    zone: Annotated[Optional[str], typer.Option("--zone", help="Only the zones that start with this (an area: "
                                                "Denon; or a room: 'Denon salle 3').")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Also write the Markdown report to take on site.")] = None,
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """Per site, area and room, each AP's radios: band, channel, EIRP, clients, noise floor (dBm) and channel
    utilisation (%), the radios it hears and how many share its channel (from the conductor's `show ap
    radio-database`, `show ap active`, `show ap radio-summary` and `show ap arm state`: four commands,
    however many APs). Exit 1 when an AP is down or not seen, 2 when the conductor did not answer."""
    from wifiops.engine.audit import audit_rf, markdown
    from wifiops.estate import Estate
    from wifiops.paths import write_atomically

    chosen = settings()
    audit = audit_rf(Estate.open(chosen, inventory), sites=site or (), zone=zone)
    if out is not None and not audit.errors:
        write_atomically(out, markdown(audit))
    if json:
        emit_json(audit.to_dict())
    else:
        table(f"RF audit from {audit.conductor}: {len(audit.rows)} AP(s)",
              ["site", "area", "room", "AP", "status", "radios (band ch EIRP clients noise util% heard/co-channel)"],
              ([r.site, r.area, r.room, r.ap + (" *" if r.priority else ""), r.status,
                "\n".join(_radio(x) for x in r.radios)]
               for r in audit.rows), keys=["AP"], optional=["site"])
    failures(audit.errors, audit.log_dir)
    raise typer.Exit(audit.exit_code)


def _radio(radio: Any) -> str:
    """`5GHz 52 21 3 -95 46% 4/1` (4 radios heard, 1 on its channel): one line per radio, `-` where the controller said nothing
    (cells keep their place)."""
    cells = [radio.band, radio.channel, "-" if radio.eirp is None else f"{radio.eirp:g}",
             "-" if radio.clients is None else str(radio.clients), "-" if radio.noise is None else str(radio.noise),
             "-" if radio.utilisation is None else f"{radio.utilisation}%",
             "-" if radio.neighbours is None else f"{radio.neighbours}/{len(radio.co_channel)}"]
    return " ".join(cells)
