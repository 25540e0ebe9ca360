"""Draw the DOE (wifiops/engine/doe.py) as Markdown or HTML in the configured language, and its synoptic.

Words come from the gettext catalogue through Jinja's i18n extension (`_()` in the templates), dates and
numbers from Babel: the same template gives the French file the Louvre reads and the English one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from wifiops.errors import WifiopsError
from wifiops.reports.i18n import Localised, translations
from wifiops.reports.filters import cell
from wifiops.reports.synoptic import synoptic

FORMATS = ("md", "html")
SYNOPTIC = "synoptique.svg"  # beside the Markdown file (the HTML carries it inline)


def environment(language: str) -> Environment:
    """The templates' environment in `language`: `_()`, and the filters for people (when, day, number, word)."""
    local = Localised(language)
    env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")), undefined=StrictUndefined,
                      autoescape=lambda name: bool(name and name.endswith(".html.j2")), keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(cell=cell, when=local.when, day=local.day, number=local.number,
                       word=lambda value: local.gettext(str(value)) if value not in (None, "") else "—",
                       verdict=lambda value: _verdict(local, str(value)))
    env.tests["contains"] = lambda seq, item: item in (seq or ())
    return env


def render_doe(doe: dict[str, Any], fmt: str, *, language: str, version: int,
               versions: list[dict[str, Any]]) -> str:
    if fmt not in FORMATS:
        raise WifiopsError(f"unknown DOE format {fmt!r}; the formats are {', '.join(FORMATS)} (and pdf)")
    local = Localised(language)
    return environment(language).get_template(f"doe.{fmt}.j2").render(
        doe=doe, version=version, versions=versions, language=language, synoptic=drawing(doe, language),
        synoptic_file=SYNOPTIC, local=local)


def drawing(doe: dict[str, Any], language: str) -> str:
    return synoptic(doe, Localised(language).gettext)


def _verdict(local: Localised, value: str) -> str:
    if value.startswith("forced: "):
        return local.gettext("forced: %(reason)s") % {"reason": value.removeprefix("forced: ")}
    return local.gettext(value)
