"""`wifiops parse` on every public capture of tests/real/shows/: every row read and exit 0, or the reason
written below, which a person reading the capture agrees with. The captures come from outside this
project (README.md there names each source); the lab is not involved.

A new capture without an entry here fails the first test: say what it holds before it counts.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wifiops.aos8.parse import parse
from wifiops.cli import main

SHOWS = Path(__file__).resolve().parent / "shows"


@dataclass(frozen=True)
class Expect:
    """What `wifiops parse COMMAND FILE` gives on one capture: its records, and each line it cannot read
    (line, words of the reason) or warns about (line, words), with why a person would agree."""

    command: str
    records: int
    unparsed: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    because: str = ""

    @property
    def exit_code(self) -> int:
        return 1 if self.unparsed else 0


NO_TRAILER = "no trailer counting the rows"
EXPECTED: dict[str, Expect] = {
    "show-ap-bss-table-details.ntc.txt": Expect("show ap bss-table details", 5),
    "show-ap-bss-table-details.ntc-2.txt": Expect("show ap bss-table details", 5),
    "show-ap-bss-table.byitkc-8.6.txt": Expect("show ap bss-table", 2),
    "show-ap-database.ntc.txt": Expect(
        "show ap database", 3, warnings=[(8, NO_TRAILER)],
        because="the publisher kept the legend but not `Total APs:`"),
    "show-ap-database-long.ntc.txt": Expect(
        "show ap database long", 3, warnings=[(8, NO_TRAILER)],
        because="the publisher kept the legend but not `Total APs:`"),
    "show-ap-database.byitkc-8.6.txt": Expect(
        "show ap database", 1, warnings=[(7, NO_TRAILER)],
        because="the page's block stops at the row"),
    "show-ap-database.fz3r0.txt": Expect("show ap database", 1),
    "show-ap-essid.byitkc-8.6.txt": Expect("show ap essid", 1),
    "show-ap-radio-database.ntc.txt": Expect(
        "show ap radio-database", 3, warnings=[(7, NO_TRAILER)],
        because="the capture has no `Total APs:` (the lab prints one; real devices may not)"),
    "show-ap-radio-summary.sunjhb.txt": Expect("show ap radio-summary", 2),
    "show-ap-arm-state.co-channel-finder.txt": Expect("show ap arm state dot11a", 11),
    "show-arp.ntc.txt": Expect("show arp", 12),
    "show-ip-interface-brief.ntc.txt": Expect("show ip interface brief", 5),
    "show-inventory.ntc.txt": Expect("show inventory", 1),
    "show-inventory.oxidized-7210-8.10.txt": Expect("show inventory", 1),
    "show-license.oxidized-7210-8.10.txt": Expect("show license", 3),
    "show-switches.byitkc-8.6.txt": Expect("show switches", 2),
    "show-user-table-verbose.fz3r0-1.txt": Expect("show user-table verbose", 2),
    "show-user-table-verbose.fz3r0-2.txt": Expect(
        "show user-table verbose", 3, unparsed=[(12, "after the table")], warnings=[(9, NO_TRAILER)],
        because="the author pasted `Total Roles:15`, another command's trailer, where `User Entries:` "
                "should be: not a user, and the user count is missing"),
    "show-version.oxidized-7210-8.10.txt": Expect("show version", 1),
}


def test_every_capture_has_its_expectation_and_every_expectation_its_capture() -> None:
    assert sorted(p.name for p in SHOWS.glob("*.txt")) == sorted(EXPECTED)


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["wifiops", "parse", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    out = capsys.readouterr()
    return exited.value.code or 0, out.out, out.err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_wifiops_parse_reads_every_row_of_the_real_capture(name: str, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    expect = EXPECTED[name]
    path = SHOWS / name
    code, out, err = _run(monkeypatch, capsys, expect.command, str(path), "--json")
    data = json.loads(out)
    assert code == expect.exit_code, err
    assert len(data["records"]) == expect.records
    assert [u["line"] for u in data["unparsed"]] == [line for line, _ in expect.unparsed]
    for found, (_, words) in zip(data["unparsed"], expect.unparsed):
        assert words in found["why"]
    assert [w["line"] for w in data["warnings"]] == [line for line, _ in expect.warnings]
    for found, (_, words) in zip(data["warnings"], expect.warnings):
        assert words in found["why"]
    # every problem is on stderr, one line each, naming the file and the line
    assert len(err.splitlines()) == len(expect.unparsed) + len(expect.warnings)
    assert all(line.startswith(f"warning: {path}:") for line in err.splitlines())


def _records(name: str) -> list[dict]:
    return parse(EXPECTED[name].command, (SHOWS / name).read_text(encoding="utf-8")).records


def test_the_bss_rows_that_drift_off_the_header_are_placed_by_their_cells_shapes() -> None:
    """ntc-templates' 8.9+ capture: the last row's cells from `ap name` on stand 15 characters left of
    their columns (the publisher shortened the names), its multi-word SSID row's 4 to 10 right."""
    rows = {r["bss"]: r for r in _records("show-ap-bss-table-details.ntc.txt")}
    drifted = rows["aa:bb:cc:dd:ee:fd"]
    assert (drifted["ess"], drifted["ip"], drifted["ap_name"]) == ("test 2", "192.168.1.3", "test2-ap")
    assert (drifted["band"], drifted["ht_mode"], drifted["bandwidth"], drifted["channel"]) == (
        "5GHz", "HE", "40MHz", "120-")
    assert (drifted["in_time_s"], drifted["tot_time_s"], drifted["mtu"], drifted["acl"]) == (0, 39688, 1500, "119")
    assert (drifted["flags"], drifted["cluster"], drifted["datazone"]) == ("KT", "A", "no")
    assert rows["aa:bb:cc:dd:ee:fc"]["ess"] == "multi word ssid"


def test_a_uac_row_keeps_its_aac_and_a_row_missing_a_cell_reads_the_rest() -> None:
    """ntc-templates' second capture: `U  (AAC=192.168.0.21)` is one cluster cell, `U sU` an AP in both
    roles, and the first row has no in-t(s) cell (its tot-t cell only fits tot-t)."""
    rows = _records("show-ap-bss-table-details.ntc-2.txt")
    assert [(r["cluster"], r["aac_ip"]) for r in rows] == [
        ("U", "192.168.0.21"), ("A", None), ("U sU", "192.168.0.30"), ("A", None), ("A", None)]
    assert (rows[0]["in_time_s"], rows[0]["tot_time_s"], rows[0]["clients"]) == (None, 818944, 2)
    assert (rows[1]["flags"], rows[2]["flags"]) == ("", "T")
    assert (rows[2]["active_clients"], rows[2]["standby_clients"]) == (7, 7)


def test_the_license_note_is_no_record() -> None:
    rows = _records("show-license.oxidized-7210-8.10.txt")
    assert [(r["service_type"], r["count"], r["flags"]) for r in rows] == [
        ("Next Generation Policy Enforcement Firewall Module", 42, "E"), ("RF Protect", 12, "E"),
        ("Access Points", 12, "E")]


def test_a_denied_ap_with_an_empty_flags_cell() -> None:
    [ap] = _records("show-ap-database.fz3r0.txt")
    assert (ap["name"], ap["status"], ap["up"], ap["flags"], ap["switch_ip"], ap["standby_ip"]) == (
        "f4:2e:7f:c8:30:f4", "Denied", False, "", "192.168.1.196", None)


def test_the_user_tables_ap_tunnel_entry_and_ipv6_user() -> None:
    tunnel, ipv4, ipv6 = _records("show-user-table-verbose.fz3r0-2.txt")
    assert (tunnel["mac"], tunnel["role"], tunnel["auth"], tunnel["ap_name"], tunnel["essid"]) == (
        "00:00:00:00:00:00", "sys-ap-role", "TRANSPORT-VPN", None, None)
    assert (ipv4["essid"], ipv4["bssid"], ipv4["phy"], ipv4["type"], ipv4["vlan"]) == (
        "Fz3r0-Aruba", "f4:2e:7f:03:0f:50", "5GHz-VHT", "Linux", "30 (30)")
    assert ipv6["ip"] == "fe80::bc7c:4cff:fe22:5651" and ipv6["mac"] == ipv4["mac"]


def test_inventory_with_tabs_and_without() -> None:
    [tabs] = _records("show-inventory.oxidized-7210-8.10.txt")
    [spaces] = _records("show-inventory.ntc.txt")
    assert tabs == {"serial": "CV0010001", "model": "Aruba7210", "made": "03/31/18",
                    "mac_first": "00:1a:1e:00:00:68", "mac_last": "00:1a:1e:00:00:6f"}
    assert (spaces["serial"], spaces["model"]) == ("CV123ABC2", "Aruba7210-US")


def test_arm_state_every_neighbour_under_its_radio() -> None:
    rows = _records("show-ap-arm-state.co-channel-finder.txt")
    assert Counter((r["ap"], r["channel"], r["valid_neighbours"]) for r in rows) == Counter(
        {("bldg1-2011-01-28", "48", 27): 4, ("bldg1-2011-01-23", "36", 22): 4, ("bldg1-2011-01-31", "149", 18): 3})
    first = rows[0]
    assert (first["neighbour"], first["neighbour_ip"], first["snr"], first["path_loss"], first["neighbour_channel"],
            first["neighbour_power"], first["relevant"]) == ("bldg1-2011-01-05", "10.1.25.196", 33, 96, "161", 22.5,
                                                            None)
    assert rows[1]["relevant"] is True and rows[-1]["eirp"] == 9.0 and rows[-1]["max_eirp"] == 22.5


def test_radio_summary_noise_utilisation_per_radio() -> None:
    rows = _records("show-ap-radio-summary.sunjhb.txt")
    assert [(r["name"], r["band"], r["channel"], r["noise"], r["utilisation"], r["interference"])
            for r in rows] == [("AP203RP-new", "2.4GHz", "1", -93, 24, 21), ("AP203RP-new", "5GHz", "149E", -97, 5, 4)]
    assert (rows[1]["phy"], rows[1]["eirp"], rows[1]["max_eirp"]) == ("VHT", 15.7, 22.5)


def test_radio_database_radios_and_a_missing_radio() -> None:
    rows = _records("show-ap-radio-database.ntc.txt")
    assert [(r["name"], r["radio0_band"], r["radio0_channel"], r["radio2_band"]) for r in rows] == [
        ("ap-building-1", "5GHz", "132+", "6GHz"), ("ap-building-2", "5GHz", "100+", None),
        ("ap-building-3", None, None, None)]
    assert (rows[0]["radio1_phy"], rows[0]["radio1_eirp"], rows[2]["ap_type"]) == ("HE", 9.0, "505H")
