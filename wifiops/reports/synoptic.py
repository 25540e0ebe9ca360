"""The DOE's synoptic: the estate drawn as one SVG (Mobility Masters, the controller cluster, ClearPass, the
sites with their AP groups and AP counts), from the DOE's own data so the drawing and the tables agree.

Drawn by hand in plain SVG (no layout engine to install): three rows, boxes sized to their text, real <text>
elements so the PDF keeps the words searchable and a test can find them on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

WIDTH = 760
GAP = 14
CHAR = 6.2  # average width of an 11 px sans-serif character, to size boxes to their text
LINE = 14


def synoptic(doe: dict[str, Any], _: Callable[[str], str]) -> str:
    parts: list[str] = []
    mms = doe["mms"]
    y_mm, y_mid, y_ap = 34, 150, 300
    mm_boxes = _row(mms, y_mm, 56)
    for box, mm in zip(mm_boxes, mms):
        role = _("conductor") if mm["conductor"] else _(str(mm["state"] or ""))
        parts.append(_box(box, [mm["name"], doe["sites"].get(mm["site"], mm["site"] or ""),
                                f"{mm['pair'] or ''} · {role}"], "#e8f0fb"))
    parts.append(_label(10, y_mm - 10, _("Mobility Masters (configuration and management)")))

    cluster = doe["cluster"]
    members = cluster["members"] if cluster else []
    if cluster:
        parts.append(f'<rect x="10" y="{y_mid}" width="430" height="96" rx="6" fill="#f7f7f7" stroke="#555" '
                     'stroke-dasharray="5 3"/>')
        parts.append(_label(20, y_mid + 16, f"{_('Cluster')} {cluster['name']} ({cluster['node']})"))
        inner = _row(members, y_mid + 28, 56, left=20, width=410)
        for box, member in zip(inner, members):
            parts.append(_box(box, [member["name"], member["model"] or "", _("controller")], "#fff4e0"))
    for box in mm_boxes:
        if cluster:
            parts.append(_link(box[0] + box[2] / 2, box[1] + box[3], 225, y_mid))

    servers = doe["clearpass"]
    x_cp, cp_h = 470, 22
    parts.append(_label(x_cp, y_mid - 8, "ClearPass (RADIUS)"))
    for n, server in enumerate(servers):
        y = y_mid + n * (cp_h + 4)
        parts.append(_box((x_cp, y, WIDTH - 10 - x_cp, cp_h, server["name"]),
                          [f"{server['name']} · {server['role'] or ''} · {server['version'] or ''}"], "#eaf7ea"))
    if servers and cluster:
        parts.append(_link(440, y_mid + 48, x_cp, y_mid + 11))

    groups = doe["ap_groups"]
    ap_boxes = _row(groups, y_ap, 56)
    parts.append(_label(10, y_ap - 10, _("Sites and AP groups")))
    for box, group in zip(ap_boxes, groups):
        aps = _("{count} APs").format(count=group["aps"])
        parts.append(_box(box, [group["name"], doe["sites"].get(group["site"], group["site"] or ""), aps],
                          "#fdeef4"))
        if cluster:
            parts.append(_link(225, y_mid + 96, box[0] + box[2] / 2, y_ap))
    height = y_ap + 56 + 12
    body = "\n".join(parts)
    title = escape(_("Synoptic of the estate"))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'role="img" aria-label="{title}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">\n'
            f"<title>{title}</title>\n{body}\n</svg>\n")


Box = tuple[float, float, float, float, str]


def _row(items: list[dict[str, Any]], y: float, height: float, *, left: float = 10,
         width: float = WIDTH - 20) -> list[Box]:
    if not items:
        return []
    each = (width - GAP * (len(items) - 1)) / len(items)
    return [(left + n * (each + GAP), y, each, height, str(item["name"])) for n, item in enumerate(items)]


def _wrapped(lines: list[str], width: float) -> list[str]:
    """A line too long for the box at 9 px (a site's long name) folded once on a word, so it stays readable
    instead of shrinking to 7 px."""
    fits = int((width - 8) / (CHAR * 9 / 11))
    out: list[str] = []
    for n, line in enumerate(lines):
        if n and len(line) > fits and " " in line and len(lines) < 4:
            cut = line.rfind(" ", 0, fits + 1)
            cut = cut if cut > 0 else line.find(" ")
            out += [line[:cut].rstrip(" ,"), line[cut:].strip()]
        else:
            out.append(line)
    return out


def _box(box: Box, lines: list[str], fill: str) -> str:
    x, y, w, h, _name = box
    lines = _wrapped(lines, w)
    step = LINE if LINE * len(lines) <= h - 4 else (h - 4) / len(lines)
    size = min(11.0, max(7.0, (w - 8) / max(1, max(len(s) for s in lines)) / CHAR * 11), step - 1)
    top = y + (h - step * len(lines)) / 2 + step - 3
    bold = ' font-weight="bold"'
    text = "".join(f'<text x="{x + w / 2:.1f}" y="{top + n * step:.1f}" text-anchor="middle" '
                   f'font-size="{size:.1f}"{bold if n == 0 else ""}>{escape(s)}</text>'
                   for n, s in enumerate(lines))
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="4" fill="{fill}" stroke="#333"/>{text}'


def _label(x: float, y: float, text: str) -> str:
    return f'<text x="{x}" y="{y}" font-size="11" fill="#444" font-style="italic">{escape(text)}</text>'


def _link(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#777" stroke-width="1.2"/>'
