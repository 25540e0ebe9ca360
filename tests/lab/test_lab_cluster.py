"""The two 7210s as a controller cluster (issue 7, item 4), as clients read it over real SSH.

The inventory's intent (`/md/Louvre: cluster: {members: [mc-1, mc-2]}`) makes mc-1 and mc-2 one cluster:
each AP is active on one member (its AAC: Switch IP) and standby on the other (its S-AAC: Standby IP).
A real MD lists the APs it stands by for too, with the `S` flag (§4.2 legend) and the `sA` cluster role
(§4.3 legend); a user is served by one member, its AP's active controller.
"""

from __future__ import annotations

import dataclasses
import re

from netmiko import ConnectHandler
from ntc_templates.parse import parse_output

from wifiops.lab.core import LabCore
from wifiops.lab.opdata import LabClock

MDS = ("mc-1", "mc-2")
MAC_RE = r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}"


def shows(lab, host: str, *commands: str) -> list[str]:
    with ConnectHandler(**lab.device_params(host)) as conn:
        return [conn.send_command(c, read_timeout=30) for c in commands]


def ip_of(lab, host: str) -> str:
    return lab.estate.device(host).mgmt_ip


def ap_database(lab, host: str) -> list[dict]:
    (out,) = shows(lab, host, "show ap database")
    return parse_output(platform="aruba_os", command="show ap database", data=out)


def test_the_cluster_comes_from_the_inventory_intent(fresh_lab):
    clusters = fresh_lab.core.clusters()
    assert set(clusters) == {g.name for g in fresh_lab.estate.ap_groups}
    assert all(members == ["mc-1", "mc-2"] for members in clusters.values())


def test_each_md_lists_its_standby_aps_with_the_s_flag(fresh_lab):
    active: dict[str, set[str]] = {}
    for md in MDS:
        me = ip_of(fresh_lab, md)
        records = ap_database(fresh_lab, md)
        assert len(records) == 358
        mine = {r["ap_name"] for r in records if r["primary"] == me}
        standby = [r for r in records if r["standby"] == me]
        assert mine and standby and len(mine) + len(standby) == 358
        # an empty Flags cell makes the template read the uptime as flags: it never holds an `S`
        assert all("S" not in r["flags"] for r in records if r["primary"] == me)
        assert all(r["flags"].endswith("S") for r in standby)
        assert {r["primary"] for r in standby} == {ip_of(fresh_lab, m) for m in MDS if m != md}
        active[md] = mine
    assert not active["mc-1"] & active["mc-2"]
    assert len(active["mc-1"] | active["mc-2"]) == 358
    assert abs(len(active["mc-1"]) - len(active["mc-2"])) <= 1  # split evenly


def test_legends_carry_the_cluster_roles(fresh_lab):
    database, bss = shows(fresh_lab, "mc-1", "show ap database", "show ap bss-table")
    assert "S = Standby-mode AP;" in database
    assert "cluster (cluster role): U-UAC, A-AAC, sU-Standby UAC, sA-Standby AAC" in bss


def test_the_mm_view_stays_estate_wide_without_standby_flags(fresh_lab):
    records = ap_database(fresh_lab, "mm-1")
    assert len(records) == 358
    assert not [r for r in records if "S" in r["flags"]]
    pairs = {(r["primary"], r["standby"]) for r in records}
    a, b = (ip_of(fresh_lab, m) for m in MDS)
    assert pairs == {(a, b), (b, a)}


def test_bss_table_roles_and_client_counts_follow_the_cluster(fresh_lab):
    """A BSS is `A` on its AP's active controller (which counts its users as active clients) and `sA` on
    the standby one (the same users as standby clients, none current); each user is counted once."""
    by_md = {}
    for md in MDS:
        out, database = shows(fresh_lab, md, "show ap bss-table details", "show ap database")
        # cells of the lab's rows (SSIDs are one word here; Flags may be empty, so count from both ends)
        records = [{"bss": c[0], "ap_name": c[8], "cur_cl": c[7], "cluster": c[-4], "active_clients": c[-3],
                    "standby_clients": c[-2]}
                   for c in (line.split() for line in out.split("\n") if re.match(MAC_RE + " ", line))]
        assert len(records) > 3000
        by_md[md] = {r["bss"]: r for r in records}
        primary = {r["ap_name"]: r["primary"]
                   for r in parse_output(platform="aruba_os", command="show ap database", data=database)}
        for r in records:
            role = "A" if primary[r["ap_name"]] == ip_of(fresh_lab, md) else "sA"
            assert r["cluster"] == role
            if role == "sA":
                assert (r["cur_cl"], r["active_clients"]) == ("0", "0")
            else:
                assert r["cur_cl"] == r["active_clients"] and r["standby_clients"] == "0"
        total = sum(int(r["cur_cl"]) for r in records)
        assert out.endswith(f"Num Associations:{total}")
    assert by_md["mc-1"].keys() == by_md["mc-2"].keys()
    for bss, one in by_md["mc-1"].items():
        other = by_md["mc-2"][bss]
        assert {one["cluster"], other["cluster"]} == {"A", "sA"}
        assert int(one["active_clients"]) + int(other["active_clients"]) == \
            int(one["standby_clients"]) + int(other["standby_clients"])
    live = len(fresh_lab.core.ops.live_clients())
    assert sum(int(r["cur_cl"]) for recs in by_md.values() for r in recs.values()) == live


def test_a_user_is_served_by_one_member_its_aps_active_controller(fresh_lab):
    seen: dict[str, str] = {}
    for md in MDS:
        users, database = shows(fresh_lab, md, "show user-table", "show ap database")
        me = ip_of(fresh_lab, md)
        mine = {r["ap_name"] for r in parse_output(platform="aruba_os", command="show ap database", data=database)
                if r["primary"] == me}
        rows = [line for line in users.split("\n") if re.search(rf"  {MAC_RE}  ", line)]
        wireless = [line for line in rows if "Wireless" in line.split()]
        for line in wireless:
            mac = re.search(MAC_RE, line).group()
            assert mac not in seen, f"{mac} on {seen.get(mac)} and {md}"
            seen[mac] = md
            assert set(line.split()) & mine, line  # its AP is active here
    assert len(seen) == len(fresh_lab.core.ops.live_clients())


def test_a_one_member_cluster_serves_every_ap_without_standby(lab):
    """The intent decides: a cluster of mc-2 alone puts every AP on it, with no standby controller."""
    estate = lab.estate
    node_data = {path: dict(data) for path, data in estate.node_data.items()}
    node_data["/md/Louvre"]["cluster"] = {"name": "solo", "members": ["mc-2"]}
    core = LabCore(dataclasses.replace(estate, node_data=node_data), clock=LabClock.frozen(1795858200.0))
    assert {s.switch for s in core.ops.ap_state.values()} == {"mc-2"}
    assert {s.standby for s in core.ops.ap_state.values()} == {""}
    mc1 = core.render_show(estate.device("mc-1"), "show ap database")
    assert mc1.endswith("Total APs:0")


def test_ap_active_on_an_md_lists_only_the_aps_active_on_it(fresh_lab):
    """[R] `show ap active` on an MD: only its active APs (no standby rows)."""
    counts = []
    for md in MDS:
        (out,) = shows(fresh_lab, md, "show ap active")
        counts.append(int(re.search(r"Num APs:(\d+)$", out).group(1)))
    assert sum(counts) == 358 and min(counts) > 0
