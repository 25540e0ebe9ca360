"""`wifiops visits plan|record|status`: the monthly control visits of every AP (CCTP §5)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Literal, Optional

import typer

from wifiops.face.options import InventoryOption, JsonOption, settings
from wifiops.face.output import console, emit_json, table

app = typer.Typer(help="Monthly control visits: every AP over N visits, each AP's result, what remains.",
                  no_args_is_help=True)


@app.command("plan")
def plan_command(
    visits: Annotated[int, typer.Option("--visits", "-n", help="How many monthly visits cover every AP.")] = 12,
    start: Annotated[Optional[datetime], typer.Option("--start", formats=["%Y-%m"], help="The first visit's month "
                                                      "(YYYY-MM; default: this month).")] = None,
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """Spread every AP over the visits, priority APs first, each visit in walking order (visits.yaml); replaces
    the plan in <run_dir>/visits-plan.json (results already recorded stay in the journal)."""
    from wifiops.engine.visits import make_plan
    from wifiops.estate import Estate

    now = datetime.now(timezone.utc)
    chosen = settings()
    made = make_plan(Estate.open(chosen, inventory), visits=visits, start=(start or now).date(), now=now)
    if json:
        emit_json(made)
        return
    table(f"Visit plan: {sum(len(v['aps']) for v in made['visits'])} APs over {visits} visits",
          ["#", "month", "APs", "priority", "areas"],
          ([v["visit"], v["month"], len(v["aps"]), v["priority"], _areas(v["areas"])] for v in made["visits"]))


def _areas(found: list[str]) -> str:
    """The areas walked, short enough for 80 columns: the first and the last when there are many."""
    names = [a.split("/", 1)[-1] for a in found]
    return ", ".join(names) if len(names) <= 3 else f"{names[0]} ... {names[-1]} ({len(names)} areas)"


@app.command("record")
def record_command(
    ap: Annotated[str, typer.Argument(help="The AP's inventory name.")],
    result: Annotated[Literal["ok", "fault"], typer.Option("--result", help="ok, or fault (with --note).")] = "ok",
    note: Annotated[Optional[str], typer.Option("--note", "-m", help="What was found.")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who visited (default: the engineer).")] = None,
    json: JsonOption = False,
) -> None:
    """Keep one AP's result of its visit (a journal line). Exit 1 for an AP in no visit or a fault with no note."""
    from wifiops.engine.visits import record

    line = record(settings(), ap, result=result, note=note, by=by, now=datetime.now(timezone.utc))
    if json:
        emit_json(line)
        return
    console.print(f"{ap}: {result} (visit {line['visit']}, by {line['by']})", markup=False, highlight=False)


@app.command("status")
def status_command(json: JsonOption = False) -> None:
    """Per visit: APs planned, done, faults found; the faults listed. Exit 0."""
    from wifiops.engine.visits import visit_status

    planned, found = visit_status(settings())
    months = {v["visit"]: v.get("month", "") for v in planned["visits"]}
    if json:
        emit_json({"visits": [{**s.to_dict(), "month": months[s.visit]} for s in found]})
        return
    table("Control visits", ["#", "month", "planned", "done", "remaining", "faults"],
          ([s.visit, months[s.visit], s.planned, s.done, len(s.remaining), len(s.faults)] for s in found))
    for s in found:
        for fault in s.faults:
            console.print(f"fault {fault['ap']} (visit {s.visit}, {fault['at']}, {fault['by']}): {fault['note']}",
                          markup=False, highlight=False, soft_wrap=True)
