"""`wifiops stats`: the connection statistics `wifiops watch` counted, by SSID, terminal type, OS, zone, site, hour of
the day or session length, over any period: a table, Markdown, HTML with charts, CSV or JSON."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import typer

from wifiops.face.availability import DATE_ONLY, MOMENT_FORMAT, _moment
from wifiops.when import format_when
from wifiops.face.options import InventoryOption, JsonOption, settings
from wifiops.face.output import emit_json, errors, out_format, say, table

if TYPE_CHECKING:
    from wifiops.engine.stats import StatsReport

DEFAULT_DAYS = 7
Format = Literal["table", "md", "html", "csv", "json"]
FORMATS = {".md": "md", ".html": "html", ".htm": "html", ".csv": "csv", ".json": "json"}


def period(start: str | None, end: str | None, zone_name: str, default_days: int) -> tuple[datetime, datetime]:
    """--from and --to as aware moments: a date alone is its midnight (for --to, the end of that day); no --to is
    now, no --from `default_days` before --to."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)

    def aware(text: str) -> datetime:
        moment = _moment(text)
        return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment

    until = aware(end) if end else datetime.now(zone)
    if end and DATE_ONLY.match(end.strip()):
        until = datetime.combine(until.date() + timedelta(days=1), time(0), tzinfo=zone)
    since = aware(start) if start else until - timedelta(days=default_days)
    if since >= until:
        raise typer.BadParameter(f"--from ({since:%Y-%m-%d %H:%M}) must come before --to ({until:%Y-%m-%d %H:%M})")
    return since, until


def stats_command(
    start: Annotated[Optional[str], typer.Option("--from", metavar="WHEN", help=f"Start of the period: {MOMENT_FORMAT} "
                                                 f"(default: {DEFAULT_DAYS} days before --to).")] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="WHEN", help="End of the period (default: now); a date "
                                               "alone means the end of that day.")] = None,
    by: Annotated[Literal["ssid", "type", "os", "device", "zone", "site", "hour", "session"], typer.Option(
        "--by", help="ssid, type (smartphone, tablet, laptop...), os, device (the controller's fingerprint), zone and "
        "site (of the client's AP), hour (of the day) or session (length, against the portal's limit).")] = "ssid",
    fmt: Annotated[Optional[Format], typer.Option("--format", help="table, md, html (with charts), csv or json "
                                                  "(default: from --out's extension, else table).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file instead of the screen; "
                                                "its extension (.md .html .csv .json) is the format.")] = None,
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """Connections counted by `wifiops watch` (never a client's identity): the mean and the peak of each SSID, terminal
    type, zone... over the period, and of all clients. Times are the inventory's statistics time zone."""
    from wifiops.engine.stats import estate_facts, statistics
    from wifiops.paths import write_atomically
    from wifiops.reports.stats import label, render_stats
    from wifiops.store import open_store

    chosen_fmt = out_format(out, "json" if json else fmt, FORMATS, "table")
    chosen = settings()
    facts = estate_facts(chosen.inventory_dir(inventory))
    since, until = period(start, end, facts.statistics.timezone, DEFAULT_DAYS)
    store = open_store(chosen)
    try:
        report = statistics(store, start=since, end=until, by=by, config=facts.statistics, site_names=facts.sites)
    finally:
        store.close()
    if chosen_fmt == "table":
        if out is not None:
            raise typer.BadParameter("--out takes md, html, csv or json; the table is for the screen")
        _table(report, [label(report, r) for r in report.rows])
        return
    if chosen_fmt == "json" and out is None:
        emit_json(report.to_dict())
        return
    if chosen_fmt == "json":
        import json as jsonlib

        text = jsonlib.dumps(report.to_dict(), indent=2) + "\n"
    else:
        text = render_stats(report, chosen_fmt)
    if out is None:
        typer.echo(text, nl=False)
        return
    write_atomically(out, text)
    errors.print(f"{out}: connections by {by}, {report.totals.samples} sample(s)", markup=False, highlight=False)


def _table(report: StatsReport, labels: list[str]) -> None:
    t = report.totals
    title = (f"Connections by {report.by}, {format_when(report.start)} to {format_when(report.end)} (Paris time), "
             f"{t.samples} sample(s), {report.covered()}")
    table(title, [report.by, "mean", "peak", "share %"],
          ([name, f"{r.mean:.1f}", r.peak, "" if r.share_percent is None else f"{r.share_percent:.1f}"]
           for name, r in zip(labels, report.rows)))
    if t.samples:
        say(f"all clients: {t.mean:.0f} at a time on average, at most {t.peak}"
            + (f" ({format_when(t.peak_at)})" if t.peak_at else "") + f"; {report.covered()}"
            + ("" if report.sufficient else ": insufficient for the period, the figures are of the counted time only"))
    else:
        say("no sample in this period: is `wifiops watch` running (statistics: enabled: true)?")
