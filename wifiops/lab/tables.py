"""The lab's one table layout: every ArubaOS 8 table the lab prints is drawn here.

Why one helper: two of them (one trimming line ends, one padding them) is how the lab's formats drifted
apart; a fix to the layout is made once, here.

The layout (arubaos8.md §4, §4.10.9): a blank line, the title, a line of dashes as long as the title,
the header row, a dash run under each header word, then the rows. Each column is as wide as its widest
cell (header or value) plus two spaces, and the dash run underlines only the header word. Lines end
where their text ends: real table lines carry no trailing spaces (§4.7, §4.10.9 captures), so an empty
last cell leaves the line shorter.

One variant is data too: `centred` names columns whose dash run has its own length and whose header
word is centred over it (the first cells of `show user-table verbose`, §4.6; the `Protocol` column of
`show arp`, §4.10.3, has the same shape).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]], *,
          centred: Mapping[str, int] | None = None) -> list[str]:
    """Blank line, title, dashes, header, dash runs, rows; columns padded to their widest cell + 2.

    `centred` maps a column name to the length of its dash run; its header word is centred over it.
    """
    widths = [len(c) for c in columns]
    for i, cells in enumerate(zip(*rows)):
        widest = max(map(len, cells))
        if widest > widths[i]:
            widths[i] = widest
    runs = {c: n for c, n in (centred or {}).items() if c in columns}
    for i, name in enumerate(columns):
        if runs.get(name, 0) > widths[i]:
            widths[i] = runs[name]
    # printf formatting of a whole row is about twice as fast as joining ljust'ed cells (8,000 users)
    fmt = "".join(f"%-{w + 2}s" for w in widths[:-1]) + "%s"
    header = []
    dashes = []
    for i, name in enumerate(columns):
        if name in runs:
            run = runs[name]
            left = (run - len(name)) // 2
            header.append((" " * left + name).ljust(run))
            dashes.append("-" * run)
        else:
            header.append(name)
            dashes.append("-" * len(name))
    lines = ["", title, "-" * len(title), (fmt % tuple(header)).rstrip(), (fmt % tuple(dashes)).rstrip()]
    lines += [(fmt % tuple(row)).rstrip() for row in rows]
    return lines
