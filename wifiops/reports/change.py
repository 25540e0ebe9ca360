"""Draw an intervention's report (wifiops/engine/change.py) as Markdown or HTML in the configured language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from wifiops.errors import WifiopsError
from wifiops.reports.doe import devices_named, environment
from wifiops.reports.i18n import Localised
from wifiops.reports.sentences import sentences
from wifiops.reports.summaries import said

FORMATS = ("md", "html")


_PATH = re.compile(r"(?<![\w.])/(?:[\w.@+-]+/)+[\w.@+-]*")


def plain(text: object, root: Path | None = None) -> str:
    """A step's summary for the project manager: the paths of the engineer's machine said from the repository
    (`reports/CHG-1.html`), or by their file's name when outside it."""
    def said(found: re.Match[str]) -> str:
        path = Path(found[0])
        if root is not None and path.is_relative_to(root):
            return str(path.relative_to(root))
        return path.name or found[0]
    return _PATH.sub(said, str(text))


def render_change(change: dict[str, Any], fmt: str, *, language: str, root: Path | None = None) -> str:
    """`root`: the folder of wifiops.yaml, that paths in the report are said from."""
    if fmt not in FORMATS:
        raise WifiopsError(f"unknown report format {fmt!r}; the formats are {', '.join(FORMATS)}")
    env = environment(language)
    words = Localised(language).gettext
    env.filters.update(sentences=lambda change: sentences(change, words),
                       plain=lambda text: devices_named(plain(said(str(text), words), root.resolve() if root else None),
                                                        (change.get("diff") or {}).get("device_names")))
    return env.get_template(f"change.{fmt}.j2").render(c=change, language=language)
