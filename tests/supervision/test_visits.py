"""`wifiops visits` (issue 28): every one of the 358 APs planned once over the chosen months, the priority APs
in the first visit, each visit walked area by area; results recorded and what remains counted."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.errors import WifiopsError
from wifiops.supervision.visits import Ap, Order, plan

from watching import write_config

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def cli(config: Path, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["--config", str(config), "visits", *args, "--json"])
    if isinstance(result.exception, WifiopsError):
        return result.exception.exit_code, {"error": str(result.exception)}
    return result.exit_code, json.loads(result.output)


def test_every_ap_once_priority_first_over_the_months(tmp_path: Path) -> None:
    config = write_config(tmp_path, REPO / "inventory")
    code, made = cli(config, "plan", "--visits", "8", "--start", "2027-01")
    assert code == 0
    names = [ap for visit in made["visits"] for ap in visit["aps"]]
    assert len(names) == len(set(names)) == 358
    assert [v["month"] for v in made["visits"]][:2] == ["2027-01", "2027-02"] and made["visits"][-1]["month"] == \
        "2027-08"
    assert made["visits"][0]["priority"] == 48 and all(v["priority"] == 0 for v in made["visits"][1:])
    assert max(len(v["aps"]) for v in made["visits"][1:]) - min(len(v["aps"]) for v in made["visits"][1:]) <= 5

    code, done = cli(config, "record", "LVR-PAL-AP003", "--result", "fault", "--note", "radio 5 GHz silent")
    assert code == 0 and done["visit"] == 1
    code, refused = cli(config, "record", "LVR-PAL-AP013", "--result", "fault")
    assert code == 1 and "--note" in refused["error"]
    code, state = cli(config, "status")
    first = state["visits"][0]
    assert (first["planned"], first["done"], len(first["remaining"])) == (48, 1, 47)
    assert first["faults"][0]["ap"] == "LVR-PAL-AP003" and first["faults"][0]["note"] == "radio 5 GHz silent"


def test_a_visit_is_walked_area_by_area_in_the_order_given() -> None:
    aps = [Ap("a", "s", "Denon salle 12"), Ap("b", "s", "Sully salle 3"), Ap("c", "s", "Denon salle 2"),
           Ap("d", "s", "Sully salle 10", priority=True)]
    [visit] = plan(aps, 1, Order(("s",), {"s": ("Sully", "Denon")}))
    assert [ap.name for ap in visit.aps] == ["b", "d", "c", "a"]  # Sully 3, 10, then Denon 2, 12
