"""The yearly activity report drawn: Markdown or HTML (the charts inline as SVG; templates activity.{md,html}.j2).

Markdown cannot hold an SVG inline that every viewer shows: with `charts_dir`, the charts are returned as files
for the face to write beside the report, and the Markdown links them; without, it keeps to its tables.
"""

from __future__ import annotations

from wifiops.engine.activity import MONTHS, ActivityReport
from wifiops.errors import WifiopsError
from wifiops.reports import charts
from wifiops.reports.render import _environment

FORMATS = ("md", "html")
SHORT = [m[:3] for m in MONTHS]


def chart_set(report: ActivityReport) -> dict[str, str]:
    """name -> SVG, the charts that have something to show."""
    found: dict[str, str] = {}
    inc = report.incidents
    if inc.get("total"):
        found["incidents"] = charts.bars("Incidents opened per month", SHORT,
                                         {k: v for k, v in inc["by_month"].items() if any(v)}, stacked=True)
    av = report.availability
    if any(p is not None for p in av.get("by_month", [])):
        values = [p for p in av["by_month"] if p is not None]
        low = min([*values, report.target_percent])
        found["availability"] = charts.lines("Availability of the APs per month (%)", SHORT,
                                             {"availability": av["by_month"]}, target=report.target_percent,
                                             target_label=f"target {report.target_percent:g} %",
                                             y_range=(max(0.0, low - 0.5), 100.0))
    cl = report.clients
    if cl.get("samples"):
        found["clients"] = charts.lines("Clients at a time, per month", SHORT, {
            "mean": [m["mean"] if m else None for m in cl["by_month"]],
            "peak": [m["peak"] if m else None for m in cl["by_month"]]})
        found["ssids"] = charts.bars("Clients at a time by SSID (mean over the year)", [t["key"] for t in cl["by_ssid"]],
                                     {"mean": [t["mean"] for t in cl["by_ssid"]]}, horizontal=True,
                                     height=max(240, 60 + 30 * len(cl["by_ssid"])))
        found["types"] = charts.pie("Terminal types", {t["key"]: t["mean"] for t in cl["by_type"]})
        found["os"] = charts.pie("Operating systems", {t["key"]: t["mean"] for t in cl["by_os"]})
        found["hours"] = charts.bars("Clients at a time by hour of the day (mean)", [h["hour"] for h in cl["hours"]],
                                     {"mean": [h["mean"] for h in cl["hours"]]})
    if report.backups.get("commits"):
        found["backups"] = charts.bars("Backups committed per month", SHORT, {"backups": report.backups["by_month"]})
    return found


def render_activity(report: ActivityReport, fmt: str, charts_dir: str | None = None) -> tuple[str, dict[str, str]]:
    """The report's text, and the chart files to write beside it (Markdown with `charts_dir`: name -> SVG)."""
    if fmt not in FORMATS:
        raise WifiopsError(f"unknown report format {fmt!r}; the formats are {', '.join(FORMATS)}")
    drawn = chart_set(report) if fmt == "html" or charts_dir else {}
    files = {f"{charts_dir}/{name}.svg": svg for name, svg in drawn.items()} if fmt == "md" else {}
    text = _environment().get_template(f"activity.{fmt}.j2").render(
        r=report, months=MONTHS, charts=drawn, charts_dir=charts_dir)
    return text, files
