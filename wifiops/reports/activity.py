"""The yearly activity report drawn: Markdown or HTML (the charts inline as SVG; templates activity.{md,html}.j2).

Markdown cannot hold an SVG inline that every viewer shows: with `charts_dir`, the charts are returned as files
for the face to write beside the report, and the Markdown links them; without, it keeps to its tables.
"""

from __future__ import annotations

from collections.abc import Callable

from pathlib import Path

from babel.dates import get_month_names
from babel.numbers import format_decimal
from markdown_it import MarkdownIt

from wifiops.engine.activity import MONTHS, ActivityReport
from wifiops.errors import WifiopsError
from wifiops.reports import charts
from wifiops.reports.doe import environment
from wifiops.reports.i18n import Localised

FORMATS = ("md", "html")


def month_names(language: str) -> list[str]:
    """January..December in `language` (CLDR, as a month stands alone: "mars", "March")."""
    names = get_month_names("wide", context="stand-alone", locale=Localised(language).locale)
    return [str(names[m]) for m in range(1, 13)]


def chart_set(report: ActivityReport, _: Callable[[str], str] = lambda text: text,
              language: str = "en") -> dict[str, str]:
    """name -> SVG, the charts that have something to show, titled in `language`."""
    names = get_month_names("abbreviated", context="stand-alone", locale=Localised(language).locale)
    short = [str(names[m]) for m in range(1, 13)]  # CLDR's: "janv.", "avr.", "déc."; "Jan", "Apr", "Dec"
    found: dict[str, str] = {}
    inc = report.incidents
    if inc.get("total"):
        found["incidents"] = charts.bars(_("Incidents opened per month"), short,
                                         {k: v for k, v in inc["by_month"].items() if any(v)}, stacked=True,
                                         counts=True)
    av = report.availability
    if any(p is not None for p in av.get("by_month", [])):
        values = [p for p in av["by_month"] if p is not None]
        low = min([*values, report.target_percent])
        found["availability"] = charts.lines(_("Availability of the APs per month (%)"), short,
                                             {_("availability"): av["by_month"]}, target=report.target_percent,
                                             target_label=_("target %(percent)s %%") % {"percent": f"{report.target_percent:g}"},
                                             y_range=(max(0.0, low - 0.5), 100.0))
    cl = report.clients
    if cl.get("samples"):
        found["clients"] = charts.lines(_("Clients at a time, per month"), short, {
            _("mean"): [m["mean"] if m else None for m in cl["by_month"]],
            _("peak"): [m["peak"] if m else None for m in cl["by_month"]]})
        found["ssids"] = charts.bars(_("Clients at a time by SSID (mean over the year)"), [t["key"] for t in cl["by_ssid"]],
                                     {_("mean"): [t["mean"] for t in cl["by_ssid"]]}, horizontal=True,
                                     height=max(240, 60 + 30 * len(cl["by_ssid"])))
        found["types"] = charts.pie(_("Terminal types"), {t["key"]: t["mean"] for t in cl["by_type"]})
        found["os"] = charts.pie(_("Operating systems"), {t["key"]: t["mean"] for t in cl["by_os"]})
        found["hours"] = charts.bars(_("Clients at a time by hour of the day (mean)"), [h["hour"] for h in cl["hours"]],
                                     {_("mean"): [h["mean"] for h in cl["hours"]]})
    if report.backups.get("commits"):
        found["backups"] = charts.bars(_("Backups committed per month"), short, {_("backups"): report.backups["by_month"]},
                                     counts=True)
    return found


def render_activity(report: ActivityReport, fmt: str, charts_dir: str | None = None,
                    language: str = "fr") -> tuple[str, dict[str, str]]:
    """The report's text, and the chart files to write beside it (Markdown with `charts_dir`: name -> SVG).

    HTML is the Markdown drawn by markdown-it with the charts inline, so the two formats say the same."""
    if fmt not in FORMATS:
        raise WifiopsError(f"unknown report format {fmt!r}; the formats are {', '.join(FORMATS)}")
    local = Localised(language)
    drawn = chart_set(report, local.gettext, language) if fmt == "html" or charts_dir else {}
    files = {f"{charts_dir}/{name}.svg": svg for name, svg in drawn.items()} if fmt == "md" else {}
    env = environment(language)
    english = dict(zip(MONTHS, month_names(language)))
    env.filters.update(month=lambda value: english.get(str(value), value),
                       decimal=lambda value, places: format_decimal(value, f"#,##0.{'0' * places}" if places else
                                                                    "#,##0", locale=local.locale),
                       beside=lambda path: f"{Path(str(path)).parent.name}/{Path(str(path)).name}",  # not the machine's
                       oneline=lambda svg: " ".join(line.strip() for line in str(svg).splitlines()))
    from wifiops.engine.doe import rules

    text = env.get_template("activity.md.j2").render(r=report, months=month_names(language), charts=drawn,
                                                     charts_dir=charts_dir, inline=fmt == "html",
                                                     unchanging=list(rules().get("not_interventions", [])))
    if fmt == "md":
        return text, files
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    title = local.gettext("Activity report %(year)s: the WiFi of the %(estate)s") % {"year": report.year,
                                                                                      "estate": report.estate}
    return env.get_template("activity.html.j2").render(body=body, title=title, language=language), files
