"""Operational show commands of the lab devices, printed the way ArubaOS 8.10 prints them.

Why: the toolkit's parsers and health checks must meet the real formats (blank line, title, dashes,
header, dashes under each header word, columns padded to the widest cell + 2, empty Flags cells,
trailers and legends). Formats are data at the top of this module: a corrected column list, title or
legend is a one-line change. Sources: shared/reference/arubaos8.md §4; each format is tagged [V]
(verbatim from a capture there) or [R] (reconstructed: from the reference's description of a capture
it does not copy, or a best guess where it has none). Tables are drawn by tables.table (one layout).

Scope (which device prints which rows) is data too, see SCOPE:
* an MM lists every AP of the estate in `show ap database` / `show ap active` / `show ap essid`
  (it holds the AP database; §4.2 is an MM capture);
* the MDs of a cluster share its APs: each AP is active on one member (its AAC, Switch IP) and standby on
  another (its S-AAC, Standby IP). An MD's `show ap database`, `show ap radio-database` and
  `show ap bss-table` list both, the standby ones with the `S` flag (§4.2 legend) and the `sA` cluster
  role (§4.3 legend); `show ap active` and `show ap essid` list only the APs active on it [R];
* users live in the datapath of the AP's active controller only: `show user-table`, `show user summary`
  on an MD show the users of the APs active on it; on an MM they print an empty table [R].

Time is read once per render from the lab clock (`ops.now()`): uptimes and ages advance with it.
Output uses "\\n" line ends and has no trailing newline: the shell converts to "\\r\\n" and adds the prompt.
The lab never imports the toolkit's ArubaOS knowledge (wifiops.aos8): a mistake shared by both would
pass every test, so these formats are kept apart on purpose.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from wifiops.lab.opdata import ApState, Client, LabAp, LabDevice, LabSsid, Operations, Radio, ssid_family
from wifiops.lab.tables import table

# --- formats (data) ---------------------------------------------------------------------------------

# [V] §4.2 (8.6 MM capture); the long form's extra columns as §4.2 names them.
AP_DATABASE_COLUMNS = ["Name", "Group", "AP Type", "IP Address", "Status", "Flags", "Switch IP",
                       "Standby IP"]
AP_DATABASE_LONG_COLUMNS = AP_DATABASE_COLUMNS + ["Wired MAC Address", "Serial #", "Port", "FQLN",
                                                  "Outer IP", "User"]
# [V] §4.2: the long form's empty cells read `N/A` (Port, FQLN, Outer IP, User).
NOT_APPLICABLE = "N/A"
# [V] Verbatim from an 8.6 MM capture (§4.2); printed after two blank lines, before `Total APs:N`.
# It carries the cluster role of an AP: `S = Standby-mode AP`.
AP_DATABASE_LEGEND = """\
Flags: 1 = 802.1x authenticated AP use EAP-PEAP;   1+ = 802.1x use EST;    1- = 802.1x use factory cert
       2 = Using IKE version 2;                    4 = WiFi Uplink
       B = Built-in AP;                            C = Cellular RAP;       D = Dirty or no config
       E = Regulatory Domain Mismatch;             F = AP failed 802.1x authentication
       G = No such group;        I = Inactive;     J = USB cert at AP;     L = Unlicensed
       M = Mesh node
       N = Duplicate name;       P = PPPoe AP;     R = Remote AP;          R- = Remote AP requires Auth
       S = Standby-mode AP;      T = Thermal ShutDown;    U = Unprovisioned;    X = Maintenance Mode
       Y = Mesh Recovery
       b = bypass of AP1x timeout;    c = CERT-based RAP;    e = Custom EST cert;    f = No Spectrum FFT support
       i = Indoor;                    o = Outdoor;           l = LAG 802.3ad;        m = Protocol Mismatch
       p = In deep-sleep status;      r = Power Restricted;  s = LACP striping;      t = Temperature Restricted
       u = Custom-Cert RAP;           z = Datazone AP"""
STANDBY_FLAG = "S"  # [V] legend above; appended after the AP's other flags [R: position unknown]

# `show ap radio-database` [V]: ntc-templates' tests/aruba_os/show_ap_radio-database raw capture (release not
# stated; AP-635 and 6 GHz radios, so 8.10 or later): title, columns, cells `AP:5GHz/132+/HE/20.0` (band,
# channel, PHY type without a width, EIRP), `N/A` for a missing radio, then the AP database legend and a
# Spectrum note, and no `Total APs:` trailer.
AP_RADIO_DATABASE_COLUMNS = AP_DATABASE_COLUMNS + ["Radio 0 Band/Chan/HT-Type/EIRP",
                                                   "Radio 1 Band/Chan/HT-Type/EIRP",
                                                   "Radio 2 Band/Chan/HT-Type/EIRP"]
RADIO_DATABASE_CELL = "AP:{band}/{channel}/{ht}/{eirp:.1f}"  # [V] e.g. AP:5GHz/132+/HE/20.0
RADIO_DATABASE_NOTE = '"Spectrum" followed by "^" indicates Local Spectrum Override in effect.'  # [V]

# `show ap radio-summary` [V]: a real 8.x capture kept in sunjhb/arubaos-wlan-python (tests/real/shows/
# show-ap-radio-summary.sunjhb.txt): one row per radio, Band without a unit (`2.4`, `5`), Mode
# `AP:VHT:149E`, EIRP/MaxEIRP, NF/U/I (noise floor dBm / utilisation % / interference %), three airtime
# cells of six 10-second slots, then the legend; no trailer. Which controller lists a radio is [R]: the
# MM every AP's, an MD those of the APs active on it (its AAC measures them); an AP down has no row.
AP_RADIO_SUMMARY_TITLE = "APs Radios information"
AP_RADIO_SUMMARY_COLUMNS = ["Name", "Group", "AP Type", "IP Address", "Band", "Mode", "EIRP/MaxEIRP", "NF/U/I",
                            "TD", "TM", "TC"]
AP_RADIO_SUMMARY_LEGEND = """\
NF: Noise Floor(dBm); U: Utilization(%); I: Interference(%)
Mode: HT or VHT mode followed by Key Word "SCH" indicates that single chain mode is enabled on this radio
TD/TM/TC(*/*/*/*/*/*): "*" is the time used by Data/Mgmt/Ctrl Frames(%) in a 10 seconds time slot in the past 1 minute
AP followed by "^" indicates that spectrum monitoring is enabled on the radio in AP mode"""
# The lab's radio figures [R, a model]: the noise floor sits between -95 and -90 dBm (2.4 GHz the noisier),
# utilisation grows with the radio's clients and the APs sharing its channel in the same zone.
NOISE_FLOOR = {"2.4GHz": (-93, -90), "5GHz": (-95, -92), "6GHz": (-96, -93)}

# `show ap arm state [dot11a|dot11g]` [V]: the only public capture (mike-albano/co-channel-finder, AOS 6.x,
# tests/real/shows/show-ap-arm-state.co-channel-finder.txt): a blank line, then per AP radio its head (three
# lines), the `Neighbor Data` table and the legend, a blank line between blocks. 8.x may print `Band:` in
# the head (a public script reads it) [R: not printed here, the capture wins]. Scope as radio-summary [R].
ARM_STATE_HEAD = ("AP:{ap} MAC:{mac} Channel:{channel} EIRP:{eirp:g} Max EIRP:{max_eirp:g} Edge:disable",
                  "Client Density:0 Valid neighbors: {valid} Relevant neighbors: {relevant} Rx Probe Reports: 0",
                  "Moves(T/S):0/0 Sticky(T/S):0/0 Bandsteer(T/S):0/0 Loadbal(T/S):0/0")
ARM_STATE_TITLE = "Neighbor Data"
ARM_STATE_COLUMNS = ["Name", "IP Address", "SNR (dB)", "Path Loss (dB)", "Channel/Pwr", "Neighbor Density",
                     "Neighbors (R/T)", "Relevant"]
ARM_STATE_LEGEND = ("Legend: R = Relevant, T = Total,  Neighbor Density = (Overlap/Neighbor's Density/ Overlap to "
                    "local density ratio/ Overlap to neighbor's density ratio)")
# Who hears whom [R, a model]: the radios of the same band in the same site and area (the zone's first
# word); SNR 30-49 dB within the same room, 8-29 dB elsewhere in the area; `Yes` (relevant) from 20 dB;
# at most ARM_STATE_ROWS rows listed, the strongest first, while the head counts them all.
ARM_STATE_ROWS = 10
ARM_RELEVANT_SNR = 20
ARM_STATE_BANDS = {"dot11a": "5GHz", "dot11g": "2.4GHz"}

# §4.5: no public 8.10 capture; modelled from the documented columns and cell shape [R].
AP_ACTIVE_COLUMNS = ["Name", "Group", "IP Address", "Radio 0 Band Ch/EIRP/MaxEIRP/Clients",
                     "Radio 1 Band Ch/EIRP/MaxEIRP/Clients", "AP Type", "Flags", "Uptime", "Outer IP"]

# `show ap bss-table`: one layout per software train, chosen by the device's version.
# [V] 8.6: §4.3's MD capture (legends, WAN line, columns). [R] 8.10: from §4.3 "8.10 differs", the
# reference's description of a public `show ap bss-table details` capture: no WAN line and no wan-mode
# column, the fm and cluster legends each followed by a blank line, band/ht-mode/bandwidth cells, client
# columns. The plain 8.10 `show ap bss-table` has no capture at all [R]: it prints the same layout.
FM_LEGEND = ("fm (forward mode): T-Tunnel, S-Split, D-Decrypt Tunnel, B-Bridge (s-standard, p-persistent, "
             "b-backup, a-always), n-anyspot")
CLUSTER_LEGEND = "cluster (cluster role): U-UAC, A-AAC, sU-Standby UAC, sA-Standby AAC"
# 8.10 rows carry flags such as `KT`, `KrT` (§4.3); `T` (individual TWT) on 802.11ax (HE) radios [R].


@dataclass(frozen=True)
class BssLayout:
    preamble: list[str]  # lines before the table's blank line and title
    columns: list[str]
    he_flag: str = ""  # flag an 802.11ax (HE) radio's BSSes carry


BSS_TABLE_LAYOUTS = {
    "8.6": BssLayout(
        preamble=["", FM_LEGEND, "", "WAN Link State: Up", CLUSTER_LEGEND],
        columns=["bss", "ess", "port", "ip", "phy", "type", "ch/EIRP/max-EIRP", "cur-cl", "ap name", "in-t(s)",
                 "tot-t", "mtu", "acl-state", "acl", "fm", "wan-mode", "flags", "cluster", "datazone"]),
    "8.10": BssLayout(
        preamble=["", FM_LEGEND, "", CLUSTER_LEGEND],
        columns=["bss", "ess", "port", "ip", "band/ht-mode/bandwidth", "ch/EIRP/max-EIRP", "type", "cur-cl",
                 "ap name", "in-t(s)", "tot-t", "mtu", "acl-state", "acl", "fm", "flags", "cluster",
                 "active-clients", "standby-clients", "datazone"],
        he_flag="T"),
}
BSS_TABLE_DEFAULT_TRAIN = "8.10"  # the estate's train; a train not listed prints this layout
# Every cell the renderer knows, in the order it builds them; a layout picks its columns by name.
BSS_CELLS = ["bss", "ess", "port", "ip", "phy", "band/ht-mode/bandwidth", "type", "ch/EIRP/max-EIRP", "cur-cl",
             "ap name", "in-t(s)", "tot-t", "mtu", "acl-state", "acl", "fm", "wan-mode", "flags", "cluster",
             "active-clients", "standby-clients", "datazone"]
BSS_TABLE_TRAILER = """\
Channel followed by "*" indicates channel selected due to unsupported configured channel.
"Spectrum" followed by "^" indicates Local Spectrum Override in effect."""  # [R]
# Cluster role cells (§4.3 legend): the AP's active controller is its AAC, the standby its S-AAC.
CLUSTER_ROLE = {"active": "A", "standby": "sA"}
# bss-table flags per SSID opmode (§7, Instant capture, AOS 8 assumed identical) [UNVERIFIED].
BSS_FLAGS = {"wpa3-sae-aes": "MW", "wpa3-aes-ccm-128": "W", "wpa3-aes-gcm-256": "3W", "wpa3-cnsa": "3W",
             "enhanced-open": "OW"}
# A channel's suffix gives its width (AOS notation: +/- 40 MHz, E 80 MHz, S 160 MHz) [R].
CHANNEL_WIDTH = {"+": 40, "-": 40, "E": 80, "S": 160}

ESSID_COLUMNS = ["ESSID", "APs", "Clients", "VLAN(s)", "Encryption"]  # [V] §4.4
# `Encryption` cell per opmode: `WPA2 8021X AES` is verbatim (§4.4), the others [R].
ENCRYPTION = {"opensystem": "None", "wpa2-aes": "WPA2 8021X AES", "wpa2-psk-aes": "WPA2 PSK AES",
              "wpa3-sae-aes": "WPA3 SAE AES", "wpa3-aes-ccm-128": "WPA3 8021X AES CCM 128",
              "wpa3-aes-gcm-256": "WPA3 8021X AES GCM 256", "wpa3-cnsa": "WPA3 8021X CNSA",
              "enhanced-open": "Enhanced Open"}

# [R] §4.6's column list (no capture); order of the verbose extras [R].
USER_COLUMNS = ["IP", "MAC", "Name", "Role", "Age(d:h:m)", "Auth", "VPN link", "AP name", "Roaming",
                "Essid/Bssid/Phy", "Profile", "Forward mode", "Type", "Host Name", "User Type"]
USER_VERBOSE_COLUMNS = USER_COLUMNS + ["Server", "Vlan", "Bwm", "UaStr:ParseDisable/Flag/ShortIndex"]
# §4.6: in verbose output the first header cells are centred over dash runs whose lengths do not match
# the words, so the header line starts with spaces. The run lengths are [R].
USER_VERBOSE_CENTRED = {"IP": 10, "MAC": 12, "Name": 6}
USER_VLAN_CELL = "{vlan} ({vlan})"  # §4.6: Vlan cells read like `0 (0)`
USER_UASTR_CELL = "OFF/0/0"  # §4.6: UaStr cells read like `OFF/0/0`
AUTH_CELL = {"guest-internet": "Web", "guest-logon": "", "dot1x": "802.1x", "psk": ""}
RADIUS_SERVER = "cppm-1"  # the `Server` cell of 802.1X users in the verbose table [R]
# An AP's own tunnel endpoint, one row per AP active on the MD. [V] an 8.x controller's `show user-table
# verbose` (Fz3r0/Fz3r0_-_802.11_Wi-Fi_-_Knowledge-Base, a lab MC): the AP's address, MAC 00:00:00:00:00:00,
# no Name, role sys-ap-role, auth TRANSPORT-VPN, AP name N/A, no Roaming nor Essid, profile default-cap,
# forward mode tunnel, user type WIRELESS, Vlan `0 (0)`, UaStr `OFF/0/0`.
AP_TUNNEL_USER = {"MAC": "00:00:00:00:00:00", "Role": "sys-ap-role", "Auth": "TRANSPORT-VPN", "AP name": "N/A",
                  "Profile": "default-cap", "Forward mode": "tunnel", "User Type": "WIRELESS"}

LICENSE_COLUMNS = ["Key", "Installed", "Expires(Grace period expiry)", "Flags", "Service Type"]  # [R] §4.9
LICENSE_LEGEND = ("Flags: A - auto-generated; E - enabled; R - reboot required to activate; "
                  "S - Subscription; T - Trial; X - Expired")  # [R]

# `show inventory` per model, lines with their TABs. [V] Aruba7210: §4.10.5 Source A (8.10.0.7), the
# lines of its excerpts in order, with this device's serials and MACs; what lies between the excerpts
# (further PSU items, sensors, voltages) is not printed. A leading empty line as in Source B.
# [R] ArubaMM-VA: a VM has no cards, fans or power supplies; the same label column.
INVENTORY = {
    "Aruba7210": [
        "",
        "Supervisor Card slot      \t: 0",
        "System Serial#            \t: {serial} (Date:{made})",
        "CPU Card Serial#          \t: {cpu_serial} (Date:{made})",
        "CPU Card Assembly#        \t: 2010001H",
        "CPU Card Revision         \t: (Rev:11.00)",
        "Interface Card Serial#    \t: {if_serial} (Date:{made})",
        "Interface Card Assembly#  \t: 2010011E",
        "Interface Card Revision   \t: (Rev:04.00)",
        "SC Model#                 \t: {model}",
        "HW MAC Addr               \t: {mac} to {mac_end}",
        "CPLD Version                    : (Rev: 3.0)",
        "Power Supply 0            \t: Present             \t: Yes",
        "\t\t\t\t: 12V OK              \t: Yes",
        "\t\t\t\t: Fan OK              \t: Yes",
        "\t\t\t\t: Aruba Model No      \t: 2510057",
        "Power Supply 1            \t: Present             \t: Yes",
        "\t\t\t\t: 12V OK              \t: Yes",
        "\t\t\t\t: Fan OK              \t: Yes",
        "\t\t\t\t: Aruba Model No      \t: 2510057",
        "Main Board Temperatures   \t:",
        "\t\t\t\t: U24 - Local Temp    \t31 C (shadow of XLP heatsink)",
        "\t\t\t\t: Q1  - Remote 1 Temp \t33 C (shadow of VRM, VDD_CPU)",
        "Interface Board Temperatures\t:",
        "\t\t\t\t: U21 - Local Temp    \t28 C (shadow of port 1 RJ45)",
        "Fan  0                         \t: 8957 rpm (5.719 V),Speed Low",
        "Fan  1                         \t: 9029 rpm (5.921 V),Speed Low",
        "Main Board Voltages       \t:",
        "ispPAC_POWR1014A_A        \t:",
        "\t\t\t\t: 1V2                  1.20V sense 1.226 V",
        "\t\t\t\t: VDD SOC              0.943V sense 0.924 V",
        "\t\t\t\t: VCC9                 0.90V sense 0.928 V",
    ],
    "ArubaMM-VA": [
        "",
        "Supervisor Card slot      \t: 0",
        "System Serial#            \t: {serial}",
        "SC Model#                 \t: {model}",
        "HW MAC Addr               \t: {mac} to {mac_end}",
    ],
}
INVENTORY_MADE = "03/14/17"  # the cards' manufacturing date [R]
INVENTORY_MACS = 8  # a 7210's base MAC and 7 more: `00:1a:1e:00:00:68 to 00:1a:1e:00:00:6f` (§4.10.5)

# `show version` (§4.1): the head and the hardware block per model; {placeholders} come from the device.
# [V] layout of §4.1: no blank line before the first line, one after `Compiled on ... by p4build`, the
# firmware block (`BIOS Version`/`ROM` and `Built:`), one blank line, the uptime, the hardware lines.
# [V] the 7210's `ROM: System Bootstrap, Version CPBoot` and `Processor (XLP416 ...)` lines (§4.1 notes);
# [R] the rest of its block (ROM build, dates, memory and flash lines), the MM-VA's firmware lines (a
# VM's BIOS, in the x86 9004's form) and the head's copyright year and compile date.
VERSION_HEAD = """\
Aruba Operating System Software.
ArubaOS (MODEL: {model}), Version {version}
Website: http://www.arubanetworks.com
(c) Copyright 2024 Hewlett Packard Enterprise Development LP.
Compiled on 2024-09-12 at 03:41:27 UTC (build {build}) by p4build
"""
VERSION_BODY = {
    "Aruba7210": """\
ROM: System Bootstrap, Version CPBoot 1.2.5.0 (build 60323)
Built: 2017-03-14 09:51:33

Switch uptime is {uptime}
Reboot Cause: User reboot (Intent:cause:register 78:86:50:2)
Supervisor Card
Processor (XLP416 Rev B2 (Secure Boot) , 800 MHz) with 7382M bytes of memory.
32K bytes of non-volatile configuration memory.
7920M bytes of Supervisor Card system flash.""",
    "ArubaMM-VA": """\
BIOS Version: Phoenix Technologies LTD, 6.00
Built: 11/12/2020

Switch uptime is {uptime}
Reboot Cause: User reboot (Intent:cause:register 78:86:50:2)
Supervisor Card
Processor(s):
Total CPUs :       4,    Sockets : 4,    Cores Per CPU :  1
        Socket 0: Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz
15885M bytes of memory
31745M bytes of Supervisor Card system flash.""",
}
# Release type printed after the version number, by train (`8.10.0.7 LSR` is verbatim).
RELEASE_TYPE = {"8.10": "LSR", "8.12": "LSR", "8.11": "SSR", "8.6": "LSR"}
CLOCK_FORMAT = "%a %b %d %H:%M:%S.{ms:03d} {tz} %Y"  # e.g. `Sat Nov 28 10:30:00.000 CET 2026` [R]
CLOCK_TZ = ("CET", 3600)

# Which rows a device prints: "all" (the estate), "cluster" (the APs active or standby on it: the
# standby ones of APs that are up), "own" (the APs active on it) or "none".
SCOPE = {
    "ap_database": {"mm": "all", "md": "cluster"},
    "ap_radio_database": {"mm": "all", "md": "cluster"},
    "ap_active": {"mm": "all", "md": "own"},
    "ap_radio_summary": {"mm": "all", "md": "own"},
    "ap_arm_state": {"mm": "all", "md": "own"},
    "ap_essid": {"mm": "all", "md": "own"},
    "bss_table": {"mm": "none", "md": "cluster"},
    "user_table": {"mm": "none", "md": "own"},
}

# `show ap debug counters` [R, no capture found: docs/aos8-layouts.md]
AP_COUNTERS_TITLE = "AP Counters"
AP_COUNTERS_COLUMNS = ["Name", "Group", "IP Address", "Configs Sent", "Configs Acked", "Bootstraps", "Reboots"]

# Command words and the shortest prefix the CLI accepts for each [R: real minimum prefixes depend on
# sibling keywords the lab does not model; these are conservative].
MIN_PREFIX = {"show": "sh", "ap": "ap", "database": "data", "long": "lo", "active": "acti",
              "bss-table": "bss", "details": "det", "radio-database": "radio-d", "radio-summary": "radio-s", "arm": "arm", "state": "st", "dot11a": "dot11a",
              "dot11g": "dot11g", "essid": "ess",
              "user-table": "user-", "verbose": "verb", "user": "user", "summary": "summ",
              "inventory": "inv", "clock": "clo", "cpuload": "cpu", "memory": "mem", "license": "lic",
              "version": "ver", "debug": "deb", "counters": "coun"}

ACTIVE, STANDBY = "active", "standby"


# --- cell formats -----------------------------------------------------------------------------------

def uptime(seconds: float) -> str:
    """`[<d>d:][<h>h:]<m>m:<s>s`, no zero padding (§4.2)."""
    s = max(int(seconds), 0)
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    if d:
        return f"{d}d:{h}h:{m}m:{s}s"
    if h:
        return f"{h}h:{m}m:{s}s"
    return f"{m}m:{s}s"


def long_uptime(seconds: float) -> str:
    s = max(int(seconds), 0)
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return f"{d} days {h} hours {m} minutes {s} seconds"


def age(seconds: float) -> str:
    """`Age(d:h:m)` cell, zero padded [R]."""
    m = max(int(seconds), 0) // 60
    d, m = divmod(m, 1440)
    h, m = divmod(m, 60)
    return f"{d:02d}:{h:02d}:{m:02d}"


def ap_type(model: str) -> str:
    """AP Type is the bare model number: IAP-535 -> 535."""
    return model.rsplit("-", 1)[-1]


def phy(model: str, band: str) -> str:
    """802.11 generation per model: the 5xx series is 802.11ax (HE), 3xx is 11ac (VHT on 5 GHz)."""
    he = ap_type(model).startswith("5")
    if band == "5GHz":
        return "HE" if he else "VHT"
    return "HE" if he else "HT"


def channel_width(channel: str) -> int:
    """MHz of a channel cell (`36` 20, `36+` 40, `116E` 80, `197S` 160)."""
    return CHANNEL_WIDTH.get(channel[-1:], 20)


def bssid(ap_mac: str, band: str, index: int) -> str:
    """BSSIDs derived from the AP MAC: 2.4 GHz at base+i, 5 GHz at base+0x10+i (as Aruba numbers them)."""
    base = int(ap_mac.replace(":", ""), 16) & ~0x1F
    value = base + (0x10 if band == "5GHz" else 0) + index
    raw = f"{value:012x}"
    return ":".join(raw[i:i + 2] for i in range(0, 12, 2))


def train(version: str) -> str:
    """`8.10.0.12` -> `8.10`."""
    return ".".join(version.split(".")[:2])


# --- scoping helpers ----------------------------------------------------------------------------------

def _scoped_aps(ops: Operations, device: LabDevice, view: str) -> list[tuple[LabAp, str]]:
    """(AP, its role on `device`) sorted by AP name; the role is "" in the MM's estate-wide views."""
    scope = SCOPE[view].get(device.role, "none")
    if scope == "all":
        rows = [(a, "") for a in ops.aps]
    elif scope in ("own", "cluster"):
        rows = []
        for a in ops.aps:
            st = ops.ap_state[a.name]
            if st.switch == device.name:
                rows.append((a, ACTIVE))
            elif scope == "cluster" and st.standby == device.name and ops.is_up(a):
                rows.append((a, STANDBY))
    else:
        rows = []
    rows.sort(key=lambda r: r[0].name)
    return rows


def _ip_of(ops: Operations, name: str) -> str:
    dev = ops.device(name) if name else None
    return dev.mgmt_ip if dev else "0.0.0.0"


def _clients_by(ops: Operations, device: LabDevice, view: str) -> list[Client]:
    """Users a device serves: those of the APs active on it (a user has one controller, not two)."""
    scope = SCOPE[view].get(device.role, "none")
    live = ops.live_clients()
    if scope == "all":
        return live
    if scope == "own":
        own = {a.name for a in ops.aps if ops.ap_state[a.name].switch == device.name}
        return [c for c in live if c.ap in own]
    return []


# --- renderers ----------------------------------------------------------------------------------------

def _ap_row(ops: Operations, ap: LabAp, role: str, now: float) -> list[str]:
    """The eight cells `show ap database` and `show ap radio-database` share."""
    st = ops.ap_state[ap.name]
    up = ops.is_up(ap)
    status = f"Up {uptime(now - st.boot)}" if up else "Down"
    flags = st.flags + STANDBY_FLAG if role == STANDBY else st.flags
    return [ap.name, ap.ap_group, ap_type(ap.model), st.ip, status, flags, _ip_of(ops, st.switch),
            _ip_of(ops, st.standby) if up else "0.0.0.0"]


def _ap_database(ops: Operations, device: LabDevice, long: bool = False) -> str:
    now = ops.now()
    rows = []
    for ap, role in _scoped_aps(ops, device, "ap_database"):
        row = _ap_row(ops, ap, role, now)
        if long:
            row += [ap.mac, ap.serial or NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE,
                    NOT_APPLICABLE]
        rows.append(row)
    columns = AP_DATABASE_LONG_COLUMNS if long else AP_DATABASE_COLUMNS
    lines = table("AP Database", columns, rows) + ["", "", AP_DATABASE_LEGEND, "", f"Total APs:{len(rows)}"]
    return "\n".join(lines)


def _radio_database_cell(ap: LabAp, st: ApState, index: int) -> str:
    if index >= len(st.radios):
        return NOT_APPLICABLE
    r = st.radios[index]
    return RADIO_DATABASE_CELL.format(band=r.band, channel=r.channel, ht=phy(ap.model, r.band), eirp=r.eirp)


def _ap_radio_database(ops: Operations, device: LabDevice) -> str:
    now = ops.now()
    rows = []
    for ap, role in _scoped_aps(ops, device, "ap_radio_database"):
        st = ops.ap_state[ap.name]
        up = ops.is_up(ap)
        radios = [_radio_database_cell(ap, st, i) if up else NOT_APPLICABLE for i in range(3)]
        rows.append(_ap_row(ops, ap, role, now) + radios)
    lines = table("AP Radio Database", AP_RADIO_DATABASE_COLUMNS, rows)
    return "\n".join(lines + ["", AP_DATABASE_LEGEND, "", RADIO_DATABASE_NOTE, ""])


def _spread(*parts: str) -> int:
    """A stable pseudo-random number from names (crc32: the same on every run, unlike hash())."""
    return zlib.crc32("/".join(parts).encode())


def co_channel(ops: Operations) -> Counter[tuple[str, str, str]]:
    """Radios per (site, zone, channel) among the APs that are up: who shares a channel in a room."""
    return Counter((a.site, a.zone, r.channel.rstrip("+-ES")) for a in ops.aps if ops.is_up(a)
                   for r in ops.ap_state[a.name].radios)


def radio_figures(ap: LabAp, radio: Radio, clients: int, sharing: int) -> tuple[int, int, int]:
    """(noise floor dBm, utilisation %, interference %) of one radio, derived from the lab's state only."""
    low, high = NOISE_FLOOR.get(radio.band, (-95, -90))
    spread = _spread(ap.name, radio.band)
    noise = low + spread % (high - low + 1)
    interference = min(60, (sharing - 1) * 6 + spread % 5)
    base = 12 if radio.band == "2.4GHz" else 4
    utilisation = min(95, base + 2 * clients + interference // 2 + (spread >> 8) % 6)
    return noise, utilisation, interference


def _airtime(spread: int, share: int) -> str:
    return "/".join(str(max(0, share + (spread >> (4 * i)) % 3 - 1)) for i in range(6))


def _ap_radio_summary(ops: Operations, device: LabDevice) -> str:
    per_radio = Counter((c.ap, c.band) for c in ops.live_clients())
    sharing = co_channel(ops)
    rows = []
    for ap, _role in _scoped_aps(ops, device, "ap_radio_summary"):
        if not ops.is_up(ap):
            continue
        st = ops.ap_state[ap.name]
        for r in st.radios:
            noise, util, intf = radio_figures(ap, r, per_radio[(ap.name, r.band)],
                                              sharing[(ap.site, ap.zone, r.channel.rstrip("+-ES"))])
            spread = _spread(ap.name, r.band, "airtime")
            data = max(0, util - intf - 3)
            rows.append([ap.name, ap.ap_group, ap_type(ap.model), st.ip, r.band.removesuffix("GHz"),
                         f"AP:{phy(ap.model, r.band)}:{r.channel}", f"{r.eirp:.1f}/{r.max_eirp:.1f}",
                         f"{noise}/{util}/{intf}", _airtime(spread, data), _airtime(spread >> 3, 2),
                         _airtime(spread >> 5, 1)])
    return "\n".join(table(AP_RADIO_SUMMARY_TITLE, AP_RADIO_SUMMARY_COLUMNS, rows) + ["", AP_RADIO_SUMMARY_LEGEND])


@dataclass(frozen=True)
class Heard:
    """One neighbour a radio hears (`show ap arm state`)."""

    ap: LabAp
    radio: Radio
    snr: int


def neighbours_heard(ops: Operations) -> dict[tuple[str, str], list[Heard]]:
    """(AP name, band) -> the radios it hears, strongest first: same band, same site and area, both up."""
    groups: dict[tuple[str, str, str], list[tuple[LabAp, Radio]]] = {}
    for a in ops.aps:
        if ops.is_up(a):
            for r in ops.ap_state[a.name].radios:
                groups.setdefault((a.site, a.zone.split(" ")[0], r.band), []).append((a, r))
    heard: dict[tuple[str, str], list[Heard]] = {}
    for members in groups.values():
        for a, r in members:
            found = []
            for b, s in members:
                if b.name == a.name:
                    continue
                spread = _spread(min(a.name, b.name), max(a.name, b.name), r.band)  # both hear alike
                snr = 30 + spread % 20 if a.zone == b.zone else 8 + spread % 22
                found.append(Heard(b, s, snr))
            heard[(a.name, r.band)] = sorted(found, key=lambda h: (-h.snr, h.ap.name))
    return heard


def _ap_arm_state(ops: Operations, device: LabDevice, only: str = "") -> str:
    heard = neighbours_heard(ops)

    def counts(name: str, band: str) -> tuple[int, int]:
        found = heard.get((name, band), [])
        return sum(h.snr >= ARM_RELEVANT_SNR for h in found), len(found)

    lines = [""]
    for ap, _role in _scoped_aps(ops, device, "ap_arm_state"):
        if not ops.is_up(ap):
            continue
        st = ops.ap_state[ap.name]
        for r in st.radios:
            if only and r.band != ARM_STATE_BANDS[only]:
                continue
            found = heard.get((ap.name, r.band), [])
            relevant, valid = counts(ap.name, r.band)
            lines += [line.format(ap=ap.name, mac=ap.mac, channel=r.channel, eirp=r.eirp, max_eirp=r.max_eirp,
                                  valid=valid, relevant=relevant) for line in ARM_STATE_HEAD]
            rows = []
            for h in found[:ARM_STATE_ROWS]:
                path_loss = round(h.radio.eirp + 93 - h.snr + _spread(ap.name, h.ap.name) % 4)
                r_n, t_n = counts(h.ap.name, r.band)
                rows.append([h.ap.name, ops.ap_state[h.ap.name].ip, str(h.snr), str(path_loss),
                             f"{h.radio.channel}/{h.radio.eirp:g}", "0", f"{r_n}/{t_n}",
                             "Yes" if h.snr >= ARM_RELEVANT_SNR else ""])
            lines += table(ARM_STATE_TITLE, ARM_STATE_COLUMNS, rows)[1:] + [ARM_STATE_LEGEND, ""]
    return "\n".join(lines)


def _radio_cell(ap: LabAp, st: ApState, index: int, clients: int) -> str:
    r = st.radios[index]
    return f"AP:{r.band}-{phy(ap.model, r.band)}:{r.channel}/{r.eirp:.1f}/{r.max_eirp:.1f}/{clients}"


def _ap_active(ops: Operations, device: LabDevice) -> str:
    now = ops.now()
    per_radio = Counter((c.ap, c.band) for c in _clients_by(ops, device, "ap_active"))
    rows = []
    for ap, _role in _scoped_aps(ops, device, "ap_active"):
        if not ops.is_up(ap):
            continue
        st = ops.ap_state[ap.name]
        radios = [_radio_cell(ap, st, i, per_radio[(ap.name, r.band)]) for i, r in enumerate(st.radios)]
        rows.append([ap.name, ap.ap_group, st.ip, *radios, ap_type(ap.model), st.flags,
                     uptime(now - st.boot), "N/A"])
    return "\n".join(table("Active AP Table", AP_ACTIVE_COLUMNS, rows) + ["", f"Num APs:{len(rows)}"])


def _bss_table(ops: Operations, device: LabDevice) -> str:
    layout = BSS_TABLE_LAYOUTS.get(train(device.version), BSS_TABLE_LAYOUTS[BSS_TABLE_DEFAULT_TRAIN])
    columns = layout.columns
    pick = itemgetter(*(BSS_CELLS.index(c) for c in columns))
    now = ops.now()
    listed = _scoped_aps(ops, device, "bss_table")
    names = {ap.name for ap, _ in listed}
    # clients per BSS of the listed APs: on the AP's active controller they are its active clients,
    # on the standby one its standby clients (the S-AAC holds their state but serves none of them)
    per_bss = Counter((c.ap, c.ssid, c.band) for c in ops.live_clients() if c.ap in names)
    acl = {s.name: str(i + 2) for i, s in enumerate(ops.ssids)}  # session ACL id of the SSID's role [R]
    opmode = {s.name: s.opmode for s in ops.ssids}
    # per AP group, once: (BSSID index, SSID, ACL cell, flags) of the SSIDs it broadcasts
    sent = {group: [(i, name, acl[name], BSS_FLAGS.get(opmode[name], ""))
                    for i, name in enumerate(names_) if name in opmode]
            for group, names_ in ops.ap_group_ssids.items()}
    rows = []
    aps_listed = 0
    associations = 0
    for ap, role in listed:
        if not ops.is_up(ap):
            continue
        aps_listed += 1
        st = ops.ap_state[ap.name]
        tot = uptime(now - st.boot)
        # the BSSIDs of an AP share its first five octets: its base MAC is aligned on 32 addresses
        base = int(ap.mac.replace(":", ""), 16) & ~0x1F
        prefix = bssid(ap.mac, "2.4GHz", 0)[:15]
        cluster = CLUSTER_ROLE[role]
        is_active = role == ACTIVE
        for radio in st.radios:
            ht = phy(ap.model, radio.band)
            phy_cell = f"{'a' if radio.band == '5GHz' else 'g'}-{ht}"
            band_cell = f"{radio.band}/{ht}/{channel_width(radio.channel)}MHz"
            channel_cell = f"{radio.channel}/{radio.eirp:.1f}/{radio.max_eirp:.1f}"
            first = (base & 0xFF) + (0x10 if radio.band == "5GHz" else 0)
            he = layout.he_flag if ht == "HE" else ""
            band = radio.band
            for i, name, acl_cell, flags in sent.get(ap.ap_group, ()):
                n = per_bss[(ap.name, name, band)]
                count = str(n)
                if is_active:
                    associations += n
                    active, standby = count, "0"
                else:
                    active, standby = "0", count
                rows.append(pick((f"{prefix}{first + i:02x}", name, "N/A", st.ip, phy_cell, band_cell, "ap",
                                  channel_cell, active, ap.name, "0", tot, "1500", "-", acl_cell, "T", "always",
                                  flags + he, cluster, active, standby, "no")))
    lines = layout.preamble + table("Aruba AP BSS Table", columns, rows)
    lines += ["", BSS_TABLE_TRAILER, "", f"Num APs:{aps_listed}", f"Num Associations:{associations}"]
    return "\n".join(lines)


def _ap_debug_counters(ops: Operations, device: LabDevice) -> str:
    """One row per AP of this device: configuration messages sent and acknowledged, bootstraps, reboots. No
    public capture of this command was found (docs/aos8-layouts.md): title, columns and trailer are [R],
    in the form of the other AP tables; the counts are the lab's own (one bootstrap, plus one per reboot the
    lab caused: the `reboot-ap` event; two configuration messages per bootstrap, all acknowledged)."""
    rows = []
    for a, _ in _scoped_aps(ops, device, "ap_active"):
        if not ops.is_up(a):
            continue
        st = ops.ap_state[a.name]
        boots = 1 + st.reboots
        rows.append([a.name, a.ap_group, st.ip, str(2 * boots), str(2 * boots), str(boots), str(st.reboots)])
    return "\n".join(table(AP_COUNTERS_TITLE, AP_COUNTERS_COLUMNS, rows) + ["", f"Total APs:{len(rows)}"])


def _ap_essid(ops: Operations, device: LabDevice) -> str:
    aps = [a for a, _ in _scoped_aps(ops, device, "ap_essid") if ops.is_up(a)]
    ap_count = Counter(name for a in aps for name in ops.ap_group_ssids.get(a.ap_group, []))
    listed = {a.name for a in aps}
    clients = Counter(c.ssid for c in ops.live_clients() if c.ap in listed)
    rows = [[s.name, str(ap_count[s.name]), str(clients[s.name]), str(s.vlan),
             ENCRYPTION.get(s.opmode, s.opmode)] for s in ops.ssids if ap_count[s.name]]
    return "\n".join(table("ESSID Summary", ESSID_COLUMNS, rows) + [f"Num ESSID:{len(rows)}"])


def _user_rows(ops: Operations, clients: list[Client], verbose: bool, now: float) -> list[list[str]]:
    aps = {a.name: a for a in ops.aps}
    ssids = {s.name: s for s in ops.ssids}
    index = {g: {n: i for i, n in enumerate(names)} for g, names in ops.ap_group_ssids.items()}
    essids: dict[tuple[str, str, str], str] = {}  # 8,000 users share ~3,000 BSSes: format each once
    extras = {}  # the verbose cells per SSID
    for s in ops.ssids:
        family = ssid_family(s.opmode)
        extras[s.name] = [RADIUS_SERVER if family == "dot1x" else "", USER_VLAN_CELL.format(vlan=s.vlan), "",
                          USER_UASTR_CELL]
    rows = []
    for c in clients:
        ssid: LabSsid = ssids[c.ssid]
        family = ssid_family(ssid.opmode)
        auth = AUTH_CELL.get(c.role, "") if family == "portal" else AUTH_CELL[family]
        key = (c.ap, c.ssid, c.band)
        essid = essids.get(key)
        if essid is None:
            ap = aps[c.ap]
            bss = bssid(ap.mac, c.band, index[ap.ap_group][c.ssid])
            essid = essids[key] = f"{c.ssid}/{bss}/{c.band}-{phy(ap.model, c.band)}"
        row = [c.ip, c.mac, c.name, c.role, age(now - c.since), auth, "", c.ap, "Wireless", essid,
               ssid.profile, "tunnel", c.dev_type, c.host_name, "WIRELESS"]
        if verbose:
            row += extras[c.ssid]
        rows.append(row)
    return rows


def _ap_tunnel_rows(ops: Operations, device: LabDevice, verbose: bool, now: float) -> list[list[str]]:
    """The tunnel endpoints of the APs active on `device`: a role and a profile, no Name, AP name or
    Essid (§4.6)."""
    cells = AP_TUNNEL_USER
    rows = []
    for ap, _role in _scoped_aps(ops, device, "user_table"):
        if not ops.is_up(ap):
            continue
        st = ops.ap_state[ap.name]
        row = [st.ip, cells["MAC"], "", cells["Role"], age(now - st.boot), cells["Auth"], "", cells["AP name"], "", "",
               cells["Profile"], cells["Forward mode"], "", "", cells["User Type"]]
        if verbose:
            row += ["", USER_VLAN_CELL.format(vlan=0), "", USER_UASTR_CELL]
        rows.append(row)
    return rows


# `show user-table phy-type a|g`: the users on one band (arubaos-client counts clients per band with it).
# The filter word is the 802.11 letter; the tunnel rows of the APs have no band and are left out [R].
PHY_BANDS = {"a": "5GHz", "g": "2.4GHz"}


def _user_table(ops: Operations, device: LabDevice, verbose: bool = False, phy: str | None = None) -> str:
    now = ops.now()
    clients = _clients_by(ops, device, "user_table")
    if phy is not None:
        clients = [c for c in clients if c.band == PHY_BANDS[phy]]
    rows = _user_rows(ops, clients, verbose, now) + ([] if phy else _ap_tunnel_rows(ops, device, verbose, now))
    if verbose:
        lines = table("Users", USER_VERBOSE_COLUMNS, rows, centred=USER_VERBOSE_CENTRED)
    else:
        lines = table("Users", USER_COLUMNS, rows)
    lines += ["", f"User Entries: {len(rows)}/{len(rows)}"]
    if verbose:
        n = len(rows)
        lines.append(f" Curr/Cum Alloc:{n}/{n * 3} Free:0/{n * 2} Dyn:{n} AllocErr:0 FreeErr:0")
    return "\n".join(lines)


def _user_summary(ops: Operations, device: LabDevice) -> str:
    """No public capture: a per-ESSID count table in the usual layout [R]. Wireless users only."""
    clients = _clients_by(ops, device, "user_table")
    by_ssid = Counter(c.ssid for c in clients)
    by_role = Counter(c.role for c in clients)
    rows = [[name, str(n)] for name, n in sorted(by_ssid.items())]
    lines = table("User Summary", ["ESSID", "Users"], rows)
    lines += table("Role Summary", ["Role", "Users"], [[r, str(n)] for r, n in sorted(by_role.items())])
    lines += ["", f"Total Users:{len(clients)}"]
    return "\n".join(lines)


def _mac_plus(mac: str, n: int) -> str:
    raw = f"{(int(mac.replace(':', ''), 16) + n) & 0xFFFFFFFFFFFF:012x}"
    return ":".join(raw[i:i + 2] for i in range(0, 12, 2))


def _inventory(ops: Operations, device: LabDevice) -> str:
    st = ops.device_state[device.name]
    digits = "".join(ch for ch in st.serial if ch.isdigit()) or "0"
    values = {"serial": st.serial, "model": device.model, "mac": device.mac,
              "mac_end": _mac_plus(device.mac, INVENTORY_MACS - 1), "made": INVENTORY_MADE,
              "cpu_serial": f"AI1{int(digits) % 10**7:07d}", "if_serial": f"AI2{int(digits[::-1]) % 10**7:07d}"}
    lines = INVENTORY.get(device.model, INVENTORY["ArubaMM-VA"])
    return "\n".join(line.format(**values) for line in lines)


def _version(ops: Operations, device: LabDevice) -> str:
    st = ops.device_state[device.name]
    version = device.version
    if " " not in version and train(version) in RELEASE_TYPE:
        version = f"{version} {RELEASE_TYPE[train(version)]}"
    body = VERSION_BODY.get(device.model, VERSION_BODY["ArubaMM-VA"])
    return (VERSION_HEAD.format(model=device.model, version=version, build=device.build or "0") + "\n"
            + body.format(uptime=long_uptime(ops.now() - st.boot)))


def _clock(ops: Operations, device: LabDevice) -> str:
    tz, offset = CLOCK_TZ
    local = ops.now() + offset
    ms = int(round((local % 1) * 1000)) % 1000
    return time.strftime(CLOCK_FORMAT, time.gmtime(local)).format(ms=ms, tz=tz)


def _cpuload(ops: Operations, device: LabDevice) -> str:
    st = ops.device_state[device.name]
    idle = round(100 - st.cpu_user - st.cpu_system, 1)
    return f"user {st.cpu_user:.1f}%, system {st.cpu_system:.1f}%, idle {idle:.1f}%"


def _memory(ops: Operations, device: LabDevice) -> str:
    st = ops.device_state[device.name]
    free = st.mem_total_kb - st.mem_used_kb
    return f"Memory (Kb): total: {st.mem_total_kb}, used: {st.mem_used_kb}, free: {free}"


def _license(ops: Operations, device: LabDevice) -> str:
    """Licences are centralised on the MM; an MD managed by it holds no keys of its own [R]."""
    st = ops.device_state[device.name]
    installed = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(st.boot - 30 * 86400))
    rows = [[key, installed, "Never", "E", service] for service, key in st.license_keys.items()]
    lines = table("License Table", LICENSE_COLUMNS, rows)
    return "\n".join(lines + ["", f"License Entries: {len(rows)}", "", LICENSE_LEGEND])


# --- command dispatch ---------------------------------------------------------------------------------

Renderer = Callable[[Operations, LabDevice], str]
COMMANDS: dict[tuple[str, ...], Renderer] = {
    ("show", "ap", "database"): _ap_database,
    ("show", "ap", "database", "long"): lambda o, d: _ap_database(o, d, long=True),
    # `local`: the APs of this device, as the lab scopes `show ap database` already (arubaos-client asks so) [R]
    ("show", "ap", "database", "local"): _ap_database,
    ("show", "ap", "database", "long", "local"): lambda o, d: _ap_database(o, d, long=True),
    ("show", "ap", "active"): _ap_active,
    ("show", "ap", "radio-database"): _ap_radio_database,
    ("show", "ap", "radio-summary"): _ap_radio_summary,
    ("show", "ap", "arm", "state"): _ap_arm_state,
    ("show", "ap", "arm", "state", "dot11a"): lambda o, d: _ap_arm_state(o, d, "dot11a"),
    ("show", "ap", "arm", "state", "dot11g"): lambda o, d: _ap_arm_state(o, d, "dot11g"),
    ("show", "ap", "bss-table"): _bss_table,
    ("show", "ap", "bss-table", "details"): _bss_table,
    ("show", "ap", "essid"): _ap_essid,
    ("show", "user-table"): _user_table,
    ("show", "user-table", "verbose"): lambda o, d: _user_table(o, d, verbose=True),
    ("show", "user-table", "phy-type", "a"): lambda o, d: _user_table(o, d, phy="a"),
    ("show", "user-table", "phy-type", "g"): lambda o, d: _user_table(o, d, phy="g"),
    ("show", "user", "summary"): _user_summary,
    ("show", "ap", "debug", "counters"): _ap_debug_counters,
    ("show", "inventory"): _inventory,
    ("show", "clock"): _clock,
    ("show", "cpuload"): _cpuload,
    ("show", "memory"): _memory,
    ("show", "license"): _license,
    ("show", "version"): _version,
}


def _word_tree() -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for words in COMMANDS:
        node = tree
        for w in words:
            node = node.setdefault(w, {})
    return tree


WORD_TREE = _word_tree()


def resolve(command: str) -> tuple[str, ...] | None:
    """Expand abbreviated words (`sh ap data`) to the full command, or None if unknown/ambiguous."""
    words: list[str] = []
    node = WORD_TREE
    for token in command.lower().split():
        if token in node:
            word = token
        else:
            matches = [w for w in node if w.startswith(token) and len(token) >= len(MIN_PREFIX.get(w, w))]
            if len(matches) != 1:
                return None
            word = matches[0]
        words.append(word)
        node = node[word]
    return tuple(words)


def render_show(ops: Operations, device: LabDevice, command: str) -> str | None:
    """The device's output for an operational show command, or None if the lab does not handle it."""
    words = resolve(command)
    renderer = COMMANDS.get(words) if words else None
    return renderer(ops, device) if renderer else None
