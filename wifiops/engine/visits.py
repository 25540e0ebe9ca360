"""`wifiops visits plan|record|status`: the monthly control visits, planned from the inventory's APs, each AP's
result kept as a line of the run journal (the contract's history), the plan in `<run_dir>/visits-plan.json`."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from wifiops.engine.incident import IncidentRefused, actor
from wifiops.engine.journal import JOURNAL, append_journal
from wifiops.errors import WifiopsError
from wifiops.estate import Estate
from wifiops.paths import write_atomically
from wifiops.settings import Settings
from wifiops.store.base import iso
from wifiops.supervision.maintenance import read_journal
from wifiops.supervision.visits import RESULTS, Ap, Status, plan, status

PLAN_FILE = "visits-plan.json"


def _aps(estate: Estate) -> list[Ap]:
    nr = estate.nornir
    return [Ap(h.name, h.get("site") or "?", h.get("zone") or "", bool(h.get("priority")))
            for h in nr.inventory.hosts.values() if h.get("role") == "ap"]


def make_plan(estate: Estate, *, visits: int, start: date, now: datetime) -> dict[str, Any]:
    """Plan every AP over `visits` monthly visits from the month of `start`; replaces the previous plan (its
    records stay in the journal)."""
    if not 1 <= visits <= 60:
        raise IncidentRefused(f"--visits {visits}: give 1 to 60 monthly visits")
    months = [_month(start, n) for n in range(visits)]
    planned = [{**v.to_dict(), "month": months[i]} for i, v in enumerate(plan(_aps(estate), visits))]
    document = {"created": iso(now), "visits": planned}
    path = estate.run_dir / PLAN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(document, indent=1) + "\n")
    return document


def load_plan(settings: Settings) -> dict[str, Any]:
    path = settings.path(settings.run_dir) / PLAN_FILE
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except OSError:
        raise WifiopsError(f"no visit plan in {path}: make one with `wifiops visits plan --visits N`") from None
    except ValueError as exc:
        raise WifiopsError(f"{path}: not a visit plan ({exc}); make it again with `wifiops visits plan`") from None


def record(settings: Settings, ap: str, *, result: str, note: str | None, by: str | None,
           now: datetime) -> dict[str, Any]:
    planned = load_plan(settings)
    visit = next((v["visit"] for v in planned["visits"] if ap in v["aps"]), None)
    if visit is None:
        raise IncidentRefused(f"{ap} is in no visit of the plan: check the name (`wifiops visits status --json`)")
    if result not in RESULTS:
        raise IncidentRefused(f"--result {result!r}: give ok or fault")
    if result == "fault" and not (note or "").strip():
        raise IncidentRefused("a fault needs --note \"...\": what was found")
    line = {"kind": "visit", "at": iso(now), "visit": visit, "ap": ap, "result": result,
            "note": (note or "").strip() or None, "by": actor(settings, by)}
    append_journal(settings, line)
    return line


def visit_status(settings: Settings) -> tuple[dict[str, Any], list[Status]]:
    planned = load_plan(settings)
    return planned, status(planned["visits"], read_journal(settings.path(settings.run_dir) / JOURNAL))


def _month(start: date, offset: int) -> str:
    index = start.year * 12 + start.month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
