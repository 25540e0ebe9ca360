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
from netmiko import ConnectHandler
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
        if role and host["data"].get("lifecycle") != "planned":  # the successors, not racked yet
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


# --- issue 7, over real SSH with netmiko ---------------------------------------------------------------
# Reference samples, written from shared/reference/arubaos8.md (never from the lab's format constants).

REF_VERSION_9004 = """\
Aruba Operating System Software.
ArubaOS (MODEL: Aruba9004), Version 8.7.0.0-2.3.0.7
Website: http://www.arubanetworks.com
(c) Copyright 2022 Hewlett Packard Enterprise Development LP.
Compiled on 2022-04-29 at 21:26:39 UTC (build 83952) by p4build

BIOS Version: INSYDE Corp., 9004.0020
Built: 01/21/2022

Switch uptime is 131 days 6 hours 55 minutes 26 seconds
Reboot Cause: AC Power Cycle (Intent:cause: 86:50)
Supervisor Card
Processor(s):
Total CPUs :       4,    Sockets : 1,    Cores Per CPU :  4
        Socket 0: Intel(R) Atom(TM) CPU C3508 @ 1.60GHz
7573M bytes of memory
15028M bytes of Supervisor Card system flash."""  # §4.1

REF_AP_DATABASE = """
AP Database
-----------
Name  Group       AP Type  IP Address   Status     Flags  Switch IP    Standby IP
----  -----       -------  ----------   ------     -----  ---------    ----------
ap01  Production  335      10.1.255.16  Up 8m:43s  U2r    10.1.255.15  0.0.0.0


Flags: 1 = 802.1x authenticated AP use EAP-PEAP;   1+ = 802.1x use EST;    1- = 802.1x use factory cert
       S = Standby-mode AP;      T = Thermal ShutDown;    U = Unprovisioned;    X = Maintenance Mode

Total APs:1"""  # §4.2 (legend shortened)

# §4.2's row with the long form's columns and the values §4.2 gives for them
REF_AP_DATABASE_LONG = """
AP Database
-----------
Name  Group       AP Type  IP Address   Status     Flags  Switch IP    Standby IP  Wired MAC Address  Serial #  Port  FQLN  Outer IP  User
----  -----       -------  ----------   ------     -----  ---------    ----------  -----------------  --------  ----  ----  --------  ----
ap01  Production  335      10.1.255.16  Up 8m:43s  U2r    10.1.255.15  0.0.0.0     cc:88:c7:11:22:33  CNM12345  N/A   N/A   N/A       N/A

Total APs:1"""

# §4.3 "8.10 differs": the reference describes the ntc-templates 8.10 capture of `show ap bss-table
# details` without copying it; this sample is built from that description (legends first, each followed
# by a blank line; its columns; `5GHz/HE/40MHz`, `136-/19.0/27.1`, `11h:0m:35s`, `KrT`, `KT`, role `A`;
# a multi-word SSID and rows that drift off the header's columns) with §4.3's 8.6 values elsewhere.
REF_BSS_TABLE_810 = """
fm (forward mode): T-Tunnel, S-Split, D-Decrypt Tunnel, B-Bridge (s-standard, p-persistent, b-backup, a-always), n-anyspot

cluster (cluster role): U-UAC, A-AAC, sU-Standby UAC, sA-Standby AAC

Aruba AP BSS Table
------------------
bss                ess        port  ip           band/ht-mode/bandwidth  ch/EIRP/max-EIRP  type  cur-cl  ap name  in-t(s)  tot-t       mtu   acl-state  acl  fm  flags  cluster  active-clients  standby-clients  datazone
---                ---        ----  --           ----------------------  ----------------  ----  ------  -------  -------  -----       ---   ---------  ---  --  -----  -------  --------------  ---------------  --------
00:4e:35:10:58:90  employee1  N/A   10.1.255.16  5GHz/HE/40MHz           136-/19.0/27.1    ap    0       ap01     0        11h:0m:35s  1500  -          2    T   KrT    A        0               0                no
00:4e:35:10:58:80  guest wifi  N/A  10.1.255.16  2.4GHz/HE/20MHz   6/16.0/24.3  ap    1  ap01  0   11h:0m:35s  1500  -  2  T  KT  A  1  0  no
00:4e:35:10:58:a0  employee1  N/A   10.1.255.16  6GHz/HE/160MHz          197S/16.0/24.3    ap    0       ap01     0        11h:0m:35s  1500  -          2    T   KrT    A        0               0                no

Num APs:1
Num Associations:1"""

# §4.10.5 Source A (Aruba7210, 8.10.0.7), excerpts 1-4 in order, `\\t` as TABs
REF_INVENTORY_7210 = """\
Supervisor Card slot      \t: 0
System Serial#            \t: CV0010001 (Date:03/31/18)
CPU Card Serial#          \t: AI12345678 (Date:03/31/18)
CPU Card Assembly#        \t: 2010001H
CPU Card Revision         \t: (Rev:11.00)
Interface Card Serial#    \t: AI10123456 (Date:03/31/18)
Interface Card Assembly#  \t: 2010011E
Interface Card Revision   \t: (Rev:04.00)
SC Model#                 \t: Aruba7210
HW MAC Addr               \t: 00:1a:1e:00:00:68 to 00:1a:1e:00:00:6f
CPLD Version                    : (Rev: 3.0)
Power Supply 0            \t: Present             \t: Yes
\t\t\t\t: 12V OK              \t: Yes
\t\t\t\t: Fan OK              \t: Yes
\t\t\t\t: Aruba Model No      \t: 2510057
Main Board Temperatures   \t:
\t\t\t\t: U24 - Local Temp    \t31 C (shadow of XLP heatsink)
\t\t\t\t: Q1  - Remote 1 Temp \t33 C (shadow of VRM, VDD_CPU)
Interface Board Temperatures\t:
\t\t\t\t: U21 - Local Temp    \t28 C (shadow of port 1 RJ45)
Fan  0                         \t: 8957 rpm (5.719 V),Speed Low
Fan  1                         \t: 9029 rpm (5.921 V),Speed Low
Main Board Voltages       \t:
ispPAC_POWR1014A_A        \t:
\t\t\t\t: 1V2                  1.20V sense 1.226 V
\t\t\t\t: VDD SOC              0.943V sense 0.924 V
\t\t\t\t: VCC9                 0.90V sense 0.928 V"""

REF_HOSTNAME = "\nHostname is WLC-AMC72-LAB01"  # §4.10.6

# §4.3: the 8.10 columns, as the reference lists them
BSS_810_COLUMNS = ["bss", "ess", "port", "ip", "band/ht-mode/bandwidth", "ch/EIRP/max-EIRP", "type", "cur-cl",
                   "ap name", "in-t(s)", "tot-t", "mtu", "acl-state", "acl", "fm", "flags", "cluster",
                   "active-clients", "standby-clients", "datazone"]
# §4.3: the 8.6 capture's legend lines and header
BSS_86_PREAMBLE = ["fm (forward mode): T-Tunnel, S-Split, D-Decrypt Tunnel, B-Bridge (s-standard, p-persistent, "
                   "b-backup, a-always), n-anyspot", "", "WAN Link State: Up",
                   "cluster (cluster role): U-UAC, A-AAC, sU-Standby UAC, sA-Standby AAC"]
BSS_86_HEADER = ("bss                ess        port  ip           phy    type  ch/EIRP/max-EIRP  cur-cl  ap name  "
                 "in-t(s)  tot-t  mtu   acl-state  acl  fm  wan-mode  flags  cluster  datazone")
REF_BSS_TABLE_86 = "\n".join(["", *BSS_86_PREAMBLE, "", "Aruba AP BSS Table", "------------------", BSS_86_HEADER, """\
---                ---        ----  --           ---    ----  ----------------  ------  -------  -------  -----  ---   ---------  ---  --  --------  -----  -------  --------
00:4e:35:10:58:90  employee1  N/A   10.1.255.16  a-VHT  ap    161E/127.5/0.0    0       ap01     0        13s    1500  -          2    T   always                    no
00:4e:35:10:58:80  employee1  N/A   10.1.255.16  g-HT   ap    6/127.5/0.0       0       ap01     0        13s    1500  -          2    T   always                    no"""])  # §4.3


def filled(records: list[dict]) -> set[str]:
    """The fields a TextFSM template filled on at least one record."""
    return {k for r in records for k, v in r.items() if str(v).strip()}


def show(lab, host: str, command: str) -> str:
    with ConnectHandler(**lab.device_params(host)) as conn:
        return conn.send_command(command, read_timeout=30)


def header_cells(text: str, title: str) -> tuple[list[str], list[int], list[str]]:
    """(header words, their dash runs' start columns, data rows) of the table titled `title`."""
    lines = text.split("\n")
    at = lines.index(title)
    header, dashes = lines[at + 2], lines[at + 3]
    starts = [m.start() for m in re.finditer(r"-+", dashes)]
    words = [header[s:e].strip() for s, e in zip(starts, starts[1:] + [None])]
    rows = []
    for line in lines[at + 4:]:
        if not line.strip():
            break
        rows.append(line)
    return words, starts, rows


def test_table_helper_trims_line_ends_and_centres_named_headers():
    from wifiops.lab.tables import table

    lines = table("Users", ["IP", "MAC", "Last"], [["10.0.0.1", "aa", ""], ["10.0.0.22", "bbbbbbbb", "x"]],
                  centred={"IP": 10})
    assert lines[:3] == ["", "Users", "-----"]
    assert lines[3] == "    IP      MAC       Last"
    assert lines[4] == "----------  ---       ----"
    assert lines[5:] == ["10.0.0.1    aa", "10.0.0.22   bbbbbbbb  x"]


TRIMMED_SHOWS = ["show ap database", "show ap database long", "show ap active", "show ap essid",
                 "show ap radio-database", "show ap radio-summary", "show ap arm state", "show ap bss-table", "show ap bss-table details", "show user-table",
                 "show user-table verbose", "show user summary", "show license", "show version",
                 "show inventory", "show clock", "show cpuload", "show memory"]


@pytest.mark.parametrize("host", ["mm-1", "mc-1"])
def test_table_lines_end_where_their_text_ends(fresh_lab, host):
    """Item 2: no header, dash or data line of a show ends in spaces (real table lines do not)."""
    with ConnectHandler(**fresh_lab.device_params(host)) as conn:
        for command in TRIMMED_SHOWS:
            out = conn.send_command(command, read_timeout=30)
            assert "Invalid input" not in out, command
            padded = [line for line in out.split("\n") if line != line.rstrip(" \t")]
            assert not padded, (command, padded[:3])


def test_ap_database_long_prints_na_where_the_device_does(fresh_lab):
    """Item 2: the User cell reads `N/A` (§4.2); ntc-templates fills the fields it fills on §4.2's row."""
    out = show(fresh_lab, "mm-1", "show ap database long")
    records = parse_output(platform="aruba_os", command="show ap database long", data=out)
    assert len(records) == 358 == len(header_cells(out, "AP Database")[2])
    assert {(r["port"], r["fqln"], r["outer_ip"], r["user"]) for r in records} == {("N/A",) * 4}
    reference = parse_output(platform="aruba_os", command="show ap database long", data=REF_AP_DATABASE_LONG)
    assert len(reference) == 1 and filled(records) == filled(reference)


def test_ap_database_parses_as_the_reference_sample_does(fresh_lab):
    reference = parse_output(platform="aruba_os", command="show ap database", data=REF_AP_DATABASE)
    for host in ("mm-1", "mc-2"):
        out = show(fresh_lab, host, "show ap database")
        records = parse_output(platform="aruba_os", command="show ap database", data=out)
        assert len(records) == len(header_cells(out, "AP Database")[2]) == 358
        assert filled(records) == filled(reference)


def test_bss_table_has_the_8_10_layout(fresh_lab):
    """Item 3: §4.3 "8.10 differs": legends first, each followed by a blank line, no WAN line, its columns."""
    for command in ("show ap bss-table", "show ap bss-table details"):
        out = show(fresh_lab, "mc-1", command)
        lines = out.split("\n")
        start = lines.index(BSS_86_PREAMBLE[0])
        assert lines[start:start + 5] == [BSS_86_PREAMBLE[0], "", BSS_86_PREAMBLE[3], "", "Aruba AP BSS Table"]
        assert "WAN Link State" not in out
        words, _, rows = header_cells(out, "Aruba AP BSS Table")
        assert words == BSS_810_COLUMNS
        cells = [row.split() for row in rows]
        assert all(re.fullmatch(r"(2\.4|5|6)GHz/(HE|VHT|HT)/(20|40|80|160)MHz", c[4]) for c in cells)
        assert all(re.fullmatch(r"\d+[-+ES]?/\d+\.\d/\d+\.\d", c[5]) for c in cells)
        assert all(UPTIME_RE.match(c[10]) for c in cells)
        assert {c[-4] for c in cells} == {"A", "sA"}  # cluster: flags may be empty, count from the end


def test_bss_table_details_parses_with_ntc_templates_like_the_reference(fresh_lab):
    reference = parse_output(platform="aruba_os", command="show ap bss-table details", data=REF_BSS_TABLE_810)
    assert len(reference) == 3
    for host in ("mc-1",):  # 0.7 s of TextFSM per MD; mc-2 prints the same layout
        out = show(fresh_lab, host, "show ap bss-table details")
        records = parse_output(platform="aruba_os", command="show ap bss-table details", data=out)
        rows = header_cells(out, "Aruba AP BSS Table")[2]
        assert len(records) == len(rows) == sum(2 * len(s) for s in _broadcasts_per_ap(fresh_lab))
        assert filled(records) == filled(reference)
        assert {r["bss"] for r in records} == {row.split()[0] for row in rows}


def _broadcasts_per_ap(lab) -> list[list[str]]:
    ops = lab.core.ops
    return [ops.ap_group_ssids[a.ap_group] for a in ops.aps]


def test_bss_table_keeps_the_8_6_layout_for_an_8_6_device(ops):
    """§4.3: the 8.6 capture's layout stays, as a variant for a device on that train."""
    md = dev(ops, "md")
    old = LabDevice(md.name, md.role, md.model, md.mac, md.mgmt_ip, "8.6.0.2")
    out = render_show(ops, old, "show ap bss-table")
    lines = out.split("\n")
    assert lines[1:5] == BSS_86_PREAMBLE
    assert lines[5:9] == ["", "Aruba AP BSS Table", "------------------", lines[8]]
    assert lines[8].split() == BSS_86_HEADER.split()
    # ntc-templates' 8.6 branch has no rule for the `WAN Link State` line of §4.3's capture: it fails there
    # on the real device's output and, the same way, on the lab's
    for text in (REF_BSS_TABLE_86, out):
        with pytest.raises(Exception, match="Input Line: WAN Link State: Up"):
            parse_output(platform="aruba_os", command="show ap bss-table details", data=text)


def test_user_table_verbose_as_the_reference_describes_it(fresh_lab):
    """Item 5 (§4.6): centred first header cells over dash runs of other lengths, `N (N)` Vlan cells,
    `OFF/0/0` UaStr cells, rows with a role and a profile but no Name, AP name or Essid."""
    out = show(fresh_lab, "mc-1", "show user-table verbose")
    lines = out.split("\n")
    header, dashes = lines[lines.index("Users") + 2], lines[lines.index("Users") + 3]
    assert header.startswith(" ")
    runs = list(re.finditer(r"-+", dashes))
    for word, run in zip(("IP", "MAC", "Name"), runs):
        at = header.index(word)
        assert len(run.group()) != len(word)
        assert abs((at + len(word) / 2) - (run.start() + len(run.group()) / 2)) <= 1, word
    starts = [r.start() for r in runs]
    names = [header[s:e].strip() for s, e in zip(starts, starts[1:] + [None])]
    assert names[-4:] == ["Server", "Vlan", "Bwm", "UaStr:ParseDisable/Flag/ShortIndex"]

    def cell(row: str, name: str) -> str:
        i = names.index(name)
        return row[starts[i]:starts[i + 1] if i + 1 < len(starts) else None].strip()

    rows = header_cells(out, "Users")[2]
    assert rows and all(re.fullmatch(r"\d+ \(\d+\)", cell(r, "Vlan")) for r in rows)
    assert {cell(r, "UaStr:ParseDisable/Flag/ShortIndex") for r in rows} == {"OFF/0/0"}
    # the APs' own tunnels, as a real 8.x controller prints them (Fz3r0's capture, shows.AP_TUNNEL_USER)
    bare = [r for r in rows if not cell(r, "Name") and cell(r, "AP name") == "N/A" and not cell(r, "Essid/Bssid/Phy")]
    assert len(bare) == len({a.name for a in fresh_lab.core.ops.aps
                             if fresh_lab.core.ops.ap_state[a.name].switch == "mc-1"})
    assert {(cell(r, "MAC"), cell(r, "Role"), cell(r, "Auth"), cell(r, "Profile"), cell(r, "Forward mode"),
             cell(r, "User Type"), cell(r, "Vlan")) for r in bare} == {
        ("00:00:00:00:00:00", "sys-ap-role", "TRANSPORT-VPN", "default-cap", "tunnel", "WIRELESS", "0 (0)")}
    assert out.split("\n")[-2] == f"User Entries: {len(rows)}/{len(rows)}"
    assert out.split("\n")[-1].startswith(" Curr/Cum Alloc:")


def test_inventory_has_the_7210_layout_with_its_tabs(fresh_lab):
    """Item 7 (§4.10.5 Source A): the labels, their padding and TABs as the 7210 prints them."""
    out = show(fresh_lab, "mc-1", "show inventory")
    lines = out.split("\n")
    assert lines[0] == ""  # as Source B; Source A's CR-only line reads the same through netmiko
    for ref in REF_INVENTORY_7210.split("\n"):
        if ref.startswith("\t"):
            continue
        label = ref[:ref.index(":") + 1]
        assert any(line.startswith(label) for line in lines), label
    for line in lines[1:]:
        assert line.expandtabs(8).index(":") == 32, line
    continuation = [line for line in lines if line.startswith("\t")]
    assert continuation and all(line.startswith("\t\t\t\t: ") for line in continuation)
    reference = parse_output(platform="aruba_os", command="show inventory", data=REF_INVENTORY_7210)
    records = parse_output(platform="aruba_os", command="show inventory", data=out)
    assert len(records) == len(reference) == 1
    assert filled(records) == filled(reference)
    assert records[0]["sc_model"] == "Aruba7210" and records[0]["system_serial"].startswith("CV")
    mm = parse_output(platform="aruba_os", command="show inventory", data=show(fresh_lab, "mm-1", "show inventory"))
    assert mm[0]["sc_model"] == "ArubaMM-VA"  # a VM: no cards and no CPLD [R]


@pytest.mark.parametrize("host", ["mm-1", "mc-2"])
def test_ap_radio_database_parses_with_ntc_templates(fresh_lab, host):
    """Item 7: `show ap radio-database` as ntc-templates' real capture (8.10+) prints it; ntc-templates counts
    every row and fills every field."""
    out = show(fresh_lab, host, "show ap radio-database")
    records = parse_output(platform="aruba_os", command="show ap radio-database", data=out)
    assert len(records) == len(header_cells(out, "AP Radio Database")[2]) == 358
    assert all(all(str(v).strip() for v in r.values()) for r in records)
    states = fresh_lab.core.ops.ap_state
    for r in records:
        state = states[r["ap_name"]]
        assert r["ip_address"] == state.ip
        assert r["radio0"].startswith("AP:5GHz/" + state.radios[0].channel + "/")
        assert r["radio1"].startswith("AP:2.4GHz/" + state.radios[1].channel + "/")
        assert r["radio2"] == "N/A"
        assert re.fullmatch(r"AP:5GHz/\d+[+-]?/(HE|VHT)/\d+\.\d", r["radio0"])  # AP:5GHz/132+/HE/20.0 [V]
    assert out.endswith('\n\n"Spectrum" followed by "^" indicates Local Spectrum Override in effect.\n')
    assert "Total APs" not in out


def _shape(text: str) -> list[str]:
    """The layout of a `show version` up to the line after the uptime, line by line."""
    kinds = {"Compiled on": "compiled", "BIOS Version:": "firmware", "ROM: System Bootstrap": "firmware",
             "Built:": "built", "Switch uptime is": "uptime"}
    shape = []
    for line in text.split("\n"):
        shape.append("blank" if not line else next((k for p, k in kinds.items() if line.startswith(p)), "text"))
        if len(shape) > 1 and shape[-2] == "uptime":
            break
    return shape


@pytest.mark.parametrize("host", ["mm-1", "mc-1"])
def test_version_layout_as_in_the_reference(fresh_lab, host):
    """Item 9 (§4.1): one blank line after `Compiled on ... by p4build`, the firmware and `Built:` lines,
    one blank line, the uptime, then the hardware lines."""
    out = show(fresh_lab, host, "show version")
    assert _shape(out) == _shape(REF_VERSION_9004)
    assert re.search(r"^Switch uptime is \d+ days \d+ hours \d+ minutes \d+ seconds$", out, re.M)
    assert re.search(r"^Compiled on .* \(build \d+\) by p4build$", out, re.M)
    # ntc-templates' show version template is ArubaOS-Switch's (§4.1): it fails on the real controller's
    # output and, the same way, on the lab's
    for text in (REF_VERSION_9004, out):
        with pytest.raises(Exception, match="State Error raised"):
            parse_output(platform="aruba_os", command="show version", data=text)


def test_hostname_parses_like_the_reference(fresh_lab):
    reference = parse_output(platform="aruba_os", command="show hostname", data=REF_HOSTNAME)
    records = parse_output(platform="aruba_os", command="show hostname", data=show(fresh_lab, "mc-2", "show hostname"))
    assert records == [{"hostname": "mc-2"}] and filled(records) == filled(reference)


# --- show ap radio-summary (issue 28: the coverage audit's noise floor and utilisation) -------------------

REAL_RADIO_SUMMARY = (Path(__file__).resolve().parents[1] / "real" / "shows" / "show-ap-radio-summary.sunjhb.txt")


def test_radio_summary_has_the_real_captures_layout_one_row_per_radio(ops):
    """The columns, title and legend of the real 8.x capture (read from tests/real, not the lab's constants);
    the MM lists every radio of every AP, an MD the radios of the APs active on it."""
    real = REAL_RADIO_SUMMARY.read_text().split("\n")
    out = render_show(ops, dev(ops, "mm"), "show ap radio-summary")
    words, _, rows = header_cells(out, "APs Radios information")
    assert words == header_cells("\n".join(real[1:]), "APs Radios information")[0]
    legend = [line for line in real if line.startswith(("NF:", "Mode:", "TD/TM/TC", "AP followed"))]
    assert out.split("\n")[-4:] == legend
    assert len(rows) == sum(len(ops.ap_state[a.name].radios) for a in ops.aps) == 716
    on_md = rows_of(render_show(ops, dev(ops, "md"), "show ap radio-summary"))
    own = {a.name for a in ops.aps if ops.ap_state[a.name].switch == dev(ops, "md").name}
    assert {r.split()[0] for r in on_md} == own


def test_radio_summary_figures_follow_the_estate(ops):
    """Noise between -95 and -90 dBm, band printed as the capture prints it (`5`, `2.4`), Mode `AP:HE:36`;
    a radio with more clients is busier than the same radio with none; an AP down has no row."""
    rows = [line.split() for line in rows_of(render_show(ops, dev(ops, "mm"), "show ap radio-summary"))]
    assert {r[4] for r in rows} == {"5", "2.4"}
    for r in rows:
        noise, util, intf = map(int, r[7].split("/"))
        assert -95 <= noise <= -90 and 0 <= intf <= util <= 95
        state = ops.ap_state[r[0]]
        assert r[5].split(":")[2] in {x.channel for x in state.radios}
    from wifiops.lab.shows import radio_figures

    ap = ops.aps[0]
    radio = ops.ap_state[ap.name].radios[0]
    assert radio_figures(ap, radio, 20, 1)[1] > radio_figures(ap, radio, 0, 1)[1]
    assert radio_figures(ap, radio, 0, 3)[2] > radio_figures(ap, radio, 0, 1)[2]  # sharing the channel
    ops.down_groups.add("DELACROIX")
    left = {line.split()[0] for line in rows_of(render_show(ops, dev(ops, "mm"), "show ap radio-summary"))}
    assert left and not left & {a.name for a in ops.aps if a.ap_group == "DELACROIX"}


# --- show ap arm state (issue 28: the neighbours each radio hears) ------------------------------------------

REAL_ARM_STATE = Path(__file__).resolve().parents[1] / "real" / "shows" / "show-ap-arm-state.co-channel-finder.txt"


def _shape_of(line: str) -> str:
    """A head line with its values blanked: `AP:_ MAC:_ Channel:_ ...`."""
    return re.sub(r"(:\s?)[^\s:]+", r"\1_", line)


def test_arm_state_has_the_real_captures_blocks(ops):
    """Each block as the real capture prints one: the head's three lines (values aside), the `Neighbor Data`
    table's header and the legend, read from tests/real, not the lab's constants."""
    real = REAL_ARM_STATE.read_text().split("\n")
    out = render_show(ops, dev(ops, "mm"), "show ap arm state dot11a").split("\n")
    assert out[0] == "" and out[1].startswith("AP:")
    assert [_shape_of(line) for line in out[1:4]] == [_shape_of(line) for line in real[2:5]]
    assert out[4:6] == real[5:7]  # Neighbor Data and its underline
    assert out[6].split("  ")[0] == real[7].split("  ")[0] and out[6].split() == real[7].split()
    legend = next(line for line in real if line.startswith("Legend:"))
    assert out.count(legend) == sum(1 for a in ops.aps if ops.is_up(a)) and out[-1] == ""


def test_arm_state_neighbours_are_the_area_s_radios_of_the_band(ops):
    """A radio hears the radios of its band in its site and area, no other; SNR alike both ways; the head
    counts them all; `dot11g` lists the 2.4 GHz radios only."""
    by_name = {a.name: a for a in ops.aps}
    text = render_show(ops, dev(ops, "mm"), "show ap arm state dot11g")
    blocks = text.split("\nAP:")[1:]
    assert len(blocks) == 358
    snr = {}
    for block in blocks:
        lines = block.split("\n")
        me = by_name[lines[0].split()[0]]
        channel = re.search(r"Channel:(\S+)", lines[0])[1]
        assert channel == ops.ap_state[me.name].radios[1].channel  # the 2.4 GHz radio
        valid = int(re.search(r"Valid neighbors: (\d+)", lines[1])[1])
        area = [a for a in ops.aps if a.name != me.name and a.site == me.site
                and a.zone.split()[0] == me.zone.split()[0]]
        assert valid == len(area)
        for row in rows_of("\n".join(lines[3:])):
            if row.startswith("Legend:"):
                break
            cells = row.split()
            assert by_name[cells[0]] in area
            snr[(me.name, cells[0])] = cells[2]
    assert snr and all(snr.get((b, a), s) == s for (a, b), s in snr.items())
