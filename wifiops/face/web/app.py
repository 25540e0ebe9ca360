"""The staff page's web application, on aiohttp (already a dependency of wifiops for the lab's ClearPass servers:
`wifiops serve` adds no package). Read-only: every route is a GET but the login and logout forms.

Routes: `/` the page (templates/page.html.j2), `/api/now` its figures as JSON (wifiops.engine.staff), `/login` and
`/logout`. Login: none when the page listens on the loopback address 127.0.0.1 (or ::1, localhost), where only
this machine reaches it; otherwise (or with `--login`, for a reverse proxy on this machine) one account from the
secrets store (`staff_page_user`, `staff_page_password`, of at least the strength `password_problem` asks: the
page refuses to start otherwise), a session cookie that is a random key of a session kept in this process (logout
ends it on the server; a restart ends them all), HttpOnly, SameSite=Strict, Secure under TLS, for LOGIN_HOURS.

Guessing is slowed per client (its address): every refused login waits REFUSED_WAIT seconds and is logged; after
FAILURES_BEFORE_LOCK refusals within LOCK_SECONDS the client is locked out for LOCK_SECONDS, right password or not
(counted before any wait, so a thousand guesses in parallel are counted as they arrive). Behind a reverse proxy
every client is the proxy: the lockout is then the page's, which is the safe side.

Every answer forbids framing and caching of figures, and allows scripts and styles only with the page's nonce and
connections only to itself (Content-Security-Policy): nothing leaves for the internet; under TLS it asks browsers to
keep to HTTPS (HSTS). A request whose `Host` is a name the page is not served as is refused (421): a DNS-rebinding
page cannot read the figures through a visitor's browser. A request aiohttp cannot read (an over-long header) is
logged in one line, without its headers or cookies (`quiet_request_errors`).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from wifiops.engine.stats import EstateFacts, estate_facts
from wifiops.engine.incident import with_moved_deadlines
from wifiops.engine.staff import staff_view
from wifiops.settings import Settings
from wifiops.store import Store, open_store

log = logging.getLogger("wifiops.serve")

LOOPBACK = ("127.0.0.1", "::1", "localhost")
COOKIE = "wifiops_staff"
LOGIN_HOURS = 12
REFUSED_WAIT = 0.5
FAILURES_BEFORE_LOCK = 5
LOCK_SECONDS = 15 * 60  # the window failures are counted in, and how long a client stays locked out after
CLIENTS_KEPT = 10_000  # clients whose failures are remembered: the oldest are forgotten past this (memory bound)
SESSIONS_KEPT = 1_000  # open sessions: the oldest are ended past this
MIN_PASSWORD = 12
HSTS = "max-age=31536000"
CACHE_SECONDS = 1.0  # one reading of the store serves every tab that polls within a second
STORE: web.AppKey[Store] = web.AppKey("store", Store)  # type: ignore[type-abstract]


def needs_login(host: str, force: bool = False) -> bool:
    return force or host not in LOOPBACK


def password_problem(user: str, password: str) -> str | None:
    """Why this password is too weak for a page reached from the network, or None. Length first (NIST SP 800-63B
    asks 8 at least; a page guessed from a whole building asks more): 12 characters mixing three kinds (lower
    case, upper case, digits, others), or a passphrase of 16 or more; never the user name in it."""
    if not password:
        return "is empty"
    if len(password) < MIN_PASSWORD:
        return f"has {len(password)} characters: give at least {MIN_PASSWORD}"
    if user and user.lower() in password.lower():
        return "contains the user name"
    if len(set(password)) < 6:
        return "repeats too few different characters"
    kinds = sum(any(test(c) for c in password) for test in (str.islower, str.isupper, str.isdigit,
                                                            lambda c: not c.isalnum()))
    if len(password) < 16 and kinds < 3:
        return "mixes fewer than three kinds of characters (lower case, upper case, digits, others): mix them, or " \
               "use a passphrase of 16 characters or more"
    return None


@dataclass
class Login:
    """The one account of the staff page and its open sessions (random keys kept here: logout ends one)."""

    user: str
    password: str = field(repr=False)
    sessions: OrderedDict[str, float] = field(default_factory=OrderedDict, repr=False)

    def accepts(self, user: str, password: str) -> bool:
        ok_user = hmac.compare_digest(user.encode(), self.user.encode())
        return hmac.compare_digest(password.encode(), self.password.encode()) and ok_user

    def token(self, now: float) -> str:
        """A new session, valid LOGIN_HOURS; its key is the cookie."""
        key = secrets.token_urlsafe(32)
        self.sessions[key] = now + LOGIN_HOURS * 3600
        while len(self.sessions) > SESSIONS_KEPT:
            self.sessions.popitem(last=False)
        return key

    def valid(self, token: str | None, now: float) -> bool:
        until = self.sessions.get(token or "")
        if until is not None and until < now:
            self.sessions.pop(token or "", None)
        return until is not None and until >= now

    def end(self, token: str | None) -> bool:
        """End this session on the server (logout): its cookie opens nothing any more."""
        return self.sessions.pop(token or "", None) is not None


@dataclass
class Lockout:
    """Refused logins per client within LOCK_SECONDS; a client with FAILURES_BEFORE_LOCK of them is locked out."""

    failures: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self.failures.get(client) or deque()
        while times and times[0] <= now - LOCK_SECONDS:
            times.popleft()
        return times

    def locked_for(self, client: str, now: float) -> float:
        """Seconds this client stays locked out (0: it may try)."""
        times = self._recent(client, now)
        if len(times) < FAILURES_BEFORE_LOCK:
            return 0.0
        return max(0.0, times[-1] + LOCK_SECONDS - now)

    def failed(self, client: str, now: float) -> int:
        """Count a refusal; how many this client has within the window."""
        times = self._recent(client, now)
        times.append(now)
        self.failures[client] = times
        self.failures.move_to_end(client)
        while len(self.failures) > CLIENTS_KEPT:
            self.failures.popitem(last=False)
        return len(times)

    def succeeded(self, client: str) -> None:
        self.failures.pop(client, None)


def served_names(host: str, names: Collection[str] = ()) -> frozenset[str]:
    """The names a request's `Host` may say: the address served, this machine's names, `localhost`, and the
    names given (`--name`, those of a reverse proxy). An IP address is always accepted (see host_allowed)."""
    import socket

    found = {host, "localhost", socket.gethostname(), socket.getfqdn(), *names}
    return frozenset(n.lower().rstrip(".") for n in found if n)


def host_allowed(header: str | None, names: Collection[str]) -> bool:
    """Whether a `Host` header names this page. An IP literal cannot be a rebinding (the attacker's page would
    have to be served from that address); a name must be one of `names`."""
    if not header:
        return False
    name = header.strip().lower()
    if name.startswith("["):  # [::1]:8080
        name = name[1:].partition("]")[0]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return name.rstrip(".") in names


class _OneLine(logging.Filter):
    """aiohttp's report of a request it could not read, in one line: no traceback, no header, no cookie (an
    over-long header's text is part of the exception's message, and may be a session cookie). An error of the
    page itself (a bug of ours) is one line too, its traceback in a crash log under run_dir (wifiops's rule)."""

    settings: Settings | None = None  # where crash logs go: the page being served's

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None and "request" not in str(record.msg).lower():
            return True
        if exc is not None and not isinstance(exc, HttpProcessingError) and self.settings is not None:
            from wifiops.engine.journal import crash_log

            record.msg = "staff page: unexpected %s while answering a request; the traceback is in %s"
            record.args = (type(exc).__name__, crash_log(self.settings, exc))
        else:
            kind = type(exc).__name__ if exc is not None else "error"
            code = getattr(exc, "code", None) or getattr(exc, "status", None) or ""
            record.msg = "staff page: a request could not be read (%s%s): answered with an error, not logged"
            record.args = (kind, f" {code}" if code else "")
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


_ONE_LINE = _OneLine()


def quiet_request_errors(settings: Settings | None = None) -> None:
    """Put the one-line filter on aiohttp's loggers of request errors (once); crash logs under `settings`."""
    _ONE_LINE.settings = settings or _ONE_LINE.settings
    for name in ("aiohttp.server", "aiohttp.web", "aiohttp.access"):
        logger = logging.getLogger(name)
        if _ONE_LINE not in logger.filters:
            logger.addFilter(_ONE_LINE)


def _templates(language: str) -> Environment:
    """The page's templates in `language` (wifiops.yaml `language:`, French by default): the reports' catalogue."""
    from wifiops.reports.i18n import translations

    env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")), undefined=StrictUndefined,
                      autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["language"] = language
    return env


def _said(view: dict[str, Any], language: str) -> dict[str, Any]:
    """The incidents' summaries (the engine's English sentences) in the page's language, as the mails say them."""
    from wifiops.i18n import Localised
    from wifiops.supervision.mails import said

    words = Localised(language).gettext
    return {**view, "incidents": [{**i, "summary": said(str(i["summary"]), words)} for i in view.get("incidents", [])]}


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
             secure: bool = False, now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
             names: Collection[str] | None = None, clock: Callable[[], float] = time.time) -> web.Application:
    """The application; the store is opened in the serving thread when it starts (SQLite connections stay in the
    thread that made them) and closed when it stops. `names`: the host names the page answers to (served_names;
    default: this machine's and localhost). `clock`: for the lockout and sessions (tests step it)."""
    facts = _Facts(inventory)
    templates = _templates(settings.language)
    cache: dict[str, Any] = {"at": 0.0, "view": None}
    allowed = served_names("localhost", names or ())
    lockout = Lockout()
    quiet_request_errors(settings)

    @web.middleware
    async def guard(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                    ) -> web.StreamResponse:
        try:
            if not host_allowed(request.headers.get("Host"), allowed):
                log.warning("staff page: refused a request for another host name from %s", request.remote)
                response: web.StreamResponse = web.Response(status=421, text="this page is not served by that name\n")
            elif login is not None and request.path != "/login" and not login.valid(request.cookies.get(COOKIE),
                                                                                   clock()):
                response = (web.json_response({"error": "log in first"}, status=401)
                            if request.path.startswith("/api/") else _redirect("/login"))
            else:
                response = await handler(request)
        except web.HTTPException as exc:  # the router's 404 and 405
            _harden(exc.headers, secure=secure)
            raise
        _harden(response.headers, secure=secure)
        return response

    def html(name: str, request: web.Request, status: int = 200, **context: Any) -> web.Response:
        nonce = secrets.token_urlsafe(16)  # the page's inline script and style run; nothing else would
        body = templates.get_template(name).render(nonce=nonce, estate=facts.get().estate, **context)
        response = web.Response(text=body, content_type="text/html", charset="utf-8", status=status)
        _harden(response.headers, nonce, secure=secure)
        return response

    async def page(request: web.Request) -> web.StreamResponse:
        return html("page.html.j2", request, refresh_ms=int(refresh_s * 1000), timezone=facts.get().statistics.timezone,
                    login=login is not None)

    async def figures(request: web.Request) -> web.StreamResponse:
        moment = time.monotonic()
        if cache["view"] is None or moment - cache["at"] >= CACHE_SECONDS:
            store, at = request.app[STORE], now()
            cache["view"] = _said(staff_view(store, facts.get(), at, lambda found: with_moved_deadlines(
                settings, store, found, at, inventory)), settings.language)
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
        client = request.remote or "unknown"
        moment = clock()
        locked = lockout.locked_for(client, moment)  # before the password is even looked at
        if locked:
            log.warning("staff page: login refused from %s: locked out for %d s more after %d failed attempts",
                        client, round(locked), FAILURES_BEFORE_LOCK)
            return html("login.html.j2", request, status=429, error="Too many failed attempts: try again later.")
        if not login.accepts(str(form.get("username", "")), str(form.get("password", ""))):
            count = lockout.failed(client, moment)  # counted now, before the wait: parallel guesses count too
            log.warning("staff page: failed login from %s (%d in the last %d min%s)", client, count,
                        LOCK_SECONDS // 60, "; locked out" if count >= FAILURES_BEFORE_LOCK else "")
            await asyncio.sleep(REFUSED_WAIT)
            return html("login.html.j2", request, status=401, error="Wrong user or password.")
        lockout.succeeded(client)
        log.info("staff page: login from %s", client)
        response = _redirect("/")
        response.set_cookie(COOKIE, login.token(moment), max_age=LOGIN_HOURS * 3600, httponly=True,
                            samesite="Strict", secure=secure, path="/")
        return response

    async def logout(request: web.Request) -> web.StreamResponse:
        if login is not None and login.end(request.cookies.get(COOKIE)):
            log.info("staff page: logout from %s", request.remote)
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


def _harden(headers: Any, nonce: str | None = None, *, secure: bool = False) -> None:
    """No framing, no sniffing, no caching, no referrer; scripts and styles only with the page's nonce (an answer
    without a page allows none), connections only to this server; under TLS, HTTPS only from then on (HSTS)."""
    if secure:
        headers["Strict-Transport-Security"] = HSTS
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
