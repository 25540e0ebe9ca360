"""Draw an intervention's report (wifiops/engine/change.py) as Markdown or HTML in the configured language."""

from __future__ import annotations

from typing import Any

from wifiops.errors import WifiopsError
from wifiops.reports.doe import environment

FORMATS = ("md", "html")


def render_change(change: dict[str, Any], fmt: str, *, language: str) -> str:
    if fmt not in FORMATS:
        raise WifiopsError(f"unknown report format {fmt!r}; the formats are {', '.join(FORMATS)}")
    return environment(language).get_template(f"change.{fmt}.j2").render(c=change, language=language)
