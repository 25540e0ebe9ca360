"""One way of telling time to people: Paris local time in a human form, `Mon 2026-12-07 14:05`.

Consoles, mails and the staff page say moments this way (the contract's clock is Paris time, and a weekday
tells an engineer more than an offset). ISO 8601 in UTC stays the form of `--json`, the journal and files:
what scripts read. The weekday is English and fixed, never the machine's locale.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_when(moment: datetime | str | None, *, seconds: bool = False) -> str:
    """`Mon 2026-12-07 14:05` in Paris time ('' for nothing); an ISO string is read first, a naive moment is
    UTC (how the store and the journal write them)."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        try:
            read = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            return moment  # not a moment: said as it was written
        moment = read
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(PARIS)
    return f"{DAYS[local.weekday()]} {local:%Y-%m-%d %H:%M{':%S' if seconds else ''}}"
