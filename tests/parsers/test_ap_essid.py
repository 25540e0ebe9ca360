"""show ap essid: SSIDs of several words, tabs, and a row whose count is not a number."""

from __future__ import annotations

from parsersamples import parse_sample


def test_the_conductor_counts_the_aps_whose_group_broadcasts_each_ssid(lab_parsed, estate) -> None:
    parsed = lab_parsed[("mm-1", "show ap essid")]
    assert parsed.unparsed == []
    assert {r["essid"]: int(r["vlans"]) for r in parsed.records} == estate.ssid_vlans
    broadcasting = {ssid: sum(1 for ap in estate.aps.values() if ssid in estate.broadcasts[ap["ap_group"]])
                    for ssid in estate.ssid_vlans}
    assert {r["essid"]: r["aps"] for r in parsed.records} == broadcasting
    encryption = {r["essid"]: r["encryption"] for r in parsed.records}
    assert (encryption["Louvre_WiFi_Gratuit"], encryption["Intra_Louvre"], encryption["Multimedia_Louvre"]) == (
        "None", "WPA2 8021X AES", "WPA2 PSK AES")


def test_the_86_capture_of_the_reference() -> None:
    parsed = parse_sample("show ap essid", "ap_essid_8.6.txt")
    assert parsed.unparsed == []
    assert parsed.records == [{"essid": "employee1", "aps": 1, "clients": 0, "vlans": "10",
                               "encryption": "WPA2 8021X AES"}]


def test_several_word_ssids_drift_tabs_and_a_broken_count() -> None:
    parsed = parse_sample("sh ap ess", "ap_essid_irregular.txt")
    assert [(r["essid"], r["aps"], r["clients"], r["vlans"], r["encryption"]) for r in parsed.records] == [
        ("Louvre Guest WiFi", 150, 2379, "300", "None"),
        ("Intra Louvre 2", 179, 504, "100", "WPA2 8021X AES"),        # an SSID that ends in a number
        ("Multimedia_Louvre", 150, 265, "120,121", "WPA3 SAE AES"),   # drifted left
        ("Staff", 12, 40, "110", "WPA2 PSK AES"),                     # tabs
    ]
    [bad] = parsed.unparsed
    assert (bad.line, bad.text.split()[0]) == (9, "Bill_Louvre")
