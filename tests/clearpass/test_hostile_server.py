"""A hostile or broken ClearPass server (issue 24): the client's read is bounded as a whole, in time and in size,
and its JSON in depth and number length; a CA file that cannot be read is an error, never the system's CAs.

The servers here are raw sockets on 127.0.0.1 (plain HTTP: what is tested is the reading of an answer, which TLS
does not change); the lab's ClearPass stays the model of a real one."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from wifiops.clearpass.client import ClearPassClient, ClearPassServer, tls_context
from wifiops.errors import ClearPassCertificateError, ClearPassProtocolError, ClearPassUnreachable

Behaviour = Callable[[socket.socket], None]


@pytest.fixture
def hostile() -> Iterator[Callable[[Behaviour], str]]:
    """`hostile(behaviour)`: the URL of a server that answers every connection with `behaviour(connection)`."""
    sockets: list[socket.socket] = []
    stop = threading.Event()

    def start(behaviour: Behaviour) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.2)
        sockets.append(listener)

        def serve() -> None:
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except (TimeoutError, OSError):
                    continue
                with connection:
                    connection.recv(65536)  # the request
                    try:
                        behaviour(connection)
                        connection.shutdown(socket.SHUT_WR)  # then read what is left: a close with unread
                        connection.settimeout(1)             # data would reset the answer before it is read
                        while connection.recv(65536):
                            pass
                    except OSError:  # the client gave up: that is the point
                        pass
        threading.Thread(target=serve, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}/api"

    yield start
    stop.set()
    for s in sockets:
        s.close()


def client(url: str, timeout: float = 1.0) -> ClearPassClient:
    return ClearPassClient(ClearPassServer("cppm-1", url, "wifiops", "s3cret", timeout=timeout))


def trickle(connection: socket.socket) -> None:
    """A byte every 0.1 s, for ever: each read is answered well within the timeout, the answer never ends."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + b" " * 10_000:
        connection.sendall(bytes([byte]))
        time.sleep(0.1)


def endless(connection: socket.socket) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[")
    block = b"1," * 32768
    while True:
        connection.sendall(block)


def answer(body: bytes) -> Behaviour:
    def send(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                           + str(len(body)).encode() + b"\r\n\r\n" + body)
    return send


def test_a_server_sending_a_byte_a_second_fails_at_the_timeout_of_the_whole_answer(hostile) -> None:
    url = hostile(trickle)
    started = time.monotonic()
    with pytest.raises(ClearPassUnreachable, match=r"^cppm-1: .* did not answer in full within 1 s"):
        client(url).version()
    assert time.monotonic() - started < 2.5


def test_an_endless_answer_stops_at_the_size_bound(hostile) -> None:
    url = hostile(endless)
    started = time.monotonic()
    with pytest.raises((ClearPassProtocolError, ClearPassUnreachable)) as caught:
        client(url, timeout=20).version()
    assert "MiB" in str(caught.value) or "within 20 s" in str(caught.value)
    assert time.monotonic() - started < 21
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("body", [b'{"access_token": "t", "expires_in": ' + b"9" * 5000 + b"}",
                                  b"[" * 100_000 + b"]" * 100_000,
                                  b'{"access_token": "\xff\xfe", "expires_in": 60}'])
def test_hostile_json_is_one_line_naming_the_server(hostile, body: bytes) -> None:
    url = hostile(answer(body))
    with pytest.raises(ClearPassProtocolError, match=r"^cppm-1: POST /oauth answered") as caught:
        client(url).version()
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory", "not-pem"])
def test_a_named_ca_file_that_cannot_be_read_is_an_error_not_the_system_cas(tmp_path: Path, kind: str) -> None:
    ca = tmp_path / "clearpass-ca.pem"
    if kind == "fifo":
        os.mkfifo(ca)
    elif kind == "dev-zero":
        ca.symlink_to("/dev/zero")
    elif kind == "directory":
        ca.mkdir()
    else:
        ca.write_text("hello\n")
    started = time.monotonic()
    with pytest.raises(ClearPassCertificateError, match=r"cannot read the CA file"):
        tls_context(ca)
    assert time.monotonic() - started < 2
