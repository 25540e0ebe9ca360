"""The inventory's schema: what each file may say, with the types and ranges of the real estate.

Every model forbids unknown keys, so a typo (`vlna: 210`) is an error rather than a silently ignored
line. Ranges are the device's own (VLAN 1..4094, SSID at most 32 bytes, from arubaos8.md §3.4).
Secrets are never values here: only `{secret: NAME}` references, resolved at run time; a login password
typed in a host, group or defaults is refused. Host and AP names name files (transcripts, backups), so
they are limited to a set of characters that cannot leave a folder (no `/`, no leading `.` or `-`).
"""

from __future__ import annotations

import ipaddress
from datetime import time
from typing import Annotated, Any, Literal, get_args

from pydantic import (AfterValidator, Field, StrictBool, StrictFloat,
                      StrictInt, field_validator, model_validator)

from wifiops.inventory.base import Strict
from wifiops.inventory.hours import (  # noqa: F401  (the sites' hours, re-exported: the inventory's schema)
    CLOCK, MONTH_DAY, WEEKDAYS, ClockTime, DayHours, MonthDay, OpeningHours, Site, SiteName, Sites, Weekday,
    _timezone, path_name)

VlanId = Annotated[StrictInt, Field(ge=1, le=4094)]
Rate = Annotated[StrictFloat | StrictInt, Field(gt=0)]
# A role's bw-contract shapes one direction per line (CLI-Bank user-role); "both" renders two lines.
Direction = Literal["both", "upstream", "downstream"]
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:/+-]+$")]
Mac = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")]

ApName = Annotated[str, path_name("an AP")]


# Values pushed to the ArubaOS CLI, checked for what one command line can carry: the CLI has no escape for a
# double quote inside a quoted value, reads `?` as a request for its inline help, ends the command at a newline
# (a control character garbles it), and splits an unquoted value at a space. Said here, with file, line and
# field, instead of by the device mid-push (or by render, naming no field).
def cli_problem(value: str, *, word: bool) -> str | None:
    """Why `value` cannot be sent in an ArubaOS command (`word`: where one unquoted word is expected), or None."""
    for character in value:
        if ord(character) < 32 or 127 <= ord(character) < 160 or character in "\u2028\u2029":
            return (f"holds a control character ({character!r}): a newline or a control character would end or "
                    "garble the command on the device")
    if '"' in value:
        return 'holds a double quote ("): the ArubaOS CLI has no way to escape it inside a value'
    if "?" in value:
        return "holds a '?': typed on the ArubaOS CLI it opens the inline help instead of being sent"
    if word and any(character.isspace() for character in value):
        return "holds a space: the CLI expects one word here and would read two"
    return None


def _cli(*, word: bool) -> Any:
    def check(value: str) -> str:
        problem = cli_problem(value, word=word)
        if problem is not None:
            raise ValueError(problem)
        return value
    return AfterValidator(check)


def _node_path(value: str) -> str:
    """A node path names the folders of its backups and rendered files (wifiops.paths.node_file): `/` or
    `/md/Louvre`, never an empty, `.` or `..` part."""
    if value != "/" and any(part in ("", ".", "..") for part in value[1:].split("/")):
        raise ValueError("a node path is / or /<name>/<name>...: no empty, '.' or '..' part (it names the folders "
                         "of backups and rendered files)")
    return value


NodePath = Annotated[str, AfterValidator(_node_path)]
CliText = Annotated[str, _cli(word=False)]  # sent in quotes: an ESSID, a description
CliWord = Annotated[str, _cli(word=True)]  # sent as one word: an address, a host name, a whitelist entry, a URL


def _opmode(value: str) -> str:
    """An opmode keyword 8.10 accepts: the platform's vocabulary (wifiops/aos8/security.yaml `accepted`)."""
    from wifiops.aos8.security import security

    accepted = security().accepted
    if value not in accepted:
        raise ValueError(f"not an opmode ArubaOS 8.10 accepts; the opmodes are {', '.join(accepted)}")
    return value


Opmode = Annotated[str, AfterValidator(_opmode)]


class SecretRef(Strict):
    """A pointer to a secret kept outside git: WIFIOPS_SECRET_<NAME> or the secrets file."""

    secret: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    """The secret's name: read from WIFIOPS_SECRET_<NAME> (upper case) or from the secrets file."""

    @model_validator(mode="before")
    @classmethod
    def _never_a_value(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("a secret is never written in the inventory: use {secret: NAME} and set "
                             "WIFIOPS_SECRET_<NAME> or the secrets file")
        return value


class RadiusServer(Strict):
    name: Name
    """The RADIUS server's name on the controllers, as a server group lists it."""
    host: CliWord
    """Its address (IP or DNS name), sent as one word."""
    key: SecretRef
    """The shared key, a `{secret: NAME}` reference."""
    auth_port: Annotated[StrictInt, Field(ge=1, le=65535)] = 1812
    """The authentication port."""
    acct_port: Annotated[StrictInt, Field(ge=1, le=65535)] = 1813
    """The accounting port."""


class ServerGroup(Strict):
    name: Name
    """The server group's name, as an SSID's `server_group` names it."""
    servers: list[Name] = Field(min_length=1)
    """The RADIUS servers it holds, by name, in the order they are tried."""


class Segment(Strict):
    """An internet segment on the shared link (CCTP): its VLAN, addressing and QoS rate."""

    name: Name
    """The segment's name, as the firewall change sheet and `roles` name it."""
    vlan: VlanId
    """The segment's VLAN on the shared link."""
    addressing: Literal["public-pool", "private"]
    """Whether its clients get public addresses from a pool or private ones."""
    prefix: str
    """Its IP network (a strict prefix, as 10.20.0.0/16)."""
    dhcp: StrictBool
    """Whether its addresses are handed out by DHCP."""
    static_allowed: StrictBool = False
    """Whether static addresses are allowed on it."""
    qos_mbps: Rate
    """The rate the segment is given, in Mbps (checked against the contract's ceiling)."""
    qos_max_mbps: Rate | None = None
    """A lower ceiling than the contract's for this segment, in Mbps; none: the contract's."""
    used_by: list[str] = []
    """The SSIDs that use the segment, as the firewall sheet lists them."""
    # Where the rate is enforced (docs/qos.md): the operator's firewall shapes the internet segments (CCTP
    # "Cluster Firewall"), from a change sheet; a controller only through the user roles named in `roles`.
    enforced_by: Literal["firewall", "controller"] = "firewall"
    roles: list[Name] = []
    """The user roles that carry its rate when a controller enforces it."""
    direction: Direction = "both"
    """Which direction the rate shapes: both, or upstream or downstream only."""

    @field_validator("prefix")
    @classmethod
    def _network(cls, value: str) -> str:
        ipaddress.ip_network(value, strict=True)
        return value


class CaptivePortal(Strict):
    """The operator's external portal as the controllers see it (CCTP: 12 h renewable sessions)."""

    name: Name
    """The captive-portal profile's name; its whitelist is `<name>-whitelist`."""
    login_page: Annotated[CliWord, Field(pattern=r"^https://\S+$")]
    """The operator's login page (an https:// URL)."""
    whitelist: list[CliWord] = []
    """Host names reachable before logging in (the portal's netdestination)."""
    session_hours: Annotated[StrictFloat | StrictInt, Field(gt=0, le=168)]
    """How long a session lasts before the user logs in again (the role's reauthentication interval)."""
    renewable: StrictBool
    """Whether a session may be renewed when it ends (the contract's renewable 12 h sessions)."""
    pre_auth_role: Name
    """The role before login, which redirects to the portal."""
    post_auth_role: Name
    """The role after login, the portal's default role."""
    bandwidth_limit_mbps: Rate | None = None  # per user, by the controllers (the post-authentication role)
    bandwidth_limit_direction: Direction = "both"
    """Which direction `bandwidth_limit_mbps` shapes."""


class Vlan(Strict):
    """A named user VLAN (`vlan-name` at the node that defines it, `vlan <name> <id>` where APs terminate)."""

    name: Name
    """The VLAN's name, as `vlan-name` sets it."""
    id: VlanId
    """The VLAN's number."""
    description: CliText | None = None
    """A free text sent as the VLAN's description."""


class Ssid(Strict):
    name: CliText
    """The ESSID the APs broadcast (1 to 32 bytes)."""
    profile: Name
    """The SSID profile's name on the controllers (its virtual AP and AAA profile are named after it)."""
    auth: Literal["captive-portal", "dot1x", "dot1x-certificate", "psk", "open"]
    """How clients authenticate: captive portal, 802.1X (password or certificate), PSK or open."""
    portal: Name | None = None
    """The captive portal it uses (`auth: captive-portal`), by name."""
    server_group: Name | None = None
    """The RADIUS server group it authenticates against (802.1X), by name."""
    psk: SecretRef | None = None
    """The passphrase (`auth: psk`), a `{secret: NAME}` reference."""
    opmode: Opmode
    """Its encryption (opmode), one that ArubaOS 8.10 accepts."""
    target_opmode: Opmode | None = None
    """The opmode it moves to (a WPA3 move): rendered only where a run names this SSID."""
    transition: StrictBool = False
    """Whether the opmode runs in transition mode (older clients still join), as security.yaml says."""
    # Protected management frames, when the default of the opmode (wifiops/aos8/security.yaml) is not wanted.
    pmf: Literal["none", "capable", "required"] | None = None
    vlan: VlanId
    """The VLAN its clients are put in."""

    @field_validator("name")
    @classmethod
    def _essid_length(cls, value: str) -> str:
        size = len(value.encode("utf-8"))
        if not 1 <= size <= 32:
            raise ValueError(f"an ESSID is 1 to 32 bytes, this one is {size}")
        return value


class Cluster(Strict):
    name: Name
    """The cluster profile's name."""
    members: list[str] = Field(min_length=1)
    """The controllers of the cluster, by inventory name."""
    # The AP system profile that points the cluster's APs at its members (lms-ip, bkup-lms-ip): rendered
    # with the cluster and named by every AP group on its node, so a plan never strips it from them.
    ap_system_profile: Name | None = None


class NodeIntent(Strict):
    """What a configuration node (or a device node) sets; lower nodes override key by key."""

    radius_servers: list[RadiusServer] | None = None
    """The RADIUS servers defined at this node."""
    server_groups: list[ServerGroup] | None = None
    """The RADIUS server groups defined at this node."""
    segments: list[Segment] | None = None
    """The internet segments defined at this node."""
    vlans: list[Vlan] | None = None
    """The named user VLANs defined at this node."""
    captive_portals: list[CaptivePortal] | None = None
    """The captive portals defined at this node."""
    ssids: list[Ssid] | None = None
    """The SSIDs defined at this node."""
    cluster: Cluster | None = None
    """The controller cluster in service at this node."""
    # More clusters on the same node, for a migration: a successor cluster beside the one in service (a
    # 9240 cannot join a 7210 cluster, arubaos8.md §8.1); each AP group names the one it terminates on.
    clusters: list[Cluster] | None = None
    nas_ip: CliWord | None = None
    """The NAS address a controller gives its RADIUS requests (`ip radius nas-ip`)."""


class NodeData(NodeIntent):
    group_kind: Literal["node"]
    """`node`: this group is a configuration node of the MM hierarchy."""
    config_path: Annotated[NodePath, Field(pattern=r'^/[^\s"?\x00-\x1f\x7f]*$')]
    """The node's path in the hierarchy (`/md/Louvre`)."""
    node_type: Literal["System", "Group"]
    """`System` (a node ArubaOS makes) or `Group` (one the estate creates)."""


class ApGroupData(Strict):
    group_kind: Literal["ap_group"]
    """`ap_group`: this group is an AP group."""
    site: SiteName
    """The site its APs are at."""
    broadcasts: list[CliText] = []
    """The ESSIDs its APs broadcast (each an SSID of the intent)."""
    cluster: Name | None = None  # the cluster its APs terminate on (default: its node's `cluster`)


class RoleData(Strict):
    group_kind: Literal["role"]
    """`role`: this group gives its hosts a role."""
    role: Literal["mm", "md", "clearpass", "airwave"]
    """The role: Mobility Master, controller (md), ClearPass or AirWave."""


NO_PASSWORD = ("a login password is never written in the inventory; set WIFIOPS_PASSWORD or "
               "`password:` in the secrets file")


def _no_password(value: Any) -> Any:
    if value is not None:
        raise ValueError(NO_PASSWORD)
    return value


# Keys under connection_options extras that hold a secret in netmiko's or paramiko's words.
EXTRAS_SECRET_KEYS = {"secret", "password", "passphrase", "key", "psk", "pkey", "passwd", "enable_password"}


class ConnectionOptions(Strict):
    """Nornir's per-plugin connection options; the password is refused here as on the host."""

    hostname: str | None = None
    """The address this connection plugin uses instead of the host's."""
    port: Annotated[StrictInt, Field(ge=1, le=65535)] | None = None
    """The port this connection plugin uses instead of the host's."""
    username: str | None = None
    """The login this connection plugin uses instead of the host's."""
    password: None = None
    """Refused: the password is WIFIOPS_PASSWORD or the secrets file, never the inventory."""
    platform: str | None = None
    """The plugin's own platform name (netmiko's device type)."""
    extras: dict[str, Any] | None = None
    """Options passed to the plugin as they are (no secret allowed)."""

    _refuse_password = field_validator("password", mode="before")(_no_password)

    @field_validator("extras", mode="before")
    @classmethod
    def _no_secret_in_extras(cls, value: Any) -> Any:
        """netmiko's `secret` (the enable password), a `password` or a key, typed in clear under extras: refused
        as on the host (a `{secret: NAME}` reference is no more accepted here: extras reach netmiko as they are)."""
        stack = [value]
        while stack:
            current = stack.pop()
            if isinstance(current, dict):
                for key, inner in current.items():
                    if str(key).lower() in EXTRAS_SECRET_KEYS and inner not in (None, ""):
                        raise ValueError(f"`{key}` under extras is a secret written in the inventory (in clear, in "
                                         "git): remove it; the device login password is WIFIOPS_PASSWORD or "
                                         "`password:` in the secrets file")
                    stack.append(inner)
            elif isinstance(current, list):
                stack += current
        return value


class Connection(Strict):
    """Nornir's host/group connection fields; platform and address may come from a group or defaults."""

    hostname: str | None = None
    """The address wifiops connects to (IP or DNS name)."""
    port: Annotated[StrictInt, Field(ge=1, le=65535)] | None = None
    """The port wifiops connects to; if unset, 22 (SSH), or 443 for a ClearPass (its HTTPS API)."""
    username: str | None = None
    """The login; the password comes from the secrets store."""
    password: None = None
    """Refused: the password is WIFIOPS_PASSWORD or the secrets file, never the inventory."""
    platform: Literal["aruba_os", "clearpass", "airwave"] | None = None
    """What the host runs: ArubaOS, ClearPass or AirWave."""
    connection_options: dict[str, ConnectionOptions] | None = None
    """Per-plugin connection options (netmiko, napalm), by plugin name."""

    _refuse_password = field_validator("password", mode="before")(_no_password)


class Group(Connection):
    groups: list[str] = []
    """The groups this group inherits from, nearest first."""
    data: Annotated[NodeData | ApGroupData | RoleData, Field(discriminator="group_kind")]
    """What the group is: a configuration node, an AP group or a role (`group_kind`)."""


class HealthLimits(Strict):
    """What `wifiops check` calls too high on an MM or a controller (per cent)."""

    cpu_max_percent: Annotated[float, Field(gt=0, le=100)] = 80.0
    """CPU use above this is too high."""
    memory_max_percent: Annotated[float, Field(gt=0, le=100)] = 90.0
    """Memory use above this is too high."""


# Where a host is in its life: `planned` (bought, not racked: no verb reaches it, no node is rendered for
# it), `in-service`, `retiring` (still reached while its load moves to its successors, issue 15).
Lifecycle = Literal["planned", "in-service", "retiring"]


class Console(Strict):
    """The device's serial console, reached through a console-server line over SSH (docs/upgrade.md, the way
    back of a device that does not boot); the login is the device's own (the secrets store's)."""

    host: CliWord
    """The console server's address."""
    port: Annotated[StrictInt, Field(ge=1, le=65535)]
    """The console server's SSH port for this device's line."""


class HostData(NodeIntent):
    site: SiteName
    """The site the device is at."""
    model: str
    """The hardware or VM model, as the DOE lists it (MM-VA-1K, 7210, C2000)."""
    lifecycle: Lifecycle = "in-service"
    """Where the host is in its life: planned, in service or retiring."""
    mac: Mac | None = None
    """The device's MAC address, which names its device node (the last part of `config_path`)."""
    config_path: Annotated[CliWord, AfterValidator(_node_path)] | None = None
    """The device node's path: its parent node, then its MAC (`/md/Louvre/00:1a:1e:72:10:01`)."""
    node_type: Literal["Device"] | None = None
    """`Device`: the host is a device node of the hierarchy."""
    mgmt_ip: CliWord | None = None
    """The management address the configuration gives the device."""
    mm_pair: Literal["primary", "l3-secondary"] | None = None
    """The MM's place in its pair: primary or L3 secondary."""
    mm_state: Literal["active", "standby"] | None = None
    """The MM's expected redundancy state: active or standby (the standby is upgraded first)."""
    conductor: StrictBool = False
    """True on the MM that holds the configuration hierarchy, the one pushes go to."""
    version: str | None = None
    """The software version the device runs, as recorded (the DOE prefers the one its backup shows)."""
    cppm_role: Literal["publisher", "subscriber"] | None = None
    """A ClearPass server's role in its cluster: publisher or subscriber."""
    health: HealthLimits | None = None  # this host's own limits, instead of the defaults'
    # how `wifiops check` reads this host (docs/rest-api.md): its SSH session, its REST API (HTTPS, JSON), or
    # REST when the device offers it and SSH otherwise; pushes always go over SSH
    transport: Literal["ssh", "rest", "auto"] = "ssh"
    rest_port: Annotated[StrictInt, Field(ge=1, le=65535)] | None = None  # the REST API's port, 4343 if unset
    console: Console | None = None  # its console-server line, for the way back when it does not boot


class Host(Connection):
    groups: list[str] = []
    """The groups this host inherits from (a device node's parent node first)."""
    data: HostData
    """What wifiops knows of the host: site, model, role in the estate, intent at its device node."""


# --- supervision (`wifiops watch`): thresholds, hysteresis, incident rules, restoration deadlines ---------------

AlertKind = Literal["unreachable", "sync", "cpu", "memory", "aps-down", "ap-down", "ap-rebooted", "clients-per-ap",
                    "clients-per-ssid", "licence", "pending"]
ALERT_KINDS: tuple[AlertKind, ...] = get_args(AlertKind)
HysteresisKey = Literal[AlertKind, "default"]  # an alert kind, or the rule of every kind not named
HostKind = Literal["mm", "md", "clearpass"]  # the hosts `wifiops watch` reads (a role of groups.yaml; ClearPass)
Percent = Annotated[StrictFloat | StrictInt, Field(gt=0, le=100)]
Count = Annotated[StrictInt, Field(ge=0)]
PositiveCount = Annotated[StrictInt, Field(ge=1)]
SampleCount = Annotated[StrictInt, Field(ge=1, le=1_000)]  # samples a hysteresis remembers (kept in the store)


class Thresholds(Strict):
    """When a measure is an alert. Every field may be left out, so that an override (per host kind, site, AP
    group, host) says only what it changes; `null` switches a limit off there; DEFAULT_THRESHOLDS fills the
    rest. Each comment says on which side of its value the alert is."""

    cpu_percent: Percent | None = None  # an MM or controller's CPU above this
    memory_percent: Percent | None = None
    """An MM or controller's memory use above this."""
    sync: StrictBool | None = None  # an MM or controller not `up`, or not `UPDATE SUCCESSFUL`
    aps_down: PositiveCount | None = None  # APs down (or missing) in one AP group, at least this many
    aps_down_percent: Percent | None = None  # ... or at least this share of the group
    ap_down: StrictBool | None = None  # each AP down is an alert of its own (unless its group's is raised)
    ap_rebooted: StrictBool | None = None
    """An AP that rebooted (its uptime went back) is an alert."""
    clients_per_ap: PositiveCount | None = None  # an AP with more clients than this
    clients_per_ssid: PositiveCount | None = None  # an SSID with more clients than this (estate-wide)
    licence_headroom: Count | None = None  # spare AP licences (capacity minus APs of the inventory), fewer than this
    licence_headroom_percent: Percent | None = None  # ... or fewer than this share of the APs


# The contract's defaults, under every override; `supervision.thresholds` in defaults.yaml changes them.
DEFAULT_THRESHOLDS: dict[str, Any] = {
    "cpu_percent": 80, "memory_percent": 90, "sync": True, "aps_down": 10, "aps_down_percent": 25,
    "ap_down": True, "ap_rebooted": True, "clients_per_ap": 80, "clients_per_ssid": None,
    "licence_headroom": 1, "licence_headroom_percent": 5,
}


class Hysteresis(Strict):
    """An alert is raised after `raise_after` bad samples among the last `within` (default: raise_after, that is
    in a row), and cleared after `clear_after` good samples in a row: a flapping AP stays one alert."""

    raise_after: SampleCount = 2
    """Bad samples that raise the alert."""
    within: SampleCount | None = None
    """Among how many last samples the bad ones are counted (default: raise_after, in a row)."""
    clear_after: SampleCount = 3
    """Good samples in a row that clear the alert."""

    @model_validator(mode="after")
    def _window_holds_the_count(self) -> Hysteresis:
        if self.within is not None and self.within < self.raise_after:
            raise ValueError(f"within ({self.within}) must be at least raise_after ({self.raise_after})")
        return self


Severity = Literal["minor", "major"]


class IncidentRule(Strict):
    """Which alert opens which incident: the first rule whose fields all match. No rule: an alert, no incident."""

    alert: AlertKind
    """The alert kind the rule matches."""
    priority: StrictBool | None = None  # only a priority AP (true) or only another (false)
    kind: HostKind | None = None  # only this kind of host
    site: SiteName | None = None
    """Only hosts or APs of this site."""
    severity: Severity
    """The incident's severity: minor or major."""
    gtr: Name | None  # a class of `gtr`, or null: no restoration deadline (a minor incident, a planned fix)


class GtrClass(Strict):
    """A restoration deadline: working hours or working days (the provider's working hours, French public
    holidays off), or hours around the clock. `remind_before_minutes`: the reminder's margin, wall clock."""

    # bounded: a deadline is stored as a moment, which must stay a date (a year of hours, of working days)
    working_hours: Annotated[StrictFloat | StrictInt, Field(gt=0, le=2_000, allow_inf_nan=False)] | None = None
    working_days: Annotated[StrictInt, Field(ge=1, le=365)] | None = None
    """The deadline in working days."""
    hours: Annotated[StrictFloat | StrictInt, Field(gt=0, le=8_760, allow_inf_nan=False)] | None = None
    """The deadline in hours around the clock."""
    remind_before_minutes: Annotated[StrictFloat | StrictInt, Field(ge=0, le=10_080, allow_inf_nan=False)] = 60
    """How long before the deadline the reminder goes out, in minutes."""
    description: str | None = None
    """A free text saying what the class covers."""

    @model_validator(mode="after")
    def _one_duration(self) -> GtrClass:
        given = [k for k in ("working_hours", "working_days", "hours") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a GTR class is exactly one of working_hours, working_days or hours"
                             + (f" (got {', '.join(given)})" if given else ""))
        return self


# Contract (CCTP, major anomalies): central or remote WiFi infrastructure, servers and the supervision tool
# 4 working hours; APs 5 working days, or 1 day for a priority (accessible) AP: "1 jour", not "ouvré".
DEFAULT_GTR: dict[str, GtrClass] = {
    "infrastructure": GtrClass(working_hours=4, remind_before_minutes=60),
    "server": GtrClass(working_hours=4, remind_before_minutes=60),
    "supervision": GtrClass(working_hours=4, remind_before_minutes=60),
    "priority-ap": GtrClass(hours=24, remind_before_minutes=120),
    "ap": GtrClass(working_days=5, remind_before_minutes=1440),
}
DEFAULT_INCIDENTS: list[IncidentRule] = [
    IncidentRule(alert="unreachable", kind="clearpass", severity="major", gtr="server"),
    IncidentRule(alert="sync", kind="clearpass", severity="major", gtr="server"),
    IncidentRule(alert="unreachable", severity="major", gtr="infrastructure"),
    IncidentRule(alert="sync", severity="major", gtr="infrastructure"),
    IncidentRule(alert="aps-down", severity="major", gtr="infrastructure"),
    IncidentRule(alert="ap-down", priority=True, severity="major", gtr="priority-ap"),
    IncidentRule(alert="ap-down", severity="major", gtr="ap"),
    IncidentRule(alert="cpu", severity="minor", gtr=None),
    IncidentRule(alert="memory", severity="minor", gtr=None),
    IncidentRule(alert="licence", severity="minor", gtr=None),
]
DEFAULT_HYSTERESIS: dict[HysteresisKey, Hysteresis] = {
    "default": Hysteresis(raise_after=2, within=3, clear_after=3),
    "ap-rebooted": Hysteresis(raise_after=1, clear_after=12),
}


def _working_hours() -> OpeningHours:
    office = DayHours(open=time(8), close=time(18))  # Monday to Friday, 08:00-18:00
    return OpeningHours(days={day: office for day in WEEKDAYS[:5]}, closed_days=["saturday", "sunday"])


class Supervision(Strict):
    """What `wifiops watch` alerts on and how incidents are opened and timed (defaults.yaml `supervision`).

    Thresholds are layered key by key: DEFAULT_THRESHOLDS, `thresholds`, then by host kind, site and host for an
    MM or controller, by site and AP group for APs and their group; `ssids` sets clients_per_ssid per SSID.
    `hysteresis`, `incidents` and `gtr`, when written, are the whole of their rules.
    """

    target_percent: Annotated[StrictFloat | StrictInt, Field(gt=0, le=100)] = 99  # contract: availability
    thresholds: Thresholds = Thresholds()
    """The estate-wide thresholds, over DEFAULT_THRESHOLDS."""
    kinds: dict[HostKind, Thresholds] = {}
    """Thresholds by host kind (mm, md, clearpass)."""
    sites: dict[str, Thresholds] = {}
    """Thresholds by site."""
    ap_groups: dict[str, Thresholds] = {}
    """Thresholds by AP group."""
    hosts: dict[str, Thresholds] = {}
    """Thresholds by host, by inventory name."""
    ssids: dict[str, PositiveCount | None] = {}
    """The client limit of each SSID (null: none), instead of clients_per_ssid."""
    hysteresis: dict[HysteresisKey, Hysteresis] = DEFAULT_HYSTERESIS
    """How many samples raise and clear an alert, by alert kind (`default`: the others)."""
    incidents: list[IncidentRule] = DEFAULT_INCIDENTS
    """The rules that open incidents from alerts, the first that matches wins."""
    gtr: dict[str, GtrClass] = DEFAULT_GTR
    """The restoration deadline classes (GTR), by name, as the incident rules name them."""
    # The provider's working hours, in which "working hours" and "working days" of a GTR run (French public
    # holidays are off, as for maintenance windows). Not the museums' opening hours.
    working_hours: OpeningHours = Field(default_factory=_working_hours)


# --- statistics (`wifiops watch` samples, `wifiops stats`, the staff page, the yearly report; issue 18) ----------

class Statistics(Strict):
    """Connection statistics: counted from the controllers' user tables, never a client's identity (MAC, IP, name).

    `sample_every_minutes`: how often a watch cycle also reads `show user-table` on every controller (a heavy
    command on a 7210 with thousands of users; 15 minutes gives each hour four samples for its mean and peak).
    `retention_days`: how long the aggregated figures are kept (a year and a month: last year's activity report
    can still be made in January). `timezone`: the hours of the day and the days the figures are counted in."""

    enabled: StrictBool = True
    """Whether watch cycles sample the user tables at all."""
    sample_every_minutes: Annotated[StrictInt, Field(ge=1, le=1440)] = 15
    """How often the user tables are read, in minutes."""
    retention_days: Annotated[StrictInt, Field(ge=1, le=3660)] = 400
    """How long the aggregated figures are kept, in days."""
    timezone: Annotated[str, AfterValidator(_timezone)] = "Europe/Paris"
    """The time zone the figures' hours and days are counted in."""


class DefaultsData(Strict):
    estate: Name
    """The estate's name, as the reports print it."""
    sites: Sites
    """The estate's sites, by the short name hosts and AP groups use."""
    health: HealthLimits = HealthLimits()
    """The estate's health limits, unless a host sets its own."""
    supervision: Supervision = Supervision()
    """What `wifiops watch` alerts on and how incidents are timed."""
    statistics: Statistics = Statistics()
    """How connection statistics are sampled and kept."""


class Defaults(Connection):
    data: DefaultsData
    """The estate's defaults: sites, health, supervision, statistics."""


class AccessPoint(Strict):
    """One campus AP; `priority` selects the 1-day (vs 5-working-day) restoration deadline."""

    name: ApName
    """The AP's name, as the controllers know it."""
    model: Annotated[str, Field(pattern=r"^(IAP|AP)-\d{3}[A-Z]?$")]
    """Its model (AP-515, IAP-305)."""
    mac: Mac
    """Its MAC address (unique in the file)."""
    serial: Annotated[str, Field(pattern=r"^[A-Z0-9]{6,16}$")]
    """Its serial number."""
    ap_group: str
    """The AP group it belongs to."""
    site: SiteName
    """The site it is at."""
    zone: str
    """Where it is on the site (room, wing, floor), as control visits group it."""
    priority: StrictBool
    """A priority (accessible) AP: a 1-day restoration deadline instead of 5 working days."""


class ApFile(Strict):
    aps: list[AccessPoint]
    """Every campus AP of the estate."""


# Secrets files are flat name -> value maps (lab only in git).
SecretsFile = dict[str, str]
