"""A date given for a backup means "as at the end of that day", Paris time (the estate's day, not the
server's): the last backup of that day or before, and how many backups that day had, so a report can say
exactly which backups it compared (`report diff --from 2026-12-07` on a day of seven backups compares the
seventh with the latest, and says so)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from wifiops.backups.store import BackupRepo, BackupStoreError

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class AsAt:
    revision: str
    day: date
    committed: str  # ISO UTC of the backup chosen
    that_day: int  # backups of that day (Paris)

    def sentence(self) -> str:
        when = datetime.fromisoformat(self.committed).astimezone(PARIS).strftime("%Y-%m-%d %H:%M")
        if self.that_day:
            return (f"as at the end of {self.day} (Paris): backup {self.revision[:12]} of {when}, the last of "
                    f"{self.that_day} that day")
        return f"as at the end of {self.day} (Paris): backup {self.revision[:12]} of {when}, none that day"


def as_at(repo: BackupRepo, paths: list[str], value: str) -> AsAt | None:
    """The backup of `paths` as at the end of `value` when it is a date (YYYY-MM-DD); None for a revision."""
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        return None
    start = datetime.combine(day, time(0), PARIS).astimezone(timezone.utc)
    end = start + timedelta(days=1)
    if not repo.repo.head.is_valid():
        raise BackupStoreError(f"no backup on or before {value}")
    found = repo.repo.git.log("-1", f"--before={end.isoformat()}", "--format=%H%x09%cI", "--", *paths)
    if not found:
        raise BackupStoreError(f"no backup on or before {value} (Paris time)")
    revision, committed = found.split("\t")
    count = repo.repo.git.log(f"--since={start.isoformat()}", f"--before={end.isoformat()}", "--format=%H",
                              "--", *paths)
    return AsAt(revision, day, datetime.fromisoformat(committed).astimezone(timezone.utc).isoformat(),
                len(count.splitlines()))
