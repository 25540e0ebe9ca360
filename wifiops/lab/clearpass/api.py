"""The lab's ClearPass servers on HTTPS: one aiohttp listener per host, on the lab's own asyncio loop.

Why aiohttp: it runs on the loop the SSH listeners already use (one process, one thread, port 0 for
tests), and speaks HTTP/1.1 and TLS as a real server does, so the toolkit's client meets real HTTPS.
The routes are arubaos8.md §6 (`/api/oauth`, `/api/oauth/me`, `/api/cppm-version`, `/api/server/version`,
`/api/cluster/server[/{uuid}]`, `/api/network-device[/{id}|/name/{name}]`,
`/api/network-device-group[/{id}|/name/{name}]`), and the policy configuration of config.py (list, get by id or
name, PATCH; a service's `/enable` and `/disable`; `/api/server-cert`); what they answer is state.py's.

The token request may be JSON (the API's own schema, §6.1, as pyclearpass and PowerArubaCP send it) or a
form (`application/x-www-form-urlencoded`), as OAuth2 defines the token endpoint (RFC 6749 §4.4.2) and as
generic OAuth2 clients (requests-oauthlib, curl -d) send it; the server's docs list both [R]. Any other
body is 415, as before.
Every answer that is not a success is `application/problem+json` (`type`, `title`, `status`, `detail`, and
`validation_messages` for a 422), an unknown path or method too.

Faults (faults.py): `slow` holds each answer back, `hang` holds it until the fault is cleared (the client's
timeout must fire), `refuse-login` and `reject-device` are state.py's.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from wifiops.lab.clearpass import config
from wifiops.lab.clearpass.certs import LabCertificates
from wifiops.lab.clearpass.state import ApiError, ClearPassLab
from wifiops.lab.faults import HostFaults

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
PROBLEM = "application/problem+json"
HANG_POLL = 0.05  # seconds between looks at a `hang` fault

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Listening:
    name: str
    address: str
    port: int


def _json(data: Any, status: int = 200, content_type: str = JSON, headers: dict[str, str] | None = None,
          ) -> web.Response:
    return web.Response(text=json.dumps(data), status=status, content_type=content_type, headers=headers)


def _problem(error: ApiError) -> web.Response:
    return _json(error.body(), error.status, PROBLEM, error.headers)


class _Routes:
    """The API of one server (`host`)."""

    def __init__(self, lab: ClearPassLab, host: str) -> None:
        self.lab, self.host = lab, host

    def base(self, request: web.Request) -> str:
        return f"https://{request.host}/api"

    def authorized(self, request: web.Request) -> None:
        self.lab.authorize(self.host, request.headers.get("Authorization"))

    async def body(self, request: web.Request) -> Any:
        if request.content_type != JSON:
            raise ApiError(415, f"Content-Type must be {JSON}")
        try:
            return json.loads(await request.text() or "null")
        except ValueError:
            raise ApiError(400, "The body is not valid JSON") from None

    def item(self, request: web.Request, device: dict[str, Any]) -> dict[str, Any]:
        return {**device, "_links": {"self": {"href": f"{self.base(request)}/network-device/{device['id']}"}}}

    def device_id(self, request: web.Request) -> int:
        if "name" in request.match_info:
            return self.lab.device_id_by_name(self.host, request.match_info["name"])
        text = request.match_info["device_id"]
        if not text.isdigit():
            raise ApiError(404, "Entity not found")
        return int(text)

    # --- the routes ---------------------------------------------------------------------------------------
    async def oauth(self, request: web.Request) -> web.Response:
        if request.content_type == FORM:
            form = await request.post()
            return _json(self.lab.grant(self.host, {key: str(value) for key, value in form.items()}))
        if request.content_type != JSON:
            raise ApiError(415, f"Content-Type must be {JSON} or {FORM}")
        return _json(self.lab.grant(self.host, await self.body(request)))

    async def oauth_me(self, request: web.Request) -> web.Response:
        return _json(self.lab.me(self.host, request.headers.get("Authorization")))

    def group_item(self, request: web.Request, group: dict[str, Any]) -> dict[str, Any]:
        return {**group, "_links": {"self": {"href": f"{self.base(request)}/network-device-group/{group['id']}"}}}

    async def list_groups(self, request: web.Request) -> web.Response:
        self.authorized(request)
        groups = self.lab.device_groups(self.host)
        body: dict[str, Any] = {"_links": {"self": {"href": f"{self.base(request)}/network-device-group"}},
                                "_embedded": {"items": [self.group_item(request, g) for g in groups]}}
        if request.query.get("calculate_count") == "true":
            body["count"] = len(groups)
        return _json(body)

    async def get_group(self, request: web.Request) -> web.Response:
        self.authorized(request)
        which = request.match_info.get("name") or request.match_info["group_id"]
        return _json(self.group_item(request, self.lab.device_group(self.host, which,
                                                                    by_name="name" in request.match_info)))

    async def cppm_version(self, request: web.Request) -> web.Response:
        self.authorized(request)
        return _json(self.lab.cppm_version(self.host))

    async def server_version(self, request: web.Request) -> web.Response:
        self.authorized(request)
        return _json(self.lab.server_version(self.host))

    async def fips(self, request: web.Request) -> web.Response:
        self.authorized(request)
        return _json({"fips_mode": False})

    async def cluster(self, request: web.Request) -> web.Response:
        self.authorized(request)
        base = self.base(request)
        items = [{**s, "_links": {"self": {"href": f"{base}/cluster/server/{s['server_uuid']}"}}}
                 for s in self.lab.cluster_servers(self.host)]
        return _json({"_embedded": {"items": items}, "_links": {"self": {"href": f"{base}/cluster/server"}}})

    async def cluster_server(self, request: web.Request) -> web.Response:
        self.authorized(request)
        server = self.lab.cluster_server(self.host, request.match_info["uuid"])
        href = f"{self.base(request)}/cluster/server/{server['server_uuid']}"
        return _json({**server, "_links": {"self": {"href": href}}})

    async def list_devices(self, request: web.Request) -> web.Response:
        self.authorized(request)
        query = dict(request.query)
        page, count = self.lab.list_devices(self.host, query)
        return _json(self.page(request, "/network-device", query, [self.item(request, d) for d in page], count))

    def page(self, request: web.Request, path: str, query: dict[str, str], items: list[dict[str, Any]],
             count: int) -> dict[str, Any]:
        """A HAL list: the items of one page, its links (`next` while more remain), `count` when asked."""
        offset, limit = int(query.get("offset") or 0), int(query.get("limit") or 25)

        def link(at: int) -> dict[str, str]:
            return {"href": f"{self.base(request)}{path}?{urlencode({**query, 'offset': at})}"}

        links = {"self": link(offset), "first": link(0)}
        if offset > 0:
            links["prev"] = link(max(offset - limit, 0))
        if offset + limit < count:
            links["next"] = link(offset + limit)
        body: dict[str, Any] = {"_links": links, "_embedded": {"items": items}}
        if query.get("calculate_count") == "true":
            links["last"] = link(max((count - 1) // limit * limit, 0))
            body["count"] = count
        return body

    async def create_device(self, request: web.Request) -> web.Response:
        self.authorized(request)
        device = self.lab.create_device(self.host, await self.body(request))
        item = self.item(request, device)
        return _json(item, 201, headers={"Location": item["_links"]["self"]["href"]})

    async def get_device(self, request: web.Request) -> web.Response:
        self.authorized(request)
        return _json(self.item(request, self.lab.get_device(self.host, self.device_id(request))))

    async def patch_device(self, request: web.Request) -> web.Response:
        self.authorized(request)
        device_id = self.device_id(request)
        device = self.lab.update_device(self.host, device_id, await self.body(request))
        return _json(self.item(request, device))

    async def put_device(self, request: web.Request) -> web.Response:
        self.authorized(request)
        device_id = self.device_id(request)
        device = self.lab.update_device(self.host, device_id, await self.body(request), whole=True)
        return _json(self.item(request, device))

    # --- policy configuration (config.py): one set of handlers per kind ----------------------------------
    def object_item(self, request: web.Request, kind: config.Kind, item: dict[str, Any]) -> dict[str, Any]:
        return {**item, "_links": {"self": {"href": f"{self.base(request)}{kind.path}/{item['id']}"}}}

    def list_objects(self, kind: config.Kind) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            self.authorized(request)
            query = dict(request.query)
            page, count = self.lab.list_objects(self.host, kind, query)
            return _json(self.page(request, kind.path, query, [self.object_item(request, kind, o) for o in page],
                                   count))
        return handler

    def get_object(self, kind: config.Kind) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            self.authorized(request)
            by_name = "name" in request.match_info
            which = request.match_info.get("name") or request.match_info["object_id"]
            return _json(self.object_item(request, kind, self.lab.get_object(self.host, kind, which, by_name=by_name)))
        return handler

    def patch_object(self, kind: config.Kind, enabled: bool | None = None) -> Handler:
        """PATCH an object; with `enabled`, a service's `/enable` or `/disable` (no body)."""
        async def handler(request: web.Request) -> web.Response:
            self.authorized(request)
            by_name = "name" in request.match_info
            which = request.match_info.get("name") or request.match_info["object_id"]
            body = {"enabled": enabled} if enabled is not None else await self.body(request)
            item = self.lab.patch_object(self.host, kind, which, body, by_name=by_name)
            return _json(self.object_item(request, kind, item))
        return handler

    async def server_certs(self, request: web.Request) -> web.Response:
        self.authorized(request)
        base = self.base(request)
        return _json({"_embedded": {"items": self.lab.server_certs(self.host)},
                      "_links": {"self": {"href": f"{base}/server-cert"}}})

    async def delete_device(self, request: web.Request) -> web.Response:
        self.authorized(request)
        self.lab.delete_device(self.host, self.device_id(request))
        return web.Response(status=204)


def _middleware(faults: Callable[[], HostFaults]) -> Any:
    @web.middleware
    async def answer(request: web.Request, handler: Handler) -> web.StreamResponse:
        while faults().hang:  # the request was read; the answer never comes while the fault is on
            await asyncio.sleep(HANG_POLL)
        delay = faults().latency()
        if delay:
            await asyncio.sleep(delay)
        accept = request.headers.get("Accept", "*/*")
        if not any(kind in accept for kind in (JSON, PROBLEM, "application/*", "*/*")):
            return _problem(ApiError(406, f"Accept must allow {JSON}"))
        try:
            return await handler(request)
        except ApiError as exc:
            return _problem(exc)
        except web.HTTPException as exc:  # aiohttp's own: an unknown path, a method a path does not take
            if exc.status < 400:
                raise
            detail = "Entity not found" if exc.status == 404 else f"{request.method} is not allowed here"
            return _problem(ApiError(exc.status, detail))
    return answer


def application(lab: ClearPassLab, host: str, faults: Callable[[str], HostFaults]) -> web.Application:
    routes = _Routes(lab, host)
    app = web.Application(middlewares=[_middleware(lambda: faults(host))], client_max_size=1024 * 1024)
    app.router.add_post("/api/oauth", routes.oauth)
    app.router.add_get("/api/oauth/me", routes.oauth_me)
    app.router.add_get("/api/network-device-group", routes.list_groups)
    app.router.add_get("/api/network-device-group/name/{name}", routes.get_group)
    app.router.add_get("/api/network-device-group/{group_id}", routes.get_group)
    app.router.add_get("/api/cppm-version", routes.cppm_version)
    app.router.add_get("/api/server/version", routes.server_version)
    app.router.add_get("/api/server/fips", routes.fips)
    app.router.add_get("/api/cluster/server", routes.cluster)
    app.router.add_get("/api/cluster/server/{uuid}", routes.cluster_server)
    app.router.add_get("/api/network-device", routes.list_devices)
    app.router.add_post("/api/network-device", routes.create_device)
    for path in ("/api/network-device/name/{name}", "/api/network-device/{device_id}"):
        app.router.add_get(path, routes.get_device)
        app.router.add_patch(path, routes.patch_device)
        app.router.add_put(path, routes.put_device)
        app.router.add_delete(path, routes.delete_device)
    for kind in config.KINDS:
        app.router.add_get(f"/api{kind.path}", routes.list_objects(kind))
        for path in (f"/api{kind.path}/name/{{name}}", f"/api{kind.path}/{{object_id}}"):
            app.router.add_get(path, routes.get_object(kind))
            app.router.add_patch(path, routes.patch_object(kind))
            if kind.key == "service":
                app.router.add_patch(f"{path}/enable", routes.patch_object(kind, True))
                app.router.add_patch(f"{path}/disable", routes.patch_object(kind, False))
    app.router.add_get("/api/server-cert", routes.server_certs)
    return app


class ClearPassServers:
    """One HTTPS listener per ClearPass server of the lab; used by the lab process and the test fixture."""

    def __init__(self, lab: ClearPassLab, certificates: LabCertificates, faults: Callable[[str], HostFaults], *,
                 address: str = "127.0.0.1") -> None:
        self.lab, self.certificates, self.faults, self.address = lab, certificates, faults, address
        self.runners: list[web.AppRunner] = []
        self.listening: list[Listening] = []

    async def start(self, ports: dict[str, int] | None = None) -> list[Listening]:
        """`ports` maps host -> port; a missing host or port 0 binds a free port."""
        ports = ports or {}
        for name in self.lab.servers:
            runner = web.AppRunner(application(self.lab, name, self.faults), access_log=None,
                                   handle_signals=False, shutdown_timeout=0.5)
            await runner.setup()
            self.runners.append(runner)
            tls = self.certificates.server(name, (self.address,)).context()
            site = web.TCPSite(runner, self.address, ports.get(name, 0), ssl_context=tls)
            await site.start()
            port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
            self.listening.append(Listening(name, self.address, port))
        return self.listening

    async def stop(self) -> None:
        for runner in self.runners:
            await runner.cleanup()
        self.runners.clear()
        self.listening = []
