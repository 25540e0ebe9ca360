"""`wifiops report diff`: the DOE attachment (Markdown or HTML), per node and feature, with history."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wifiops.face.options import InventoryOption, JsonOption, NodeLimitOption, TimeoutOption, settings
from wifiops.face.output import emit_json, errors

app = typer.Typer(help="Reports for people: attach them to a DOE update.", no_args_is_help=True)


@app.command("diff")
def diff_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="The report file to write.")],
    fmt: Annotated[str, typer.Option("--format", help="md (GitHub Markdown) or html (prints on A4).")] = "html",
    limit: NodeLimitOption = None,
    old: Annotated[Optional[str], typer.Option("--from", help="The earlier backup: a revision or a date "
                                               "(2026-11-01). Default: the last two backups.")] = None,
    new: Annotated[Optional[str], typer.Option("--to", help="The later backup (default: the latest).")] = None,
    intended: Annotated[bool, typer.Option("--intended", help="Running configuration against the intended "
                                           "one, instead of two backups.")] = False,
    live: Annotated[bool, typer.Option("--live", help="With --intended: read the nodes from the conductor MM "
                                       "now, not from the latest backup.")] = False,
    inventory: InventoryOption = None,
    timeout: TimeoutOption = None,
    json: JsonOption = False,
) -> None:
    """What changed between two backups, or how running differs from intended, per node and feature."""
    from wifiops.engine.report import report_diff
    from wifiops.estate import Estate
    from wifiops.paths import write_atomically
    from wifiops.reports.render import render

    chosen = settings().with_timeout(timeout)
    report = report_diff(Estate.open(chosen, inventory), limit=limit or (), old=old, new=new,
                         intended=intended, live=live)
    write_atomically(out, render(report, fmt))
    if json:
        emit_json({"out": str(out), "format": fmt, "report": report.to_dict()})
    else:
        changed = sum(1 for n in report.nodes if n.changed)
        errors.print(f"{out}: {len(report.nodes)} node(s), {changed} with differences, {report.added} line(s) "
                     f"added, {report.removed} removed", markup=False, highlight=False)
        errors.print(report.scope, markup=False, highlight=False)  # which backups it compared


@app.command("activity")
def activity_command(
    year: Annotated[int, typer.Option("--year", min=2000, max=2100, help="The year (to today for this year).")],
    fmt: Annotated[str, typer.Option("--format", help="md (with its charts as SVG files beside it) or html (charts "
                                     "inline; prints on A4).")] = "html",
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="The report file (default: the screen).")] = None,
    inventory: InventoryOption = None,
    init_analysis: Annotated[bool, typer.Option("--init-analysis", help="Write the skeleton of the year's "
                                                "analysis (activity/<year>.md) if there is none, and stop.")] = False,
    json: JsonOption = False,
) -> None:
    """The yearly activity report in the contract's structure: the engineer's analysis (activity/<year>.md),
    incidents and their restoration deadlines, availability, non-conformities, changes made and their DOE
    reports, backups taken, client trends, with charts."""
    from datetime import datetime, timezone

    if init_analysis:
        from wifiops.engine.activity import analysis_path
        from wifiops.reports.i18n import Localised

        path = analysis_path(settings(), year)
        if path.exists():
            errors.print(f"{path}: already there, left as it is", markup=False, highlight=False)
            return
        words = Localised(settings().language).gettext
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {year}\n\n" + "".join(f"## {words(title)}\n\n" for title in (
            "Progress of the structural actions", "Decisions proposed for each activity",
            "Trends, corrective and preventive actions", "Risks and the preventive or reducing actions proposed",
            "Proposals to adapt the contract")), encoding="utf-8")
        errors.print(f"{path}: written; fill in each section, the report includes them", markup=False,
                     highlight=False)
        return

    from wifiops.engine.activity import activity_report
    from wifiops.engine.stats import estate_facts
    from wifiops.paths import write_atomically
    from wifiops.reports.activity import render_activity
    from wifiops.store import open_store

    chosen = settings()
    facts = estate_facts(chosen.inventory_dir(inventory))
    store = open_store(chosen)
    try:
        report = activity_report(chosen, store, facts, year, now=datetime.now(timezone.utc),
                                 inventory=chosen.inventory_dir(inventory))
    finally:
        store.close()
    if out is None and json:
        emit_json({"out": None, "format": fmt, "report": report.to_dict()})
        return
    text, files = render_activity(report, fmt, f"{out.stem}-charts" if out is not None and fmt == "md" else None,
                                  language=chosen.language)
    if out is None:
        typer.echo(text, nl=False)
        return
    write_atomically(out, text)
    for name, svg in files.items():
        write_atomically(out.parent / name, svg)
    if json:
        emit_json({"out": str(out), "format": fmt, "charts": [str(out.parent / n) for n in files],
                   "report": report.to_dict()})
    else:
        errors.print(f"{out}: activity {year}, {report.incidents['total']} incident(s), {report.changes['total']} "
                     f"playbook run(s), {report.backups['commits']} backup(s)", markup=False, highlight=False)


@app.command("change")
def change_command(
    reference: Annotated[str, typer.Argument(help="The change's reference (CHG-1234) or its run folder's name.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The report file to write.")],
    fmt: Annotated[str, typer.Option("--format", help="md (GitHub Markdown) or html (prints on A4).")] = "html",
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """One intervention's report for the DOE, with its context: approval, window, engineer, outcome (rolled
    back too, with the reason), health before and after, steps, and what changed between its backups."""
    from wifiops.engine.change import change_report
    from wifiops.estate import Estate
    from wifiops.paths import write_atomically
    from wifiops.reports.change import render_change

    chosen = settings()
    report = change_report(Estate.open(chosen, inventory), reference)
    write_atomically(out, render_change(report.to_dict(), fmt, language=chosen.language, root=chosen.root))
    if json:
        emit_json({"out": str(out), "format": fmt, "language": chosen.language, "report": report.to_dict()})
    else:
        errors.print(f"{out}: {report.reference or report.playbook}, {report.result}", markup=False,
                     highlight=False)
