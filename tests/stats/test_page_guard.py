"""The staff page against guessing and misuse (issue 24): a strong password off 127.0.0.1 or no start, failed logins
logged and locked out per client, sessions that logout ends on the server, `Host` checked, HSTS under TLS, and
requests aiohttp cannot read logged in one line without their cookie. No lab needed: the page reads a store."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import httpx
import pytest
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.errors import WifiopsError
from wifiops.face.web.app import (FAILURES_BEFORE_LOCK, LOCK_SECONDS, BackgroundServer, Login, make_app,
                                  password_problem)
from wifiops.settings import Settings

BASE = Path(__file__).resolve().parents[1] / "fixtures" / "inventories" / "base"
PASSWORD = "Staff-Page-2026!"
runner = CliRunner()


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def page(tmp_path: Path, clock: Clock) -> Iterator[BackgroundServer]:
    settings = Settings(root=tmp_path, run_dir=tmp_path / "runs", inventory=BASE)
    server = BackgroundServer(make_app(settings, BASE, login=Login("louvre", PASSWORD), clock=clock)).start()
    try:
        yield server
    finally:
        server.stop()


async def guesses(url: str, count: int) -> list[int]:
    """`count` wrong passwords in parallel, then the right one: the status of each, the right one's last (aiohttp's
    client: httpx's pool is quadratic in its waiters and times out on 2,000 of them)."""
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(url, connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as client:
        async def guess(password: str) -> int:
            async with client.post("/login", data={"username": "louvre", "password": password},
                                   allow_redirects=False) as answer:
                return answer.status
        statuses = list(await asyncio.gather(*(guess(f"guess-{n}") for n in range(count))))
        return statuses + [await guess(PASSWORD)]


def test_2000_parallel_guesses_lock_the_client_out_and_the_right_password_last_is_refused(
        page: BackgroundServer, clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="wifiops.serve")
    statuses = asyncio.run(guesses(page.url, 2000))
    assert statuses.count(401) == FAILURES_BEFORE_LOCK and statuses.count(429) == 2000 - FAILURES_BEFORE_LOCK + 1
    assert statuses[-1] == 429  # the right password, inside the lockout window
    failed = [r.getMessage() for r in caplog.records if "failed login from 127.0.0.1" in r.getMessage()]
    assert len(failed) == FAILURES_BEFORE_LOCK and "(5 in the last 15 min; locked out)" in failed[-1]
    assert sum("locked out for" in r.getMessage() for r in caplog.records) == 2000 - FAILURES_BEFORE_LOCK + 1
    assert PASSWORD not in caplog.text and "guess-" not in caplog.text  # what was typed is never logged

    clock.now += LOCK_SECONDS + 1  # the window is over: the right password opens a session
    with httpx.Client(base_url=page.url) as client:
        assert client.post("/login", data={"username": "louvre", "password": PASSWORD}).status_code == 303
        cookie = client.cookies["wifiops_staff"]
        assert client.get("/api/now").status_code == 200
        assert client.post("/logout").status_code == 303
    stolen = httpx.get(page.url + "/api/now", cookies={"wifiops_staff": cookie})
    assert stolen.status_code == 401  # the cookie is dead on the server after logout, not only in the browser


def test_a_host_name_the_page_is_not_served_by_is_refused(page: BackgroundServer) -> None:
    port = page.url.rsplit(":", 1)[1]
    assert httpx.get(page.url + "/login", headers={"Host": f"rebind.attacker.example:{port}"}).status_code == 421
    assert httpx.get(page.url + "/login", headers={"Host": f"localhost:{port}"}).status_code == 200
    assert httpx.get(page.url + "/login").status_code == 200  # 127.0.0.1: an address cannot be rebound
    assert httpx.get(page.url + "/login", headers={"Host": f"[::1]:{port}"}).status_code == 200


def test_hsts_under_tls_only(tmp_path: Path) -> None:
    settings = Settings(root=tmp_path, run_dir=tmp_path / "runs", inventory=BASE)
    for secure in (True, False):
        server = BackgroundServer(make_app(settings, BASE, secure=secure)).start()
        try:
            answer = httpx.get(server.url + "/login", follow_redirects=False)
            assert ("Strict-Transport-Security" in answer.headers) is secure
        finally:
            server.stop()


def test_an_over_long_header_is_one_log_line_without_the_cookie(page: BackgroundServer,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    port = int(page.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: wifiops_staff=SESSION-KEY-"
                           + b"A" * 20_000 + b"\r\n\r\n")
        assert connection.recv(100).startswith(b"HTTP/1.0 400")
    lines = [r for r in caplog.records if r.name.startswith("aiohttp")]
    assert lines and all(r.exc_info is None for r in lines)
    assert "SESSION-KEY" not in caplog.text and "Traceback" not in caplog.text
    assert "a request could not be read (LineTooLong 400)" in caplog.text


@pytest.mark.parametrize(("password", "why"), [("", "is empty"), ("short-1A", "has 8 characters"),
                                               ("louvre-louvre-2026", "contains the user name"),
                                               ("aaaaaaaaaaaaaaaaaaa", "too few different"),
                                               ("staffpagepass", "fewer than three kinds")])
def test_weak_passwords_are_named(password: str, why: str) -> None:
    assert why in (password_problem("louvre", password) or "")


def test_long_passphrases_and_mixed_passwords_pass() -> None:
    assert password_problem("louvre", PASSWORD) is None
    assert password_problem("louvre", "correct horse battery staple") is None


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text(f"inventory: {BASE}\nrun_dir: {tmp_path / 'runs'}\nsecrets_file: {tmp_path / 'none.yaml'}\n")
    return path


def serve(config: Path, *args: str, password: str = PASSWORD) -> tuple[int, str]:
    env = {"WIFIOPS_SECRET_STAFF_PAGE_USER": "louvre", "WIFIOPS_SECRET_STAFF_PAGE_PASSWORD": password}
    result = runner.invoke(app, ["--config", str(config), "serve", *args], env=env)
    if isinstance(result.exception, WifiopsError):  # what cli.main prints, in one line, with its exit code
        return result.exception.exit_code, f"error: {result.exception}"
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("password", ["", "louvre2026"])
def test_serve_off_127_0_0_1_refuses_to_start_with_a_weak_password(config: Path, password: str) -> None:
    code, output = serve(config, "--host", "0.0.0.0", "--port", "1", password=password)
    assert code == 2 and "staff_page_password" in output and "\n" not in output
    assert not password or password not in output


def test_serve_on_a_taken_port_is_one_line(config: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, output = serve(config, "--port", str(taken.getsockname()[1]))
    assert code == 2 and "cannot listen on 127.0.0.1 port" in output and "Traceback" not in output


def test_serve_on_an_address_not_of_this_machine_is_one_line(config: Path) -> None:
    code, output = serve(config, "--host", "no-such-host.invalid", "--port", "8080")
    assert code == 2 and "cannot listen on no-such-host.invalid" in output


@pytest.mark.parametrize("kind", ["text", "fifo"])
def test_serve_with_a_bad_cert_is_one_line(config: Path, tmp_path: Path, kind: str) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    key.write_text("not a key\n")
    if kind == "fifo":
        os.mkfifo(cert)
    else:
        cert.write_text("not a certificate\n")
    code, output = serve(config, "--cert", str(cert), "--key", str(key), "--port", "8080")
    assert code == 2 and str(cert) in output and ("not a certificate" in output or "FIFO" in output)


def test_a_bug_while_answering_is_one_line_and_its_traceback_in_a_crash_log(
        page: BackgroundServer, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    import wifiops.face.web.app as web_app

    def broken(*_: object) -> None:
        raise RuntimeError("a bug of ours")
    monkeypatch.setattr(web_app, "staff_view", broken)
    caplog.set_level(logging.DEBUG)
    with httpx.Client(base_url=page.url) as client:
        client.post("/login", data={"username": "louvre", "password": PASSWORD})
        assert client.get("/api/now").status_code == 500
    [line] = [r.getMessage() for r in caplog.records if r.name == "aiohttp.server"]
    assert line.startswith("staff page: unexpected RuntimeError while answering a request; the traceback is in ")
    crash = Path(line.rsplit(" ", 1)[1])
    assert crash.is_relative_to(tmp_path / "runs") and "a bug of ours" in crash.read_text()
    assert "Traceback" not in caplog.text
