"""The device-level show commands the lab's shell prints itself: slots, IP interfaces, ARP, VLANs.

Clients send these on login or for a health check (Oxidized's aosw model sends `show slots`;
ntc-templates parses `show ip interface brief`, `show ipv6 interface brief`, `show arp`, `show vlan`).
What they print comes from the device's own committed configuration (its `interface vlan` and `vlan`
blocks, `ip default-gateway`), seeded from the estate (configdb.seed_scripts), and from the estate's
devices (management addresses, MACs): a change pushed from the MM shows here after `write memory`.

Sources: arubaos8.md §4.10. [V] marks a layout seen byte for byte on a device, [B] a layout pasted from
a real device into a test file (values and trailing spaces may have been edited), [R] a reconstruction.
The formats are data at the top of this module, so a better capture is a small change.

Tables are drawn by tables.py, the lab's one table helper. Deliberate duplication: nothing here comes
from the toolkit's ArubaOS knowledge (wifiops/aos8).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wifiops.lab.tables import table

if TYPE_CHECKING:
    from wifiops.lab.core import LabCore
    from wifiops.lab.estate import LabDeviceSpec

# --- formats (data) ---------------------------------------------------------------------------------

# `show slots` [V 8.10.0.7 on a 7210, §4.10.7]: the title has a trailing space and 6 dashes. Card Type is
# the short platform name (A7210 for an Aruba7210). An MM-VA's answer is not in any capture: [R] the same
# table, its card named by the same rule (Aruba -> A).
SLOTS_TITLE = "Slots "
SLOTS_COLUMNS = ["Slot", "Status", "Card Type"]
CARD_TYPE = {"Aruba7210": "A7210"}

# `show ip interface brief` [B, §4.10.1; likely AOS 6, believed unchanged in 8.x]: no title, no dashes;
# the address is right-aligned so that " / " sits at column 38, the mask left-aligned in 18 columns,
# Admin in 8, and every row ends with two spaces after Protocol. The raw capture ends with an empty line.
IP_BRIEF_HEADER = "Interface                   IP Address / IP Netmask        Admin   Protocol"
IP_BRIEF_SLASH_COLUMN = 38
IP_BRIEF_MASK_WIDTH = 18
IP_BRIEF_ADMIN_WIDTH = 8
IP_BRIEF_ROW_END = "  "
UNASSIGNED = "unassigned"
# [B] the capture lists `loopback  unassigned / unassigned` last; the lab's devices configure no
# loopback address, so they print the same row (ntc-templates' template skips it on the capture too).
LOOPBACK = "loopback"

# `show ipv6 interface brief` [B, §4.10.2]: `<name>` padded to 28, `[  up/up  ]`, then one line per
# address indented 4. The lab's estate has no IPv6: every interface prints `    unassigned` [R].
IPV6_BRIEF_HEADER = "Interface                   [Status/Protocol]"
IPV6_NAME_WIDTH = 28
IPV6_INDENT = "    "

# `show arp` [B, §4.10.3]: a preamble, a titled table whose header starts one column right of its dash
# row, `Internet` right-aligned in 11 columns, `vlan10` spelt without a space. Column widths: the capture's
# addresses all have 12 characters, so fixed columns and "widest + 2" cannot be told apart; fixed [R].
ARP_PREAMBLE = ["", "Codes: * - Local Addresses, S - Static, A - Auth", ""]
ARP_TOTAL = "Total ARP entries: {n}"
ARP_TITLE = "IPV4 ARP Table"
ARP_HEADER = " Protocol    IP Address    Hardware Address   Interface  Age (min)"
ARP_DASHES = "----------   ----------    ----------------   ---------  ---------"
ARP_WIDTHS = (11, 14, 19, 11)  # Protocol (right-aligned, then 2 blanks), IP, MAC, Interface
ARP_PROTOCOL = "Internet"

# `show vlan`: no AOS 8 capture exists (§4.10.4). [V, AOS 2.5 on an Aruba800] title `VLAN CONFIGURATION`
# over 18 dashes; [CODE, rancid-aruba's AOS 6.3/6.4 parser] the columns `VLAN  Description  Ports` then
# `AAA Profile`. VLAN 1 is `Default` [V, AOS 2.5]; the others' default description `VLAN0100` and the
# port names are [R]. ntc-templates' `aruba_os`
# `show vlan` template is written for ArubaOS-Switch (ProCurve) output and fails on a controller's table,
# on the lab's as on the Aruba800 capture: the lab prints what a controller prints, not what it parses.
VLAN_TITLE = "VLAN CONFIGURATION"
VLAN_COLUMNS = ["VLAN", "Description", "Ports", "AAA Profile"]
VLAN_DESCRIPTION = "VLAN{id:04d}"
DEFAULT_VLAN_DESCRIPTION = "Default"
NO_AAA_PROFILE = "N/A"
# Per model: (the uplink trunk, carrying every VLAN; the ports in VLAN 1) [R]
PORTS = {"Aruba7210": ("GE0/0/0", "GE0/0/0-5"), "ArubaMM-VA": ("GE0/0/0", "GE0/0/0-1")}
DEFAULT_VLAN = 1


# `show interface gigabitethernet 0/0/N` and `show interface` (every port, then every VLAN interface). No
# public ArubaOS 8 capture was found (docs/aos8-layouts.md says what was searched): [R] modelled on the
# closest real forms, both unconfirmed for 8.x:
# - a port: [V, AOS 2.5 on an Aruba800] `show interface gigabitethernet 1/8` (a Perl test module's recorded
#   session): `Gig 1/8 is up, line protocol is up`, `Hardware is Gigabit Ethernet, address is ...`,
#   `Configured:` / `Negotiated:` lines (no `Negotiated:` on a port without link, whose protocol is
#   `down`), seven counter lines indented by 4, `This port is TRUSTED `; the port's MAC is the device's
#   base MAC + 1 + its index there too (VLAN1 ...:90, Fa1/7 ...:98, Gig1/8 ...:99). 8.x names ports
#   slot/module/port and calls a 1G port `GE` (`show port stat` PortType, [B] release not stated), so the
#   lab prints `GE 0/0/N`, its description `GE0/0/N` [R];
# - a VLAN interface: [B, release not stated, 0/0/N ports so AOS 6.2 or later] `show interface vlan 32`,
#   line for line; `Internet address is unassigned` for a VLAN without an address [R].
PORT_LINE = "GE 0/0/{n} is up, line protocol is {protocol}"
PORT_HARDWARE = "Hardware is Gigabit Ethernet, address is {mac} (bia {mac})"
PORT_DESCRIPTION = "Description: GE0/0/{n}"
PORT_BODY_TOP = ["Encapsulation ARPA, loopback not set", "Configured: Duplex ( AUTO ), speed ( AUTO )"]
PORT_NEGOTIATED = "Negotiated: Duplex (Full), speed (1 Gbps)"
PORT_MTU = "MTU 1500 bytes, BW is 1 Gbit"
CLEARED = 'Last clearing of "show interface" counters {age} '
LINK_CHANGED = "link status last changed {age} "
PORT_COUNTERS = ["    {pin} packets input, {bin} bytes",
                 "    Received {bcast} broadcasts, 0 runts, 0 giants, 0 throttles",
                 "    0 input error bytes, 0 CRC, 0 frame",
                 "    {mcast} multicast, {ucast} unicast",
                 "    {pout} packets output, {bout} bytes",
                 "    0 output errors bytes, 0 deferred",
                 "    0 collisions, 0 late collisions, 0 throttles"]
PORT_TRUSTED = "This port is TRUSTED "
VLAN_ITF_LINES = ["VLAN{vlan} is up line protocol is {protocol}",
                  "Hardware is CPU Interface, Interface address is {mac} (bia {mac})",
                  "Description: 802.1Q VLAN",
                  "Internet address is {address}",
                  "IPv6 Router Advertisements are disabled",
                  "Routing interface is enable, Forwarding mode is enable",
                  "Directed broadcast is disabled, BCMC Optimization disabled ProxyARP disabled Suppress ARP enable",
                  "Encapsulation 802, loopback not set",
                  "MTU 1500 bytes",
                  'Last clearing of "show interface" counters {cleared}',
                  "link status last changed {changed}",
                  "Proxy Arp is disabled for the Interface",
                  "Auto Operstate up is enabled for this Interface"]
# Each model's Ethernet ports (as grammar.yaml `models:`, which refuses the others in configuration): a 7210
# has 0/0/0-0/0/5 [docs/lab.md]; an MM-VA two data ports 0/0/0-0/0/1 [R: the virtual appliance's second and
# third vNICs, from Aruba's installation guide as remembered, unconfirmed]. The uplink (0/0/0) has link.
MODEL_PORTS = {"Aruba7210": 6, "ArubaMM-VA": 2}
UPLINK_PORT = 0

# `show ip route`: no 8.x capture (docs/aos8-layouts.md). [V, AOS 2.5 on an Aruba800, the same recorded
# session] a blank line, the two-line `Codes:` legend, a blank line, `Gateway of last resort is <gw> to network
# 0.0.0.0`, a blank line, then `S*    0.0.0.0/0  [0/0] via <gw>*` and one `C    <network> is directly
# connected, VLAN<n>` per addressed VLAN interface (the network printed without its length, as there).
# `Gateway of last resort is not set` without a default gateway is [R] (the usual IOS-like wording).
ROUTE_CODES = ["", "Codes: C - connected, O - OSPF, R - RIP, S - static",
               "       M - mgmt, U - route usable, * - candidate default", ""]
ROUTE_GATEWAY = "Gateway of last resort is {gw} to network 0.0.0.0"
ROUTE_NO_GATEWAY = "Gateway of last resort is not set"
ROUTE_DEFAULT = "S*    0.0.0.0/0  [0/0] via {gw}*"
ROUTE_CONNECTED = "C    {network} is directly connected, VLAN{vlan}"


# --- what a device has, from its committed configuration ---------------------------------------------

@dataclass(frozen=True)
class VlanInterface:
    vlan: int
    address: str | None  # None = unassigned
    mask: str | None
    up: bool

    @property
    def network(self) -> ipaddress.IPv4Network | None:
        if self.address is None or self.mask is None:
            return None
        return ipaddress.IPv4Network(f"{self.address}/{self.mask}", strict=False)


def _config(core: "LabCore", device: "LabDeviceSpec") -> dict[str, Any]:
    """The device's running configuration (committed, inherited down its node chain)."""
    return core.db.effective(core.device_chain(device))


def _last(entry: dict[str, Any], cmd: str) -> list[str] | None:
    """Values of the sub-line `cmd` of a block entry (its non-keyword parts), or None."""
    for line in entry.get("lines") or []:
        if line["cmd"] == cmd:
            return [v for v, style in line["parts"] if style != "lit"]
    return None


def vlan_interfaces(cfg: dict[str, Any]) -> list[VlanInterface]:
    """`interface vlan N` blocks, and VLAN 1's interface, which always exists."""
    found: dict[int, VlanInterface] = {}
    for e in cfg.values():
        if e.get("kind") != "interface-vlan":
            continue
        address = _last(e, "ip address")
        shut = any(line["cmd"] == "shutdown" for line in e.get("lines") or [])
        found[int(e["name"])] = VlanInterface(int(e["name"]), address[0] if address else None,
                                              address[1] if address else None, not shut)
    found.setdefault(DEFAULT_VLAN, VlanInterface(DEFAULT_VLAN, None, None, True))
    return [found[v] for v in sorted(found)]


# --- renderers ----------------------------------------------------------------------------------------

def slots(core: "LabCore", device: "LabDeviceSpec") -> list[str]:
    card = CARD_TYPE.get(device.model) or "A" + device.model.removeprefix("Aruba")
    return table(SLOTS_TITLE, SLOTS_COLUMNS, [["0", "Present", card]])


def _ip_brief_row(name: str, address: str, mask: str, admin: str, protocol: str) -> str:
    left = name + " " * max(IP_BRIEF_SLASH_COLUMN - len(name) - len(address), 1) + address
    return f"{left} / {mask:<{IP_BRIEF_MASK_WIDTH}}{admin:<{IP_BRIEF_ADMIN_WIDTH}}{protocol}{IP_BRIEF_ROW_END}"


def ip_interface_brief(core: "LabCore", device: "LabDeviceSpec") -> list[str]:
    rows = []
    for itf in vlan_interfaces(_config(core, device)):
        state = "up" if itf.up else "down"
        rows.append(_ip_brief_row(f"vlan {itf.vlan}", itf.address or UNASSIGNED, itf.mask or UNASSIGNED,
                                  state, state))
    rows.append(_ip_brief_row(LOOPBACK, UNASSIGNED, UNASSIGNED, "up", "up"))
    return [IP_BRIEF_HEADER] + rows + [""]


def ipv6_interface_brief(core: "LabCore", device: "LabDeviceSpec") -> list[str]:
    lines = [IPV6_BRIEF_HEADER]
    for itf in vlan_interfaces(_config(core, device)):
        state = "up" if itf.up else "down"
        lines += [f"{'vlan ' + str(itf.vlan):<{IPV6_NAME_WIDTH}}[  {state}/{state}  ]", IPV6_INDENT + UNASSIGNED]
    return lines


def gateway_mac(address: str) -> str:
    """The next hop is no lab device: a stable, locally administered MAC made from its address [R]."""
    octets = [int(o) for o in address.split(".")]
    return "02:00:" + ":".join(f"{o:02x}" for o in octets)


def arp_age(address: str) -> int:
    """Minutes since the entry was learnt: stable per address [R]."""
    return int(address.rsplit(".", 1)[-1]) % 17 + 1


def arp(core: "LabCore", device: "LabDeviceSpec") -> list[str]:
    """Neighbours on the device's own subnets: the default gateway and the estate's devices there."""
    cfg = _config(core, device)
    gateway = cfg.get("ip default-gateway")
    neighbours: dict[str, str] = {}  # address -> MAC
    if gateway:
        neighbours[gateway["parts"][-1][0]] = gateway_mac(gateway["parts"][-1][0])
    for other in core.present_devices():
        if other.name != device.name:
            neighbours.setdefault(other.mgmt_ip, other.mac)
    rows = []
    for itf in vlan_interfaces(cfg):
        net = itf.network
        if net is None or not itf.up:
            continue
        for address in sorted(neighbours, key=ipaddress.IPv4Address):
            if ipaddress.IPv4Address(address) in net and address != itf.address:
                rows.append(_arp_row(address, neighbours[address], f"vlan{itf.vlan}", arp_age(address)))
    return (ARP_PREAMBLE + [ARP_TOTAL.format(n=len(rows)), "", ARP_TITLE, "-" * len(ARP_TITLE), ARP_HEADER,
                           ARP_DASHES] + rows)


def _arp_row(address: str, mac: str, interface: str, age: int) -> str:
    w_proto, w_ip, w_mac, w_itf = ARP_WIDTHS

    def cell(text: str, width: int) -> str:
        return text.ljust(width) if len(text) < width else text + " "

    return f"{ARP_PROTOCOL:>{w_proto}}  {cell(address, w_ip)}{cell(mac, w_mac)}{cell(interface, w_itf)}{age}"


def vlan(core: "LabCore", device: "LabDeviceSpec") -> list[str]:
    cfg = _config(core, device)
    uplink, default_ports = PORTS.get(device.model, PORTS["ArubaMM-VA"])
    vlans: dict[int, dict[str, Any] | None] = {DEFAULT_VLAN: None}
    for e in cfg.values():
        if e.get("kind") == "vlan":
            vlans[int(e["name"])] = e
    for itf in vlan_interfaces(cfg):  # an `interface vlan N` needs its VLAN
        vlans.setdefault(itf.vlan, None)
    rows = []
    for vid in sorted(vlans):
        entry = vlans[vid] or {}
        description = _last(entry, "description")
        aaa = _last(entry, "aaa-profile")
        default = DEFAULT_VLAN_DESCRIPTION if vid == DEFAULT_VLAN else VLAN_DESCRIPTION.format(id=vid)
        rows.append([str(vid), description[0] if description else default,
                     default_ports if vid == DEFAULT_VLAN else uplink, aaa[0] if aaa else NO_AAA_PROFILE])
    return table(VLAN_TITLE, VLAN_COLUMNS, rows)


def _duration(seconds: float) -> str:
    """`47 day 15 hr 29 min 8 sec`, as both real captures print it."""
    s = max(int(seconds), 0)
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return f"{d} day {h} hr {m} min {s} sec"


def _mac_plus(mac: str, n: int) -> str:
    value = (int(mac.replace(":", ""), 16) + n) & 0xFFFFFFFFFFFF
    raw = f"{value:012X}"
    return ":".join(raw[i:i + 2] for i in range(0, 12, 2))


def ports(device: "LabDeviceSpec") -> int:
    return MODEL_PORTS.get(device.model, MODEL_PORTS["ArubaMM-VA"])


def _up_for(core: "LabCore", device: "LabDeviceSpec") -> float:
    state = core.ops.device_state.get(device.name)
    return core.ops.now() - state.boot if state is not None else 0.0


def _port(core: "LabCore", device: "LabDeviceSpec", n: int) -> list[str]:
    up = n == UPLINK_PORT
    age = _duration(_up_for(core, device))
    lines = [PORT_LINE.format(n=n, protocol="up" if up else "down"),
             PORT_HARDWARE.format(mac=_mac_plus(device.mac, 1 + n)), PORT_DESCRIPTION.format(n=n), *PORT_BODY_TOP]
    if up:
        lines.append(PORT_NEGOTIATED)
    lines += [PORT_MTU, CLEARED.format(age=age), LINK_CHANGED.format(age=age)]
    seconds = int(_up_for(core, device)) if up else 0
    counts = {"pin": seconds * 40, "bin": seconds * 40 * 180, "bcast": seconds * 2, "mcast": seconds * 3,
              "ucast": seconds * 35, "pout": seconds * 30, "bout": seconds * 30 * 210}
    return lines + [c.format(**counts) for c in PORT_COUNTERS] + [PORT_TRUSTED]


def _vlan_interface(core: "LabCore", device: "LabDeviceSpec", itf: VlanInterface) -> list[str]:
    address = f"{itf.address}  {itf.mask}" if itf.address and itf.mask else UNASSIGNED
    age = _duration(_up_for(core, device))
    return [line.format(vlan=itf.vlan, protocol="up" if itf.up else "down", mac=_mac_plus(device.mac, 0),
                        address=address, cleared=age, changed=age) for line in VLAN_ITF_LINES]


def interface_port(core: "LabCore", device: "LabDeviceSpec", port: str) -> list[str] | None:
    """`show interface gigabitethernet 0/0/N`; None for a port the model does not have (refused)."""
    slot = port.split("/")
    if len(slot) != 3 or slot[:2] != ["0", "0"] or not slot[2].isdigit() or int(slot[2]) >= ports(device):
        return None
    return _port(core, device, int(slot[2]))


def interface_vlan(core: "LabCore", device: "LabDeviceSpec", vlan: int) -> list[str] | None:
    """`show interface vlan N`; None for a VLAN with no interface (refused)."""
    found = next((i for i in vlan_interfaces(_config(core, device)) if i.vlan == vlan), None)
    return None if found is None else _vlan_interface(core, device, found)


def interface(core: "LabCore", device: "LabDeviceSpec") -> list[str]:
    """`show interface`: every port, then every VLAN interface, a blank line between them [R order]."""
    blocks = [_port(core, device, n) for n in range(ports(device))]
    blocks += [_vlan_interface(core, device, itf) for itf in vlan_interfaces(_config(core, device))]
    out: list[str] = []
    for block in blocks:
        out += block + [""]
    return out


def ip_route(core: "LabCore", device: "LabDeviceSpec") -> list[str]:
    cfg = _config(core, device)
    gateway = cfg.get("ip default-gateway")
    gw = gateway["parts"][-1][0] if gateway else None
    lines = list(ROUTE_CODES) + [ROUTE_GATEWAY.format(gw=gw) if gw else ROUTE_NO_GATEWAY, ""]
    if gw:
        lines.append(ROUTE_DEFAULT.format(gw=gw))
    for itf in vlan_interfaces(cfg):
        if itf.network is not None and itf.up:
            lines.append(ROUTE_CONNECTED.format(network=itf.network.network_address, vlan=itf.vlan))
    return lines


SHOWS: dict[str, Callable[["LabCore", "LabDeviceSpec"], list[str]]] = {
    "slots": slots,
    "ip_interface_brief": ip_interface_brief,
    "ipv6_interface_brief": ipv6_interface_brief,
    "arp": arp,
    "vlan": vlan,
    "interface": interface,
    "ip_route": ip_route,
}
