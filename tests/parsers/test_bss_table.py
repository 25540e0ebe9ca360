"""show ap bss-table [details]: one row per BSS; 8.6 and 8.10 layouts; flags and cluster told apart by place."""

from __future__ import annotations

from collections import Counter

from parsersamples import parse_sample, pick


def test_an_md_of_the_cluster_lists_every_ap_once_active_or_standby(lab_parsed, estate) -> None:
    parsed = lab_parsed[("mc-1", "show ap bss-table")]
    assert parsed.unparsed == [] and parsed.records
    active = {r["ap_name"] for r in parsed.records if r["cluster"] == "A"}
    standby = {r["ap_name"] for r in parsed.records if r["cluster"] == "sA"}
    assert active | standby == set(estate.aps) and not active & standby
    for record in parsed.records:
        assert record["band"] in ("5GHz", "2.4GHz") and record["ht_mode"] in ("HE", "VHT", "HT")
        assert record["clients"] == record["active_clients"]
        assert record["wan_mode"] is None and record["datazone"] == "no"   # 8.10 has no wan-mode column
    details = lab_parsed[("mc-1", "show ap bss-table details")]
    assert details.unparsed == []
    assert [(r["bss"], r["ess"], r["ap_name"]) for r in details.records] == [
        (r["bss"], r["ess"], r["ap_name"]) for r in parsed.records]


def test_clients_per_ssid_agree_with_the_essid_summary_and_the_user_table(lab_parsed) -> None:
    bss = lab_parsed[("mc-1", "show ap bss-table")].records
    essid = {r["essid"]: r for r in lab_parsed[("mc-1", "show ap essid")].records}
    users = Counter(u["essid"] for u in lab_parsed[("mc-1", "show user-table")].records if u["essid"])
    clients: Counter[str] = Counter()
    aps: dict[str, set[str]] = {}
    for record in bss:
        clients[record["ess"]] += record["clients"]
        if record["cluster"] == "A":
            aps.setdefault(record["ess"], set()).add(record["ap_name"])
    assert clients == Counter({name: r["clients"] for name, r in essid.items()}) == users
    assert {name: len(names) for name, names in aps.items()} == {name: r["aps"] for name, r in essid.items()}


def test_the_86_layout_of_the_reference() -> None:
    parsed = parse_sample("show ap bss-table", "bss_table_8.6.txt")
    assert parsed.unparsed == []
    expected = [
        {"bss": "00:4e:35:10:58:90", "ess": "employee1", "band": "5GHz", "ht_mode": "VHT", "channel": "161E",
         "eirp": 127.5, "max_eirp": 0.0, "clients": 0, "tot_time_s": 13, "mtu": 1500, "forward_mode": "T",
         "wan_mode": "always", "flags": "", "cluster": None, "datazone": "no", "port": None, "bandwidth": None},
        {"bss": "00:4e:35:10:58:80", "band": "2.4GHz", "ht_mode": "HT", "channel": "6", "ap_name": "ap01"},
    ]
    assert [pick(r, want) for r, want in zip(parsed.records, expected)] == expected


def test_the_810_details_layout_with_several_word_ssids_and_drifting_rows() -> None:
    parsed = parse_sample("show ap bss-table details", "bss_table_8.10_details.txt")
    expected = [
        {"ess": "Staff", "band": "5GHz", "ht_mode": "HE", "bandwidth": "40MHz", "channel": "136-", "eirp": 19.0,
         "max_eirp": 27.1, "clients": 14, "tot_time_s": 11 * 3600 + 35, "flags": "KrT", "cluster": "A"},
        {"ess": "Louvre Guest WiFi", "flags": "KT", "cluster": "A", "active_clients": 3},
        {"ess": "Louvre Guest WiFi", "band": "2.4GHz", "flags": "", "cluster": "A"},      # empty flags
        {"ess": "Staff", "band": "6GHz", "bandwidth": "160MHz", "channel": "197S", "flags": "A", "cluster": None,
         "standby_clients": 2},                                # a lone A under flags: its place says which
        {"ess": "Louvre Guest WiFi", "ap_name": "wing-ap02", "flags": "KT", "cluster": "sA",
         "standby_clients": 5},                                # cells drifting right and left
        {"bss": "cc:88:c7:11:33:30", "flags": "", "cluster": "A", "standby_clients": 1,
         "tot_time_s": 2 * 86400 + 3600 + 5},                  # a row drifting left further and further
    ]
    assert [pick(r, want) for r, want in zip(parsed.records, expected)] == expected
    assert len(parsed.records) == len(expected)
    [bad] = parsed.unparsed
    assert bad.line == 15 and "'cc:88:c7:11:33:3'" in bad.why and "bss" in bad.why
