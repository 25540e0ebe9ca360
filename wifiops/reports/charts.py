"""Charts as inline SVG for the statistics and the yearly report, drawn by pygal.

Why pygal: it writes SVG itself (no numpy, no raster backend, no font files to ship), its text stays text (a
report's numbers can be searched, copied and read aloud, and print sharp on A4), and a chart is a few
milliseconds. It is kept offline here: pygal's tooltips load a script from the internet, so `js=()` and the
inline config script is dropped; the charts are static pictures, which is what a printed report needs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pygal
from pygal.style import Style

# Colours that stay apart in print and for the common colour blindnesses (Okabe and Ito's palette).
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
STYLE = Style(background="white", plot_background="white", foreground="#222", foreground_strong="#111",
              foreground_subtle="#888", font_family="DejaVu Sans, Arial, sans-serif", colors=COLOURS,
              title_font_size=16, label_font_size=11, major_label_font_size=11, legend_font_size=12,
              value_font_size=10)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _svg(chart: pygal.graph.graph.Graph) -> str:
    text = chart.render(is_unicode=True)
    return _COMMENT.sub("", _SCRIPT.sub("", text))


def _common(**extra: object) -> dict[str, object]:
    return {"style": STYLE, "js": (), "disable_xml_declaration": True, "width": 800, "height": 360,
            "print_values": False, "margin": 12, "truncate_label": 40, **extra}


def counts_axis(series: Mapping[str, Sequence[float | None]], stacked: bool) -> list[int]:
    """Whole-number ticks from 0 for a chart of counts (never "0.1 incidents"): at most about 8 of them."""
    columns = list(zip(*[[v or 0 for v in values] for values in series.values()])) or [(0,)]
    top = max(1, int(max(sum(c) if stacked else max(c) for c in columns) + 0.999))
    step = max(1, -(-top // 8))
    return list(range(0, top + step, step))


def bars(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]], *,
         horizontal: bool = False, stacked: bool = False, height: int | None = None, counts: bool = False) -> str:
    """Bars from zero; `counts`: what is counted (incidents, backups) on a whole-number axis."""
    kind = ((pygal.HorizontalStackedBar if horizontal else pygal.StackedBar) if stacked else
            (pygal.HorizontalBar if horizontal else pygal.Bar))
    options = _common(show_legend=len(series) > 1, legend_at_bottom=True, include_x_axis=True)
    if counts:
        ticks = counts_axis(series, stacked)
        options.update(y_labels=ticks, range=(0, ticks[-1]), value_formatter=lambda v: f"{v:.0f}")
    if height:
        options["height"] = height
    chart = kind(**options)
    chart.title = title
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, list(values))
    return _svg(chart)


def lines(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]], *,
          target: float | None = None, target_label: str = "target", y_range: tuple[float, float] | None = None,
          every: int = 1) -> str:
    """A curve per series over `labels`; `target` a flat line (99 %); `every`: one x label in so many."""
    options = _common(show_legend=True, legend_at_bottom=True, x_label_rotation=30 if len(labels) > 12 else 0,
                      show_minor_x_labels=False, dots_size=2)
    if y_range:
        options["range"] = y_range  # a percentage near its target: the scale says so
    else:
        options["include_x_axis"] = True  # from zero: a partial day must not look like a collapse
    chart = pygal.Line(**options)
    chart.title = title
    chart.x_labels = list(labels)
    chart.x_labels_major = list(labels)[::max(1, every)]
    for name, values in series.items():
        chart.add(name, list(values))
    if target is not None:
        chart.add(target_label, [target] * len(labels), show_dots=False, stroke_style={"dasharray": "6, 4"})
    return _svg(chart)


def pie(title: str, parts: Mapping[str, float]) -> str:
    chart = pygal.Pie(**_common(inner_radius=0.45, legend_at_bottom=True, height=320))
    chart.title = title
    for name, value in parts.items():
        chart.add(name, value)
    return _svg(chart)
