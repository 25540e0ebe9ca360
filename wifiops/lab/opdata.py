"""Operational state of the lab estate: what the devices *report*, as opposed to how they are configured.

Why a separate model: show commands (`show ap database`, `show user-table`, ...) need APs that are up with
addresses and uptimes, radios, BSSIDs and thousands of associated clients. All of it is generated once,
deterministically from a seed, so a test sees the same estate every run; faults (`down_groups`) are
applied when rendering, so they can be switched on and off without regenerating anything.

Time is live: the state holds boot and association *instants*, and uptimes and ages are read against
the lab clock when a show is rendered, so they advance with real time from when the lab started, and a
lab saved, stopped and resumed keeps counting (a health check sees an uptime go down only when an AP
really rebooted). The clock is injectable (`LabClock`) so a test moves time instead of sleeping.

Cluster: the MDs of a cluster share its APs; each AP has an active controller (its AAC, which serves its
clients) and a standby one (S-AAC), split deterministically by AP order (`clusters` to `build`). Later the
lab core moves them as the committed configuration says (`rehome`): an AP group whose AP system profile
points elsewhere re-homes on the cluster found there, its APs up again from that moment and their users
associated again (on the same SSIDs: the AP group's virtual APs travel with it).

The lab keeps its own idea of the device and never imports the toolkit's `wifiops.aos8` data (and vice
versa): a shared mistake would let tests pass that a real device would fail. The duplication is deliberate.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple


class LabClock:
    """The lab's time: a source (real time by default) plus an offset a test can move.

    Why injectable: uptimes and ages advance with real time; a test checks that by advancing this
    clock (`advance(3600)`) instead of sleeping, and holds it still (`hold()`) to compare two renders.
    """

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self.source = source
        self.offset = 0.0
        self.held: float | None = None

    @classmethod
    def frozen(cls, at: float) -> "LabClock":
        """A clock standing at `at` (epoch seconds) until advanced: renders are repeatable."""
        return cls(lambda: at)

    def __call__(self) -> float:
        if self.held is not None:
            return self.held
        return self.source() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        if self.held is not None:
            self.held += seconds

    def hold(self) -> None:
        """Stand still at the current time (advance still moves it) until `release()`."""
        self.held = self()

    def release(self) -> None:
        """Run on with the source again (time jumps to the source's, it never runs backwards)."""
        self.held = None


@dataclass
class LabAp:
    name: str
    model: str
    mac: str
    serial: str
    ap_group: str
    site: str
    zone: str
    priority: bool


@dataclass
class LabSsid:
    name: str
    profile: str
    opmode: str
    vlan: int


@dataclass
class LabDevice:
    name: str
    role: str  # "mm" | "md"
    model: str
    mac: str
    mgmt_ip: str
    version: str
    build: str = ""  # the build number `show version` and `show switches` print


@dataclass
class Radio:
    """One AP radio as `show ap active` / `show ap bss-table` report it."""

    band: str  # "5GHz" | "2.4GHz"
    channel: str  # "36", "52+", "116E", "6"
    eirp: float
    max_eirp: float


@dataclass
class ApState:
    ip: str
    boot: float  # epoch seconds of the last AP boot; uptime = now - boot
    switch: str  # name of the MD the AP terminates on (its active controller, AAC)
    standby: str  # name of the cluster's standby MD for it (S-AAC), "" when none
    flags: str
    radios: list[Radio]
    ready: float = 0.0  # epoch seconds from which it is Up again (moved, rebooted: rejoin_delay); 0: up
    reboots: int = 0  # reboot-ap events since the lab started (`show ap debug counters`)


class Client(NamedTuple):
    """One associated user; a tuple so 8,000 of them are cheap to build and to serialise."""

    mac: str
    ip: str
    name: str
    role: str
    ap: str
    ssid: str
    band: str  # "5GHz" | "2.4GHz"
    dev_type: str
    host_name: str
    since: float  # epoch seconds of association; age = now - since


@dataclass
class DeviceState:
    boot: float  # epoch seconds of the last boot; `show version` uptime = now - boot
    serial: str
    cpu_user: float
    cpu_system: float
    mem_total_kb: int
    mem_used_kb: int
    license_keys: dict[str, str]  # service -> key (only meaningful on MMs: licensing is centralised)


# --- Generation tables (data, so a more realistic mix is a one-line change) -------------------------

# (flags, weight): most APs show an empty Flags cell; `2` = IKEv2, `i` = indoor, `r` = power restricted.
AP_FLAG_MIX = [("", 55), ("2", 25), ("i", 10), ("r", 5), ("2r", 5)]
CHANNELS_5 = ["36", "40", "44", "48", "52", "56", "60", "64", "100", "104", "108", "112", "116", "132",
              "136", "140", "149", "153", "157", "161", "36+", "44+", "100+", "116+", "149+"]
CHANNELS_24 = ["1", "6", "11"]
# (device type, weight, MAC OUIs; an empty OUI list = randomised, locally administered MAC).
DEVICE_TYPES = [
    ("iPhone", 34, []), ("Android", 30, []), ("Win 10", 12, ["3c:a9:f4", "a0:a4:c5"]),
    ("OS X", 8, ["f0:18:98", "a4:83:e7"]), ("iPad", 8, []), ("Linux", 3, ["dc:a6:32", "b8:27:eb"]),
    ("Win 11", 5, ["8c:f8:c5", "e4:5e:37"]),
]
HOST_NAME_PREFIX = {"iPhone": "iPhone", "iPad": "iPad", "Android": "Galaxy-S23", "Win 10": "PC-LVR",
                    "Win 11": "PC-LVR", "OS X": "MacBook-Pro", "Linux": "linux"}
FIRST_NAMES = ["marie", "jean", "sophie", "pierre", "camille", "lucas", "lea", "hugo", "chloe", "louis",
               "emma", "paul", "alice", "jules", "ines", "adam", "julie", "nicolas", "claire", "thomas"]
LAST_NAMES = ["martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy",
              "moreau", "simon", "laurent", "lefebvre", "michel", "garcia", "david", "bertrand", "roux"]
# Share of clients an SSID attracts, by security family (visitors crowd the open portal SSIDs).
SSID_WEIGHT = {"portal": 6.0, "dot1x": 1.0, "psk": 0.6}
PORTAL_OPMODES = {"opensystem", "enhanced-open"}
PSK_OPMODES = {"wpa2-psk-aes", "wpa2-psk-tkip", "wpa3-sae-aes", "wpa-psk-tkip"}
# Licences are sized from the AP count, rounded up to this step (the estate buys in blocks).
LICENSE_BLOCK = 50
LICENSE_SERVICES = ["Access Points", "Next Generation Policy Enforcement Firewall Module", "RF Protect"]
MEMORY_KB = {"Aruba7210": 7559168, "ArubaMM-VA": 16266932}


def ssid_family(opmode: str) -> str:
    """How users of an SSID authenticate: decides their role, Auth cell and name."""
    if opmode in PORTAL_OPMODES:
        return "portal"
    if opmode in PSK_OPMODES:
        return "psk"
    return "dot1x"


def ssid_subnet(vlan: int) -> str:
    """Client subnet prefix of a VLAN: 10.<vlan mod 256>.0.0/16 (a lab convention, stated in one place)."""
    return f"10.{vlan % 256}"


@dataclass
class Operations:
    """The whole estate's operational state; `down_groups` is the ap-group-down fault.

    It holds instants (boots, associations), never durations: `now()` reads the lab clock."""

    devices: list[LabDevice]
    aps: list[LabAp]
    ssids: list[LabSsid]
    ap_group_ssids: dict[str, list[str]]
    ap_state: dict[str, ApState]
    device_state: dict[str, DeviceState]
    clients: list[Client]
    down_groups: set[str] = field(default_factory=set)
    # the ap-group-stuck fault: AP group -> the controllers it was on when the fault came on; an AP of it
    # homed anywhere else (moved since) does not come up there
    stuck: dict[str, list[str]] = field(default_factory=dict)
    # settling (lab settings, seconds of the lab clock): how long an AP moved, rebooted or back from a
    # lost switch takes before it is Up (`rejoin-delay`), how long a controller reload takes (`reload-delay`)
    rejoin_delay: float = 0.0
    reload_delay: float = 0.0
    reloading: dict[str, float] = field(default_factory=dict)  # MD -> the instant its reload ends
    clock: LabClock = field(default_factory=LabClock, repr=False, compare=False)

    # --- construction ---------------------------------------------------------------------------

    @classmethod
    def build(cls, devices: list[LabDevice], aps: list[LabAp], ssids: list[LabSsid],
              ap_group_ssids: dict[str, list[str]], *, clients: int = 8000, seed: int = 1,
              clusters: Mapping[str, Sequence[str]] | None = None, clock: LabClock | None = None,
              ) -> "Operations":
        """`clusters` maps an AP group to the MDs of the cluster that serves it (the inventory's
        `cluster` intent); an AP group it does not name is served by every MD as one cluster."""
        rng = random.Random(seed)
        clock = clock or LabClock()
        start = clock()
        mds = [d for d in devices if d.role == "md"]
        # Without MDs (an MM-only lab) the APs terminate on the first device, with no standby.
        terminators = mds or devices[:1]
        ap_state = _build_ap_state(rng, aps, terminators, clusters or {}, start)
        device_state = {d.name: _build_device_state(rng, d, len(aps), start) for d in devices}
        by_name = {s.name: s for s in ssids}
        boots = {name: st.boot for name, st in ap_state.items()}
        client_list = _build_clients(rng, aps, by_name, ap_group_ssids, clients, start, boots)
        return cls(devices=list(devices), aps=list(aps), ssids=list(ssids),
                   ap_group_ssids={g: list(v) for g, v in ap_group_ssids.items()}, ap_state=ap_state,
                   device_state=device_state, clients=client_list, clock=clock)

    # --- queries used by the show renderers -------------------------------------------------------

    def now(self) -> float:
        """The lab's current time (epoch seconds); read once per rendered show."""
        return self.clock()

    def is_up(self, ap: LabAp) -> bool:
        """Up unless its group is down, it has no controller, or it is stuck away from where it was."""
        if ap.ap_group in self.down_groups:
            return False
        st = self.ap_state[ap.name]
        settled = self.stuck.get(ap.ap_group)
        if not st.switch or (settled is not None and st.switch not in settled):
            return False
        return not st.ready or self.now() >= st.ready

    def is_reloading(self, device: str) -> bool:
        """The device is reloading now (a `reload` less than reload_delay ago): it answers nothing."""
        until = self.reloading.get(device)
        return until is not None and self.now() < until

    def ssid(self, name: str) -> LabSsid | None:
        return next((s for s in self.ssids if s.name == name), None)

    def device(self, name: str) -> LabDevice | None:
        return next((d for d in self.devices if d.name == name), None)

    def live_clients(self) -> list[Client]:
        """Clients whose AP is up and whose AP group still broadcasts their SSID.

        Computed at each render (about 1 ms for 8,000 users) so that a downed AP group, an AP moved to
        another group or an SSID removed from a group by the config engine drops those users at once.
        """
        known = {s.name for s in self.ssids}
        served = {(a.name, ssid) for a in self.aps if self.is_up(a)
                  for ssid in self.ap_group_ssids.get(a.ap_group, []) if ssid in known}
        return [c for c in self.clients if (c.ap, c.ssid) in served]

    def advance(self, seconds: float) -> None:
        """Move the lab clock: uptimes and user ages grow, nothing else changes."""
        self.clock.advance(seconds)

    # --- events -------------------------------------------------------------------------------------

    def reboot_ap(self, name: str) -> None:
        """The AP boots now: its uptime starts again from zero and its users associate again (their
        ages restart too: a user cannot have been associated longer than its AP has been up)."""
        self.ap_state[name].reboots += 1
        self._came_up({name})

    def set_down_groups(self, groups: Iterable[str]) -> None:
        """The ap-group-down fault. An AP group that comes back has rebooted (a lost switch stack
        takes the APs' PoE with it), so its APs' uptimes start again when it returns."""
        groups = set(groups)
        back = self.down_groups - groups
        self.down_groups = groups
        if back:
            self._came_up({a.name for a in self.aps if a.ap_group in back})

    def set_stuck_groups(self, groups: Iterable[str]) -> None:
        """The ap-group-stuck fault. A group it names keeps the controllers it is on now as the only ones
        its APs come up on; when the fault clears, its APs stuck elsewhere come up there, now."""
        groups = set(groups)
        for group in sorted(groups - set(self.stuck)):
            self.stuck[group] = sorted({name for a in self.aps if a.ap_group == group
                                        for name in (self.ap_state[a.name].switch, self.ap_state[a.name].standby)
                                        if name})
        back = set(self.stuck) - groups
        if not back:
            return
        names = {a.name for a in self.aps if a.ap_group in back and self.ap_state[a.name].switch
                 and self.ap_state[a.name].switch not in self.stuck[a.ap_group]}
        for group in back:
            del self.stuck[group]
        self._came_up(names)

    def _came_up(self, names: set[str], at: float | None = None) -> None:
        """These APs boot and join a controller now: Up `rejoin_delay` seconds later (Down until then, no
        users), their uptimes starting then, their users associating again then."""
        if not names:
            return
        now = int((self.now() if at is None else at) + self.rejoin_delay)  # whole seconds
        for name in names:
            self.ap_state[name].boot = now
            self.ap_state[name].ready = now
        self.clients = [c._replace(since=now) if c.ap in names else c for c in self.clients]

    def rehome(self, placements: Mapping[str, Sequence[str]]) -> list[str]:
        """Each AP group of `placements` served by the MDs it names (an empty list: no controller answers
        for it, its APs are Down); a group not named stays where it is. An AP already on one of them stays
        there (a commit that changes nothing moves nothing), its standby kept in the cluster; the others
        are split as `build` splits them and come up on their new controllers now. Returns those moved."""
        moved: set[str] = set()
        turn: dict[tuple[str, ...], int] = {}
        for ap in self.aps:
            members = placements.get(ap.ap_group)
            if members is None:
                continue
            st = self.ap_state[ap.name]
            if not members:
                if st.switch:
                    st.switch, st.standby = "", ""
                    moved.add(ap.name)
                continue
            if st.switch in members:
                if st.standby not in members or st.standby == st.switch:
                    st.standby = _next(members, st.switch)
                continue
            key = tuple(members)
            k = turn.get(key, 0)
            turn[key] = k + 1
            st.switch = members[k % len(members)]
            st.standby = _next(members, st.switch)
            moved.add(ap.name)
        self._came_up(moved)
        return sorted(moved)

    def reload(self, device: str) -> None:
        """The controller reloads now, for `reload_delay` seconds: its APs with a standby controller fail over
        to it at once (a cluster's hitless failover, their uptimes kept), the others are Down until it is
        back and then take `rejoin_delay`; back, its own uptime starts again."""
        until = self.now() + self.reload_delay
        self.reloading[device] = until
        state = self.device_state.get(device)
        if state is not None:
            state.boot = int(until)
        alone: set[str] = set()
        for name, st in self.ap_state.items():
            if st.switch != device:
                continue
            if st.standby and not self.is_reloading(st.standby):
                st.switch, st.standby = st.standby, device
            else:
                alone.add(name)
        self._came_up(alone, at=until)

    def add_device(self, device: LabDevice) -> None:
        """A device that joins now (installed): up since now, its figures drawn from its name (the same
        whenever it joins)."""
        if self.device(device.name) is None:
            self.devices.append(device)
        now = self.now()
        if device.name not in self.device_state:
            self.device_state[device.name] = _build_device_state(random.Random(device.name), device, len(self.aps),
                                                                 now)
        self.device_state[device.name].boot = int(now)

    def remove_device(self, name: str) -> None:
        """A device taken out (retired): no longer one of the estate's."""
        self.devices = [d for d in self.devices if d.name != name]

    # --- persistence ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "devices": [asdict(d) for d in self.devices],
            "aps": [asdict(a) for a in self.aps],
            "ssids": [asdict(s) for s in self.ssids],
            "ap_group_ssids": {g: list(v) for g, v in self.ap_group_ssids.items()},
            "ap_state": {n: asdict(s) for n, s in self.ap_state.items()},
            "device_state": {n: asdict(s) for n, s in self.device_state.items()},
            "clients": [list(c) for c in self.clients],
            "down_groups": sorted(self.down_groups),
            "stuck": {g: list(v) for g, v in self.stuck.items()},
            "rejoin_delay": self.rejoin_delay, "reload_delay": self.reload_delay,
            "reloading": dict(self.reloading),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], clock: LabClock | None = None) -> "Operations":
        """Boot and association instants are kept as saved: a lab resumed later counts on from them.
        (State saved before the live clock also has a frozen `clock`; it is ignored.)"""
        ap_state = {n: ApState(**{**s, "radios": [Radio(**r) for r in s["radios"]]})
                    for n, s in d["ap_state"].items()}
        return cls(
            devices=[LabDevice(**x) for x in d["devices"]],
            aps=[LabAp(**x) for x in d["aps"]],
            ssids=[LabSsid(**x) for x in d["ssids"]],
            ap_group_ssids={g: list(v) for g, v in d["ap_group_ssids"].items()},
            ap_state=ap_state,
            device_state={n: DeviceState(**s) for n, s in d["device_state"].items()},
            clients=[Client(*c) for c in d["clients"]],
            down_groups=set(d.get("down_groups", [])),
            stuck={g: list(v) for g, v in (d.get("stuck") or {}).items()},
            rejoin_delay=float(d.get("rejoin_delay", 0.0)), reload_delay=float(d.get("reload_delay", 0.0)),
            reloading={k: float(v) for k, v in (d.get("reloading") or {}).items()},
            clock=clock or LabClock(),
        )


def _next(members: Sequence[str], name: str) -> str:
    """The standby of an AP active on `name`: the next member of its cluster, none in a cluster of one."""
    if len(members) < 2:
        return ""
    return members[(list(members).index(name) + 1) % len(members)]


# --- generators ------------------------------------------------------------------------------------

def _build_ap_state(rng: random.Random, aps: list[LabAp], terminators: list[LabDevice],
                    clusters: Mapping[str, Sequence[str]], now: float) -> dict[str, ApState]:
    """Addresses per site (10.160+site.x.y), cluster split by AP order, mostly long uptimes.

    The split [R]: the n-th AP a cluster serves is active on member n mod size and standby on the next
    member, so the APs (and their users) are spread evenly and each member is the other's standby."""
    flags, flag_weights = zip(*AP_FLAG_MIX)
    by_name = {d.name: d for d in terminators}
    site_index: dict[str, int] = {}
    site_count: dict[str, int] = {}
    served: dict[tuple[str, ...], int] = {}
    states: dict[str, ApState] = {}
    for ap in aps:
        site = site_index.setdefault(ap.site, len(site_index))
        n = site_count.get(ap.site, 0)
        site_count[ap.site] = n + 1
        ip = f"10.{160 + site}.{n // 240}.{n % 240 + 10}"  # hosts .10-.249
        members = [by_name[m] for m in clusters.get(ap.ap_group, ()) if m in by_name] or terminators
        key = tuple(d.name for d in members)
        k = served.get(key, 0)
        served[key] = k + 1
        active = members[k % len(members)]
        standby = members[(k + 1) % len(members)] if len(members) > 1 else None
        # A few APs rebooted recently (hours), the rest since the last maintenance window (weeks).
        up = rng.uniform(600, 36000) if rng.random() < 0.05 else rng.uniform(5, 60) * 86400
        radios = [
            Radio("5GHz", rng.choice(CHANNELS_5), round(rng.uniform(12, 21) * 2) / 2, 30.0),
            Radio("2.4GHz", rng.choice(CHANNELS_24), round(rng.uniform(6, 12) * 2) / 2, 24.0),
        ]
        states[ap.name] = ApState(ip=ip, boot=round(now - up), switch=active.name,
                                  standby=standby.name if standby else "",
                                  flags=rng.choices(flags, flag_weights)[0], radios=radios)
    return states


def _build_device_state(rng: random.Random, device: LabDevice, ap_count: int, now: float) -> DeviceState:
    total = MEMORY_KB.get(device.model, 8000000)
    block = -(-max(ap_count, 1) // LICENSE_BLOCK) * LICENSE_BLOCK
    keys = {f"{service}: {block}": _license_key(rng) for service in LICENSE_SERVICES}
    user = round(rng.uniform(2, 9), 1)
    system = round(rng.uniform(4, 12), 1)
    return DeviceState(
        boot=round(now - rng.uniform(40, 200) * 86400),
        serial=f"{'CV' if device.role == 'md' else 'VM'}{rng.randrange(10**7):07d}",
        cpu_user=user, cpu_system=system,
        mem_total_kb=total, mem_used_kb=int(total * rng.uniform(0.45, 0.65)),
        license_keys=keys if device.role == "mm" else {},
    )


def _license_key(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return "-".join("".join(rng.choice(alphabet) for _ in range(8)) for _ in range(6))


def _build_clients(rng: random.Random, aps: list[LabAp], ssids: dict[str, LabSsid],
                   ap_group_ssids: dict[str, list[str]], count: int, now: float,
                   ap_boot: Mapping[str, float]) -> list[Client]:
    """Spread `count` users over (AP, SSID) slots in one weighted draw; only SSIDs the AP's group sends.
    No user is associated for longer than its AP has been up."""
    slots: list[tuple[LabAp, LabSsid]] = []
    weights: list[float] = []
    for ap in aps:
        ap_weight = rng.uniform(0.3, 1.7)
        for name in ap_group_ssids.get(ap.ap_group, []):
            ssid = ssids.get(name)
            if ssid is not None:
                slots.append((ap, ssid))
                weights.append(ap_weight * SSID_WEIGHT[ssid_family(ssid.opmode)])
    if not slots or count <= 0:
        return []
    types, type_weights, ouis = zip(*DEVICE_TYPES)
    oui_of = dict(zip(types, ouis))
    next_host: dict[str, int] = {}
    clients: list[Client] = []
    # One weighted draw per attribute for all users: per-user rng.choices calls would double build time.
    dev_types = rng.choices(types, type_weights, k=count)
    for (ap, ssid), dev_type in zip(rng.choices(slots, weights, k=count), dev_types):
        oui = oui_of[dev_type]
        bits = rng.getrandbits(24)
        if oui:
            mac = f"{rng.choice(oui)}:{bits >> 16:02x}:{(bits >> 8) & 255:02x}:{bits & 255:02x}"
        else:  # randomised MAC: locally administered bit set, as phones do per SSID
            head = rng.getrandbits(24) & 0xFEFFFF | 0x020000
            mac = (f"{head >> 16:02x}:{(head >> 8) & 255:02x}:{head & 255:02x}:"
                   f"{bits >> 16:02x}:{(bits >> 8) & 255:02x}:{bits & 255:02x}")
        n = next_host.get(ssid.name, 0)
        next_host[ssid.name] = n + 1
        ip = f"{ssid_subnet(ssid.vlan)}.{n // 250}.{n % 250 + 2}"
        family = ssid_family(ssid.opmode)
        if family == "portal":
            logged_in = rng.random() < 0.7
            role = "guest-internet" if logged_in else "guest-logon"
            name = mac if logged_in else ""
        elif family == "dot1x":
            role = "authenticated"
            name = f"{rng.choice(FIRST_NAMES)}.{rng.choice(LAST_NAMES)}"
        else:
            role, name = "authenticated", ""
        host = f"{HOST_NAME_PREFIX[dev_type]}-{bits & 0xFFF:03X}" if rng.random() < 0.4 else ""
        band = "5GHz" if rng.random() < 0.75 else "2.4GHz"
        since: float = round(now - rng.uniform(60, 8 * 3600))
        boot = ap_boot[ap.name]
        if since < boot:
            since = boot
        clients.append(Client(mac, ip, name, role, ap.name, ssid.name, band, dev_type, host, since))
    return clients
