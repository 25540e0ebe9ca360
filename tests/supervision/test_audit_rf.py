"""`wifiops audit rf` on the lab, over real SSH (issue 28): every AP of the inventory by site, area and room,
each radio's band, channel, EIRP, clients, noise floor, utilisation and neighbours heard from the conductor; a group down says
so; the Markdown report to take on site; the table in 80 columns."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.errors import WifiopsError

from watching import write_config

runner = CliRunner()


def test_the_rooms_radios_from_the_conductor(fresh_lab, tmp_path: Path) -> None:
    config = write_config(tmp_path, fresh_lab.inventory_dir)
    result = runner.invoke(app, ["--config", str(config), "audit", "rf", "--json"])
    assert result.exit_code == 0, result.output
    audit = json.loads(result.stdout)
    assert audit["conductor"] == "mm-1" and len(audit["aps"]) == 358 and audit["errors"] == []
    assert {a["status"] for a in audit["aps"]} == {"up"}
    radios = [r for a in audit["aps"] for r in a["radios"]]
    assert {r["band"] for r in radios} >= {"2.4GHz", "5GHz"} and all(r["eirp"] is not None for r in radios)
    assert sum(r["clients"] for r in radios) > 0 and all(r["channel"] != "?" for r in radios)
    keys = [(a["site"], a["area"]) for a in audit["aps"]]
    assert keys == sorted(keys)  # the walk: site by site, area by area
    assert all(-95 <= r["noise"] <= -90 and 0 <= r["utilisation"] <= 100 for r in radios)
    assert all(r["neighbours"] is not None for r in radios) and any(r["co_channel"] for r in radios)

    # one room, as the engineer takes it: each radio's noise and utilisation as the lab's APs measure them
    room = next(a for a in audit["aps"] if a["room"])
    zone = f"{room['area']} {room['room']}"
    out = tmp_path / "room.md"
    one = runner.invoke(app, ["--config", str(config), "audit", "rf", "--zone", zone, "--out", str(out)],
                        env={"COLUMNS": "80"})
    assert one.exit_code == 0, one.output
    assert max(len(line) for line in one.stdout.splitlines()) <= 80
    here = [a for a in audit["aps"] if f"{a['area']} {a['room']}".lower() == zone.lower()]  # the room, whole
    for ap in here:
        assert ap["ap"] in one.stdout
        for radio in ap["radios"]:
            heard = f"{radio['neighbours']}/{len(radio['co_channel'])}"
            assert any(line.rstrip().endswith(f"{radio['channel']} {radio['eirp']:g} {radio['clients']} "
                                              f"{radio['noise']} {radio['utilisation']}% {heard}")
                       for line in one.stdout.splitlines())
            cell = str(radio["neighbours"]) + (f" (co-channel: {', '.join(radio['co_channel'])})"
                                               if radio["co_channel"] else "")
            assert (f"| {radio['band']} | {radio['channel']} | {radio['eirp']:g} | {radio['clients']} | "
                    f"{radio['noise']} | {radio['utilisation']} | {cell} |") in out.read_text()
    # the co-channel neighbours named are APs of the same site and area, on the radio's channel
    names = {a["ap"]: a for a in audit["aps"]}
    for ap in audit["aps"]:
        for radio in ap["radios"]:
            for other in radio["co_channel"]:
                peer = names[other]
                assert (peer["site"], peer["area"]) == (ap["site"], ap["area"])
                assert radio["channel"].rstrip("+-E") in {r["channel"].rstrip("+-E") for r in peer["radios"]}

    fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
    out = tmp_path / "rf.md"
    down = runner.invoke(app, ["--config", str(config), "audit", "rf", "--site", "delacroix", "--out", str(out),
                               "--json"])
    assert down.exit_code == 1, down.output
    aps = json.loads(down.stdout)["aps"]
    assert aps and {a["site"] for a in aps} == {"delacroix"} and {a["status"] for a in aps} == {"down"}
    report = out.read_text()
    assert report.startswith("# RF audit") and "## delacroix:" in report and "| down |" in report


def test_a_room_is_whole_words_and_a_selection_of_nothing_is_a_typo_said_before_any_device(tmp_path: Path) -> None:
    """`--zone "Denon salle 3"` is that room, not salle 30 to 39; a site or zone no AP has is one line, exit 2, with
    what exists (the inventory alone is read: no lab runs here, so nothing could be asked of a device)."""
    from wifiops.engine.audit import _in_zone

    assert _in_zone("Denon salle 3", "denon  SALLE 3") and _in_zone("Denon salle 3", "Denon")
    assert not _in_zone("Denon salle 34", "Denon salle 3") and not _in_zone("Denonville", "Denon")
    config = write_config(tmp_path, Path(__file__).parents[2] / "inventory" / "lab")
    for option, said in ((["--site", "nowhere"], "--site nowhere: no AP of the inventory is at that site (sites: "),
                         (["--zone", "Denon salle 999"], "--zone 'Denon salle 999': no AP's zone starts with it")):
        result = runner.invoke(app, ["--config", str(config), "audit", "rf", *option])
        error = result.exception  # wifiops.cli.main prints it on one line and exits with its code
        assert isinstance(error, WifiopsError) and error.exit_code == 2 and said in str(error), result.output
        assert "\n" not in str(error)
