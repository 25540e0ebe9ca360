"""show user-table [verbose]: empty cells, IPv6 users, centred headers, `0 (0)`, and rows it must not guess."""

from __future__ import annotations

import re

from parsersamples import parse_sample, pick

MAC = re.compile(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}")


def test_an_md_lists_its_wireless_users_on_known_aps_and_its_aps_tunnels(lab_parsed, estate) -> None:
    """An AP in tunnel mode is itself a user of its MD, printed as real 8.10 prints it (tests/real/shows,
    fz3r0-1): WIRELESS, role sys-ap-role, auth TRANSPORT-VPN, MAC all zeros, AP name N/A, no SSID."""
    parsed = lab_parsed[("mc-1", "show user-table")]
    assert parsed.unparsed == [] and parsed.records       # the trailer's count matched the rows too
    tunnels = [u for u in parsed.records if u["role"] == "sys-ap-role"]
    clients = [u for u in parsed.records if u["role"] != "sys-ap-role"]
    assert clients and tunnels
    for user in clients:
        assert user["user_type"] == "WIRELESS"
        assert user["ap_name"] in estate.aps and user["essid"] in estate.ssid_vlans
        assert MAC.fullmatch(user["mac"]) and MAC.fullmatch(user["bssid"]) and user["phy"].endswith(("-HE", "-HT", "-VHT"))
        assert user["role"] and user["age_s"] >= 0 and user["forward_mode"] == "tunnel"
    active = {r["name"] for r in lab_parsed[("mc-1", "show ap active")].records}
    assert len(tunnels) == len(active)                    # one tunnel entry per AP this MD serves
    for user in tunnels:
        assert pick(user, {"auth": "TRANSPORT-VPN", "ap_name": None, "essid": None, "mac": "00:00:00:00:00:00",
                           "user_type": "WIRELESS"}) == {"auth": "TRANSPORT-VPN", "ap_name": None, "essid": None,
                                                         "mac": "00:00:00:00:00:00", "user_type": "WIRELESS"}


def test_verbose_has_the_same_users_with_their_server_and_vlan(lab_parsed) -> None:
    plain = lab_parsed[("mc-1", "show user-table")].records
    verbose = lab_parsed[("mc-1", "show user-table verbose")]
    assert verbose.unparsed == []
    assert [(u["ip"], u["mac"], u["essid"]) for u in verbose.records] == [(u["ip"], u["mac"], u["essid"]) for u in plain]
    for user in verbose.records:
        assert re.fullmatch(r"\d+ \(\d+\)", user["vlan"]) and user["ua_str"] == "OFF/0/0"
    assert {u["server"] for u in verbose.records if u["auth"] == "802.1x"} == {"cppm-1"}
    assert lab_parsed[("mm-1", "show user-table")].records == []      # an MM serves no user


def test_empty_cells_ipv6_users_several_word_types_and_tabs() -> None:
    parsed = parse_sample("show user-table", "user_table.txt")
    expected = [
        {"ip": "10.100.0.4", "name": "chloe.martin", "auth": "802.1x", "vpn_link": None, "type": "Win 10",
         "host_name": None, "essid": "Staff", "bssid": "cc:88:c7:11:22:30", "phy": "5GHz-HE", "age_s": 4 * 3600 + 2 * 60},
        {"ip": "10.44.0.2", "name": None, "role": "guest-logon", "auth": None, "essid": "Louvre Guest WiFi",
         "type": "iPhone", "age_s": 60},                      # a portal user before login: no name, no auth
        {"name": "2e:cd:77:fb:cf:a8", "role": "guest-internet", "auth": "Web", "type": "OS X",
         "host_name": "MacBook-Anne", "age_s": 1 * 3600 + 52 * 60},   # a long name pushes the row right
        {"ip": "2001:db8:100::1a2b", "mac": "e4:5e:37:89:ed:0c", "name": "chloe.martin"},
        {"ip": "fe80::e65e:37ff:fe89:ed0c", "ap_name": "wing-ap01", "user_type": "WIRELESS"},  # longer than IP
        {"ip": "10.20.0.11", "name": None, "role": "ap-role", "auth": "TRANSPORT-VPN", "ap_name": None,
         "roaming": None, "essid": None, "bssid": None, "profile": "default", "user_type": "WIRED"},
        {"ip": "10.45.0.7", "roaming": "Associated(Remote)", "forward_mode": "split-tunnel", "type": "Android",
         "host_name": "Pixel-8", "age_s": 86400 + 2 * 3600 + 3 * 60},   # a tab after the IP
    ]
    assert [pick(r, want) for r, want in zip(parsed.records, expected)] == expected
    assert len(parsed.records) == len(expected)
    ambiguous, bad_mac = parsed.unparsed
    assert ambiguous.line == 14 and "ambiguous" in ambiguous.why   # Pixel-8 between Type and Host Name
    assert bad_mac.line == 15 and "'4a:03:0c:b0:33'" in bad_mac.why and "MAC" in bad_mac.why


def test_verbose_centred_headers_and_vlan_cells() -> None:
    parsed = parse_sample("sh user verb", "user_table_verbose.txt")
    assert parsed.command == "show user-table verbose" and parsed.unparsed == []
    expected = [
        {"ip": "10.100.0.4", "mac": "e4:5e:37:89:ed:0c", "name": "chloe.martin", "server": "cppm-1",
         "vlan": "100 (100)", "bwm": None, "ua_str": "OFF/0/0"},
        {"ip": "10.20.0.11", "name": None, "role": "ap-role", "server": None, "vlan": "0 (0)", "ua_str": "OFF/0/0"},
        {"name": "4a:03:0c:b0:33:08", "role": "guest-logon", "age_s": 60, "auth": None, "vlan": "300 (300)",
         "essid": "Guest WiFi"},                              # cells a character or two off their columns
    ]
    assert [pick(r, want) for r, want in zip(parsed.records, expected)] == expected
