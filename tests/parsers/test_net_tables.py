"""`show ip interface brief`, `show arp`, `show vlan` (the NAPALM driver's getters read them): samples written
from arubaos8.md §4.10 (the ntc-templates captures it quotes, the VRRP variant, the 6.x VLAN layout), and
the lab's answers over SSH."""

from __future__ import annotations

from wifiops.aos8.parse import parse
from wifiops.aos8.session import Aos8Session

BRIEF = """Interface                   IP Address / IP Netmask        Admin   Protocol
vlan 93                    162.25.53.4 / 255.255.255.192   up      up  
vlan 1                      unassigned / unassigned        up      up  
vlan 999                 162.21.33.196 / 255.255.255.240   up      down
vlan 15                   10.22.10.253 / 255.255.255.0     up      up         none            (none)
loopback                    unassigned / unassigned        up      up  
"""

ARP = """
Codes: * - Local Addresses, S - Static, A - Auth

Total ARP entries: 2

IPV4 ARP Table
--------------
 Protocol    IP Address    Hardware Address   Interface  Age (min)
----------   ----------    ----------------   ---------  ---------
   Internet  10.13.68.113  24:be:05:28:10:71  vlan10     78
   Internet  10.13.68.114  b0:5a:da:38:7e:0d  vlan10     19
   Internet  10.13.68.117  10:e7:c6:05:d3:22  vlan10     1376
"""

VLAN = """VLAN CONFIGURATION
------------------
VLAN  Description  Ports      AAA Profile
----  -----------  -----      -----------
1     Default      GE0/0/0-5  N/A
100   VLAN0100     GE0/0/0    intra-aaa
"""


def test_ip_interface_brief_has_no_dash_row_and_may_carry_vrrp_cells() -> None:
    parsed = parse("sh ip int b", BRIEF)
    assert parsed.unparsed == []
    rows = {r["interface"]: r for r in parsed.records}
    assert list(rows) == ["vlan 93", "vlan 1", "vlan 999", "vlan 15", "loopback"]
    assert rows["vlan 93"]["address"] == "162.25.53.4" and rows["vlan 93"]["mask"] == "255.255.255.192"
    assert rows["vlan 1"]["address"] is None and rows["vlan 999"]["protocol"] == "down"


def test_arp_rows_are_not_checked_against_the_preambles_total() -> None:
    parsed = parse("show arp", ARP)
    assert parsed.unparsed == [] and len(parsed.records) == 3  # the preamble says 2: real fixtures drift
    assert parsed.records[2] == {"protocol": "Internet", "ip": "10.13.68.117", "mac": "10:e7:c6:05:d3:22",
                                 "interface": "vlan10", "age_min": 1376}


def test_vlan_table_and_a_broken_row_is_reported() -> None:
    parsed = parse("show vlan", VLAN + "abc   not a vlan row\n")
    assert [(r["vlan_id"], r["aaa_profile"]) for r in parsed.records] == [(1, None), (100, "intra-aaa")]
    assert len(parsed.unparsed) == 1 and "abc" in parsed.unparsed[0].text


def test_the_labs_answers_parse_whole(lab) -> None:
    user, password = lab.credentials
    with Aos8Session.connect("127.0.0.1", port=lab.port("mc-1"), username=user, password=password, name="mc-1",
                             known_hosts=lab.known_hosts) as md:
        for command in ("show ip interface brief", "show arp", "show vlan", "show inventory",
                        "show ap radio-database"):
            parsed = parse(command, md.show(command))
            assert parsed.records and parsed.unparsed == [], command
    with Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password, name="mm-1",
                             known_hosts=lab.known_hosts) as mm:
        [vm] = parse("show inventory", mm.show("show inventory")).records   # a VM: a serial with no date
        assert vm["serial"] and vm["model"] == "ArubaMM-VA" and vm["made"] is None
