"""What real captures do that the lab does not (tests/real/shows/): rows drifting far off the header, notes
and foreign text after a table, a missing trailer; and the record fields of the tables the NAPALM
driver's getters read (a public contract, README.md in wifiops/aos8/parsers/)."""

from __future__ import annotations

import json
import sys

import pytest

from wifiops.aos8.parse import parse
from wifiops.cli import main

# The 8.10 layout of ntc-templates' capture (tests/real/shows/show-ap-bss-table-details.ntc.txt), rows
# written here: the second drifts 14 characters left from `ap name` on, as the capture's last row does.
BSS_HEADER = """Aruba AP BSS Table
------------------
bss                ess          port  ip             band/ht-mode/bandwidth  ch/EIRP/max-EIRP  type  cur-cl  ap name                in-t(s)  tot-t        mtu   acl-state  acl  fm  flags  cluster  active-clients  standby-clients  datazone
---                ---          ----  --             ----------------------  ----------------  ----  ------  -------                -------  -----        ---   ---------  ---  --  -----  -------  --------------  ---------------  --------
"""
ALIGNED = ("00:4e:35:10:58:90  Louvre Guest  N/A   10.1.255.16    5GHz/HE/40MHz           36+/19.0/27.1     ap    "
           "4       hall-ap01              0        11h:0m:35s   1500  -          2    T   KrT    A        4               0"
           "                no")
DRIFTED = ("00:4e:35:10:58:91  Louvre Guest  N/A   10.1.255.17    5GHz/HE/40MHz           40/19.0/27.1      ap    "
           "2       ap7  0        1h:1m:28s   1500  -          119  T   KT     A        2               0                no")


def test_a_row_drifting_further_than_the_bounded_search_is_placed_by_its_cells_shapes() -> None:
    parsed = parse("show ap bss-table details", BSS_HEADER + ALIGNED + "\n" + DRIFTED + "\n")
    assert parsed.unparsed == []
    row = parsed.records[1]
    assert (row["ap_name"], row["in_time_s"], row["tot_time_s"], row["mtu"], row["acl"]) == ("ap7", 0, 3688, 1500, "119")
    assert (row["forward_mode"], row["flags"], row["cluster"], row["active_clients"], row["datazone"]) == (
        "T", "KT", "A", 2, "no")


def test_a_truly_ambiguous_row_is_still_reported_not_guessed() -> None:
    """One letter halfway between the flags and cluster columns (both may be empty, both take it), every
    other cell exactly under its column: nothing says which of the two it belongs to."""
    header = BSS_HEADER.splitlines()[2]
    cells = {"bss": "00:4e:35:10:58:90", "ess": "Louvre", "port": "N/A", "ip": "10.1.255.16",
             "band/ht-mode/bandwidth": "5GHz/HE/40MHz", "ch/EIRP/max-EIRP": "36+/19.0/27.1", "type": "ap",
             "cur-cl": "4", "ap name": "hall-ap01", "in-t(s)": "0", "tot-t": "11h:0m:35s", "mtu": "1500",
             "acl-state": "-", "acl": "2", "fm": "T", "active-clients": "4", "standby-clients": "0",
             "datazone": "no"}
    row = ""
    for name, text in cells.items():
        row = row.ljust(header.index(name)) + text
        if name == "fm":
            row = row.ljust((header.index("flags") + header.index("cluster")) // 2) + "A"
    parsed = parse("show ap bss-table details", BSS_HEADER + row + "\n")
    [unread] = parsed.unparsed
    assert parsed.records == [] and "ambiguous" in unread.why and unread.line == 5
    # the same letter right under `cluster` is read, and placed there
    placed = row[:header.index("flags")].rstrip().ljust(header.index("cluster")) + "A" + row[header.index("cluster") + 1:]
    [record] = parse("show ap bss-table details", BSS_HEADER + placed + "\n").records
    assert (record["flags"], record["cluster"]) == ("", "A")


LICENSE = """License Table
-------------
Key                                               Installed            Expires(Grace period expiry)  Flags  Service Type
---                                               ---------            ----------------------------  -----  ------------
00000000-00000000-00000000-00000000-00000000-000  2099-05-27 19:46:18  Never                          E     Access Points: 12

License Entries: 1

Flags: A - auto-generated; E - enabled; S - Subscription; R - reboot required to activate; D - Not enabled on license client

Note: Time under 'Installed' for Subscription licenses is the license generation time.
"""


def test_notes_legends_and_blank_lines_never_become_records() -> None:
    parsed = parse("show license", LICENSE)
    assert [(r["service_type"], r["count"]) for r in parsed.records] == [("Access Points", 12)]
    assert (parsed.unparsed, parsed.warnings) == ([], [])


def test_text_after_the_table_that_wifiops_does_not_know_is_reported_never_a_record() -> None:
    """A note that reads like a row (a key-like first word, dates) is still not one: the rows have ended."""
    text = LICENSE.replace("License Entries: 1\n", "License Entries: 1\nSome-Key  2099-01-01 00:00:00  Never  E  Extra: 1\n")
    parsed = parse("show license", text)
    assert len(parsed.records) == 1
    [after] = parsed.unparsed
    assert after.line == 8 and after.text.startswith("Some-Key") and "after the table" in after.why


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["wifiops", "parse", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    out = capsys.readouterr()
    return exited.value.code or 0, out.out, out.err


def test_a_missing_trailer_is_a_warning_with_exit_0(monkeypatch, capsys, tmp_path) -> None:
    saved = tmp_path / "essid.txt"
    saved.write_text("ESSID Summary\n-------------\nESSID      APs  Clients  VLAN(s)  Encryption\n"
                     "-----      ---  -------  -------  ----------\nemployee1  1    0        10       WPA2 8021X AES\n")
    code, out, err = run(monkeypatch, capsys, "show ap essid", str(saved), "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["records"]) == 1 and data["unparsed"] == []
    assert data["warnings"] == [{"line": 5, "text": "", "why": "no trailer counting the rows after this last "
                                                             "row: the output may have been cut short"}]
    assert err == f"warning: {saved}:5: no trailer counting the rows after this last row: the output may have been cut short\n"


def test_a_trailer_that_counts_other_rows_is_still_unparsed_exit_1(monkeypatch, capsys, tmp_path) -> None:
    saved = tmp_path / "essid.txt"
    saved.write_text("ESSID Summary\n-------------\nESSID      APs  Clients  VLAN(s)  Encryption\n"
                     "-----      ---  -------  -------  ----------\nemployee1  1    0        10       WPA2 8021X AES\n"
                     "Num ESSID:2\n")
    code, _, err = run(monkeypatch, capsys, "show ap essid", str(saved))
    assert code == 1 and "the device counts 2 rows, the output holds 1" in err


@pytest.mark.parametrize(("command", "fields"), [
    ("show ip interface brief", ["interface", "address", "mask", "admin", "protocol", "vrrp_ip"]),
    ("show arp", ["protocol", "ip", "mac", "interface", "age_min"]),
    ("show vlan", ["vlan_id", "description", "ports", "aaa_profile"]),
    ("show inventory", ["serial", "model", "made", "mac_first", "mac_last"]),
])
def test_the_field_contract_of_the_napalm_getters_tables(command: str, fields: list[str]) -> None:
    """These names are read by napalm_aos8 (get_facts, get_interfaces, get_arp_table, get_vlans): renaming
    one breaks the driver and every script reading `wifiops parse --json`."""
    assert parse(command, "").fields == fields


def test_the_getters_tables_records_hold_exactly_their_fields() -> None:
    brief = parse("show ip interface brief", "Interface                   IP Address / IP Netmask        Admin   Protocol\n"
                                             "vlan 93                    162.25.53.4 / 255.255.255.192   up      up  \n")
    assert brief.records == [{"interface": "vlan 93", "address": "162.25.53.4", "mask": "255.255.255.192",
                              "admin": "up", "protocol": "up", "vrrp_ip": None}]
    vlan = parse("show vlan", "VLAN CONFIGURATION\n------------------\nVLAN  Description  Ports      AAA Profile\n"
                              "----  -----------  -----      -----------\n1     Default      GE0/0/0-5  N/A\n")
    assert vlan.records == [{"vlan_id": 1, "description": "Default", "ports": "GE0/0/0-5", "aaa_profile": None}]
