"""The lab's ClearPass servers as any HTTPS client meets them (plain httpx, not the toolkit's client): the shapes
of arubaos8.md §6 — tokens, 401/404/415/422 problem bodies, the list's filter, sort, offset and limit, secrets
never answered, one cluster's devices seen by both of its servers."""

from __future__ import annotations

import json
import re
import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from labsecrets import RADIUS_KEY

PROBLEM_TYPE = "http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"


class Api:
    """One lab server's API with a token of its own."""

    def __init__(self, lab: Any, host: str) -> None:
        self.lab, self.host = lab, host
        self.http = httpx.Client(base_url=lab.clearpass_url(host), trust_env=False,
                                 verify=ssl.create_default_context(cafile=str(lab.clearpass_ca)))
        client_id, secret = lab.clearpass_credentials
        answer = self.http.post("/oauth", json={"grant_type": "client_credentials", "client_id": client_id,
                                                "client_secret": secret})
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params)

    def items(self, **params: Any) -> list[dict[str, Any]]:
        answer = self.get("/network-device", **params)
        assert answer.status_code == 200, answer.text
        return answer.json()["_embedded"]["items"]


@pytest.fixture
def api(fresh_lab: Any) -> Iterator[Any]:
    opened: list[Api] = []

    def make(host: str = "cppm-1") -> Api:
        opened.append(Api(fresh_lab, host))
        return opened[-1]

    yield make
    for a in opened:
        a.http.close()


def problem(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["type"] == PROBLEM_TYPE and body["status"] == status and body["title"] and body["detail"]
    return body


def test_a_token_for_the_api_client_and_400_for_anyone_else(fresh_lab, api) -> None:
    a = api("cppm-1")
    assert re.fullmatch(r"[0-9a-f]{40}", a.token)
    client_id, secret = fresh_lab.clearpass_credentials
    grant = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    answer = a.http.post("/oauth", json=grant)
    assert answer.json()["token_type"] == "Bearer" and answer.json()["expires_in"] == 28800
    body = problem(a.http.post("/oauth", json={**grant, "client_secret": "guess"}), 400)
    assert body["title"] == "invalid_client" and body["detail"] == "The client credentials are invalid"
    assert problem(a.http.post("/oauth", json={**grant, "grant_type": "password"}), 400)["title"] == \
        "unsupported_grant_type"
    fresh_lab.fault("cppm-1", "refuse-login")
    assert problem(a.http.post("/oauth", json=grant), 400)["title"] == "invalid_client"
    assert problem(a.http.post("/oauth", content=b"grant_type=client_credentials",
                               headers={"Content-Type": "text/plain"}), 415)  # a form is taken (issue 25)


def test_401_for_a_missing_wrong_expired_or_other_servers_token(fresh_lab, api) -> None:
    one, two = api("cppm-1"), api("cppm-2")
    bare = httpx.Client(base_url=fresh_lab.clearpass_url("cppm-1"), trust_env=False,
                        verify=ssl.create_default_context(cafile=str(fresh_lab.clearpass_ca)))
    with bare:
        missing = bare.get("/cppm-version")
        assert problem(missing, 401)["detail"] == "No access token was provided"
        assert 'error="invalid_token"' in missing.headers["www-authenticate"]
        wrong = bare.get("/cppm-version", headers={"Authorization": "Bearer " + "0" * 40})
        assert problem(wrong, 401)["detail"] == "The access token provided is invalid"
        other = bare.get("/cppm-version", headers={"Authorization": f"Bearer {two.token}"})
        assert problem(other, 401)["detail"] == "The access token provided is invalid"
    assert one.get("/cppm-version").status_code == 200
    fresh_lab.expire_tokens("cppm-1")
    assert problem(one.get("/cppm-version"), 401)["detail"] == "The access token provided has expired"
    assert two.get("/cppm-version").status_code == 200  # another server's tokens live on


def test_versions_and_the_cluster_of_each_pair(api) -> None:
    old, new = api("cppm-2"), api("cppm-3")
    assert old.get("/cppm-version").json() == {
        "app_major_version": 6, "app_minor_version": 7, "app_service_release": 7, "app_build_number": 109065,
        "hardware_version": "C2000", "fips_enabled": False, "cc_enabled": False, "eval_license": False,
        "cloud_mode": False}
    assert new.get("/server/version").json() == {"cppm_version": "6.11.9.280101", "guest_version": "6.11.9.280101",
                                                 "installed_patches": []}
    cluster = old.get("/cluster/server").json()
    items = cluster["_embedded"]["items"]
    assert [(s["name"], s["is_publisher"], s["local_server"]) for s in items] == [
        ("cppm-1", True, False), ("cppm-2", False, True)]
    assert items[0]["management_ip"] == "10.150.2.11" and items[1]["replication_status"] == "ENABLED"
    assert cluster["_links"]["self"]["href"].endswith("/api/cluster/server")
    this = old.get("/cluster/server/this").json()
    assert this["name"] == "cppm-2" and old.get(f"/cluster/server/{items[0]['server_uuid']}").json()["name"] == "cppm-1"
    assert old.get("/cluster/server/publisher").json()["name"] == "cppm-1"
    assert problem(old.get("/cluster/server/nobody"), 404)
    assert [s["name"] for s in new.get("/cluster/server").json()["_embedded"]["items"]] == ["cppm-3", "cppm-4"]


def test_pages_sort_filter_and_count(api) -> None:
    a = api("cppm-1")
    first = a.get("/network-device", limit=2, calculate_count="true").json()
    assert [d["name"] for d in first["_embedded"]["items"]] == ["mm-1", "mm-2"] and first["count"] == 6
    links = first["_links"]
    assert "offset=2" in links["next"]["href"] and "prev" not in links and "offset=4" in links["last"]["href"]
    last = a.get("/network-device", limit=2, offset=4).json()
    assert [d["name"] for d in last["_embedded"]["items"]] == ["mc-1", "mc-2"]
    assert "next" not in last["_links"] and "offset=2" in last["_links"]["prev"]["href"] and "count" not in last
    assert [d["id"] for d in a.items()] == list(range(3001, 3007))  # default: +id, 25 a page
    assert [d["name"] for d in a.items(sort="-name")] == ["mm-4", "mm-3", "mm-2", "mm-1", "mc-2", "mc-1"]
    assert [d["name"] for d in a.items(sort="+ip_address", limit=1)] == ["mm-1"]

    def names(spec: Any) -> list[str]:
        return sorted(d["name"] for d in a.items(filter=json.dumps(spec)))
    assert names({"name": "mc-1"}) == ["mc-1"]
    assert names({"name": {"$contains": "mc-"}}) == ["mc-1", "mc-2"]
    assert names({"name": {"$regex": "^MM-[12]$", "$options": "i"}}) == ["mm-1", "mm-2"]
    assert names({"name": {"$in": ["mm-3", "mc-2", "nobody"]}}) == ["mc-2", "mm-3"]
    assert names({"attributes.Location": "louvre-sainte-anne"}) == ["mm-3", "mm-4"]
    assert names({"$or": [{"name": "mm-1"}, {"ip_address": {"$gte": "10.151.0.12"}}]}) == ["mm-1", "mm-4"]
    assert names({"$and": [{"name": {"$contains": "mm"}}, {"name": {"$not": {"$regex": "[12]$"}}}]}) == ["mm-3", "mm-4"]
    assert names({"name": {"$nin": ["mm-1"], "$ne": "mm-2"}, "coa_capable": True, "snmp_read": {"$exists": False}}) \
        == ["mc-1", "mc-2", "mm-3", "mm-4"]
    for bad, field in ((dict(filter="{not json"), "filter"), (dict(filter='{"name": {"$like": "x"}}'), "filter"),
                       (dict(filter='{"name": {"$regex": "("}}'), "filter"), (dict(sort="name"), "sort"),
                       (dict(sort="+radius_secret"), "sort"), (dict(limit=0), "limit"), (dict(limit=1001), "limit"),
                       (dict(offset=-1), "offset"), (dict(calculate_count="yes"), "calculate_count")):
        body = problem(a.get("/network-device", **bad), 422)
        assert field in body["validation_messages"], (bad, body)
    refused = problem(a.get("/network-device", filter='{"radius_secret": {"$regex": "^lab"}}'), 422)
    assert "write-only" in refused["validation_messages"]["filter"]["invalidFilter"]


def test_create_get_patch_put_delete_and_secrets_never_answered(fresh_lab, api) -> None:
    one, two, new = api("cppm-1"), api("cppm-2"), api("cppm-3")
    body = {"name": "mc-3", "description": "7220 Louvre", "ip_address": "10.150.1.13", "radius_secret": "s3cr3t-radius",
            "tacacs_secret": "s3cr3t-tacacs", "vendor_name": "Aruba", "coa_capable": True, "coa_port": 3799,
            "attributes": {"Location": "louvre-palais"},
            "snmp_read": {"snmp_version": "V2C", "community_string": "s3cr3t-community"}}
    made = one.http.post("/network-device", json=body)
    assert made.status_code == 201, made.text
    device = made.json()
    assert device["id"] == 3007 and made.headers["location"] == device["_links"]["self"]["href"]
    assert device["radius_secret"] == device["tacacs_secret"] == device["snmp_read"]["community_string"] == ""
    assert device["snmp_read"]["snmp_version"] == "V2C"
    seen = two.get("/network-device/3007").json()  # the cluster's devices: its subscriber sees it
    assert seen["name"] == "mc-3" and "s3cr3t" not in json.dumps(seen)
    assert problem(new.get("/network-device/3007"), 404)  # another cluster does not
    assert two.get("/network-device/name/mc-3").json()["id"] == 3007
    stored = next(d for d in fresh_lab.clearpass_stored("cppm-1") if d["name"] == "mc-3")
    assert stored["radius_secret"] == "s3cr3t-radius" and stored["snmp_read"]["community_string"] == "s3cr3t-community"
    assert "s3cr3t" not in json.dumps(one.items(limit=1000))
    assert all(d["radius_secret"] == "" for d in one.items())

    patched = two.http.patch("/network-device/3007", json={"description": "7220 Louvre, rack B", "radius_secret": "new"})
    assert patched.status_code == 200 and patched.json()["description"] == "7220 Louvre, rack B"
    assert patched.json()["radius_secret"] == "" and patched.json()["ip_address"] == "10.150.1.13"
    assert next(d for d in fresh_lab.clearpass_stored("cppm-2") if d["id"] == 3007)["radius_secret"] == "new"
    replaced = one.http.put("/network-device/name/mc-3", json={"name": "mc-3", "ip_address": "10.150.1.13"})
    assert replaced.status_code == 200 and replaced.json()["description"] == "" and "snmp_read" not in replaced.json()
    assert one.http.delete("/network-device/3007").status_code == 204
    assert problem(one.http.delete("/network-device/3007"), 404)["detail"] == "Entity not found"
    assert problem(one.get("/network-device/name/mc-3"), 404)
    assert problem(one.get("/network-device/abc"), 404)
    assert problem(one.get("/no-such-thing"), 404)
    assert problem(one.http.post("/cppm-version", json={}), 405)


def test_422_for_a_bad_body_with_a_message_per_field(fresh_lab, api) -> None:
    a = api("cppm-1")

    def refused(body: Any, path: str = "/network-device", method: str = "POST") -> dict[str, Any]:
        return problem(a.http.request(method, path, json=body), 422)["validation_messages"]
    assert set(refused({})) == {"name", "ip_address"}
    assert refused({"name": "x", "ip_address": "10.1.1.300"})["ip_address"]
    assert refused({"name": "x", "ip_address": "10.1.1.0/24", "coa_port": "3799", "coa_capable": 1, "colour": "red"}
                   ).keys() == {"coa_port", "coa_capable", "colour"}
    assert "already exists" in refused({"name": "mc-1", "ip_address": "10.9.9.9"})["name"]["recordExists"]
    assert "mc-1" in refused({"name": "mc-9", "ip_address": "10.150.1.11"})["ip_address"]["recordExists"]
    assert refused([1, 2])["body"]
    assert refused({"name": ""}, "/network-device/3001", "PATCH")["name"]
    assert refused({"name": "mc-2"}, "/network-device/3005", "PATCH")["name"]
    for good in ("10.1.1.0/24", "10.1.1.1-20", "2001:db8::1"):
        made = a.http.post("/network-device", json={"name": f"ok-{good}", "ip_address": good})
        assert made.status_code == 201, made.text
    assert problem(a.http.post("/network-device", content=b"{", headers={"Content-Type": "application/json"}), 400)
    assert len(fresh_lab.clearpass_stored("cppm-1")) == 9


def test_reject_device_fault_refuses_a_matching_name_on_that_server_only(fresh_lab, api) -> None:
    one, two = api("cppm-1"), api("cppm-2")
    fresh_lab.fault("cppm-2", "reject-device", "^mc-[0-9]+$")
    messages = problem(two.http.post("/network-device", json={"name": "mc-7", "ip_address": "10.1.1.7"}),
                       422)["validation_messages"]
    assert messages == {"name": {"rejected": "cppm-2 refuses network device 'mc-7' (lab fault reject-device)"}}
    assert problem(two.http.patch("/network-device/3005", json={"description": "x"}), 422)  # mc-1 itself
    assert two.http.post("/network-device", json={"name": "ap-switch-7", "ip_address": "10.1.1.8"}).status_code == 201
    assert one.http.post("/network-device", json={"name": "mc-7", "ip_address": "10.1.1.7"}).status_code == 201
    fresh_lab.clear("cppm-2")
    assert two.http.patch("/network-device/3005", json={"description": "x"}).status_code == 200


def test_faults_of_a_clearpass_server_are_its_own(fresh_lab) -> None:
    from wifiops.lab.faults import FaultError

    for host, kind in (("cppm-1", "reject-line"), ("cppm-1", "new-host-key"), ("mc-1", "reject-device")):
        with pytest.raises(FaultError, match="is not a fault of"):
            fresh_lab.fault(host, kind, "x")


def test_tls_is_the_labs_own_ca_and_names_the_address(fresh_lab) -> None:
    with httpx.Client(trust_env=False, verify=ssl.create_default_context()) as system_cas:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            system_cas.get(fresh_lab.clearpass_url("cppm-1") + "/cppm-version")
    context = ssl.create_default_context(cafile=str(fresh_lab.clearpass_ca))
    with httpx.Client(trust_env=False, verify=context) as lab_ca:
        assert lab_ca.get(fresh_lab.clearpass_url("cppm-4") + "/cppm-version").status_code == 401
        localhost = fresh_lab.clearpass_url("cppm-4").replace("127.0.0.1", "localhost")
        assert lab_ca.get(localhost + "/cppm-version").status_code == 401
    assert fresh_lab.clearpass_ca.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert RADIUS_KEY not in fresh_lab.clearpass_ca.read_text()
