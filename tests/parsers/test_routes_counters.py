"""`show ip route` and `show ap debug counters`: no ArubaOS 8 capture of either is public
(docs/aos8-layouts.md). The route sample is the closest real form, an AOS 2.5 Aruba800's recorded answer
(the legend, the gateway line, a static default and a connected route, as that session printed them); the
counters sample is the lab's form. Both parse every row, exit 0."""

from __future__ import annotations

from wifiops.aos8.parse import parse

ROUTE_AOS25 = """
Codes: C - connected, O - OSPF, R - RIP, S - static
       M - mgmt, U - route usable, * - candidate default

Gateway of last resort is 10.100.26.2 to network 0.0.0.0

S*    0.0.0.0/0  [0/0] via 10.100.26.2*
C    10.100.26.0 is directly connected, VLAN1
"""

ROUTE_WITH_PREFIX = """Gateway of last resort is not set

C    10.150.1.0/24 is directly connected, VLAN150
S    10.20.0.0/16  [1/0] via 10.150.1.254*
"""

COUNTERS = """AP Counters
-----------
Name       Group         IP Address   Configs Sent  Configs Acked  Bootstraps  Reboots
----       -----         ----------   ------------  -------------  ----------  -------
ap-denon   Denon Wing    10.150.8.11  2             2              1           0
ap-sully   Sully         10.150.8.12  3             2              2           1

Total APs:2
"""


def test_the_aos25_route_table_reads_every_row():
    parsed = parse("sh ip ro", ROUTE_AOS25)
    assert not parsed.unparsed and not parsed.warnings
    assert parsed.records == [
        {"protocol": "S", "candidate_default": True, "network": "0.0.0.0/0", "distance": 0, "metric": 0,
         "next_hop": "10.100.26.2", "interface": None},
        {"protocol": "C", "candidate_default": False, "network": "10.100.26.0", "distance": None, "metric": None,
         "next_hop": None, "interface": "VLAN1"}]


def test_routes_with_prefix_lengths_and_no_gateway():
    parsed = parse("show ip route", ROUTE_WITH_PREFIX)
    assert not parsed.unparsed
    assert [(r["protocol"], r["network"], r["next_hop"]) for r in parsed.records] == [
        ("C", "10.150.1.0/24", None), ("S", "10.20.0.0/16", "10.150.1.254")]


def test_a_route_line_of_another_shape_is_reported_not_dropped():
    parsed = parse("show ip route", ROUTE_AOS25 + "O    10.9.0.0/16 somewhere else\n")
    assert [u.line for u in parsed.unparsed] == [9]


def test_ap_debug_counters_with_a_group_of_two_words():
    parsed = parse("show ap debug counters", COUNTERS)
    assert not parsed.unparsed and not parsed.warnings
    assert [(r["name"], r["group"], r["configs_sent"], r["reboots"]) for r in parsed.records] == [
        ("ap-denon", "Denon Wing", 2, 0), ("ap-sully", "Sully", 3, 1)]
