"""The REST API of the lab's ArubaOS 8 devices on HTTPS: one aiohttp listener per SSH device.

Routes (docs/rest-api.md): `/v1/api/login` and `/v1/api/logout` (GET or POST, as the API guide shows
both), `/v1/configuration/showcommand?command=...`, `/v1/configuration/object/<name>` (GET per
`config_path`, POST to change), `/v1/configuration/object/write_memory` (POST). The session token is the
`UIDARUBA` query parameter, or the `SESSION` cookie login sets; a POST authenticated by the cookie alone
must carry the `X-CSRF-Token` login gave (a browser sends cookies by itself, a query parameter it does
not). Every answer is JSON; a refusal carries `_global_result` with `status` "1" and a `status_str`.

Everything is done on a CLI session (shell.py) of the device as the logged-in user: a showcommand is
typed as over SSH and its screen turned into JSON (screens.py); an object POST is the CLI lines it
stands for (objects.py), so its changes are that user's pending changes, refused where SSH refuses them,
and committed by `write_memory` as by `write memory`. Faults: `refuse-login`, `slow`, `hang` as for SSH.
"""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from wifiops.lab.clearpass.certs import LabCertificates
from wifiops.lab.configdb import chain_of
from wifiops.lab.core import LabCore
from wifiops.lab.estate import LabDeviceSpec
from wifiops.lab.restapi import objects, screens
from wifiops.lab.shell import Shell

MAX_SESSIONS = 8  # API sessions one device holds at once (lab choice, docs/rest-api.md: unconfirmed)
IDLE_TIMEOUT_S = 900.0  # a session unused this long (lab clock) is gone (unconfirmed, as above)
HANG_POLL = 0.05
LOGGED_IN = "You've logged in successfully."
LOGGED_OUT = "You've logged out successfully."
AUTH_FAILED = "Unauthorized request, authentication failed"
COOKIE = "SESSION"
CSRF_HEADER = "X-CSRF-Token"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


def _result(status: int, text: str, **extra: Any) -> dict[str, Any]:
    return {"_global_result": {"status": str(status), "status_str": text, **extra}}


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(data), status=status, content_type="application/json")


@dataclass
class ApiSession:
    token: str
    csrf: str
    user: str
    last_used: float


@dataclass
class RestSessions:
    """The API sessions of every device (by host), on the lab clock."""

    core: LabCore
    by_host: dict[str, dict[str, ApiSession]] = field(default_factory=dict)

    def open(self, host: str, user: str) -> ApiSession:
        sessions = self._live(host)
        if len(sessions) >= MAX_SESSIONS:
            raise ApiError(403, f"Maximum number of API sessions ({MAX_SESSIONS}) reached; log out one first")
        session = ApiSession(secrets.token_hex(16), secrets.token_hex(16), user, self.core.clock())
        sessions[session.token] = session
        return session

    def _live(self, host: str) -> dict[str, ApiSession]:
        sessions = self.by_host.setdefault(host, {})
        now = self.core.clock()
        for token in [t for t, s in sessions.items() if now - s.last_used > IDLE_TIMEOUT_S]:
            del sessions[token]
        return sessions

    def find(self, host: str, token: str | None) -> ApiSession:
        session = self._live(host).get(token or "")
        if session is None:
            raise ApiError(401, AUTH_FAILED)
        session.last_used = self.core.clock()
        return session

    def close(self, host: str, token: str) -> None:
        self.by_host.get(host, {}).pop(token, None)

    def count(self, host: str) -> int:
        return len(self._live(host))


class _Routes:
    def __init__(self, core: LabCore, sessions: RestSessions, host: str) -> None:
        self.core, self.sessions, self.host = core, sessions, host

    @property
    def device(self) -> LabDeviceSpec:
        return self.core.estate.device(self.host)

    def session(self, request: web.Request, *, changes: bool = False) -> ApiSession:
        token = request.query.get("UIDARUBA")
        by_cookie = token is None
        if by_cookie:
            token = request.cookies.get(COOKIE)
        session = self.sessions.find(self.host, token)
        if changes and by_cookie and request.headers.get(CSRF_HEADER) != session.csrf:
            raise ApiError(401, f"{CSRF_HEADER} header missing or wrong (a request authenticated by its "
                                f"cookie must carry the token login gave)")
        return session

    async def login(self, request: web.Request) -> web.Response:
        values = dict(request.query)
        if request.method == "POST":
            values.update({k: str(v) for k, v in (await request.post()).items()})
        d = self.device
        if (self.core.faults_of(self.host).refuse_login or values.get("username") != d.username
                or values.get("password") != d.password):
            return _json(_result(1, AUTH_FAILED), 401)
        session = self.sessions.open(self.host, d.username)
        response = _json(_result(0, LOGGED_IN, UIDARUBA=session.token, **{CSRF_HEADER: session.csrf}))
        response.set_cookie(COOKIE, session.token, secure=True, httponly=True, path="/")
        return response

    async def logout(self, request: web.Request) -> web.Response:
        session = self.session(request)
        self.sessions.close(self.host, session.token)
        response = _json(_result(0, LOGGED_OUT))
        response.del_cookie(COOKIE, path="/")
        return response

    def shell(self, session: ApiSession) -> Shell:
        shell = Shell(self.core, self.device, session.user)
        shell.paging = False
        return shell

    async def showcommand(self, request: web.Request) -> web.Response:
        session = self.session(request)
        command = " ".join(request.query.get("command", "").split())
        if not command or not "show".startswith(command.split()[0].lower()) or len(command.split()[0]) < 2:
            raise ApiError(400, "Only show commands are allowed (command=show ...)")
        screen = self.shell(session).handle(command)
        error = _cli_error(screen)
        if error:
            raise ApiError(400, error)
        return _json(screens.to_json(screen))

    def kind(self, request: web.Request) -> str:
        name = request.match_info["name"]
        if name not in objects.OBJECTS:
            raise ApiError(404, f"Unknown object {name}; the lab serves: "
                                f"{', '.join(sorted(objects.OBJECTS))}, write_memory")
        return objects.OBJECTS[name]

    def node(self, request: web.Request) -> str:
        node = request.query.get("config_path") or "/mm"
        if node.rstrip("/") not in self.core.db.nodes and node != "/":
            raise ApiError(400, f"Invalid config_path {node}")
        return node.rstrip("/") or "/"

    async def get_object(self, request: web.Request) -> web.Response:
        session = self.session(request)
        kind, node, name = self.kind(request), self.node(request), request.match_info["name"]
        db = self.core.db
        chain = [db.storage(n, self.host) for n in chain_of(node)]
        committed_only = request.query.get("type") == "committed"
        here = db.committed.get(chain[-1], {}) if committed_only else db.working(session.user, chain[-1])
        found = db.effective(chain) if committed_only else db.effective(chain, user=session.user)
        items = []
        for key, entry in found.items():
            if entry.get("kind") != kind:
                continue
            item = objects.to_json(self.core.grammar, entry)
            if key not in here:
                item["_flags"] = {"inherited": True}
            items.append(item)
        return _json({"_data": {name: items}})

    async def post_object(self, request: web.Request) -> web.Response:
        session = self.session(request, changes=True)
        name = request.match_info["name"]
        node = self.node(request)
        if name == "write_memory":
            return self.write_memory(session)
        kind = self.kind(request)
        try:
            body = json.loads(await request.text() or "null")
        except ValueError:
            raise ApiError(400, "The body is not valid JSON") from None
        try:
            lines = objects.to_cli(self.core.grammar, kind, body)
        except objects.ObjectError as exc:
            raise ApiError(400, f"{name}: {exc}") from None
        self.type_lines(session, node, lines)
        return _json({name: body, **_result(0, "Success", _pending=self.core.db.has_pending(session.user))})

    def type_lines(self, session: ApiSession, node: str, lines: list[str]) -> None:
        """Type `lines` at `node` as the session's user; the first refused line undoes them all."""
        db = self.core.db
        pending, log = copy.deepcopy(db.pending.get(session.user)), copy.deepcopy(db.pending_log.get(session.user))
        shell = self.shell(session)
        for line in ["configure terminal", f"cd {node}", *lines]:
            error = _cli_error(shell.handle(line))
            if error:
                db.pending.pop(session.user, None)
                db.pending_log.pop(session.user, None)
                if pending is not None:
                    db.pending[session.user] = pending
                if log is not None:
                    db.pending_log[session.user] = log
                raise ApiError(400, f"{line}: {error}")
        shell.handle("end")

    def write_memory(self, session: ApiSession) -> web.Response:
        """`write memory` on the session: its error is the answer's; `_pending` says what stayed pending
        (the `write-memory-pending` fault: a save announced that committed nothing, as over SSH)."""
        if self.device.role != "mm":
            raise ApiError(400, "write_memory: configuration is saved on the Mobility Conductor")
        out = [line.strip() for line in self.shell(session).handle("write memory") if line.strip()]
        errors = [line for line in out if line.lower().startswith("error")]
        status, text = (1, " ".join(errors)) if errors else (0, "Success")
        return _json({"write_memory": {"_result": {"status": status, "status_str": text}},
                      **_result(status, text, _pending=self.core.db.has_pending(session.user))},
                     500 if errors else 200)


def _cli_error(screen: list[str]) -> str:
    """The device's error when a typed line was refused (`% ...`, a caret, an `Error:` line), else ''."""
    texts = [line.strip() for line in screen if line.strip()]
    errors = [t for t in texts if t.startswith("%") or t.lower().startswith("error")]
    if errors or (texts and set(texts[0]) == {"^"}):
        return " ".join(errors) or "Invalid input"
    return ""


def _middleware(core: LabCore, host: str) -> Any:
    @web.middleware
    async def answer(request: web.Request, handler: Handler) -> web.StreamResponse:
        while core.faults_of(host).hang:
            await asyncio.sleep(HANG_POLL)
        delay = core.faults_of(host).latency()
        if delay:
            await asyncio.sleep(delay)
        try:
            return await handler(request)
        except ApiError as exc:
            return _json(_result(1, exc.text), exc.status)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return _json(_result(1, "Not found" if exc.status == 404 else f"{request.method} is not allowed here"),
                         exc.status)
    return answer


def application(core: LabCore, sessions: RestSessions, host: str) -> web.Application:
    routes = _Routes(core, sessions, host)
    app = web.Application(middlewares=[_middleware(core, host)], client_max_size=1024 * 1024)
    for method in ("GET", "POST"):
        app.router.add_route(method, "/v1/api/login", routes.login)
        app.router.add_route(method, "/v1/api/logout", routes.logout)
    app.router.add_get("/v1/configuration/showcommand", routes.showcommand)
    app.router.add_get("/v1/configuration/object/{name}", routes.get_object)
    app.router.add_post("/v1/configuration/object/{name}", routes.post_object)
    return app


@dataclass(frozen=True)
class Listening:
    name: str
    address: str
    port: int


class RestServers:
    """One HTTPS listener per SSH device there (the lab process and the test fixture start them); `sync`
    follows the devices the core has, as the SSH face does after an install, a retire or a reset."""

    def __init__(self, core: LabCore, certificates: LabCertificates, *, address: str = "127.0.0.1") -> None:
        self.core, self.certificates, self.address = core, certificates, address
        self.sessions = RestSessions(core)
        self.runners: dict[str, web.AppRunner] = {}
        self.listening: list[Listening] = []
        self.ports: dict[str, int] = {}  # where each host listened: back there when installed again
        self.given: set[str] = set()  # hosts whose port was given (hosts.yaml): never moved elsewhere

    async def start(self, ports: dict[str, int] | None = None) -> list[Listening]:
        """`ports` maps host -> port; a missing host or port 0 binds a free port."""
        self.ports.update(ports or {})
        self.given |= {host for host, port in (ports or {}).items() if port}
        return await self.sync()

    async def sync(self) -> list[Listening]:
        """Listen for exactly the devices the core has now, in the inventory's order."""
        present = [d.name for d in self.core.present_devices()]
        for name in [name for name in self.runners if name not in present]:
            await self.runners.pop(name).cleanup()
            self.sessions.by_host.pop(name, None)
        for name in present:
            if name not in self.runners:
                self.ports[name] = await self._listen(name, self.ports.get(name, 0))
        self.listening = [Listening(name, self.address, self.ports[name]) for name in present]
        return self.listening

    async def _listen(self, name: str, port: int) -> int:
        runner = web.AppRunner(application(self.core, self.sessions, name), access_log=None,
                               handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        self.runners[name] = runner
        tls = self.certificates.server(name, (self.address,)).context()
        try:
            await web.TCPSite(runner, self.address, port, ssl_context=tls).start()
        except OSError:
            if not port or name in self.given:
                raise
            # a free port remembered from before a retire, taken since by another program: another free one
            await web.TCPSite(runner, self.address, 0, ssl_context=tls).start()
        return int(next(a[1] for a in runner.addresses if isinstance(a, tuple)))

    async def stop(self) -> None:
        for runner in self.runners.values():
            await runner.cleanup()
        self.runners.clear()
        self.listening = []
