"""wifiops.clearpass.client against the lab over real HTTPS: tokens renewed when they end (and only then), a
wrong API client or a wrong CA as one clear line, every page read, devices made, changed and deleted with
their secrets written and never read back, refusals and absences as their own errors, and compare()."""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path

import pytest

from labsecrets import CLIENT_SECRET, RADIUS_KEY
from wifiops.clearpass.client import ClearPassClient, NetworkDevice
from wifiops.clearpass.compare import compare
from wifiops.errors import (ClearPassAuthError, ClearPassCertificateError, ClearPassNotFound, ClearPassRefused,
                            ClearPassUnreachable, WifiopsError)
from wifiops.lab.clearpass.certs import LabCertificates


def test_version_and_cluster(client) -> None:
    version = client("cppm-3").version()
    assert (version.version, version.hardware, version.guest_version) == ("6.11.9.280101", "C3010", "6.11.9.280101")
    cluster = client("cppm-2").cluster()
    assert [(s.name, s.is_publisher, s.local, s.management_ip) for s in cluster] == [
        ("cppm-1", True, False, "10.150.2.11"), ("cppm-2", False, True, "10.150.2.12")]
    assert cluster[1].replication_status == "ENABLED" and re.fullmatch(r"[0-9a-f-]{36}", cluster[0].uuid)


def test_an_expired_token_is_renewed_once_and_the_call_goes_through(fresh_lab, client) -> None:
    cp = client("cppm-1")
    cp.version()
    issued, refused = fresh_lab.tokens_issued("cppm-1"), fresh_lab.unauthorized("cppm-1")
    fresh_lab.expire_tokens("cppm-1")  # the server ends it early: the client learns it from the 401
    assert cp.network_device(3001).name == "mm-1"
    assert fresh_lab.tokens_issued("cppm-1") == issued + 1 and fresh_lab.unauthorized("cppm-1") == refused + 1
    cp.version()
    assert fresh_lab.tokens_issued("cppm-1") == issued + 1  # the new token is kept


def test_a_token_near_its_end_is_renewed_before_the_call(fresh_lab, server) -> None:
    """On the client's own clock, stepped (not the machine's: a loaded machine must not decide the outcome).
    The server's tokens live 10 minutes; the client renews a minute before the end."""
    fresh_lab.set_token_lifetime(600)
    now = [1000.0]
    with ClearPassClient(server("cppm-2"), clock=lambda: now[0]) as cp:
        cp.version()
        issued, refused = fresh_lab.tokens_issued("cppm-2"), fresh_lab.unauthorized("cppm-2")
        now[0] += 500  # still well inside its life: kept
        cp.cluster()
        assert fresh_lab.tokens_issued("cppm-2") == issued
        now[0] += 50  # 550 s: inside the last minute: renewed first, no 401 seen
        cp.cluster()
        assert fresh_lab.tokens_issued("cppm-2") == issued + 1 and fresh_lab.unauthorized("cppm-2") == refused


def test_wrong_credentials_are_one_line_naming_the_server_and_what_to_check(fresh_lab, client) -> None:
    with pytest.raises(ClearPassAuthError) as refused:
        client("cppm-1", client_secret="not-the-secret").version()
    said = str(refused.value)
    assert said.startswith("cppm-1: the API client 'wifiops-lab' was refused (The client credentials are invalid)")
    assert "clearpass_client_secret" in said and "not-the-secret" not in said and "\n" not in said
    fresh_lab.fault("cppm-1", "refuse-login")
    with pytest.raises(ClearPassAuthError):
        client("cppm-1").version()


def test_tls_is_verified_a_wrong_ca_fails_before_anything_is_sent(fresh_lab, client, tmp_path: Path) -> None:
    other = LabCertificates(tmp_path)  # another CA: a server replaced, or someone on its address
    before = fresh_lab.tokens_issued("cppm-1")
    with pytest.raises(ClearPassCertificateError) as failed:
        client("cppm-1", ca_file=other.ca_file).version()
    said = str(failed.value)
    assert said.startswith(f"cppm-1: the certificate of {fresh_lab.clearpass_url('cppm-1')}/oauth was not verified "
                           f"against {other.ca_file}") and "nothing was sent" in said and "clearpass-ca.pem" in said
    assert fresh_lab.tokens_issued("cppm-1") == before  # the client secret never left
    with pytest.raises(ClearPassCertificateError, match="cannot read the CA file"):
        client("cppm-1", ca_file=tmp_path / "missing.pem")
    with pytest.raises(ClearPassCertificateError, match="the system's CAs"):
        client("cppm-1", ca_file=None).version()


def test_every_page_in_order_and_a_filter(fresh_lab, client) -> None:
    cp = client("cppm-1")
    for n in range(7):
        cp.create_network_device({"name": f"switch-{n}", "ip_address": f"10.20.0.{n + 1}"},
                                 {"radius_secret": RADIUS_KEY})
    every = cp.network_devices(page_size=2)
    assert [d.id for d in every] == list(range(3001, 3014)) and cp.count_network_devices() == 13
    assert [d.name for d in cp.network_devices('{"name": {"$contains": "switch-"}}', sort="-name", page_size=3)] \
        == [f"switch-{n}" for n in range(6, -1, -1)]
    assert cp.count_network_devices('{"attributes.Device Type": "Controller"}') == 2


def test_create_update_delete_write_secrets_and_never_read_them(fresh_lab, client) -> None:
    cp = client("cppm-3")
    made = cp.create_network_device(
        {"name": "mc-3", "ip_address": "10.150.1.13", "vendor_name": "Aruba", "snmp_read": {"snmp_version": "V2C"}},
        {"radius_secret": RADIUS_KEY, "snmp_read.community_string": "lab-community"})
    assert made.secrets_set == () and "radius_secret" not in made.fields
    assert made.fields["snmp_read"] == {"snmp_version": "V2C"}
    stored = fresh_lab.clearpass_stored("cppm-4")[0]  # the cluster's, seen from its subscriber
    assert stored["radius_secret"] == RADIUS_KEY and stored["snmp_read"]["community_string"] == "lab-community"
    for shown in (repr(made), json.dumps(made.to_dict()), json.dumps(cp.network_devices()[0].to_dict())):
        assert RADIUS_KEY not in shown and "lab-community" not in shown
    changed = cp.update_network_device(made.id, {"description": "7220"}, {"radius_secret": "rotated"})
    assert changed.fields["description"] == "7220" and fresh_lab.clearpass_stored("cppm-3")[0]["radius_secret"] == \
        "rotated"
    assert cp.network_device_named("mc-3") == changed and cp.network_device_named("mc-9") is None
    with pytest.raises(ValueError, match="not a secret field"):
        cp.create_network_device({"name": "x", "ip_address": "10.0.0.1"}, {"password": "x"})
    with pytest.raises(ClearPassRefused) as refused:
        cp.create_network_device({"name": "mc-3", "ip_address": "10.150.1.13", "colour": "red"})
    exc = refused.value
    assert exc.status == 422 and exc.detail == "Failed Validation" and exc.exit_code == 1
    assert set(exc.validation_messages) == {"name", "ip_address", "colour"}
    assert str(exc).startswith("cppm-3: POST /network-device was refused: Failed Validation (")
    assert "name: A network device named 'mc-3' already exists" in str(exc) and "\n" not in str(exc)
    cp.delete_network_device(made.id)
    with pytest.raises(ClearPassNotFound, match=r"^cppm-3: DELETE /network-device/3001: not found \(Entity not found\)"):
        cp.delete_network_device(made.id)
    assert fresh_lab.clearpass_stored("cppm-3") == []


def test_a_hung_server_fails_after_the_timeout(fresh_lab, client) -> None:
    fresh_lab.fault("cppm-4", "hang")
    started = time.monotonic()
    with pytest.raises(ClearPassUnreachable, match=r"^cppm-4: https://127\.0\.0\.1:\d+/api/oauth did not answer "
                                                    r"in full within 0\.5 s: it is not answering, or too slowly; "
                                                    r"check it, or raise --timeout$"):
        client("cppm-4", timeout=0.5).version()
    assert time.monotonic() - started < 15  # bounded (no timeout would hang for ever), generous for a loaded machine
    fresh_lab.clear("cppm-4")


def test_nothing_listening_is_unreachable(fresh_lab, client) -> None:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ClearPassUnreachable, match="^cppm-1: cannot connect to https://127.0.0.1"):
        client("cppm-1", url=f"https://127.0.0.1:{port}/api").version()


def test_no_secret_or_token_in_any_log(fresh_lab, client, caplog) -> None:
    caplog.set_level(logging.DEBUG)  # httpx, httpcore and wifiops at their most talkative
    cp = client("cppm-1")
    cp.create_network_device({"name": "mc-3", "ip_address": "10.150.1.13"}, {"radius_secret": RADIUS_KEY})
    fresh_lab.expire_tokens()
    cp.network_devices()
    token = cp._token
    assert token and caplog.records
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert RADIUS_KEY not in logged and CLIENT_SECRET not in logged and token not in logged


def test_compare_two_servers(fresh_lab, client) -> None:
    one, two, new = client("cppm-1"), client("cppm-2"), client("cppm-3")
    assert compare(one.network_devices(), two.network_devices()).same  # one cluster
    found = compare(one.network_devices(), new.network_devices(), a_name="cppm-1", b_name="cppm-3")
    assert [d.name for d in found.missing] == ["mc-1", "mc-2", "mm-1", "mm-2", "mm-3", "mm-4"] and found.exit_code == 1
    mc1 = one.network_device_named("mc-1")
    assert mc1 is not None
    new.create_network_device({**mc1.body(), "description": "moved", "attributes": {"Location": "lievin"}},
                              {"radius_secret": RADIUS_KEY})
    new.create_network_device({"name": "cppm-lab", "ip_address": "10.9.9.9"})
    found = compare(one.network_devices(), new.network_devices(), a_name="cppm-1", b_name="cppm-3")
    assert [d.name for d in found.extra] == ["cppm-lab"] and len(found.missing) == 5
    assert [(d.name, [(f.field, f.a, f.b) for f in d.fields]) for d in found.differing] == [
        ("mc-1", [("attributes.Device Type", "Controller", None), ("attributes.Location", "louvre-palais", "lievin"),
                  ("description", "Aruba7210 louvre-palais", "moved")])]
    assert found.to_dict()["differing"][0]["a_id"] == 3005 and RADIUS_KEY not in json.dumps(found.to_dict())


def test_secrets_compare_by_whether_set_never_by_value() -> None:
    def device(**secrets: str) -> NetworkDevice:
        return NetworkDevice.from_api({"id": 1, "name": "mc-1", "ip_address": "10.0.0.1", "radius_secret": "",
                                       "snmp_read": {"community_string": ""}, **secrets})
    a = device(radius_secret="one")  # a server that would say a secret is set (the lab, as a real one, never does)
    b = device(radius_secret="two")
    assert a.secrets_set == ("radius_secret",) and "one" not in repr(a)
    assert compare([a], [b]).same
    differing = compare([a], [device()]).differing[0].fields
    assert [(f.field, f.a, f.b) for f in differing] == [("radius_secret", "set", "not set")]


def test_a_server_answering_garbage_is_a_protocol_error() -> None:
    import httpx

    from wifiops.clearpass.client import ClearPassServer
    from wifiops.errors import ClearPassProtocolError

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 60})
        return httpx.Response(200, text="<html>login</html>")
    server = ClearPassServer("cppm-x", "https://cppm-x/api", "id", "secret")
    with ClearPassClient(server, transport=httpx.MockTransport(answer)) as cp:
        with pytest.raises(ClearPassProtocolError, match="^cppm-x: GET /cppm-version answered something that is not"):
            cp.version()
    assert issubclass(ClearPassProtocolError, WifiopsError)
