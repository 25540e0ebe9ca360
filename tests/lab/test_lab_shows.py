"""The lab's operational state and show outputs, checked against the inventory, the reference's
samples (shared/reference/arubaos8.md §4, written into these tests, never the lab's own constants) and
ntc-templates' TextFSM templates.

Most of the first half calls render_show directly on an estate built from inventory/*.yaml read with
plain PyYAML (the lab must not depend on the toolkit's inventory code), with a clock standing still.
The tests of issue 7's items (table ends, 8.10 bss-table, user-table verbose, inventory, radio
database, version) read the session lab over real SSH with netmiko, as a client does.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from ntc_templates.parse import parse_output

from wifiops.lab.opdata import LabAp, LabClock, LabDevice, LabSsid, Operations
from wifiops.lab.shows import render_show, resolve, uptime

INVENTORY = Path(__file__).resolve().parents[2] / "inventory"
VERSION = "8.10.0.12"
UPTIME_RE = re.compile(r"^(\d+d:\d+h:|\d+h:)?\d+m:\d+s$")
T0 = 1795858200.0  # 2026-11-28 09:30:00 UTC: where the direct-render tests' clock stands


def _load(name: str) -> dict:
    return yaml.safe_load((INVENTORY / name).read_text())


def inventory_estate() -> tuple[list[LabDevice], list[LabAp], list[LabSsid], dict[str, list[str]]]:
    aps = [LabAp(**a) for a in _load("aps.yaml")["aps"]]
    groups = _load("groups.yaml")
    ssids = [LabSsid(s["name"], s["profile"], s["opmode"], s["vlan"]) for s in groups["/md"]["data"]["ssids"]]
    ap_group_ssids = {}
    for name, group in groups.items():
        data = group.get("data", {})
        if data.get("group_kind") == "ap_group":
            ap_group_ssids[name] = list(data["broadcasts"])
    devices = []
    for name, host in _load("hosts.yaml").items():
        role = next((r for r in ("mm", "md") if r in host.get("groups", [])), None)
        if role:
            mac = host["data"].get("mac", f"00:0c:29:15:00:{len(devices):02x}")
            devices.append(LabDevice(name, role, host["data"]["model"], mac, host["hostname"], VERSION))
    return devices, aps, ssids, ap_group_ssids


@pytest.fixture(scope="module")
def estate() -> tuple[list[LabDevice], list[LabAp], list[LabSsid], dict[str, list[str]]]:
    return inventory_estate()


@pytest.fixture()
def ops(estate) -> Operations:
    return Operations.build(*estate, clients=8000, seed=1, clock=LabClock.frozen(T0))


def dev(ops: Operations, role: str, index: int = 0) -> LabDevice:
    return [d for d in ops.devices if d.role == role][index]


def rows_of(text: str) -> list[str]:
    """Data rows of the first table: after the header's dash row, up to a blank line or a trailer."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if re.match(r"^-+( +-+)+ *$", line)) + 1
    end = next((i for i in range(start, len(lines))
                if not lines[i].strip() or lines[i].startswith(("Num ", "Total "))), len(lines))
    return lines[start:end]


# --- show ap database ------------------------------------------------------------------------------

def test_ap_database_on_mm_parses_with_ntc_template_into_the_inventory(ops, estate):
    _, aps, _, _ = estate
    assert len(aps) == 358
    text = render_show(ops, dev(ops, "mm"), "show ap database")
    records = parse_output(platform="aruba_os", command="show ap database", data=text)
    assert sorted((r["ap_name"], r["group"]) for r in records) == sorted((a.name, a.ap_group) for a in aps)
    assert text.endswith("Total APs:358")


def test_ntc_template_misreads_empty_flags_rows_as_documented(ops):
    """What ntc-templates' aruba_os_show_ap_database does with an empty Flags cell (measured, not wished).

    Its STATUS value is lazy `(.+?)` followed by a mandatory `\\S+` FLAGS, so:
    * `Up 7d:21h:24m:34s` + empty Flags -> status `Up`, flags `7d:21h:24m:34s` (the uptime);
    * `Down` + empty Flags -> status ` ` (one padding space), flags `Down`.
    Names, groups, model, IP, Switch IP and Standby IP stay right, which is all the assertions rely on.
    """
    ops.down_groups.add("DELACROIX")
    text = render_show(ops, dev(ops, "mm"), "show ap database")
    by_name = {r["ap_name"]: r for r in parse_output(platform="aruba_os", command="show ap database", data=text)}
    assert len(by_name) == 358
    for ap in ops.aps:
        record, state = by_name[ap.name], ops.ap_state[ap.name]
        up = ap.ap_group != "DELACROIX"
        assert record["ip_address"] == state.ip
        if state.flags:  # the template gets these rows right
            assert record["flags"] == state.flags
            assert record["status"].startswith("Up ") if up else record["status"] == "Down"
        elif up:
            assert (record["status"], UPTIME_RE.match(record["flags"]) is not None) == ("Up", True)
        else:
            assert (record["status"], record["flags"]) == (" ", "Down")
    assert any(not ops.ap_state[a.name].flags for a in ops.aps), "the estate must exercise empty Flags"


def test_ap_database_layout_pads_to_widest_cell_plus_two(ops):
    text = render_show(ops, dev(ops, "mm"), "show ap database")
    lines = text.split("\n")
    assert lines[:3] == ["", "AP Database", "-----------"]
    header, dashes = lines[3], lines[4]
    starts = [m.start() for m in re.finditer(r"-+", dashes)]
    assert [header[s:].split("  ")[0] for s in starts] == ["Name", "Group", "AP Type", "IP Address", "Status",
                                                          "Flags", "Switch IP", "Standby IP"]
    rows = rows_of(text)
    first_cells = [row[:starts[1]] for row in rows]
    assert max(len(c.rstrip()) for c in first_cells) + 2 == starts[1]
    status_col = [row[starts[4]:starts[5]].rstrip() for row in rows]
    assert all(s.startswith("Up ") and UPTIME_RE.match(s[3:]) for s in status_col)
    assert "Flags: 1 = 802.1x authenticated AP use EAP-PEAP;" in text


def test_each_md_lists_the_aps_it_terminates_and_those_it_stands_by_for(ops):
    """A two-member cluster: every AP is active on one MD (its Switch IP) and standby on the other."""
    active = []
    for md in [d for d in ops.devices if d.role == "md"]:
        text = render_show(ops, md, "show ap database")
        rows = rows_of(text)
        assert len(rows) == 358 and text.endswith("Total APs:358")
        mine = [r for r in rows if r.split()[-2] == md.mgmt_ip]
        assert all(r.split()[-1] != md.mgmt_ip for r in mine)
        active.append(len(mine))
    assert sum(active) == 358 and abs(active[0] - active[1]) <= 1


def test_ap_database_long_parses_with_ntc_template(ops):
    text = render_show(ops, dev(ops, "mm"), "show ap database long")
    records = parse_output(platform="aruba_os", command="show ap database long", data=text)
    macs = {a.name: a.mac for a in ops.aps}
    assert {r["ap_name"]: r["mac_address"] for r in records} == macs


# --- the ap-group-down fault ------------------------------------------------------------------------

def test_ap_group_down_shows_down_and_drops_clients(ops):
    group = "DELACROIX"
    members = {a.name for a in ops.aps if a.ap_group == group}
    before = sum(len(wireless_users(render_show(ops, md, "show user-table")))
                 for md in ops.devices if md.role == "md")
    ops.down_groups.add(group)
    mm = dev(ops, "mm")
    rows = rows_of(render_show(ops, mm, "show ap database"))
    down = {r.split()[0] for r in rows if "  Down  " in r}
    assert down == members
    active = render_show(ops, mm, "show ap active")
    assert not members & {r.split()[0] for r in rows_of(active)}
    assert active.endswith(f"Num APs:{358 - len(members)}")
    after = 0
    for md in [d for d in ops.devices if d.role == "md"]:
        users = rows_of(render_show(ops, md, "show user-table"))
        assert not any(f"  {name}  " in row for row in users for name in members)
        assert not {row.split()[0] for row in users} & {ops.ap_state[n].ip for n in members}  # nor tunnels
        after += len(wireless(users))
    lost = sum(1 for c in ops.clients if c.ap in members)
    assert lost > 0 and after == before - lost
    essid = render_show(ops, mm, "show ap essid")
    assert "Delacroix_WiFi_Gratuit" not in essid  # only DELACROIX broadcasts it
    ops.down_groups.clear()
    assert "Delacroix_WiFi_Gratuit" in render_show(ops, mm, "show ap essid")


# --- users, SSIDs, BSSes ------------------------------------------------------------------------------

def wireless(rows: list[str]) -> list[str]:
    """User table rows that are wireless users (an Essid/Bssid/Phy cell), not AP tunnels."""
    return [row for row in rows if re.search(r" \S+/[0-9a-f:]{17}/\S+GHz-", row)]


def wireless_users(text: str) -> list[str]:
    return wireless(rows_of(text))


def test_user_table_entries_match_the_clients(ops):
    total = 0
    for md in [d for d in ops.devices if d.role == "md"]:
        text = render_show(ops, md, "show user-table")
        n = len(rows_of(text))
        assert text.endswith(f"User Entries: {n}/{n}")
        total += len(wireless_users(text))
    assert total == 8000
    mm_text = render_show(ops, dev(ops, "mm"), "show user-table")
    assert mm_text.endswith("User Entries: 0/0")  # users live in the MDs' datapath


def test_clients_only_on_ssids_their_group_broadcasts_with_matching_roles(ops):
    groups = {a.name: a.ap_group for a in ops.aps}
    opmode = {s.name: s.opmode for s in ops.ssids}
    roles: dict[str, set[str]] = {}
    for c in ops.clients:
        assert c.ssid in ops.ap_group_ssids[groups[c.ap]]
        roles.setdefault(opmode[c.ssid], set()).add(c.role)
    assert roles["opensystem"] == {"guest-logon", "guest-internet"}
    assert roles["wpa2-aes"] == {"authenticated"}
    assert {"iPhone", "Android", "Win 10", "OS X", "iPad", "Linux"} <= {c.dev_type for c in ops.clients}
    assert len({c.mac for c in ops.clients}) == len(ops.clients)


def test_user_table_verbose_adds_columns_and_alloc_line(ops):
    text = render_show(ops, dev(ops, "md"), "show user-table verbose")
    header = text.split("\n")[3]
    for col in ("Server", "Vlan", "Bwm", "UaStr:ParseDisable/Flag/ShortIndex"):
        assert col in header
    assert text.split("\n")[-1].startswith(" Curr/Cum Alloc:")


def test_essid_and_bss_table_totals(ops):
    mm, md = dev(ops, "mm"), dev(ops, "md")
    essid = render_show(ops, mm, "show ap essid")
    assert essid.endswith("Num ESSID:6")
    clients = sum(int(row.split()[2]) for row in rows_of(essid))
    assert clients == 8000
    bss = render_show(ops, md, "show ap bss-table")
    expected_bss = sum(2 * len(ops.ap_group_ssids[a.ap_group]) for a in ops.aps)  # active and standby
    assert len(rows_of(bss.split("Aruba AP BSS Table", 1)[1])) == expected_bss
    assert "Num APs:358" in bss


# --- device facts --------------------------------------------------------------------------------------

def test_version_inventory_and_system_lines(ops):
    mm, md = dev(ops, "mm"), dev(ops, "md")
    assert "ArubaOS (MODEL: ArubaMM-VA), Version 8.10.0.12 LSR" in render_show(ops, mm, "show version")
    md_version = render_show(ops, md, "show version")
    assert "ArubaOS (MODEL: Aruba7210), Version 8.10.0.12 LSR" in md_version
    assert re.search(r"^Switch uptime is \d+ days \d+ hours \d+ minutes \d+ seconds$", md_version, re.M)
    inventory = render_show(ops, md, "show inventory")
    assert "SC Model#                 \t: Aruba7210" in inventory
    parsed = parse_output(platform="aruba_os", command="show inventory", data=inventory)
    assert parsed[0]["sc_model"] == "Aruba7210"
    assert re.fullmatch(r"user \d+\.\d%, system \d+\.\d%, idle \d+\.\d%", render_show(ops, md, "show cpuload"))
    memory = render_show(ops, md, "show memory")
    total, used, free = map(int, re.fullmatch(r"Memory \(Kb\): total: (\d+), used: (\d+), free: (\d+)",
                                              memory).groups())
    assert total == used + free
    assert re.fullmatch(r"\w{3} \w{3} \d\d \d\d:\d\d:\d\d\.\d{3} \w+ \d{4}", render_show(ops, mm, "show clock"))


def test_license_counts_cover_the_aps(ops):
    text = render_show(ops, dev(ops, "mm"), "show license")
    services = Counter()
    for row in rows_of(text):
        service, count = row.rsplit(":", 1)
        services[service.split("  ")[-1].strip()] += int(count)
    assert set(services) == {"Access Points", "Next Generation Policy Enforcement Firewall Module",
                             "RF Protect"}
    assert all(358 <= n < 358 + 50 for n in services.values())
    assert "License Entries: 3" in text


# --- command words, persistence, determinism, speed ---------------------------------------------------

def test_abbreviations_and_unknown_commands(ops):
    mm = dev(ops, "mm")
    assert resolve("sh ap data") == ("show", "ap", "database")
    assert render_show(ops, mm, "sh ap data") == render_show(ops, mm, "show ap database")
    assert resolve("sh user-t verb") == ("show", "user-table", "verbose")
    assert render_show(ops, mm, "show ap") is None
    assert render_show(ops, mm, "show ap databse") is None
    assert render_show(ops, mm, "show hostname") is None  # the shell answers it
    assert render_show(ops, mm, "s ap database") is None  # below the minimum prefix


def test_uptime_format():
    assert uptime(523) == "8m:43s"
    assert uptime(3600 * 5 + 61) == "5h:1m:1s"
    assert uptime(2 * 86400 + 17 * 3600 + 8 * 60 + 4) == "2d:17h:8m:4s"


def test_to_dict_round_trips_through_json(ops):
    ops.down_groups.add("LIEVIN")
    copy = Operations.from_dict(json.loads(json.dumps(ops.to_dict())), ops.clock)
    assert copy.to_dict() == ops.to_dict()
    for command in ("show ap database", "show user-table", "show ap bss-table", "show license"):
        for device in (dev(ops, "mm"), dev(ops, "md")):
            assert render_show(copy, device, command) == render_show(ops, device, command)


def test_build_is_deterministic_from_the_seed(estate):
    a = Operations.build(*estate, clients=500, seed=7, clock=LabClock.frozen(T0)).to_dict()
    b = Operations.build(*estate, clients=500, seed=7, clock=LabClock.frozen(T0)).to_dict()
    c = Operations.build(*estate, clients=500, seed=8, clock=LabClock.frozen(T0)).to_dict()
    assert a == b
    assert a["clients"] != c["clients"]


def test_single_md_carries_every_user(estate):
    """With one MD in the cluster, all clients are on it. (Build and render times: benchmarks/bench_lab_opdata.py.)"""
    devices, aps, ssids, groups = estate
    one_md = [d for d in devices if d.role == "mm"] + [d for d in devices if d.role == "md"][:1]
    ops = Operations.build(one_md, aps, ssids, groups, clients=8000, seed=1, clock=LabClock.frozen(T0))
    text = render_show(ops, dev(ops, "md"), "show user-table")
    assert len(wireless_users(text)) == 8000
    assert text.endswith("User Entries: 8358/8358")  # and the 358 APs' tunnels
    records = parse_output(platform="aruba_os", command="show ap database",
                           data=render_show(ops, dev(ops, "md"), "show ap database"))
    assert len(records) == 358  # no standby without a peer:
    assert all(r["standby"] == "0.0.0.0" and "S" not in r["flags"] for r in records)


def test_ssid_removed_from_a_group_drops_its_users(ops):
    """The config engine may edit ap_group_ssids in place; users of an SSID no longer sent must go."""
    ops.ap_group_ssids["LOUVRE-PALAIS"].remove("Multimedia_Louvre")
    for md in [d for d in ops.devices if d.role == "md"]:
        assert "Multimedia_Louvre/" not in render_show(ops, md, "show user-table")
    assert "Multimedia_Louvre" not in render_show(ops, dev(ops, "mm"), "show ap essid")
