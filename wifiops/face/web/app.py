"""The staff page's web application, on aiohttp (already a dependency of wifiops for the lab's ClearPass servers:
`wifiops serve` adds no package). Read-only: every route is a GET but the login and logout forms.

Routes: `/` the page (templates/page.html.j2), `/api/now` its figures as JSON (wifiops.engine.staff), `/login` and
`/logout`. Login: none when the page listens on the loopback address 127.0.0.1 (or ::1, localhost), where only
this machine reaches it; otherwise (or with `--login`, for a reverse proxy on this machine) one account from the
secrets store (`staff_page_user`, `staff_page_password`), a session cookie signed with a key made at start (a
restart logs everyone out), HttpOnly, SameSite=Strict, Secure under TLS, for LOGIN_HOURS. A refused login waits
REFUSED_WAIT seconds. Every answer forbids framing and caching of figures, and allows scripts and styles only with
the page's nonce and connections only to itself (Content-Security-Policy): nothing leaves for the internet.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from wifiops.engine.stats import EstateFacts, estate_facts
from wifiops.engine.staff import staff_view
from wifiops.settings import Settings
from wifiops.store import Store, open_store

LOOPBACK = ("127.0.0.1", "::1", "localhost")
COOKIE = "wifiops_staff"
LOGIN_HOURS = 12
REFUSED_WAIT = 0.5
CACHE_SECONDS = 1.0  # one reading of the store serves every tab that polls within a second
STORE: web.AppKey[Store] = web.AppKey("store", Store)  # type: ignore[type-abstract]


def needs_login(host: str, force: bool = False) -> bool:
    return force or host not in LOOPBACK


@dataclass
class Login:
    """The one account of the staff page, and the key its session cookies are signed with."""

    user: str
    password: str
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def accepts(self, user: str, password: str) -> bool:
        ok_user = hmac.compare_digest(user.encode(), self.user.encode())
        return hmac.compare_digest(password.encode(), self.password.encode()) and ok_user

    def token(self, now: float) -> str:
        until = int(now + LOGIN_HOURS * 3600)
        return f"{until}.{self._sign(until)}"

    def valid(self, token: str | None, now: float) -> bool:
        until, _, signature = (token or "").partition(".")
        if not until.isdigit() or int(until) < now:
            return False
        return hmac.compare_digest(signature, self._sign(int(until)))

    def _sign(self, until: int) -> str:
        return hmac.new(self.key, f"{self.user}|{until}".encode(), hashlib.sha256).hexdigest()


def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")), undefined=StrictUndefined,
                       autoescape=True)


class _Facts:
    """The inventory's defaults, read again when the file changes (a site renamed shows at the next poll)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.facts = estate_facts(directory)
        self.stamp = self._stamp()

    def _stamp(self) -> int:
        found = sorted(self.directory.glob("*.yaml"))
        return sum(p.stat().st_mtime_ns for p in found)

    def get(self) -> EstateFacts:
        stamp = self._stamp()
        if stamp != self.stamp:
            self.facts, self.stamp = estate_facts(self.directory), stamp
        return self.facts


def make_app(settings: Settings, inventory: Path, *, refresh_s: float = 30.0, login: Login | None = None,
             secure: bool = False, now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> web.Application:
    """The application; the store is opened in the serving thread when it starts (SQLite connections stay in the
    thread that made them) and closed when it stops."""
    facts = _Facts(inventory)
    templates = _templates()
    cache: dict[str, Any] = {"at": 0.0, "view": None}

    @web.middleware
    async def guard(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                    ) -> web.StreamResponse:
        try:
            if login is not None and request.path != "/login" and not login.valid(request.cookies.get(COOKIE),
                                                                                 time.time()):
                response: web.StreamResponse = (web.json_response({"error": "log in first"}, status=401)
                                                if request.path.startswith("/api/") else _redirect("/login"))
            else:
                response = await handler(request)
        except web.HTTPException as exc:  # the router's 404 and 405
            _harden(exc.headers)
            raise
        _harden(response.headers)
        return response

    def html(name: str, request: web.Request, status: int = 200, **context: Any) -> web.Response:
        nonce = secrets.token_urlsafe(16)  # the page's inline script and style run; nothing else would
        body = templates.get_template(name).render(nonce=nonce, estate=facts.get().estate, **context)
        response = web.Response(text=body, content_type="text/html", charset="utf-8", status=status)
        _harden(response.headers, nonce)
        return response

    async def page(request: web.Request) -> web.StreamResponse:
        return html("page.html.j2", request, refresh_ms=int(refresh_s * 1000), timezone=facts.get().statistics.timezone,
                    login=login is not None)

    async def figures(request: web.Request) -> web.StreamResponse:
        moment = time.monotonic()
        if cache["view"] is None or moment - cache["at"] >= CACHE_SECONDS:
            cache["view"] = staff_view(request.app[STORE], facts.get(), now())
            cache["at"] = moment
        return web.json_response(cache["view"])

    async def login_form(request: web.Request) -> web.StreamResponse:
        if login is None:
            return _redirect("/")
        return html("login.html.j2", request, error=None)

    async def login_post(request: web.Request) -> web.StreamResponse:
        if login is None:
            return _redirect("/")
        form = await request.post()
        if not login.accepts(str(form.get("username", "")), str(form.get("password", ""))):
            await asyncio.sleep(REFUSED_WAIT)
            return html("login.html.j2", request, status=401, error="Wrong user or password.")
        response = _redirect("/")
        response.set_cookie(COOKIE, login.token(time.time()), max_age=LOGIN_HOURS * 3600, httponly=True,
                            samesite="Strict", secure=secure, path="/")
        return response

    async def logout(request: web.Request) -> web.StreamResponse:
        response = _redirect("/login" if login is not None else "/")
        response.del_cookie(COOKIE, path="/")
        return response

    async def opened(app: web.Application) -> None:
        app[STORE] = open_store(settings)

    async def closed(app: web.Application) -> None:
        app[STORE].close()

    app = web.Application(middlewares=[guard])
    app.router.add_get("/", page)
    app.router.add_get("/api/now", figures)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login_post)
    app.router.add_post("/logout", logout)
    app.on_startup.append(opened)
    app.on_cleanup.append(closed)
    return app


def _redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _harden(headers: Any, nonce: str | None = None) -> None:
    """No framing, no sniffing, no caching, no referrer; scripts and styles only with the page's nonce (an answer
    without a page allows none), connections only to this server."""
    if nonce is not None or "Content-Security-Policy" not in headers:
        scripts = f"'nonce-{nonce}'" if nonce else "'none'"
        headers["Content-Security-Policy"] = (
            f"default-src 'none'; script-src {scripts}; style-src {scripts}; connect-src 'self'; img-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cache-Control"] = "no-store"


class BackgroundServer:
    """The application served from a thread of its own (tests, benchmarks): `url` once started, `stop()` after."""

    def __init__(self, app: web.Application, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app, self.host, self.port = app, host, port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="wifiops-serve", daemon=True)
        self.runner = web.AppRunner(app)
        self.url = ""

    def start(self) -> BackgroundServer:
        self.thread.start()

        async def begin() -> int:
            await self.runner.setup()
            site = web.TCPSite(self.runner, self.host, self.port)
            await site.start()
            return int(self.runner.addresses[0][1])

        port = asyncio.run_coroutine_threadsafe(begin(), self.loop).result(timeout=30)
        self.url = f"http://{self.host}:{port}"
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()
