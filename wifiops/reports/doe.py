"""Draw the DOE (wifiops/engine/doe.py) as Markdown or HTML in the configured language, and its synoptic.

Words come from the gettext catalogue through Jinja's i18n extension (`_()` in the templates), dates and
numbers from Babel: the same template gives the French file the Louvre reads and the English one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from wifiops.errors import WifiopsError
from wifiops.reports.i18n import Localised, translations
from wifiops.reports.filters import cell
from wifiops.reports.synoptic import synoptic
from wifiops.supervision.mails import said

FORMATS = ("md", "html")
SYNOPTIC = "synoptique.svg"  # beside the Markdown file (the HTML carries it inline)
BASENAME = "DOE"


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
    env.filters["device"] = named
    env.filters["said"] = lambda text: said(str(text), local.gettext)  # the watch's sentences (an incident's summary)
    env.filters["devices_named"] = devices_named
    return env


def render_doe(doe: dict[str, Any], fmt: str, *, language: str, version: int,
               versions: list[dict[str, Any]]) -> str:
    if fmt not in FORMATS:
        raise WifiopsError(f"unknown DOE format {fmt!r}; the formats are {', '.join(FORMATS)} (and pdf)")
    local = Localised(language)
    return environment(language).get_template(f"doe.{fmt}.j2").render(
        doe=doe, version=version, versions=versions, language=language, synoptic=drawing(doe, language),
        synoptic_file=SYNOPTIC, local=local)


def named(path: str, names: dict[str, str] | None = None) -> str:
    """A configuration node for people: a device node by its controller's name, `mc-1 (/md/Louvre/…:01)`."""
    name = (names or {}).get(str(path))
    return f"{name} ({path})" if name else str(path)


def devices_named(text: object, names: dict[str, str] | None = None) -> str:
    """A sentence for people with every device node in it said by its controller's name (`mc-3`), never its MAC."""
    said = str(text)
    for path, name in sorted((names or {}).items(), key=lambda item: -len(item[0])):
        said = said.replace(path, name)
    return said


def drawing(doe: dict[str, Any], language: str) -> str:
    return synoptic(doe, Localised(language).gettext)


def _verdict(local: Localised, value: str) -> str:
    if value.startswith("forced: "):
        return local.gettext("forced: %(reason)s") % {"reason": value.removeprefix("forced: ")}
    return local.gettext(value)


@dataclass
class Built:
    """One `doe build`: the version it is, whether it is new, its commit, its files (name -> content)."""

    version: dict[str, Any]
    new: bool
    commit: str | None
    files: dict[str, bytes | str]
    doe: Any  # wifiops.engine.doe.Doe
    folder: Path  # doe/ of the backup repository
    added: list[str]  # files given to a version that lacked them (a PDF asked after the DOE step's build)


def build(estate: Any, *, clearpass: bool = True,
          formats: Sequence[str] = ("md", "html", "pdf"), pending: Sequence[dict[str, Any]] = (),
          now: datetime | None = None) -> Built:
    """The DOE gathered, drawn in `settings.language` and recorded: a new numbered version when it describes
    something new; the same version again otherwise, given the formats it lacked (a PDF asked later)."""
    from wifiops.engine.doe import DOE_FOLDER, gather, next_version, plan, record_version
    from wifiops.reports.pdf import print_pdf

    unknown = [f for f in formats if f not in ("md", "html", "pdf")]
    if unknown:
        raise WifiopsError(f"--format {unknown[0]}: the formats are md, html and pdf")
    settings = estate.settings
    language = settings.language
    doe = gather(estate, clearpass=clearpass, now=now, pending=pending)
    versions = plan(settings)
    version, new = next_version(versions, doe)
    shown = [v for v in versions if v["number"] != version["number"]] + [version]
    record = doe.to_dict()
    files: dict[str, bytes | str] = {}
    html = render_doe(record, "html", language=language, version=version["number"], versions=shown)
    if "md" in formats:
        files[f"{BASENAME}.md"] = render_doe(record, "md", language=language, version=version["number"],
                                             versions=shown)
        files[SYNOPTIC] = drawing(record, language)
    if "html" in formats:
        files[f"{BASENAME}.html"] = html
    if "pdf" in formats:
        with tempfile.TemporaryDirectory(prefix="wifiops-doe-") as scratch:
            page = Path(scratch) / f"{BASENAME}.html"
            page.write_text(html, encoding="utf-8")
            print_pdf(page, Path(scratch) / f"{BASENAME}.pdf")
            files[f"{BASENAME}.pdf"] = (Path(scratch) / f"{BASENAME}.pdf").read_bytes()
    lacking = {n: c for n, c in files.items() if n not in version.get("files", [])}
    commit = record_version(settings, version, files if new else lacking, versions) if new or lacking else None
    return Built(version, new, commit, files, doe, settings.path(settings.backup_dir) / DOE_FOLDER,
                 [] if new else sorted(lacking))
