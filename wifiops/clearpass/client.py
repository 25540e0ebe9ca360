"""A ClearPass Policy Manager REST API client (arubaos8.md §6), on httpx.

One `ClearPassClient` talks to one server. TLS is always verified: against the CA file the inventory keeps
(`clearpass-ca.pem`, which the lab writes), or the system's CAs when there is none; a certificate that does
not verify stops the call before anything is sent. The client asks for an OAuth2 token with the API
client's id and secret (client_credentials), keeps it until shortly before `expires_in` runs out, and on a
401 asks for a new one once and tries the call again: a second 401 is an error, never a loop.

Secrets are write-only on ClearPass and the client keeps it so: a `NetworkDevice` holds no secret value,
only the names of the secret fields the server said were set (a real server, and the lab, answer "" for
every one of them, so in practice none). Secrets to write are passed apart from the other fields
(`secrets=`), taken by the caller from the secrets store. Errors are wifiops.errors' ClearPass family,
each one line that starts with the server's inventory name and says what to do.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpcore
import httpx

from wifiops import readers
from wifiops.errors import (ClearPassAuthError, ClearPassCertificateError, ClearPassError, ClearPassNotFound,
                            ClearPassProtocolError, ClearPassRefused, ClearPassUnreachable)

log = logging.getLogger(__name__)

PAGE_MAX = 1000  # the API's largest `limit` (§6.4)
MAX_PAGES = 10_000  # ten million devices: a server whose `next` never ends is not followed for ever
RENEW_BEFORE = 60.0  # seconds: a token this close to its end is renewed before the call, not after a 401
# The write-only fields of a network device (NetworkDeviceCreate, §6.4), dotted for the nested ones.
SECRET_FIELDS = ("radius_secret", "tacacs_secret", "snmp_read.community_string", "snmp_read.auth_key",
                 "snmp_read.privacy_key", "snmp_write.community_string", "snmp_write.auth_key",
                 "snmp_write.privacy_key", "cli_config.password", "cli_config.enable_password")
SERVER_FIELDS = ("id", "_links")  # the server's own: never written back


@dataclass(frozen=True)
class ClearPassServer:
    """Where one ClearPass server is and how to reach it. `url` is the API's base (https://host:port/api);
    `ca_file` None means the system's CAs (still verified)."""

    name: str
    url: str
    client_id: str
    client_secret: str = field(repr=False)
    ca_file: Path | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class ClearPassVersion:
    """`/api/cppm-version` and `/api/server/version` together."""

    version: str  # 6.7.7.109065: major.minor.service_release.build
    hardware: str  # `hardware_version`: the appliance model, CLABV for a virtual one
    guest_version: str
    installed_patches: list[Any]
    fips_enabled: bool
    eval_license: bool

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "hardware": self.hardware, "guest_version": self.guest_version,
                "installed_patches": self.installed_patches, "fips_enabled": self.fips_enabled,
                "eval_license": self.eval_license}


@dataclass(frozen=True)
class ClusterServer:
    """One server of a cluster as `/api/cluster/server` lists it."""

    name: str
    uuid: str
    management_ip: str | None
    is_publisher: bool
    local: bool  # the server that answered
    replication_status: str | None
    last_replication: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "uuid": self.uuid, "management_ip": self.management_ip,
                "is_publisher": self.is_publisher, "local": self.local,
                "replication_status": self.replication_status, "last_replication": self.last_replication}


@dataclass(frozen=True)
class NetworkDevice:
    """A network device (RADIUS client) as a server answered it, without any secret value.

    `fields` holds every field but the server's own (`id`, `_links`) and the secrets; `secrets_set` names the
    secret fields the server answered non-empty (dotted for nested ones)."""

    id: int
    name: str
    ip_address: str
    fields: dict[str, Any]
    secrets_set: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> NetworkDevice:
        fields = {k: _copy(v) for k, v in item.items() if k not in SERVER_FIELDS}
        found: list[str] = []
        for path in SECRET_FIELDS:
            head, _, leaf = path.partition(".")
            holder = fields if not leaf else fields.get(head)
            key = leaf or head
            if isinstance(holder, dict) and key in holder:
                if holder.pop(key) not in ("", None):
                    found.append(path)
        try:
            return cls(id=int(item["id"]), name=str(item["name"]), ip_address=str(item.get("ip_address") or ""),
                       fields=fields, secrets_set=tuple(found))
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"a network device without a whole id and a name: {sorted(item)}") from None

    def flat(self) -> dict[str, Any]:
        """Every field by dotted path (`attributes.Location`), nested objects opened, no secret."""
        out: dict[str, Any] = {}

        def walk(prefix: str, value: Any) -> None:
            if isinstance(value, dict) and value:
                for key, inner in value.items():
                    walk(f"{prefix}.{key}" if prefix else str(key), inner)
            else:
                out[prefix] = value
        walk("", self.fields)
        return out

    def body(self) -> dict[str, Any]:
        """What to send to create this device elsewhere (no id, no secret: pass those apart)."""
        return {k: _copy(v) for k, v in self.fields.items() if k != "vendor_id"}

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, **_copy(self.fields), "secrets_set": list(self.secrets_set)}


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """Verification on, always: the CA file's certificates, or the system's when there is no file. A CA file that is
    named but cannot be read (a FIFO, /dev/zero, a directory, not PEM) is an error, never the system's CAs instead;
    it is read once, within bounds (wifiops.readers), and its text handed to ssl."""
    try:
        cadata = readers.check_ca_file(ca_file).decode("ascii", errors="replace") if ca_file else None
    except readers.Unreadable as exc:
        raise ClearPassCertificateError(str(ca_file), f"cannot read the CA file ({exc.problem}): give the PEM file "
                                        "of the CA that signs the ClearPass servers' certificates") from None
    try:
        context = ssl.create_default_context(cadata=cadata)
    except (OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ClearPassCertificateError(str(ca_file), f"cannot read the CA file ({reason}): give the PEM file of "
                                        "the CA that signs the ClearPass servers' certificates") from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _verify_failure(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class ClearPassClient:
    """The REST API of one ClearPass server. Use as a context manager, or call `close()`.

    `transport` and `clock` are for tests (httpx.MockTransport, a clock that jumps)."""

    def __init__(self, server: ClearPassServer, *, transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.server = server
        self.name = server.name
        self._clock = clock
        self._token: str | None = None
        self._token_end = 0.0
        self._deadline = _Deadline()
        context = tls_context(server.ca_file)
        self._http = httpx.Client(
            base_url=server.url.rstrip("/"), verify=context, timeout=server.timeout,
            trust_env=False,  # no proxy or CA bundle from the environment: the server and the CA are the inventory's
            transport=transport or _transport(context, self._deadline), headers={"Accept": "application/json"})

    def __enter__(self) -> ClearPassClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- HTTP, tokens, errors ----------------------------------------------------------------------------
    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One exchange, bounded as a whole: `timeout` seconds from connecting to the answer's last byte (httpx's
        own timeout is per read: a server sending a byte a second would hold it for ever), and ANSWER_BYTES."""
        url = f"{self.server.url.rstrip('/')}{path}"
        self._deadline.at = time.monotonic() + self.server.timeout
        try:
            return self._bounded(self._http.send(self._http.build_request(method, path, **kwargs), stream=True))
        except httpx.TimeoutException:
            raise ClearPassUnreachable(self.name, f"{url} did not answer in full within {self.server.timeout:g} s: "
                                       "it is not answering, or too slowly; check it, or raise --timeout") from None
        except httpx.ConnectError as exc:
            failure = _verify_failure(exc)
            if failure is not None:
                ca = self.server.ca_file or "the system's CAs"
                reason = failure.verify_message or str(failure)
                raise ClearPassCertificateError(self.name, f"the certificate of {url} was not verified against "
                                                f"{ca} ({reason}); nothing was sent. If the server was replaced or "
                                                "its certificate renewed by another CA, put that CA's certificate "
                                                "in the inventory's clearpass-ca.pem") from None
            raise ClearPassUnreachable(self.name, f"cannot connect to {url} ({_reason(exc)}): check the server is "
                                       "up and its address and port in the inventory") from None
        except httpx.HTTPError as exc:
            raise ClearPassUnreachable(self.name, f"{method} {url} failed ({_reason(exc)}): the connection was "
                                       "cut; try again, and check the server") from None
        finally:
            self._deadline.at = None

    def _bounded(self, answer: httpx.Response) -> httpx.Response:
        """The answer read whole, within ANSWER_BYTES and the deadline (checked between chunks too, for a
        transport that does not go through the deadline's sockets), as a plain response."""
        try:
            chunks: list[bytes] = []
            size = 0
            for chunk in answer.iter_bytes():
                size += len(chunk)
                if size > readers.ANSWER_BYTES:
                    raise ClearPassProtocolError(self.name, f"{answer.request.method} {answer.request.url.path} "
                                                 f"answered more than {readers.ANSWER_BYTES // readers.MIB} MiB: "
                                                 "not a ClearPass answer; nothing more was read")
                if self._deadline.at is not None and time.monotonic() > self._deadline.at:
                    raise httpx.ReadTimeout("the answer took longer than the timeout", request=answer.request)
                chunks.append(chunk)
        finally:
            answer.close()
        headers = [(k, v) for k, v in answer.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return httpx.Response(answer.status_code, headers=headers, content=b"".join(chunks), request=answer.request,
                              extensions=answer.extensions)

    def _fetch_token(self) -> str:
        started = self._clock()
        answer = self._send("POST", "/oauth", json={"grant_type": "client_credentials",
                                                    "client_id": self.server.client_id,
                                                    "client_secret": self.server.client_secret})
        if answer.status_code in (400, 401):
            problem = _json_or_none(answer) or {}
            said = problem.get("detail") or problem.get("title") or f"HTTP {answer.status_code}"
            raise ClearPassAuthError(self.name, f"the API client {self.server.client_id!r} was refused ({said}): "
                                     "check clearpass_client_id and clearpass_client_secret in the secrets store "
                                     "and the API client on the server (Administration > API Services)")
        body = self._json(answer, "POST /oauth")
        token, lifetime = body.get("access_token"), body.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(lifetime, (int, float)):
            raise ClearPassProtocolError(self.name, "POST /oauth answered no access_token and expires_in: is this a "
                                         "ClearPass server?")
        self._token = token
        # renewed before its end: a minute early, or half its life when it is short (a lab test's)
        self._token_end = started + lifetime - min(RENEW_BEFORE, lifetime / 2)
        log.debug("%s: new API token, valid %s s", self.name, lifetime)
        return token

    def _current_token(self) -> str:
        if self._token is None or self._clock() >= self._token_end:
            return self._fetch_token()
        return self._token

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None) -> httpx.Response:
        """One API call with a live token (renewed once on a 401); any answer but a 2xx raises."""
        kwargs: dict[str, Any] = {"params": params}
        if json is not None:
            kwargs["json"] = json
        answer = self._send(method, path, headers={"Authorization": f"Bearer {self._current_token()}"}, **kwargs)
        if answer.status_code == 401:
            log.debug("%s: token refused on %s %s; asking for a new one", self.name, method, path)
            self._token = None
            answer = self._send(method, path, headers={"Authorization": f"Bearer {self._current_token()}"},
                                **kwargs)
            if answer.status_code == 401:
                raise ClearPassAuthError(self.name, f"{method} {path} refused a token the server had just given "
                                         f"({_detail(answer)}): check the API client's operator profile on the "
                                         "server (it needs the API's privileges)")
        if answer.is_success:
            return answer
        where = f"{method} {path}"
        if answer.status_code == 404:
            raise ClearPassNotFound(self.name, f"{where}: not found ({_detail(answer)})")
        if answer.status_code in (400, 422):
            problem = _json_or_none(answer) or {}
            messages = problem.get("validation_messages") if isinstance(problem.get("validation_messages"), dict) \
                else None
            detail = str(problem.get("detail") or problem.get("title") or f"HTTP {answer.status_code}")
            raise ClearPassRefused(self.name, f"{where} was refused: {_refusal(detail, messages)}",
                                   status=answer.status_code, detail=detail, validation_messages=messages)
        raise ClearPassProtocolError(self.name, f"{where} answered HTTP {answer.status_code} ({_detail(answer)}): "
                                     "see the server's event viewer; try again later")

    def _json(self, answer: httpx.Response, where: str) -> dict[str, Any]:
        body = _json_or_none(answer)
        if not isinstance(body, dict):
            raise ClearPassProtocolError(self.name, f"{where} answered something that is not a JSON object "
                                         f"(HTTP {answer.status_code}, {answer.headers.get('content-type', '?')})")
        return body

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self._json(self.request("GET", path, params=params), f"GET {path}")

    # --- server ------------------------------------------------------------------------------------------
    def version(self) -> ClearPassVersion:
        cppm = self.get("/cppm-version")
        server = self.get("/server/version")
        try:
            numbers = [cppm["app_major_version"], cppm["app_minor_version"], cppm["app_service_release"],
                       cppm["app_build_number"]]
        except KeyError as exc:
            raise ClearPassProtocolError(self.name, f"GET /cppm-version answered no {exc.args[0]}") from None
        return ClearPassVersion(version=".".join(str(n) for n in numbers),
                                hardware=str(cppm.get("hardware_version") or ""),
                                guest_version=str(server.get("guest_version") or ""),
                                installed_patches=list(server.get("installed_patches") or []),
                                fips_enabled=bool(cppm.get("fips_enabled")),
                                eval_license=bool(cppm.get("eval_license")))

    def cluster(self) -> list[ClusterServer]:
        """The servers of this server's cluster."""
        servers = []
        for item in self._items(self.get("/cluster/server"), "GET /cluster/server"):
            servers.append(ClusterServer(
                name=str(item.get("name") or item.get("server_dns_name") or ""), uuid=str(item.get("server_uuid") or ""),
                management_ip=item.get("management_ip") or item.get("server_ip"),
                is_publisher=bool(item.get("is_publisher")), local=bool(item.get("local_server")),
                replication_status=item.get("replication_status"),
                last_replication=item.get("last_replication_timestamp")))
        return servers

    def _items(self, body: dict[str, Any], where: str) -> list[dict[str, Any]]:
        items = (body.get("_embedded") or {}).get("items") if isinstance(body.get("_embedded"), dict) else None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ClearPassProtocolError(self.name, f"{where} answered no _embedded.items list")
        return items

    def all_items(self, path: str, *, paged: bool = True, page_size: int = PAGE_MAX) -> list[dict[str, Any]]:
        """Every item of a HAL list (`_embedded.items`), page after page by offset and limit (sorted by id, so a
        page boundary never skips or repeats one), or in one answer when the path takes no paging."""
        if not paged:
            return self._items(self.get(path), f"GET {path}")
        found: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            body = self.get(path, {"sort": "+id", "offset": len(found), "limit": page_size,
                                   "calculate_count": "false"})
            items = self._items(body, f"GET {path}")
            found += items
            if not items or "next" not in (body.get("_links") or {}):
                return found
        raise ClearPassProtocolError(self.name, f"GET {path} had still more pages after {MAX_PAGES}")

    # --- network devices ---------------------------------------------------------------------------------
    def iter_network_devices(self, filter: str | None = None, *, sort: str = "+id",
                             page_size: int = PAGE_MAX) -> Iterator[NetworkDevice]:
        """Every network device (matching `filter`, the API's JSON filter text), page after page."""
        if not 1 <= page_size <= PAGE_MAX:
            raise ValueError(f"page_size is 1 to {PAGE_MAX}")
        offset = 0
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"sort": sort, "offset": offset, "limit": page_size,
                                      "calculate_count": "false"}
            if filter is not None:
                params["filter"] = filter
            body = self.get("/network-device", params)
            items = self._items(body, "GET /network-device")
            for item in items:
                yield self._device(item, "GET /network-device")
            if not items or "next" not in (body.get("_links") or {}):
                return
            offset += len(items)
        raise ClearPassProtocolError(self.name, f"GET /network-device had still more pages after {MAX_PAGES}")

    def network_devices(self, filter: str | None = None, *, sort: str = "+id",
                        page_size: int = PAGE_MAX) -> list[NetworkDevice]:
        """All the network devices (every page), or those matching `filter`."""
        return list(self.iter_network_devices(filter, sort=sort, page_size=page_size))

    def count_network_devices(self, filter: str | None = None) -> int:
        params: dict[str, Any] = {"limit": 1, "calculate_count": "true"}
        if filter is not None:
            params["filter"] = filter
        count = self.get("/network-device", params).get("count")
        if not isinstance(count, int):
            raise ClearPassProtocolError(self.name, "GET /network-device?calculate_count=true answered no count")
        return count

    def network_device(self, device_id: int) -> NetworkDevice:
        return self._device(self.get(f"/network-device/{int(device_id)}"), "GET /network-device/{id}")

    def network_device_named(self, name: str) -> NetworkDevice | None:
        """The device called `name`, or None."""
        try:
            body = self.get(f"/network-device/name/{quote(name, safe='')}")
        except ClearPassNotFound:
            return None
        return self._device(body, "GET /network-device/name/{name}")

    def create_network_device(self, fields: Mapping[str, Any], secrets: Mapping[str, str] | None = None,
                              ) -> NetworkDevice:
        """Create a device from `fields` (name and ip_address at least) and its `secrets` (radius_secret...)."""
        body = _with_secrets(fields, secrets)
        return self._device(self._json(self.request("POST", "/network-device", json=body), "POST /network-device"),
                            "POST /network-device")

    def update_network_device(self, device_id: int, changes: Mapping[str, Any],
                              secrets: Mapping[str, str] | None = None) -> NetworkDevice:
        """Change the fields given (PATCH), and the secrets given."""
        path = f"/network-device/{int(device_id)}"
        body = _with_secrets(changes, secrets)
        return self._device(self._json(self.request("PATCH", path, json=body), f"PATCH {path}"), f"PATCH {path}")

    def delete_network_device(self, device_id: int) -> None:
        self.request("DELETE", f"/network-device/{int(device_id)}")

    def _device(self, item: Mapping[str, Any], where: str) -> NetworkDevice:
        try:
            return NetworkDevice.from_api(item)
        except ValueError as exc:
            raise ClearPassProtocolError(self.name, f"{where}: {exc}") from None


def _with_secrets(fields: Mapping[str, Any], secrets: Mapping[str, str] | None) -> dict[str, Any]:
    body = {k: _copy(v) for k, v in fields.items() if k not in SERVER_FIELDS}
    for path, value in (secrets or {}).items():
        if path not in SECRET_FIELDS:
            raise ValueError(f"{path!r} is not a secret field of a network device ({', '.join(SECRET_FIELDS)})")
        head, _, leaf = path.partition(".")
        if leaf:
            body[head] = {**(body.get(head) or {}), leaf: value}
        else:
            body[head] = value
    return body


def _json_or_none(answer: httpx.Response) -> Any:
    """The answer's JSON within bounds (depth, number length: wifiops.readers), or None."""
    try:
        return readers.loads_json(answer.content, "answer")
    except readers.Unreadable:
        return None


class _Deadline(threading.local):
    """When the current exchange must be over (time.monotonic()), for the sockets of this client's thread."""

    at: float | None = None


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write waits at most what is left before the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner, self._deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(self._deadline, timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(self._deadline, timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _left(self._deadline, timeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def __init__(self, deadline: _Deadline) -> None:
        self._deadline = deadline

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        stream = super().connect_tcp(host, port, _left(self._deadline, timeout), local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)


def _left(deadline: _Deadline, timeout: float | None) -> float | None:
    if deadline.at is None:
        return timeout
    left = deadline.at - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the whole answer took longer than the timeout")
    return left if timeout is None else min(timeout, left)


def _transport(context: ssl.SSLContext, deadline: _Deadline) -> httpx.HTTPTransport:
    """httpx's transport on a connection pool whose sockets keep the deadline (httpcore's network backend is
    its documented extension point; httpx does not pass one through, hence the pool set here)."""
    transport = httpx.HTTPTransport(verify=context, trust_env=False)
    transport._pool = httpcore.ConnectionPool(ssl_context=context, network_backend=_DeadlineBackend(deadline))
    return transport


def _detail(answer: httpx.Response) -> str:
    problem = _json_or_none(answer)
    if isinstance(problem, dict) and (problem.get("detail") or problem.get("title")):
        return str(problem.get("detail") or problem.get("title"))
    return f"HTTP {answer.status_code} {answer.reason_phrase}".strip()


def _refusal(detail: str, messages: Mapping[str, Any] | None) -> str:
    """`Failed Validation: name: ...; ip_address: ...` in one line."""
    said = []
    for field_name, rules in (messages or {}).items():
        words = "; ".join(str(m) for m in rules.values()) if isinstance(rules, dict) else str(rules)
        said.append(f"{field_name}: {words}")
    return f"{detail} ({'; '.join(said)})" if said else detail


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


__all__ = ["ClearPassClient", "ClearPassError", "ClearPassServer", "ClearPassVersion", "ClusterServer",
           "NetworkDevice", "SECRET_FIELDS", "tls_context"]
