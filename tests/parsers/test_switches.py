"""show switches: the MMs and MDs as the inventory has them; 8.6 `master`, 8.10 `conductor`, 8.13 columns."""

from __future__ import annotations

from parsersamples import parse_sample, pick


def test_the_conductor_lists_every_managed_host_up_and_in_sync(lab_parsed, estate) -> None:
    parsed = lab_parsed[("mm-1", "show switches")]
    assert parsed.unparsed == []
    assert {r["name"]: (r["ip"], r["model"]) for r in parsed.records} == {
        name: (host["mgmt_ip"], host["model"]) for name, host in estate.hosts.items()}
    types = {r["name"]: r["type"] for r in parsed.records}
    assert types == {"mm-1": "conductor", "mm-2": "standby", "mm-3": "conductor", "mm-4": "standby",
                     "mc-1": "MD", "mc-2": "MD"}
    for record in parsed.records:
        assert pick(record, {"status": "up", "config_state": "UPDATE SUCCESSFUL", "ipv6": None,
                             "release_type": None}) == {"status": "up", "config_state": "UPDATE SUCCESSFUL",
                                                        "ipv6": None, "release_type": None}
        assert record["version"].startswith("8.10.") and isinstance(record["config_id"], int)


def test_the_86_capture_of_the_reference() -> None:
    parsed = parse_sample("show switches", "switches_8.6.txt")
    assert parsed.unparsed == []
    assert [(r["name"], r["type"], r["location"], r["config_sync_time_s"], r["config_id"]) for r in parsed.records] == [
        ("mm00", "master", "Building1.floor1", 0, 2), ("mm01", "standby", "Building1.floor1", 0, 2)]


def test_810_empty_and_several_word_locations_tabs_states_and_a_cut_row() -> None:
    parsed = parse_sample("show switches", "switches_8.10.txt")
    expected = [
        {"name": "mm-a", "location": "Salle des Etats 2", "type": "conductor", "config_id": 14},
        {"name": "mm-b", "location": "Salle des Etats 2", "type": "standby"},
        {"name": "md-7210", "location": None, "type": "MD", "model": "Aruba7210", "config_sync_time_s": 2},
        {"name": "md-7210b", "location": "Aile Denon", "status": "down", "config_state": "UPDATE REQUIRED",
         "config_id": 12},                                      # tabs after the IP, cells drifting
        {"name": "md-7240", "ipv6": "2001:db8::13", "model": "Aruba7240XM", "config_state": "CONFIG FAILURE"},
    ]
    assert [pick(r, want) for r, want in zip(parsed.records, expected)] == expected
    [cut] = parsed.unparsed
    assert cut.line == 10 and "Configuration State" in cut.why and "cut short" in cut.why


def test_813_release_type() -> None:
    parsed = parse_sample("show switches", "switches_8.13.txt")
    assert parsed.unparsed == []
    assert pick(parsed.records[0], {"version": "8.13.3.0-beta_95763", "release_type": "LSR"}) == {
        "version": "8.13.3.0-beta_95763", "release_type": "LSR"}
