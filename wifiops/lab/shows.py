"""Operational show commands of the lab devices, printed the way ArubaOS 8.10 prints them.

Why: the toolkit's parsers and health checks must meet the real formats (blank line, title, dashes,
header, dashes under each header word, columns padded to the widest cell + 2, empty Flags cells,
trailers and legends). Formats are data at the top of this module: a corrected column list, title or
legend is a one-line change. Sources: shared/reference/arubaos8.md §4; what is only reconstructed there
is marked [R] here too.

Scope (which device prints which rows) is data too, see SCOPE:
* an MM lists every AP of the estate in `show ap database` / `show ap active` / `show ap essid`
  (it holds the AP database; §4.2 is an MM capture);
* an MD lists only the APs that terminate on it (Switch IP = its address, i.e. it is their AAC);
  the APs for which it is only standby (S-AAC) are not listed [R, kept simple];
* users and BSSes live in the MD datapath: `show user-table`, `show user summary` and
  `show ap bss-table` on an MD show its APs' users/BSSes; on an MM they print an empty table [R].

Output uses "\\n" line ends and has no trailing newline: the shell converts to "\\r\\n" and adds the prompt.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from wifiops.lab.opdata import ApState, Client, LabAp, LabDevice, LabSsid, Operations, ssid_family

# --- formats (data) ---------------------------------------------------------------------------------

AP_DATABASE_COLUMNS = ["Name", "Group", "AP Type", "IP Address", "Status", "Flags", "Switch IP",
                       "Standby IP"]
AP_DATABASE_LONG_COLUMNS = AP_DATABASE_COLUMNS + ["Wired MAC Address", "Serial #", "Port", "FQLN",
                                                  "Outer IP", "User"]
# Verbatim from an 8.6 MM capture (§4.2); printed after two blank lines, before `Total APs:N`.
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

# §4.5: no public 8.10 capture; modelled from the documented columns and cell shape [R].
AP_ACTIVE_COLUMNS = ["Name", "Group", "IP Address", "Radio 0 Band Ch/EIRP/MaxEIRP/Clients",
                     "Radio 1 Band Ch/EIRP/MaxEIRP/Clients", "AP Type", "Flags", "Uptime", "Outer IP"]

# §4.3, verbatim 8.6 MD capture (preamble, columns); trailer lines [R].
BSS_TABLE_PREAMBLE = """\
fm (forward mode): T-Tunnel, S-Split, D-Decrypt Tunnel, B-Bridge (s-standard, p-persistent, b-backup, a-always), n-anyspot

WAN Link State: Up
cluster (cluster role): U-UAC, A-AAC, sU-Standby UAC, sA-Standby AAC"""
BSS_TABLE_COLUMNS = ["bss", "ess", "port", "ip", "phy", "type", "ch/EIRP/max-EIRP", "cur-cl", "ap name",
                     "in-t(s)", "tot-t", "mtu", "acl-state", "acl", "fm", "wan-mode", "flags", "cluster",
                     "datazone"]
BSS_TABLE_TRAILER = """\
Channel followed by "*" indicates channel selected due to unsupported configured channel.
"Spectrum" followed by "^" indicates Local Spectrum Override in effect."""
# bss-table flags per SSID opmode (§7, Instant capture, AOS 8 assumed identical) [UNVERIFIED].
BSS_FLAGS = {"wpa3-sae-aes": "MW", "wpa3-aes-ccm-128": "W", "wpa3-aes-gcm-256": "3W", "wpa3-cnsa": "3W",
             "enhanced-open": "OW"}

ESSID_COLUMNS = ["ESSID", "APs", "Clients", "VLAN(s)", "Encryption"]
# `Encryption` cell per opmode: `WPA2 8021X AES` is verbatim (§4.4), the others [R].
ENCRYPTION = {"opensystem": "None", "wpa2-aes": "WPA2 8021X AES", "wpa2-psk-aes": "WPA2 PSK AES",
              "wpa3-sae-aes": "WPA3 SAE AES", "wpa3-aes-ccm-128": "WPA3 8021X AES CCM 128",
              "wpa3-aes-gcm-256": "WPA3 8021X AES GCM 256", "wpa3-cnsa": "WPA3 8021X CNSA",
              "enhanced-open": "Enhanced Open"}

# §4.6: documented columns; order of the verbose extras [R].
USER_COLUMNS = ["IP", "MAC", "Name", "Role", "Age(d:h:m)", "Auth", "VPN link", "AP name", "Roaming",
                "Essid/Bssid/Phy", "Profile", "Forward mode", "Type", "Host Name", "User Type"]
USER_VERBOSE_COLUMNS = USER_COLUMNS + ["Server", "Vlan", "Bwm", "UaStr:ParseDisable/Flag/ShortIndex"]
AUTH_CELL = {"guest-internet": "Web", "guest-logon": "", "dot1x": "802.1x", "psk": ""}
RADIUS_SERVER = "cppm-1"  # the `Server` cell of 802.1X users in the verbose table [R]

LICENSE_COLUMNS = ["Key", "Installed", "Expires(Grace period expiry)", "Flags", "Service Type"]
LICENSE_LEGEND = ("Flags: A - auto-generated; E - enabled; R - reboot required to activate; "
                  "S - Subscription; T - Trial; X - Expired")  # [R]

# `show inventory`: labels padded with spaces then a tab before the colon (§4.9, 8.10 7210 capture);
# label set chosen so ntc-templates' aruba_os_show_inventory parses it. Values are format strings.
INVENTORY_LABEL_WIDTH = 26
INVENTORY = {
    "Aruba7210": [
        ("Supervisor Card slot", "0"),
        ("System Serial#", "{serial} (Date:03/14/17)"),
        ("SC Model#", "{model}"),
        ("HW MAC Addr", "{mac} to {mac_end}"),
        ("CPLD Version", "(Rev: 15)"),
        ("Power Supply 0", "Present (350W)"),
        ("Power Supply 1", "Present (350W)"),
        ("Fan Tray", "Present"),
    ],
    "ArubaMM-VA": [  # a VM: no cards, fans or power supplies [R]
        ("Supervisor Card slot", "0"),
        ("System Serial#", "{serial}"),
        ("SC Model#", "{model}"),
        ("HW MAC Addr", "{mac} to {mac_end}"),
    ],
}

# `show version` bodies per model (§4.1). {placeholders} are filled from the device state.
VERSION_HEAD = """\
Aruba Operating System Software.
ArubaOS (MODEL: {model}), Version {version}
Website: http://www.arubanetworks.com
(c) Copyright 2024 Hewlett Packard Enterprise Development LP.
Compiled on 2024-09-12 at 03:41:27 UTC (build 90262) by p4build
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

# Which rows a device prints: "all" (the estate), "own" (the APs it terminates) or "none".
SCOPE = {
    "ap_database": {"mm": "all", "md": "own"},
    "ap_active": {"mm": "all", "md": "own"},
    "ap_essid": {"mm": "all", "md": "own"},
    "bss_table": {"mm": "none", "md": "own"},
    "user_table": {"mm": "none", "md": "own"},
}

# Command words and the shortest prefix the CLI accepts for each [R: real minimum prefixes depend on
# sibling keywords the lab does not model; these are conservative].
MIN_PREFIX = {"show": "sh", "ap": "ap", "database": "data", "long": "lo", "active": "acti",
              "bss-table": "bss", "essid": "ess", "user-table": "user-", "verbose": "verb", "user": "user",
              "summary": "summ", "inventory": "inv", "clock": "clo", "cpuload": "cpu", "memory": "mem",
              "license": "lic", "version": "ver"}


# --- table layout -----------------------------------------------------------------------------------

def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Blank line, title, dashes, header, dashes per header word, rows padded to widest cell + 2."""
    widths = [len(c) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                widths[i] = len(cell)
    pads = [w + 2 for w in widths]

    def line(cells: Sequence[str]) -> str:
        return "".join(cell.ljust(pad) for cell, pad in zip(cells, pads))

    return (["", title, "-" * len(title), line(columns), line(["-" * len(c) for c in columns])]
            + [line(row) for row in rows])


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
    s = int(seconds)
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


def bssid(ap_mac: str, band: str, index: int) -> str:
    """BSSIDs derived from the AP MAC: 2.4 GHz at base+i, 5 GHz at base+0x10+i (as Aruba numbers them)."""
    base = int(ap_mac.replace(":", ""), 16) & ~0x1F
    value = base + (0x10 if band == "5GHz" else 0) + index
    raw = f"{value:012x}"
    return ":".join(raw[i:i + 2] for i in range(0, 12, 2))


# --- scoping helpers ----------------------------------------------------------------------------------

def _scoped_aps(ops: Operations, device: LabDevice, view: str) -> list[LabAp]:
    scope = SCOPE[view].get(device.role, "none")
    if scope == "all":
        return list(ops.aps)
    if scope == "own":
        return [a for a in ops.aps if ops.ap_state[a.name].switch == device.name]
    return []


def _ip_of(ops: Operations, name: str) -> str:
    dev = ops.device(name) if name else None
    return dev.mgmt_ip if dev else "0.0.0.0"


def _sorted_by_name(aps: list[LabAp]) -> list[LabAp]:
    return sorted(aps, key=lambda a: a.name)


# --- renderers ----------------------------------------------------------------------------------------

def _ap_database(ops: Operations, device: LabDevice, long: bool = False) -> str:
    rows = []
    for ap in _sorted_by_name(_scoped_aps(ops, device, "ap_database")):
        st = ops.ap_state[ap.name]
        up = ops.is_up(ap)
        status = f"Up {uptime(ops.clock - st.boot)}" if up else "Down"
        row = [ap.name, ap.ap_group, ap_type(ap.model), st.ip, status, st.flags, _ip_of(ops, st.switch),
               _ip_of(ops, st.standby) if up else "0.0.0.0"]
        if long:
            row += [ap.mac, ap.serial, "N/A", "N/A", "N/A", ""]
        rows.append(row)
    columns = AP_DATABASE_LONG_COLUMNS if long else AP_DATABASE_COLUMNS
    lines = table("AP Database", columns, rows) + ["", "", AP_DATABASE_LEGEND, "", f"Total APs:{len(rows)}"]
    return "\n".join(lines)


def _clients_by(ops: Operations, device: LabDevice, view: str) -> list[Client]:
    scope = SCOPE[view].get(device.role, "none")
    live = ops.live_clients()
    if scope == "all":
        return live
    if scope == "own":
        own = {a.name for a in ops.aps if ops.ap_state[a.name].switch == device.name}
        return [c for c in live if c.ap in own]
    return []


def _radio_cell(ap: LabAp, st: ApState, index: int, clients: int) -> str:
    r = st.radios[index]
    return f"AP:{r.band}-{phy(ap.model, r.band)}:{r.channel}/{r.eirp:.1f}/{r.max_eirp:.1f}/{clients}"


def _ap_active(ops: Operations, device: LabDevice) -> str:
    per_radio = Counter((c.ap, c.band) for c in _clients_by(ops, device, "ap_active"))
    rows = []
    for ap in _sorted_by_name(_scoped_aps(ops, device, "ap_active")):
        if not ops.is_up(ap):
            continue
        st = ops.ap_state[ap.name]
        radios = [_radio_cell(ap, st, i, per_radio[(ap.name, r.band)]) for i, r in enumerate(st.radios)]
        rows.append([ap.name, ap.ap_group, st.ip, *radios, ap_type(ap.model), st.flags,
                     uptime(ops.clock - st.boot), "N/A"])
    return "\n".join(table("Active AP Table", AP_ACTIVE_COLUMNS, rows) + ["", f"Num APs:{len(rows)}"])


def _bss_table(ops: Operations, device: LabDevice) -> str:
    per_bss = Counter((c.ap, c.ssid, c.band) for c in _clients_by(ops, device, "bss_table"))
    acl = {s.name: str(i + 2) for i, s in enumerate(ops.ssids)}  # session ACL id of the SSID's role [R]
    rows = []
    aps_listed = 0
    for ap in _sorted_by_name(_scoped_aps(ops, device, "bss_table")):
        if not ops.is_up(ap):
            continue
        aps_listed += 1
        st = ops.ap_state[ap.name]
        tot = uptime(ops.clock - st.boot)
        for radio in st.radios:
            for i, name in enumerate(ops.ap_group_ssids.get(ap.ap_group, [])):
                ssid = ops.ssid(name)
                if ssid is None:
                    continue
                rows.append([bssid(ap.mac, radio.band, i), name, "N/A", st.ip,
                             f"{'a' if radio.band == '5GHz' else 'g'}-{phy(ap.model, radio.band)}", "ap",
                             f"{radio.channel}/{radio.eirp:.1f}/{radio.max_eirp:.1f}",
                             str(per_bss[(ap.name, name, radio.band)]), ap.name, "0", tot, "1500", "-",
                             acl[name], "T", "always", BSS_FLAGS.get(ssid.opmode, ""), "A", "no"])
    lines = ["", BSS_TABLE_PREAMBLE] + table("Aruba AP BSS Table", BSS_TABLE_COLUMNS, rows)
    lines += ["", BSS_TABLE_TRAILER, "", f"Num APs:{aps_listed}",
              f"Num Associations:{sum(per_bss.values())}"]
    return "\n".join(lines)


def _ap_essid(ops: Operations, device: LabDevice) -> str:
    aps = [a for a in _scoped_aps(ops, device, "ap_essid") if ops.is_up(a)]
    ap_count = Counter(name for a in aps for name in ops.ap_group_ssids.get(a.ap_group, []))
    listed = {a.name for a in aps}
    clients = Counter(c.ssid for c in ops.live_clients() if c.ap in listed)
    rows = [[s.name, str(ap_count[s.name]), str(clients[s.name]), str(s.vlan),
             ENCRYPTION.get(s.opmode, s.opmode)] for s in ops.ssids if ap_count[s.name]]
    return "\n".join(table("ESSID Summary", ESSID_COLUMNS, rows) + [f"Num ESSID:{len(rows)}"])


def _user_rows(ops: Operations, clients: list[Client], verbose: bool) -> list[list[str]]:
    aps = {a.name: a for a in ops.aps}
    ssids = {s.name: s for s in ops.ssids}
    index = {g: {n: i for i, n in enumerate(names)} for g, names in ops.ap_group_ssids.items()}
    essids: dict[tuple[str, str, str], str] = {}  # 8,000 users share ~3,000 BSSes: format each once
    rows = []
    now = ops.clock
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
            row += [RADIUS_SERVER if family == "dot1x" else "", str(ssid.vlan), "", "0/0/0"]
        rows.append(row)
    return rows


def _user_table(ops: Operations, device: LabDevice, verbose: bool = False) -> str:
    clients = _clients_by(ops, device, "user_table")
    columns = USER_VERBOSE_COLUMNS if verbose else USER_COLUMNS
    lines = table("Users", columns, _user_rows(ops, clients, verbose))
    lines += ["", f"User Entries: {len(clients)}/{len(clients)}"]
    if verbose:
        n = len(clients)
        lines.append(f" Curr/Cum Alloc:{n}/{n * 3} Free:0/{n * 2} Dyn:{n} AllocErr:0 FreeErr:0")
    return "\n".join(lines)


def _user_summary(ops: Operations, device: LabDevice) -> str:
    """No public capture: a per-ESSID count table in the usual layout [R]."""
    clients = _clients_by(ops, device, "user_table")
    by_ssid = Counter(c.ssid for c in clients)
    by_role = Counter(c.role for c in clients)
    rows = [[name, str(n)] for name, n in sorted(by_ssid.items())]
    lines = table("User Summary", ["ESSID", "Users"], rows)
    lines += table("Role Summary", ["Role", "Users"], [[r, str(n)] for r, n in sorted(by_role.items())])
    lines += ["", f"Total Users:{len(clients)}"]
    return "\n".join(lines)


def _inventory(ops: Operations, device: LabDevice) -> str:
    st = ops.device_state[device.name]
    mac_end = device.mac[:-2] + f"{(int(device.mac[-2:], 16) + 0x3F) & 0xFF:02x}"
    values = {"serial": st.serial, "model": device.model, "mac": device.mac, "mac_end": mac_end}
    labels = INVENTORY.get(device.model, INVENTORY["ArubaMM-VA"])
    return "\n".join(f"{label.ljust(INVENTORY_LABEL_WIDTH)}\t: {value.format(**values)}"
                     for label, value in labels)


def _version(ops: Operations, device: LabDevice) -> str:
    st = ops.device_state[device.name]
    version = device.version
    train = ".".join(version.split(".")[:2])
    if " " not in version and train in RELEASE_TYPE:
        version = f"{version} {RELEASE_TYPE[train]}"
    body = VERSION_BODY.get(device.model, VERSION_BODY["ArubaMM-VA"])
    return (VERSION_HEAD.format(model=device.model, version=version) + "\n"
            + body.format(uptime=long_uptime(ops.clock - st.boot)))


def _clock(ops: Operations, device: LabDevice) -> str:
    tz, offset = CLOCK_TZ
    local = ops.clock + offset
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
    ("show", "ap", "active"): _ap_active,
    ("show", "ap", "bss-table"): _bss_table,
    ("show", "ap", "essid"): _ap_essid,
    ("show", "user-table"): _user_table,
    ("show", "user-table", "verbose"): lambda o, d: _user_table(o, d, verbose=True),
    ("show", "user", "summary"): _user_summary,
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
