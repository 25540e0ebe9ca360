"""Filters of every report template (Markdown cells and fences): below both renderers, so neither imports
the other for them."""

from __future__ import annotations

import re


def cell(value: object) -> str:
    """One GitHub-flavoured Markdown table cell: pipes escaped, line breaks as <br>."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(part.strip() for part in text.splitlines()) or " "


def fence(text: str) -> str:
    """A code fence longer than any backtick run inside the text (CommonMark closes on an equal run)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)
