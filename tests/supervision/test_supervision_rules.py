"""Supervision rules are inventory data: thresholds layered per host kind, site, AP group and host; a mistake in
them is a finding of `wifiops inventory check` with its file, line and field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.inventory.schema import Supervision
from wifiops.supervision.rules import Rules

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def rules(block: dict) -> Rules:
    return Rules(Supervision.model_validate(block))


def test_the_shipped_defaults_are_the_contract() -> None:
    """What defaults.yaml writes out is what an inventory without a `supervision` block gets."""
    built_in = Supervision()
    for inventory in ("inventory", "inventory/lab"):
        defaults = yaml.safe_load((REPO / inventory / "defaults.yaml").read_text())
        shipped = Supervision.model_validate(defaults["data"]["supervision"])
        assert (shipped.incidents, shipped.hysteresis, shipped.working_hours) == (
            built_in.incidents, built_in.hysteresis, built_in.working_hours)
        assert {k: (c.working_hours, c.working_days, c.hours, c.remind_before_minutes) for k, c in shipped.gtr.items()} \
            == {k: (c.working_hours, c.working_days, c.hours, c.remind_before_minutes) for k, c in built_in.gtr.items()}
        assert (shipped.gtr["infrastructure"].working_hours, shipped.gtr["priority-ap"].hours,
                shipped.gtr["ap"].working_days, shipped.target_percent) == (4, 24, 5, 99)


def test_thresholds_are_layered_key_by_key() -> None:
    found = rules({"thresholds": {"cpu_percent": 75},
                   "kinds": {"md": {"cpu_percent": 85, "memory_percent": 80}},
                   "sites": {"delacroix": {"aps_down": 3}, "louvre-palais": {"memory_percent": 70}},
                   "hosts": {"mc-2": {"cpu_percent": 95}},
                   "ap_groups": {"DELACROIX": {"aps_down_percent": None}}})
    mm, mc1, mc2 = (found.for_host("mm-1", "mm", "louvre-palais"), found.for_host("mc-1", "md", "louvre-palais"),
                    found.for_host("mc-2", "md", "louvre-palais"))
    assert (mm.cpu_percent, mm.memory_percent) == (75, 70)
    assert (mc1.cpu_percent, mc1.memory_percent) == (85, 70)  # the site comes after the kind
    assert (mc2.cpu_percent, mc2.memory_percent) == (95, 70)
    delacroix, lievin = found.for_group("DELACROIX", "delacroix"), found.for_group("LIEVIN", "lievin")
    assert (delacroix.aps_down, delacroix.aps_down_percent) == (3, None)  # null: switched off there
    assert (lievin.aps_down, lievin.aps_down_percent) == (10, 25)


def test_clients_per_ssid_by_ssid_and_hysteresis_by_kind() -> None:
    found = rules({"thresholds": {"clients_per_ssid": 5000}, "ssids": {"Louvre_WiFi_Gratuit": 12000,
                                                                       "Intra_Louvre": None},
                   "hysteresis": {"default": {"raise_after": 3, "clear_after": 5}}})
    assert [found.clients_per_ssid(s) for s in ("Louvre_WiFi_Gratuit", "Intra_Louvre", "Bill_Louvre")] == [
        12000, None, 5000]
    assert (found.hysteresis("ap-rebooted").raise_after, found.hysteresis("cpu").clear_after) == (3, 5)
    assert Rules(Supervision()).hysteresis("ap-rebooted").raise_after == 1


def test_incident_rules_match_in_order() -> None:
    found = rules({"incidents": [{"alert": "ap-down", "site": "lievin", "severity": "minor", "gtr": None},
                                 {"alert": "ap-down", "priority": True, "severity": "major", "gtr": "priority-ap"},
                                 {"alert": "cpu", "kind": "mm", "severity": "major", "gtr": "infrastructure"}]})
    assert found.incident_rule("ap-down", {"priority": True, "site": "lievin"}).severity == "minor"  # type: ignore[union-attr]
    assert found.incident_rule("ap-down", {"priority": True, "site": "delacroix"}).gtr == "priority-ap"  # type: ignore[union-attr]
    assert found.incident_rule("ap-down", {"priority": False, "site": "delacroix"}) is None
    assert found.incident_rule("cpu", {"kind": "md"}) is None


# (what is written under `supervision`, the field named, words of the message)
MISTAKES = [
    ({"thresholds": {"cpu_percent": 120}}, "data.supervision.thresholds.cpu_percent", "less than or equal to 100"),
    ({"thresholds": {"aps_down": "ten"}}, "data.supervision.thresholds.aps_down", "valid integer"),
    ({"thresholds": {"ap_rebooted": "yes"}}, "data.supervision.thresholds.ap_rebooted", "valid boolean"),
    ({"thresholds": {"cpu_pct": 80}}, "data.supervision.thresholds.cpu_pct", "unknown key"),
    ({"kinds": {"airwave": {"cpu_percent": 80}}}, "data.supervision.kinds.airwave", "'md' or 'clearpass'"),
    ({"sites": {"louvre": {"aps_down": 2}}}, "data.supervision.sites.louvre", "'louvre' is not a site of defaults"),
    ({"ap_groups": {"DELACROX": {"aps_down": 2}}}, "data.supervision.ap_groups.DELACROX",
     "'DELACROX' is not an AP group of groups.yaml"),
    ({"hosts": {"mc-9": {"cpu_percent": 90}}}, "data.supervision.hosts.mc-9", "'mc-9' is not a host"),
    ({"ssids": {"Guest_Louvre": 100}}, "data.supervision.ssids.Guest_Louvre", "not a defined SSID"),
    ({"hysteresis": {"ap-down": {"raise_after": 3, "within": 2}}}, "data.supervision.hysteresis.ap-down",
     "within (2) must be at least raise_after (3)"),
    ({"hysteresis": {"ap-dwn": {"raise_after": 1}}}, "data.supervision.hysteresis.ap-dwn", "'ap-down'"),
    ({"incidents": [{"alert": "aps-down", "severity": "major", "gtr": "infra"}]},
     "data.supervision.incidents[0].gtr", "GTR class 'infra' is not defined"),
    ({"incidents": [{"alert": "aps-down", "severity": "critical", "gtr": None}]},
     "data.supervision.incidents[0].severity", "'minor' or 'major'"),
    ({"gtr": {"ap": {"working_days": 5, "hours": 24}}}, "data.supervision.gtr.ap",
     "exactly one of working_hours, working_days or hours"),
    ({"working_hours": {"days": {"monday": {"open": "08:00", "close": 1080}}}},
     "data.supervision.working_hours.days.monday.close", "a time is written in quotes"),
    ({"target_percent": 0}, "data.supervision.target_percent", "greater than 0"),
]


@pytest.mark.parametrize(("block", "field", "message"), MISTAKES, ids=[m[1].rsplit(".", 1)[-1] + f"-{i}"
                                                                     for i, m in enumerate(MISTAKES)])
def test_a_mistake_in_the_supervision_rules_names_file_line_and_field(tmp_path: Path, block: dict, field: str,
                                                                      message: str) -> None:
    shutil.copytree(REPO / "inventory", tmp_path / "inventory", ignore=shutil.ignore_patterns("known_hosts"))
    path = tmp_path / "inventory" / "lab" / "defaults.yaml"
    data = yaml.safe_load(path.read_text())
    data["data"]["supervision"] = block
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = runner.invoke(app, ["inventory", "check", "--json", "--inventory", str(tmp_path / "inventory" / "lab")])
    assert result.exit_code == 2, result.output
    findings = json.loads(result.output)["findings"]
    matching = [f for f in findings if Path(f["file"]).name == "defaults.yaml" and f["field"] == field
                and message in f["message"]]
    assert matching and all(f["line"] for f in matching), findings
