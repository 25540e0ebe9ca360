"""A printed PDF read as a person looks at it (pdftotext -bbox): each page's size and words with their boxes, and
the check every A4 report passes (A4 pages, no word past the 12 mm side margins nor off the page). Shared by the
change report's and the DOE's print tests."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

A4 = (595.28, 841.89)  # points
MARGIN = 12 / 25.4 * 72  # the templates' side margin, 12 mm
Word = tuple[float, float, float, float, str]
Page = tuple[float, float, list[Word]]


def pages(pdf: Path) -> list[Page]:
    """Each page's size and words with their boxes, in the PDF's own order (-raw)."""
    out = subprocess.run(["pdftotext", "-bbox", "-raw", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    found = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [(float(a), float(b), float(c), float(d), _unescape(w)) for a, b, c, d, w in
                 re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                            page[3])]
        found.append((float(page[1]), float(page[2]), words))
    return found


def squeezed(text: str) -> str:
    """Text without its spaces and line breaks: a row is whole on a page when its squeezed cells are there."""
    return re.sub(r"\s+", "", text)


def on_a4(found: list[Page]) -> list[str]:
    """Assert every page is A4 with no word past the margins nor off the page; the pages' texts, squeezed."""
    texts = []
    for number, (width, height, words) in enumerate(found, 1):
        assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1, f"page {number} is {width}x{height}, not A4"
        for x_min, y_min, x_max, y_max, word in words:
            assert x_min >= MARGIN - 2 and x_max <= width - MARGIN + 2, f"page {number}: {word!r} overflows"
            assert y_min >= 0 and y_max <= height, f"page {number}: {word!r} is off the page"
        texts.append(squeezed("".join(w[4] for w in words)))
    return texts


def _unescape(word: str) -> str:
    return word.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&apos;", "'") \
        .replace("&amp;", "&")
