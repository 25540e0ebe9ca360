"""What the lab's ClearPass servers hold and answer, without HTTP: clusters, network devices, the API client
and its tokens. api.py puts it on HTTPS; the lab core keeps it with its state (saved on `down`).

Deliberate duplication: the lab reads ClearPass from arubaos8.md §6 on its own, never from the toolkit's
client (wifiops/clearpass/): a mistake shared by both would pass every test.

Clusters: a ClearPass cluster runs one version (a subscriber joins only a publisher of its own version), so
the lab groups the inventory's ClearPass servers by version, the `cppm_role: publisher` one leading each.
Configuration is the cluster's, as the publisher replicates it: a network device made through any server
of a cluster is seen by all of them [R: a real subscriber forwards writes to its publisher]. The first
cluster of hosts.yaml is the one in service: it starts with the estate's network devices (every MM and MD
as a RADIUS client, the shared secret of the intent's RADIUS servers; not the planned MDs); any other
cluster (new servers) starts empty.

Secrets (`radius_secret`, `tacacs_secret`, the SNMP and CLI ones) are write-only: kept, never answered
(an answer carries "" in their place, as a real server's does), and never filterable.
"""

from __future__ import annotations

import copy
import dataclasses
import ipaddress
import json
import re
import secrets
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wifiops.lab.clearpass import config, filters
from wifiops.lab.estate import Estate, LabClearPassSpec
from wifiops.lab.faults import HostFaults

PROBLEM_TYPE = "http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
TOKEN_LIFETIME = 28800  # 8 h: ClearPass's default access-token lifetime (arubaos8.md §6.1)
OPERATOR_PROFILE = "Super Administrator"  # the operator profile of the lab's API client [R]
GROUP_FIRST_ID = 1  # network device group ids [R]
FIRST_ID = 3001  # ids as a real server numbers them (PowerArubaCP's example device is 3004)
LIMIT_DEFAULT, LIMIT_MAX = 25, 1000
CLIENT_ID_SECRET, CLIENT_SECRET_SECRET = "clearpass_client_id", "clearpass_client_secret"  # secrets.yaml names
RADIUS_SECRET = "radius_key"  # the shared secret when the intent's RADIUS servers name none
UUID_NAMESPACE = uuid.UUID("6f1c1d52-3b0e-4c8a-9a57-7c1e2f0b9d41")  # stable server uuids per lab host name

SECRETS = ("radius_secret", "tacacs_secret")
NESTED_SECRETS = {"snmp_read": ("community_string", "auth_key", "privacy_key"),
                  "snmp_write": ("community_string", "auth_key", "privacy_key"),
                  "cli_config": ("password", "enable_password"),
                  "radsec_config": ()}
HIDDEN = set(SECRETS) | {name for names in NESTED_SECRETS.values() for name in names}
NESTED = ("snmp_read", "snmp_write", "radsec_config", "cli_config", "onConnect_enforcement")
# field -> what it must be (NetworkDeviceCreate); `id` and `_links` are the server's own
TEXT = ("name", "description", "ip_address", "radius_secret", "tacacs_secret", "vendor_name")
REQUIRED = ("name", "ip_address")
DEFAULTS: dict[str, Any] = {"description": "", "radius_secret": "", "tacacs_secret": "", "vendor_name": "IETF",
                            "vendor_id": 0, "coa_capable": False, "coa_port": 3799, "radsec_enabled": False,
                            "nad_groups": [], "attributes": {}}
SORTABLE = ("id", "name", "description", "ip_address", "vendor_name", "vendor_id", "coa_capable", "coa_port",
            "radsec_enabled")
_RANGE = re.compile(r"(\d{1,3}\.\d{1,3}\.\d{1,3}\.)(\d{1,3})-(\d{1,3})")  # 10.1.1.1-20, a range of the last octet
REASONS = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
           406: "Not Acceptable", 415: "Unsupported Media Type", 422: "Unprocessable Entity"}


class ApiError(Exception):
    """An answer other than 2xx, in the API's problem+json shape (`body()`)."""

    def __init__(self, status: int, detail: str, *, title: str | None = None,
                 validation_messages: dict[str, dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.title = title or REASONS.get(status, "Error")
        self.validation_messages = validation_messages
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": PROBLEM_TYPE, "title": self.title, "status": self.status,
                                "detail": self.detail}
        if self.validation_messages is not None:
            body["validation_messages"] = self.validation_messages
        return body


def invalid(messages: dict[str, dict[str, str]]) -> ApiError:
    return ApiError(422, "Failed Validation", validation_messages=messages)


def not_found(what: str = "Entity") -> ApiError:
    return ApiError(404, f"{what} not found")


@dataclass
class Cluster:
    name: str  # its publisher's
    members: list[str]
    devices: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_id: int = FIRST_ID
    objects: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)  # config.KINDS' key -> id -> item

    def to_dict(self) -> dict[str, Any]:
        return {"devices": [self.devices[i] for i in sorted(self.devices)], "next_id": self.next_id,
                "objects": {k: [v[i] for i in sorted(v)] for k, v in self.objects.items()}}


@dataclass
class Token:
    host: str
    expires: float  # time.monotonic()


def _version_parts(version: str) -> list[str]:
    parts = (version.split(".") + ["0", "0", "0", "0"])[:4]
    return [p if p.isdigit() else "0" for p in parts]


class ClearPassLab:
    """Every ClearPass server of the lab estate. `faults(host)` gives a host's switched-on faults (the core's).

    `token_lifetime` (seconds) is what new tokens get; `expire_tokens()` ends the tokens already given, as
    their lifetime running out would. `issued[host]` and `refused[host]` count tokens given and calls
    answered 401, for tests to see a client renew its token (and only when needed)."""

    def __init__(self, estate: Estate, state: dict[str, Any] | None = None, *,
                 faults: Callable[[str], HostFaults] | None = None) -> None:
        self.estate = estate
        self.servers: dict[str, LabClearPassSpec] = {s.name: s for s in estate.clearpass}
        self._faults = faults or (lambda host: HostFaults())
        self.client_id = str(estate.secrets.get(CLIENT_ID_SECRET) or "wifiops")
        self.client_secret = str(estate.secrets.get(CLIENT_SECRET_SECRET) or "")
        self.token_lifetime: int = TOKEN_LIFETIME
        self.tokens: dict[str, Token] = {}
        self.replication: dict[str, str] = {}  # host -> its replication_status when not ENABLED (set_replication)
        self.issued: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.clusters: dict[str, Cluster] = {}
        self.cluster_of: dict[str, str] = {}
        by_version: dict[str, list[LabClearPassSpec]] = {}
        for server in estate.clearpass:
            by_version.setdefault(server.version, []).append(server)
        for members in by_version.values():
            publisher = next((s for s in members if s.cppm_role == "publisher"), members[0])
            names = [publisher.name] + [s.name for s in members if s is not publisher]
            self.clusters[publisher.name] = Cluster(publisher.name, names)
            self.cluster_of.update({n: publisher.name for n in names})
        saved = (state or {}).get("clusters")
        if saved is not None:
            self._load(saved)
        else:
            self._seed()
        self._pristine = self.snapshot()

    # --- state ----------------------------------------------------------------------------------------
    def _seed(self) -> None:
        if not self.clusters:
            return
        in_service = self.clusters[next(iter(self.clusters))]
        for cluster in self.clusters.values():  # ClearPass's own objects everywhere, the Louvre's in service
            seeded = config.seed(cluster.name, {})
            cluster.objects = seeded if cluster is in_service else {
                k: {i: o for i, o in v.items() if i < config.FIRST_OWN_ID} for k, v in seeded.items()}
        radius = next((self.estate.secret(s.get("key")) for s in self.estate.intent("radius_servers")
                       if s.get("key")), None) or str(self.estate.secrets.get(RADIUS_SECRET) or "")
        for d in self.estate.devices:
            if d.planned:  # not racked yet: a runbook adds it once it is
                continue
            kind = "Mobility Conductor" if d.role == "mm" else "Controller"
            self._store(in_service, {
                "name": d.name, "description": f"{d.model} {d.site}".strip(), "ip_address": d.mgmt_ip,
                "radius_secret": radius, "vendor_name": "Aruba", "coa_capable": True, "coa_port": 3799,
                "attributes": {"Location": d.site, "Device Type": kind}})

    def _load(self, saved: dict[str, Any]) -> None:
        for name, data in saved.items():
            cluster = self.clusters.get(name)
            if cluster is None:  # a cluster the inventory no longer has
                continue
            cluster.devices = {int(d["id"]): d for d in data.get("devices") or []}
            cluster.next_id = int(data.get("next_id") or FIRST_ID)
            objects = data.get("objects")
            if objects is None:  # a state saved before the lab held them
                objects = config.seed(name, {})
            cluster.objects = {k: {int(o["id"]): o for o in v} for k, v in objects.items()}

    def snapshot(self) -> dict[str, Any]:
        return {"clusters": {name: c.to_dict() for name, c in self.clusters.items()}}

    def reset(self) -> None:
        """Devices and objects as the lab started, the servers' versions too, the default token lifetime (tests
        call this between cases)."""
        self._load(json.loads(json.dumps(self._pristine["clusters"])))
        self.servers = {s.name: s for s in self.estate.clearpass}
        self.replication.clear()
        self.token_lifetime = TOKEN_LIFETIME

    def set_replication(self, host: str, status: str = "ENABLED") -> None:
        """`host`'s replication as its cluster list says it: DISABLED, as a subscriber whose replication stopped
        (the publisher unreachable from it, a full disk) [R: the schema's `replication_status`]."""
        self.replication[host] = status

    def upgrade(self, version: str) -> None:
        """Every server now runs `version` (a cluster runs one): the C2000s' replacement on 6.11, whose API
        offers the services and enforcement the 6.7 one does not; `reset()` goes back."""
        self.servers = {n: dataclasses.replace(s, version=version) for n, s in self.servers.items()}

    def _store(self, cluster: Cluster, fields: dict[str, Any]) -> dict[str, Any]:
        device = _ordered_fields(cluster.next_id, fields)
        cluster.devices[cluster.next_id] = device
        cluster.next_id += 1
        return device

    def _cluster(self, host: str) -> Cluster:
        return self.clusters[self.cluster_of[host]]

    # --- OAuth2 ---------------------------------------------------------------------------------------
    def grant(self, host: str, body: Any) -> dict[str, Any]:
        """POST /api/oauth: a client_credentials grant; 400 as the API's OAuth2 server answers otherwise."""
        if not isinstance(body, dict) or not body.get("grant_type"):
            raise ApiError(400, "The grant type was not specified in the request", title="invalid_request")
        if body["grant_type"] != "client_credentials":
            raise ApiError(400, f"Grant type \"{body['grant_type']}\" not supported", title="unsupported_grant_type")
        right = (secrets.compare_digest(str(body.get("client_id") or ""), self.client_id)
                 and bool(self.client_secret)
                 and secrets.compare_digest(str(body.get("client_secret") or ""), self.client_secret))
        if not right or self._faults(host).refuse_login:
            raise ApiError(400, "The client credentials are invalid", title="invalid_client")
        now = time.monotonic()
        self.tokens = {t: v for t, v in self.tokens.items() if v.expires > now}  # forget the dead ones
        token = secrets.token_hex(20)  # 40 hex characters, as a real server's
        self.tokens[token] = Token(host, now + self.token_lifetime)
        self.issued[host] += 1
        return {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer", "scope": None}

    def authorize(self, host: str, header: str | None) -> None:
        """Raise the API's 401 unless `header` is `Bearer <a live token this server gave>`."""
        scheme, _, token = (header or "").partition(" ")
        found = self.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if found is None or found.host != host:
            problem = "No access token was provided" if not token.strip() else "The access token provided is invalid"
        elif found.expires <= time.monotonic():
            problem = "The access token provided has expired"
        else:
            return
        self.refused[host] += 1
        raise ApiError(401, problem, headers={
            "WWW-Authenticate": f'Bearer realm="Service", error="invalid_token", error_description="{problem}"'})

    def me(self, host: str, header: str | None) -> dict[str, Any]:
        """GET /api/oauth/me (§6.1): who the token is. A client_credentials token is the API client itself,
        with the operator profile the lab gives its one client [R]."""
        self.authorize(host, header)
        return {"info": OPERATOR_PROFILE, "name": self.client_id}

    # --- network device groups (§6.4) -----------------------------------------------------------------------
    def device_groups(self, host: str) -> list[dict[str, Any]]:
        """One `list` group per site, of the site's MMs and controllers the cluster knows, as an
        administrator groups NADs for enforcement by location [R: the estate names no group]. Derived from the
        cluster's devices, so a device added or removed shows in its group."""
        by_site: dict[str, list[str]] = {}
        for device in self._cluster(host).devices.values():
            site = str((device.get("attributes") or {}).get("Location") or "")
            if site:
                by_site.setdefault(site, []).append(str(device["ip_address"]))
        return [{"id": GROUP_FIRST_ID + i, "name": site, "description": f"MMs and controllers of {site}",
                 "group_format": "list", "value": ", ".join(addresses)}
                for i, (site, addresses) in enumerate(sorted(by_site.items()))]

    def device_group(self, host: str, which: str, *, by_name: bool) -> dict[str, Any]:
        for group in self.device_groups(host):
            if (group["name"] == which) if by_name else (str(group["id"]) == which):
                return group
        raise not_found()

    def expire_tokens(self, host: str | None = None) -> None:
        for token in self.tokens.values():
            if host is None or token.host == host:
                token.expires = 0.0

    # --- server -----------------------------------------------------------------------------------------
    def cppm_version(self, host: str) -> dict[str, Any]:
        server = self.servers[host]
        major, minor, service, build = (int(p) for p in _version_parts(server.version))
        return {"app_major_version": major, "app_minor_version": minor, "app_service_release": service,
                "app_build_number": build, "hardware_version": server.model, "fips_enabled": False,
                "cc_enabled": False, "eval_license": False, "cloud_mode": False}

    def server_version(self, host: str) -> dict[str, Any]:
        version = ".".join(_version_parts(self.servers[host].version))
        return {"cppm_version": version, "guest_version": version, "installed_patches": []}

    def server_uuid(self, name: str) -> str:
        return str(uuid.uuid5(UUID_NAMESPACE, name))

    def cluster_servers(self, host: str) -> list[dict[str, Any]]:
        """The servers of `host`'s cluster as /api/cluster/server lists them (publisher first)."""
        cluster = self._cluster(host)
        items = []
        for name in cluster.members:
            server = self.servers[name]
            publisher = name == cluster.name
            items.append({
                "name": name, "local_server": name == host, "server_uuid": self.server_uuid(name),
                "server_dns_name": name, "fqdn": None, "server_ip": server.mgmt_ip,
                "management_ip": server.mgmt_ip, "ipv6_server_ip": None, "ipv6_management_ip": None,
                "is_publisher": publisher, "extras": None, "is_insight_enabled": publisher,
                "is_insight_primary": publisher, "is_perfmon_enabled": "t",
                "replication_status": self.replication.get(name, "ENABLED"),
                "last_replication_timestamp": None, "is_profiler_enabled": True})
        return items

    def cluster_server(self, host: str, which: str) -> dict[str, Any]:
        """One server of the cluster by uuid, or `publisher`, or `this`."""
        for item in self.cluster_servers(host):
            if ((which == "this" and item["local_server"]) or (which == "publisher" and item["is_publisher"])
                    or which == item["server_uuid"]):
                return item
        raise not_found("Server")

    # --- policy configuration (config.py) ------------------------------------------------------------------
    def offers(self, host: str, kind: config.Kind) -> bool:
        """Whether `host`'s version serves `kind` at all (a path it does not serve is a 404)."""
        major, minor = (int(p) for p in _version_parts(self.servers[host].version)[:2])
        return (major, minor) >= kind.since

    def _objects(self, host: str, kind: config.Kind) -> dict[int, dict[str, Any]]:
        if not self.offers(host, kind):
            raise not_found()
        return self._cluster(host).objects.setdefault(kind.key, {})

    def list_objects(self, host: str, kind: config.Kind, query: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
        """One page of `kind` (sorted, filtered, offset and limit as the network devices') and the count."""
        objects = self._objects(host, kind)
        messages: dict[str, dict[str, str]] = {}
        try:
            spec = json.loads(query.get("filter") or "{}")
            filters.check(spec, ())
        except ValueError as exc:
            spec = {}
            messages["filter"] = {"invalidFilter": str(exc)}
        sort = query.get("sort") or "+id"
        field_name = sort[1:] if sort[:1] in "+-" else sort
        if sort[:1] not in ("+", "-") or field_name not in ("id", "name"):
            messages["sort"] = {"invalidSort": "expected +FIELD or -FIELD with FIELD one of id, name"}
        offset = _integer(query.get("offset"), 0, 0, None, "offset", messages)
        limit = _integer(query.get("limit"), LIMIT_DEFAULT, 1, LIMIT_MAX, "limit", messages)
        if messages:
            raise invalid(messages)
        found = [o for o in objects.values() if filters.matches(o, spec, ())]
        found.sort(key=lambda o: (o.get(field_name) is None, o.get(field_name)), reverse=sort[0] == "-")
        return [config.shown(kind, o, listed=True) for o in found[offset:offset + limit]], len(found)

    def get_object(self, host: str, kind: config.Kind, which: str, *, by_name: bool) -> dict[str, Any]:
        for item in self._objects(host, kind).values():
            if (item.get("name") == which) if by_name else (str(item["id"]) == which):
                return config.shown(kind, item, listed=False)
        raise not_found()

    def patch_object(self, host: str, kind: config.Kind, which: str, body: Any, *, by_name: bool) -> dict[str, Any]:
        """PATCH: the fields given, each one the object has, of the type it has; 422 otherwise."""
        found = self.get_object(host, kind, which, by_name=by_name)
        if not kind.writable:
            raise ApiError(405, "PATCH is not allowed here")
        if not isinstance(body, dict):
            raise invalid({"body": {"notObject": "the body is a JSON object of fields"}})
        item = self._objects(host, kind)[int(found["id"])]
        problem = config.patch(item, body)
        if problem:
            raise invalid({key: {"invalid": text} for key, text in problem.items()})
        return config.shown(kind, item, listed=False)

    def server_certs(self, host: str) -> list[dict[str, Any]]:
        return config.server_certs(self._cluster(host).members)

    # --- network devices ---------------------------------------------------------------------------------
    def list_devices(self, host: str, query: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
        """One page of the cluster's devices (shown, secrets blank) and how many match in all."""
        messages: dict[str, dict[str, str]] = {}
        try:
            spec = json.loads(query.get("filter") or "{}")
            filters.check(spec, HIDDEN)
        except ValueError as exc:  # FilterError or bad JSON
            spec = {}
            messages["filter"] = {"invalidFilter": str(exc) if isinstance(exc, filters.FilterError)
                                  else f"not JSON: {exc}"}
        sort = query.get("sort") or "+id"
        field_name = sort[1:] if sort[:1] in "+-" else sort
        if sort[:1] not in ("+", "-") or field_name not in SORTABLE:
            messages["sort"] = {"invalidSort": f"expected +FIELD or -FIELD with FIELD one of {', '.join(SORTABLE)}"}
        offset = _integer(query.get("offset"), 0, 0, None, "offset", messages)
        limit = _integer(query.get("limit"), LIMIT_DEFAULT, 1, LIMIT_MAX, "limit", messages)
        if query.get("calculate_count", "false") not in ("true", "false"):
            messages["calculate_count"] = {"notBoolean": "expected true or false"}
        if messages:
            raise invalid(messages)
        found = [d for d in self._cluster(host).devices.values() if filters.matches(d, spec, HIDDEN)]
        found.sort(key=lambda d: (d.get(field_name) is None, d.get(field_name)), reverse=sort[0] == "-")
        return [shown(d) for d in found[offset:offset + limit]], len(found)

    def get_device(self, host: str, device_id: int) -> dict[str, Any]:
        return shown(self._device(host, device_id))

    def device_id_by_name(self, host: str, name: str) -> int:
        for device in self._cluster(host).devices.values():
            if device["name"] == name:
                return int(device["id"])
        raise not_found()

    def _device(self, host: str, device_id: int) -> dict[str, Any]:
        device = self._cluster(host).devices.get(device_id)
        if device is None:
            raise not_found()
        return device

    def create_device(self, host: str, body: Any) -> dict[str, Any]:
        fields = self._valid(host, body, None, whole=True)
        return shown(self._store(self._cluster(host), fields))

    def update_device(self, host: str, device_id: int, body: Any, *, whole: bool = False) -> dict[str, Any]:
        """PATCH (the fields given) or PUT (`whole`: the device as given, defaults for the rest)."""
        device = self._device(host, device_id)
        fields = self._valid(host, body, device, whole=whole)
        if whole:
            device.clear()
            device.update(_ordered_fields(device_id, fields))
        else:
            for key, value in fields.items():
                if key in NESTED and isinstance(device.get(key), dict):
                    device[key] = {**device[key], **value}
                else:
                    device[key] = value
        return shown(device)

    def delete_device(self, host: str, device_id: int) -> None:
        self._device(host, device_id)
        del self._cluster(host).devices[device_id]

    def _valid(self, host: str, body: Any, current: dict[str, Any] | None, *, whole: bool) -> dict[str, Any]:
        """The fields of a create or update body, checked as NetworkDeviceCreate says; 422 otherwise."""
        if not isinstance(body, dict):
            raise invalid({"body": {"notObject": "the body is a JSON object of network device fields"}})
        messages: dict[str, dict[str, str]] = {}
        for key, value in body.items():
            problem = _field_problem(key, value)
            if problem:
                messages[key] = problem
        if whole:
            for key in REQUIRED:
                if key not in body or body[key] in ("", None):
                    messages[key] = {"isEmpty": "Value is required and can't be empty"}
        name = body.get("name", (current or {}).get("name"))
        ip = body.get("ip_address", (current or {}).get("ip_address"))
        for device in self._cluster(host).devices.values():
            if current is not None and device["id"] == current["id"]:
                continue
            if "name" not in messages and "name" in body and device["name"] == name:
                messages["name"] = {"recordExists": f"A network device named {name!r} already exists"}
            if "ip_address" not in messages and "ip_address" in body and device["ip_address"] == ip:
                messages["ip_address"] = {"recordExists": f"IP address {ip} is already used by {device['name']!r}"}
        if "name" not in messages and isinstance(name, str) and self._faults(host).rejects_device(name):
            messages["name"] = {"rejected": f"{host} refuses network device {name!r} (lab fault reject-device)"}
        if messages:
            raise invalid(messages)
        return copy.deepcopy(body)


def _ordered_fields(device_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """A whole device: its id, name, description and address first (as the API lists them), defaults for
    what `fields` leaves out."""
    whole = {**copy.deepcopy(DEFAULTS), **fields}
    head = {"id": device_id, "name": whole.pop("name"), "description": whole.pop("description"),
            "ip_address": whole.pop("ip_address")}
    return {**head, **whole}


def _integer(text: str | None, default: int, low: int, high: int | None, name: str,
             messages: dict[str, dict[str, str]]) -> int:
    if text is None or text == "":
        return default
    if not re.fullmatch(r"\d{1,9}", text) or int(text) < low or (high is not None and int(text) > high):
        messages[name] = {"notBetween": f"expected a whole number from {low}" + (f" to {high}" if high else "")}
        return default
    return int(text)


def _field_problem(key: str, value: Any) -> dict[str, str] | None:
    if key in TEXT:
        if not isinstance(value, str):
            return {"notString": "expected a text"}
        if key == "name" and not value.strip():
            return {"isEmpty": "Value is required and can't be empty"}
        if key == "ip_address" and not _address(value):
            return {"notIp": f"{value!r} is not an IP address, subnet (10.1.1.0/24) or range (10.1.1.1-20)"}
        return None
    if key in ("coa_capable", "radsec_enabled"):
        return None if isinstance(value, bool) else {"notBoolean": "expected true or false"}
    if key in ("coa_port", "vendor_id"):
        if isinstance(value, bool) or not isinstance(value, int):
            return {"notInt": "expected a whole number"}
        if key == "coa_port" and not 1 <= value <= 65535:
            return {"notBetween": "expected a port from 1 to 65535"}
        return None
    if key == "nad_groups":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else {"notArray": "expected a list of group names"}
    if key == "attributes":
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        return None if ok else {"notObject": "expected an object of attribute names and texts"}
    if key in NESTED:
        return None if isinstance(value, dict) or value is None else {"notObject": "expected an object"}
    return {"unknownField": f"{key!r} is not a field of a network device"}


def _address(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
        return True
    except ValueError:
        pass
    m = _RANGE.fullmatch(text)
    if m is None:
        return False
    try:
        ipaddress.ip_address(m.group(1) + m.group(2))
    except ValueError:
        return False
    return int(m.group(2)) <= int(m.group(3)) <= 255


def shown(device: dict[str, Any]) -> dict[str, Any]:
    """A device as the API answers it: every secret "" (write-only), whatever was written."""
    out = copy.deepcopy(device)
    for key in SECRETS:
        if key in out:
            out[key] = ""
    for key, names in NESTED_SECRETS.items():
        if isinstance(out.get(key), dict):
            for name in names:
                if name in out[key]:
                    out[key][name] = ""
    return out
