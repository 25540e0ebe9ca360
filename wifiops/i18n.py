"""The language of what the client reads (the DOE, change reports, the activity report, the supervision mails,
the staff page): words from gettext catalogues, dates and numbers by Babel (CLDR), times for people in Paris time.
Below the engine, so that the watch's mails and the reports share one catalogue.

Templates are written in English; `reports/locale/<lang>.po` translates them (`wifiops.yaml` `language:`, French by
default). The catalogue is a plain .po file compiled in memory when first used: no binary .mo in git, no build
step. Files and JSON keep ISO 8601 UTC; only what a person reads is localised.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from wifiops.errors import WifiopsError

LANGUAGES = {"fr": "fr_FR", "en": "en_GB"}
PARIS = ZoneInfo("Europe/Paris")
CATALOGUES = Path(__file__).with_name("reports") / "locale"  # one catalogue, kept beside the templates


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The gettext translations of `language` (English is the templates' own text)."""
    if language not in LANGUAGES:
        raise WifiopsError(f"language {language!r}: wifiops writes {', '.join(LANGUAGES)}")
    path = CATALOGUES / f"{language}.po"
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalogue = read_po(source, locale=LANGUAGES[language])
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@dataclass(frozen=True)
class Localised:
    """Formats for people in one language: `when` (a UTC ISO string or datetime) in Paris time."""

    language: str = "fr"

    @property
    def locale(self) -> str:
        return LANGUAGES[self.language]

    def gettext(self, message: str) -> str:
        return translations(self.language).gettext(message)

    def when(self, value: str | datetime | None) -> str:
        moment = _moment(value)
        if moment is None:
            return "—"
        return format_datetime(moment.astimezone(PARIS), "d MMMM y, HH:mm", locale=self.locale)

    def day(self, value: str | date | datetime | None) -> str:
        if value in (None, ""):
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(PARIS).date()
        elif isinstance(value, str):
            moment = _moment(value) if "T" in value else None
            value = moment.astimezone(PARIS).date() if moment else date.fromisoformat(value[:10])
        return format_date(value, "d MMMM y", locale=self.locale)

    def number(self, value: float | int) -> str:
        return format_decimal(value, locale=self.locale)


def _moment(value: str | datetime | None) -> datetime | None:
    if value in (None, ""):
        return None
    text = str(value).removesuffix(" UTC")  # "2026-12-07 06:20 UTC", as a diff report stamps itself
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
