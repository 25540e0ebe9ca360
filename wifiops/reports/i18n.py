"""The reports' language helpers, which live below the engine (wifiops/i18n.py) so the supervision mails share
them; kept here under their old name for the renderers."""

from wifiops.i18n import CATALOGUES, LANGUAGES, PARIS, Localised, translations

__all__ = ["CATALOGUES", "LANGUAGES", "PARIS", "Localised", "translations"]
