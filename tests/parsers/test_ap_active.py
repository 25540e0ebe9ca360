"""show ap active: the APs at work with their radios and clients, on the lab and on irregular rows."""

from __future__ import annotations

from parsersamples import parse_sample, pick


def test_the_conductor_lists_every_ap_at_work_as_the_inventory_has_it(lab_parsed, estate) -> None:
    parsed = lab_parsed[("mm-1", "show ap active")]
    assert parsed.unparsed == []
    assert {r["name"]: (r["group"], f"IAP-{r['ap_type']}") for r in parsed.records} == {
        name: (ap["ap_group"], ap["model"]) for name, ap in estate.aps.items()}
    for record in parsed.records:
        assert record["clients"] == record["radio0_clients"] + record["radio1_clients"]
        assert (record["radio0_band"], record["radio1_band"], record["radio2_band"]) == ("5GHz", "2.4GHz", None)
        assert record["uptime_s"] > 0 and record["outer_ip"] is None


def test_an_md_counts_the_clients_its_user_table_holds(lab_parsed) -> None:
    """Two outputs of the same MD agree: the clients of its active APs are its wireless users."""
    active = lab_parsed[("mc-1", "show ap active")]
    users = lab_parsed[("mc-1", "show user-table")]
    assert active.unparsed == [] and active.records
    wireless = [u for u in users.records if u["essid"]]  # an AP's own tunnel entry is WIRELESS too, without an SSID
    assert sum(r["clients"] for r in active.records) == len(wireless)
    per_ap: dict[str, int] = {}
    for user in wireless:
        per_ap[user["ap_name"]] = per_ap.get(user["ap_name"], 0) + 1
    assert {r["name"]: r["clients"] for r in active.records if r["clients"]} == per_ap


def test_three_radios_empty_flags_a_utf8_name_that_pulls_the_row_left_and_a_bad_radio_cell() -> None:
    parsed = parse_sample("show ap active", "ap_active.txt")
    by_name = {r["name"]: r for r in parsed.records}
    expected = {
        "aile-ap01": {"group": "Aile Denon", "flags": "", "clients": 11, "radio2_band": None,
                      "radio0_channel": "124", "radio0_eirp": 14.0, "uptime_s": 2 * 86400 + 17 * 3600 + 8 * 60 + 4},
        "aile-ap02": {"flags": "2", "clients": 11, "radio2_mode": "AP", "radio2_band": "6GHz",
                      "radio2_channel": "37", "radio2_clients": 5, "radio0_channel": "36+", "ap_type": "635"},
        "salle-rosé-ap": {"ip": "10.30.0.13", "flags": "i", "clients": 13, "radio1_mode": "AM",
                          "radio1_phy": "HT", "ap_type": "305", "uptime_s": 38 * 86400 + 19 * 60 + 18},
        "aile-ap04": {"flags": "R", "outer_ip": "203.0.113.7", "clients": 24},
    }
    assert {name: pick(by_name[name], want) for name, want in expected.items()} == expected
    [bad] = parsed.unparsed
    assert bad.line == 9 and bad.text.startswith("aile-ap05") and "radio0" in bad.why
