"""`wifiops doe`: the as-built file (DOE) the contract asks for, built, versioned, followed and sent."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer

from wifiops.face.options import InventoryOption, JsonOption, settings
from wifiops.face.output import emit_json, errors

app = typer.Typer(help="The as-built file (DOE): build a version, say what is due, send it.", no_args_is_help=True)

BASENAME = "DOE"


@app.command("build")
def build_command(
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Also copy the files into this folder.")] = None,
    fmt: Annotated[Optional[list[str]], typer.Option("--format", help="md, html or pdf (repeatable; default: all "
                                                     "three; pdf needs Chromium).")] = None,
    clearpass: Annotated[bool, typer.Option("--clearpass/--no-clearpass", help="Read ClearPass's network "
                                            "devices (default) or leave them out.")] = True,
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """Build the DOE from the inventory, the latest backup, ClearPass and the run journal; each build that
    describes something new is the next numbered version, committed under doe/ in the backup repository."""
    from wifiops.engine.doe import gather, next_version, plan, record_version
    from wifiops.errors import WifiopsError
    from wifiops.reports.doe import SYNOPTIC, drawing, render_doe
    from wifiops.reports.pdf import print_pdf

    formats = list(dict.fromkeys(fmt or ["md", "html", "pdf"]))
    unknown = [f for f in formats if f not in ("md", "html", "pdf")]
    if unknown:
        raise WifiopsError(f"--format {unknown[0]}: the formats are md, html and pdf")
    chosen = settings()
    language = chosen.language
    doe = gather(chosen, inventory=chosen.inventory_dir(inventory), clearpass=clearpass)
    versions = plan(chosen)
    version, new = next_version(versions, doe)
    shown = [v for v in versions if v["number"] != version["number"]] + [version]
    record = doe.to_dict()
    files: dict[str, bytes | str] = {}
    html = render_doe(record, "html", language=language, version=version["number"], versions=shown)
    if "md" in formats:
        files[f"{BASENAME}.md"] = render_doe(record, "md", language=language, version=version["number"],
                                             versions=shown)
        files[SYNOPTIC] = drawing(record, language)
    if "html" in formats:
        files[f"{BASENAME}.html"] = html
    if "pdf" in formats:
        with tempfile.TemporaryDirectory(prefix="wifiops-doe-") as scratch:
            page = Path(scratch) / f"{BASENAME}.html"
            page.write_text(html, encoding="utf-8")
            print_pdf(page, Path(scratch) / f"{BASENAME}.pdf")
            files[f"{BASENAME}.pdf"] = (Path(scratch) / f"{BASENAME}.pdf").read_bytes()
    commit = record_version(chosen, version, files, versions) if new else None
    copied = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            target = out / name
            target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, encoding="utf-8")
            copied.append(str(target))
    folder = chosen.path(chosen.backup_dir) / "doe"
    if json:
        emit_json({"version": version["number"], "new": new, "commit": commit, "language": language,
                   "folder": str(folder), "files": copied or [str(folder / n) for n in files],
                   "interventions": version["interventions"], "doe": record})
        return
    said = f"DOE version {version['number']}" + ("" if new else " (nothing new since it was built)")
    errors.print(f"{said}: {', '.join(copied or [str(folder / n) for n in files])}", markup=False, highlight=False)
    if doe.network_devices.get("error"):
        errors.print(f"ClearPass not read: {doe.network_devices['error']}", markup=False, highlight=False)
