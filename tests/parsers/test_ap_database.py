"""show ap database [long]: the lab's 358 APs as the inventory has them, and irregular real-world rows."""

from __future__ import annotations

from collections import Counter

from parsersamples import fetch, parse_sample, pick
from wifiops.aos8.parse import parse

MDS = {"10.150.1.11", "10.150.1.12"}  # mc-1 and mc-2, the Louvre cluster the lab's APs terminate on


def test_the_conductor_lists_every_ap_of_the_inventory_in_its_group(lab_parsed, estate) -> None:
    parsed = lab_parsed[("mm-1", "show ap database")]
    assert parsed.unparsed == []
    assert len(parsed.records) == 358
    assert {r["name"]: r["group"] for r in parsed.records} == {n: ap["ap_group"] for n, ap in estate.aps.items()}
    assert Counter(r["group"] for r in parsed.records) == Counter(ap["ap_group"] for ap in estate.aps.values())
    for record in parsed.records:
        assert estate.aps[record["name"]]["model"] == f"IAP-{record['ap_type']}"
        assert record["up"] is True and record["status"].startswith("Up ")
        assert isinstance(record["uptime_s"], int) and record["uptime_s"] > 0
        assert {record["switch_ip"], record["standby_ip"]} == MDS
        assert set(record["flags"]) <= set("12BCDEFGIJLMNPRSTUXYbcefilmoprstuz+-")


def test_long_adds_each_aps_wired_mac_and_serial_from_the_inventory(lab_parsed, estate) -> None:
    parsed = lab_parsed[("mm-1", "show ap database long")]
    assert parsed.unparsed == [] and len(parsed.records) == 358
    for record in parsed.records:
        ap = estate.aps[record["name"]]
        assert (record["wired_mac"], record["serial"]) == (ap["mac"], ap["serial"])
        assert (record["port"], record["fqln"], record["outer_ip"], record["user"]) == (None, None, None, None)
    short = lab_parsed[("mm-1", "show ap database")].records  # fetched a moment apart: uptimes moved on
    assert [(r["name"], r["group"], r["flags"], r["ip"]) for r in parsed.records] == [
        (r["name"], r["group"], r["flags"], r["ip"]) for r in short]


def test_an_ap_group_that_goes_down_shows_exactly_its_aps_down(fresh_lab, estate) -> None:
    fresh_lab.fault("mm-1", "ap-group-down", "LIEVIN")
    parsed = parse("sh ap data", fetch(fresh_lab, "mm-1", ["show ap database"])["show ap database"])
    assert parsed.unparsed == []
    down = {r["name"] for r in parsed.records if not r["up"]}
    assert down == estate.aps_of("LIEVIN") and down
    for record in parsed.records:
        if record["name"] in down:
            assert (record["status"], record["uptime_s"], record["standby_ip"]) == ("Down", None, None)


def test_the_86_capture_of_the_reference() -> None:
    parsed = parse_sample("show ap database", "ap_database_8.6.txt")
    assert parsed.unparsed == []
    assert parsed.records == [{"name": "ap01", "group": "Production", "ap_type": "335", "ip": "10.1.255.16",
                               "status": "Up 8m:43s", "up": True, "uptime_s": 8 * 60 + 43, "flags": "U2r",
                               "switch_ip": "10.1.255.15", "standby_ip": None}]


def test_drift_tabs_empty_flags_and_statuses_down_and_denied() -> None:
    parsed = parse_sample("show ap database", "ap_database_irregular.txt")
    by_name = {r["name"]: r for r in parsed.records}
    assert sorted(by_name) == [f"hall-ap0{i}" for i in (1, 2, 3, 4, 5, 6, 7, 9)]
    expected = {
        "hall-ap01": {"flags": "", "uptime_s": 2 * 86400 + 17 * 3600 + 8 * 60 + 4, "switch_ip": "10.1.10.5"},
        "hall-ap02": {"flags": "2", "uptime_s": 35 * 86400 + 23 * 3600 + 44 * 60 + 14},
        "hall-ap03": {"flags": "S", "switch_ip": "10.1.10.5", "ap_type": "305"},                 # drifted left
        "hall-ap04": {"status": "Down", "up": False, "uptime_s": None, "flags": "", "switch_ip": None,
                      "standby_ip": None, "ap_type": "345"},                                     # drifted right
        "hall-ap05": {"status": "Denied", "up": False, "uptime_s": None, "flags": "U"},
        "hall-ap06": {"ap_type": "505H", "flags": "2r", "uptime_s": 3723, "standby_ip": "10.1.10.6"},  # tabs
        "hall-ap07": {"group": "Guest Wing", "flags": "1+", "uptime_s": 242},
        "hall-ap09": {"flags": "R-", "standby_ip": None, "uptime_s": 12 * 86400 + 3 * 3600 + 4 * 60 + 5},
    }
    assert {name: pick(by_name[name], want) for name, want in expected.items()} == expected
    # the row cut short is reported with its line, not dropped and not merged into hall-ap07 above it
    assert [(u.line, u.text.split()[0]) for u in parsed.unparsed] == [(14, "hall-ap08")]


def test_long_rows_and_a_table_shorter_than_its_trailer_says() -> None:
    parsed = parse_sample("sh ap data l", "ap_database_long_cut.txt")
    assert parsed.command == "show ap database long"
    assert [(r["name"], r["wired_mac"], r["serial"], r["port"]) for r in parsed.records] == [
        ("ap-101", "cc:88:c7:11:22:33", "CNM12345", None), ("ap-102", "20:4c:03:aa:bb:cc", "CNM12346", None),
        ("ap-103", "94:60:d5:01:02:03", "CNM12347", None)]
    assert parsed.records[2]["up"] is False and parsed.records[1]["flags"] == "i"
    [missing] = parsed.unparsed
    assert (missing.line, missing.text) == (12, "Total APs:5")
    assert "counts 5 rows" in missing.why and "holds 3" in missing.why
