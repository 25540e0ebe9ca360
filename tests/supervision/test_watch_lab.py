"""`wifiops watch` on the lab, over real SSH, with a real SMTP server and a stepped clock (issue 16's acceptance):
an AP group down opens one major incident with its deadline in working hours, is mailed once over several
cycles, clears when the group comes back (mailed too), and availability shows the outage; a rebooted AP is an
alert at once; per-AP alerts get their class by priority; a conductor out of reach leaves the APs unknown."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import yaml
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.lab.testing import write_inventory_copy
from wifiops.settings import load_settings
from wifiops.store.sqlite import SqliteStore
from wifiops.windows import PARIS

from watching import Clock, Watched, write_config

runner = CliRunner()


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def journal(watched: Watched) -> list[dict]:
    path = watched.settings.path(watched.settings.run_dir) / "journal.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_an_ap_group_down_is_one_incident_mailed_once_cleared_and_counted(watched: Watched, fresh_lab,
                                                                          smtp_server) -> None:
    assert watched.cycle().exit_code == 0  # Friday 17:00, all well
    fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
    down = [watched.cycle() for _ in range(4)]  # 17:05 .. 17:20
    assert [len(r.outcome.raised) for r in down] == [0, 1, 0, 0]  # at the second bad sample, and only then
    [incident] = down[1].outcome.opened
    assert (incident.kind, incident.subject, incident.severity, incident.gtr) == (
        "aps-down", "DELACROIX", "major", "infrastructure")
    # opened Friday 17:10: 50 working minutes on Friday, 3 h 10 on Monday
    assert (incident.opened_at, incident.deadline) == (paris("2026-03-13 17:10"), paris("2026-03-16 11:10"))
    assert [a.key for a in watched.store.alerts()] == ["aps-down:DELACROIX"]  # not one per AP
    [mail] = smtp_server.messages
    assert mail.subject == "wifiops ALERTE aps-down DELACROIX [incident majeur n° 1]"  # French by default
    assert mail.recipients == ["noc@louvre.example"]
    assert mail.body.startswith("Groupe de bornes DELACROIX (delacroix) : 14 bornes hors service sur 14 (100 %")
    assert "rétablir avant le lundi 16 mars 2026 à 11:10 (heure de Paris)" in mail.body

    fresh_lab.clear("mm-1")
    back = [watched.cycle() for _ in range(4)]  # 17:25 .. 17:40
    assert [len(r.outcome.cleared) for r in back] == [0, 0, 1, 0]  # after three good samples
    assert back[-1].exit_code == 0 and back[-1].active == []
    assert [m.subject for m in smtp_server.messages] == ["wifiops ALERTE aps-down DELACROIX [incident majeur n° 1]",
                                                         "wifiops FIN D'ALERTE aps-down DELACROIX"]
    restored = watched.store.incident(incident.id)
    assert restored is not None and (restored.state, restored.restored_at, restored.restored_by) == (
        "restored", paris("2026-03-13 17:35"), "wifiops watch")
    assert [(line["kind"], line["key"]) for line in journal(watched)] == [
        ("alert-raised", "aps-down:DELACROIX"), ("alert-cleared", "aps-down:DELACROIX")]

    result = runner.invoke(app, ["--config", str(watched.config), "availability", "--from", "2026-03-13 17:00",
                                 "--to", "2026-03-13 17:45", "--by", "group", "--json"])
    assert result.exit_code == 1, result.output
    figures = json.loads(result.output)
    rows = {row["name"]: row for row in figures["rows"]}
    # DELACROIX down from the sample of 17:05 to that of 17:25: 20 of the 45 minutes watched
    assert rows["DELACROIX"]["down_s"] == 14 * 20 * 60 and rows["DELACROIX"]["availability_percent"] == round(
        100 * 25 / 45, 3)
    assert figures["below_target"] == ["DELACROIX"] and rows["LOUVRE-PALAIS"]["availability_percent"] == 100
    assert figures["target_percent"] == 99 and rows["md"]["availability_percent"] == 100


def test_a_rebooted_ap_raises_an_alert_at_once_and_mails_it_once(watched: Watched, fresh_lab, smtp_server) -> None:
    watched.cycle()
    ap = next(a["name"] for a in fresh_lab.estate.aps if a["ap_group"] == "LIEVIN")
    fresh_lab.fault("mc-1", "reboot-ap", ap)
    report = watched.cycle()
    assert [a.key for a in report.outcome.raised] == [f"ap-rebooted:{ap}"]
    assert report.outcome.opened == []  # an event: no incident rule
    for _ in range(3):
        watched.cycle()
    [mail] = smtp_server.messages
    assert mail.subject == f"wifiops ALERTE ap-rebooted {ap}" and "redémarrée depuis la dernière vérification" in mail.body


def test_aps_down_alone_get_the_class_of_their_priority(fresh_lab, smtp_server, tmp_path: Path) -> None:
    inventory = write_inventory_copy(fresh_lab.estate, tmp_path / "inventory",
                                     {**fresh_lab.ports, **fresh_lab.clearpass_ports})  # ClearPass is watched too
    shutil.copyfile(fresh_lab.known_hosts, inventory / "known_hosts")
    shutil.copyfile(fresh_lab.clearpass_ca, inventory / "clearpass-ca.pem")
    defaults = yaml.safe_load((inventory / "defaults.yaml").read_text())
    defaults["data"]["supervision"]["ap_groups"] = {"LIEVIN": {"aps_down": None, "aps_down_percent": None}}
    (inventory / "defaults.yaml").write_text(yaml.safe_dump(defaults, sort_keys=False))
    config = write_config(tmp_path, inventory, smtp_server.yaml(recipients=["noc@louvre.example"]))
    settings = load_settings(config)
    store = SqliteStore(tmp_path / "runs" / "supervision.sqlite")
    watched = Watched(config, settings, store, Clock(datetime(2026, 3, 13, 17, 0)))
    fresh_lab.fault("mm-1", "ap-group-down", "LIEVIN")
    watched.cycle()
    report = watched.cycle()
    classes = {(i.gtr, i.deadline) for i in report.outcome.opened}
    assert len(report.outcome.opened) == 20 and len(smtp_server.messages) == 20
    assert classes == {("priority-ap", paris("2026-03-14 17:05")), ("ap", paris("2026-03-20 17:05"))}
    assert sum(i.gtr == "priority-ap" for i in report.outcome.opened) == 3  # the LIEVIN priority APs
    result = runner.invoke(app, ["--config", str(config), "incident", "list", "--json"])
    assert result.exit_code == 0 and len(json.loads(result.output)["incidents"]) == 20
    store.close()


def test_thresholds_per_host_kind_ssid_and_ap_come_from_the_inventory(fresh_lab, smtp_server, tmp_path: Path) -> None:
    inventory = write_inventory_copy(fresh_lab.estate, tmp_path / "inventory",
                                     {**fresh_lab.ports, **fresh_lab.clearpass_ports})  # ClearPass is watched too
    shutil.copyfile(fresh_lab.known_hosts, inventory / "known_hosts")
    shutil.copyfile(fresh_lab.clearpass_ca, inventory / "clearpass-ca.pem")
    defaults = yaml.safe_load((inventory / "defaults.yaml").read_text())
    supervision = defaults["data"]["supervision"]
    supervision["kinds"] = {"md": {"cpu_percent": 1}}  # the controllers, not the MMs
    supervision["ssids"] = {"Delacroix_WiFi_Gratuit": 10}
    supervision["ap_groups"] = {"DELACROIX": {"clients_per_ap": 5}}
    (inventory / "defaults.yaml").write_text(yaml.safe_dump(defaults, sort_keys=False))
    config = write_config(tmp_path, inventory, smtp_server.yaml(recipients=["noc@louvre.example"]))
    store = SqliteStore(tmp_path / "runs" / "supervision.sqlite")
    watched = Watched(config, load_settings(config), store, Clock(datetime(2026, 3, 13, 17, 0)))
    watched.cycle()
    report = watched.cycle()
    kinds = {a.key.split(":")[0] for a in report.outcome.raised}
    assert kinds == {"cpu", "clients-per-ssid", "clients-per-ap"}
    assert {a.subject for a in report.outcome.raised if a.kind == "cpu"} == {"mc-1", "mc-2"}
    assert {a.subject for a in report.outcome.raised if a.kind == "clients-per-ap"} <= {
        ap["name"] for ap in fresh_lab.estate.aps if ap["ap_group"] == "DELACROIX"}
    assert {(i.kind, i.severity, i.deadline) for i in report.outcome.opened} == {("cpu", "minor", None)}
    assert len(smtp_server.messages) == len(report.outcome.raised)
    store.close()


def test_a_conductor_out_of_reach_is_an_incident_and_leaves_the_aps_unknown(watched: Watched, fresh_lab) -> None:
    watched.cycle()  # 17:00
    fresh_lab.fault("mm-1", "refuse-login")
    first, second = watched.cycle(), watched.cycle()  # 17:05, 17:10
    assert not first.complete and first.outcome.raised == []
    assert [a.key for a in second.outcome.raised] == ["unreachable:mm-1"]
    [incident] = second.outcome.opened
    assert (incident.severity, incident.gtr) == ("major", "infrastructure") and "login refused" in incident.summary
    fresh_lab.clear("mm-1")
    watched.cycle()  # 17:15
    uptimes = {u.subject.name: u for u in watched.store.uptimes(paris("2026-03-13 17:00"), paris("2026-03-13 17:20"))}
    assert (uptimes["mm-1"].up_s, uptimes["mm-1"].down_s) == (600, 600)
    ap = uptimes["DLX-AP001"]
    assert (ap.up_s, ap.down_s) == (600, 0)  # 17:05-17:15 unknown: neither up nor down


def test_watch_once_from_the_shell(fresh_lab, smtp_server, tmp_path: Path) -> None:
    config = write_config(tmp_path, fresh_lab.inventory_dir, smtp_server.yaml(recipients=["noc@louvre.example"]))
    result = runner.invoke(app, ["--config", str(config), "watch", "--once", "--json"])
    assert result.exit_code == 0, result.output
    cycle = json.loads(result.output)
    # 358 APs, 6 MMs and controllers, 4 ClearPass servers: each one's first state
    assert cycle["complete"] and cycle["transitions"] == 368 and cycle["active"] == [] and not cycle["failed"]
    assert (tmp_path / "runs" / "supervision.sqlite").exists()
    fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
    assert runner.invoke(app, ["--config", str(config), "watch", "--once", "--interval", "60"]).exit_code == 0
    result = runner.invoke(app, ["--config", str(config), "watch", "--once", "--interval", "60"])
    assert result.exit_code == 1 and "1 raised" in result.output and "14 of 14 APs down" in result.output
    assert len(smtp_server.messages) == 1
    assert len(list((tmp_path / "runs" / "watch").glob("*-check"))) == 3
