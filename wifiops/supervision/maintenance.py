"""Approved maintenance windows as supervision sees them: spans of time and sites where alerts are planned.

Contract (CCTP §5): approved maintenance is not an outage. An alert raised inside a window covering its site
is recorded and mailed once as "planned", opens no incident (no restoration clock runs), and the down time
it covers is left out of the contractual availability.

The windows come from the run journal (`<run_dir>/journal.jsonl`), the one history of what ran:
- a `playbook` record of a run that interrupts service (`window` set), not a dry run, allowed by the window
  rules (wifiops.windows) or forced with a reason: its span is from `started` to `ended`, its sites the
  playbook's (`all`: every site);
- `maintenance-start` / `maintenance-stop` records (`wifiops incident maintenance start|stop`, or a running
  playbook that journals its start): open from the start until its stop (an unstopped one is open now).

Pure: the records and the moments are passed in; nothing is read here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from wifiops.windows import aware

EXCLUDED = "excluded"  # the incident event giving a cause the contract excludes (`planned: <window>` here)
RECENT = timedelta(days=2)  # windows ended this long ago are still looked back on (a playbook journals at its end)


@dataclass(frozen=True)
class Window:
    """A span of approved maintenance. `sites` None: every site. `end` None: still open."""

    start: datetime
    end: datetime | None
    sites: tuple[str, ...] | None
    what: str  # the playbook's name, or the declared window's reason
    reference: str | None = None  # the approval's reference

    def covers(self, at: datetime, site: str | None) -> bool:
        """Whether `at` falls in the window and `site` is one of its sites (a subject with no site, an SSID or
        the licences, is covered only by a window over every site)."""
        if at < self.start or (self.end is not None and at >= self.end):
            return False
        return self.sites is None or (site is not None and site in self.sites)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(timespec="seconds"),
                "end": self.end.isoformat(timespec="seconds") if self.end else None,
                "sites": list(self.sites) if self.sites is not None else "all", "what": self.what,
                "reference": self.reference}


def windows(records: Iterable[Mapping[str, Any]]) -> list[Window]:
    """The approved maintenance windows the journal's records say, oldest first."""
    found: list[Window] = []
    started: dict[str, tuple[datetime, tuple[str, ...] | None, str, str | None]] = {}
    for record in records:
        kind = record.get("kind")
        try:
            if kind == "playbook":
                window = _playbook(record)
                if window is not None:
                    found.append(window)
            elif kind == "maintenance-start":
                started[str(record["id"])] = (_moment(record["at"]), _sites(record.get("sites")),
                                              str(record.get("reason") or "maintenance"), record.get("reference"))
            elif kind == "maintenance-stop" and str(record.get("id")) in started:
                start, sites, what, reference = started.pop(str(record["id"]))
                found.append(Window(start, _moment(record["at"]), sites, what, reference))
        except (KeyError, TypeError, ValueError):  # a damaged line covers nothing; the rest still counts
            continue
    found += [Window(start, None, sites, what, reference) for start, sites, what, reference in started.values()]
    return sorted(found, key=lambda w: w.start)


def open_ids(records: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The declared windows started and not stopped: id -> their start record."""
    opened: dict[str, Mapping[str, Any]] = {}
    for record in records:
        if record.get("kind") == "maintenance-start":
            opened[str(record.get("id"))] = record
        elif record.get("kind") == "maintenance-stop":
            opened.pop(str(record.get("id")), None)
    return opened


def covering(found: Iterable[Window], at: datetime, site: str | None) -> Window | None:
    """The first window covering `site` at `at`, if any."""
    return next((w for w in found if w.covers(at, site)), None)


def read_journal(path: Path) -> list[dict[str, Any]]:
    """The journal's records; a line that is not JSON is skipped (an append cut short by a crash)."""
    if not path.is_file():
        return []
    records = []
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
    return records


def _playbook(record: Mapping[str, Any]) -> Window | None:
    window = record.get("window")
    if not isinstance(window, Mapping) or record.get("check") or record.get("result") == "refused":
        return None
    if not (window.get("allowed") or record.get("forced")):
        return None
    approval = record.get("approval") or {}
    return Window(_moment(record["started"]), _moment(record["ended"]), _sites(window.get("sites")),
                  str(record.get("name") or record.get("playbook") or "playbook"),
                  approval.get("reference") if isinstance(approval, Mapping) else None)


def _sites(value: Any) -> tuple[str, ...] | None:
    if value in (None, "all", []):
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _moment(value: Any) -> datetime:
    return aware(datetime.fromisoformat(str(value)))
