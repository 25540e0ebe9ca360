"""`wifiops stats` drawn for people: Markdown, HTML with SVG charts (wifiops.reports.charts), or CSV.

The HTML is one self-contained page (the charts inline, no script, nothing fetched) that prints on A4 like the
other reports; the templates are stats.{md,html}.j2 beside render.py.
"""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from wifiops.engine.stats import Row, StatsReport
from wifiops.errors import WifiopsError
from wifiops.reports import charts
from wifiops.reports.render import _environment

FORMATS = ("md", "html", "csv")
CHART_ROWS = 20  # bars drawn at most (by zone there are hundreds: the table has them all)
TITLES = {"ssid": "SSID", "type": "terminal type", "os": "operating system", "device": "device type (fingerprint)",
          "zone": "zone", "site": "site", "hour": "hour of the day", "session": "session length"}


def label(report: StatsReport, row: Row) -> str:
    if report.by == "site":
        return report.site_names.get(row.key, row.key)
    if report.by == "zone" and "/" in row.key:
        site, zone = row.key.split("/", 1)
        return f"{zone} ({report.site_names.get(site, site)})"
    if report.by == "hour":
        return f"{row.key}:00"
    return row.key


def render_stats(report: StatsReport, fmt: str) -> str:
    if fmt not in FORMATS:
        raise WifiopsError(f"unknown format {fmt!r}; the formats are table, json, {', '.join(FORMATS)}")
    if fmt == "csv":
        return _csv(report)
    zone = ZoneInfo(report.timezone)
    labels = [label(report, r) for r in report.rows]
    context = {"report": report, "data": report.to_dict(), "labels": labels, "what": TITLES[report.by],
               "start": report.start.astimezone(zone), "end": report.end.astimezone(zone),
               "peak_at": report.totals.peak_at.astimezone(zone) if report.totals.peak_at else None}
    if fmt == "html":
        shown = report.rows if report.by in ("hour", "session") else report.rows[:CHART_ROWS]
        context["by_chart"] = charts.bars(
            f"Connections by {TITLES[report.by]}" + (f" (the {CHART_ROWS} largest)" if len(report.rows) > len(shown)
                                                     else ""),
            [label(report, r) for r in shown], {"mean": [round(r.mean, 1) for r in shown],
                                                "peak": [r.peak for r in shown]},
            horizontal=report.by not in ("hour",), height=max(240, 60 + 28 * len(shown)))
        fmt_slot = "%d/%m %Hh" if report.grain == "hour" else "%Y-%m-%d"
        points = report.series
        context["series_chart"] = charts.lines(
            f"Connections {'hour by hour' if report.grain == 'hour' else 'day by day'}",
            [s.start.astimezone(zone).strftime(fmt_slot) for s in points],
            {"mean": [round(s.mean, 1) for s in points], "peak": [s.peak for s in points]},
            every=max(1, len(points) // 16)) if points else ""
    return _environment().get_template(f"stats.{fmt}.j2").render(**context)


def _csv(report: StatsReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([report.by, "label", "mean", "peak", "share_percent"] + (["site", "zone"] if report.by == "zone"
                                                                             else []))
    for row in report.rows:
        data = row.to_dict()
        writer.writerow([row.key, label(report, row), data["mean"], row.peak,
                         "" if data["share_percent"] is None else data["share_percent"]]
                        + ([data.get("site", ""), data.get("zone", "")] if report.by == "zone" else []))
    return out.getvalue()
