"""The lab's ClearPass API as clients nobody here wrote reach it (issue 25): pyclearpass, unmodified, and a
form-encoded OAuth2 token request as OAuth2 clients send it, over real HTTPS."""

from __future__ import annotations

import ssl

import httpx
from pyclearpass import ApiApiOperations, ApiLocalServerConfiguration, ApiPolicyElements


def login(cls, lab, host: str = "cppm-1"):
    client_id, secret = lab.clearpass_credentials
    return cls(server=lab.clearpass_url(host), granttype="client_credentials", clientid=client_id,
               clientsecret=secret, verify_ssl=str(lab.clearpass_ca), timeout=10)


def test_pyclearpass_reads_who_it_is_the_version_devices_and_groups(fresh_lab) -> None:
    client_id, _ = fresh_lab.clearpass_credentials
    me = login(ApiApiOperations, fresh_lab).get_oauth_me()
    assert me["name"] == client_id and me["info"]
    version = login(ApiLocalServerConfiguration, fresh_lab).get_cppm_version()
    assert isinstance(version["app_major_version"], int)
    elements = login(ApiPolicyElements, fresh_lab)
    devices = elements.get_network_device(limit="1000")["_embedded"]["items"]
    names = {d["name"] for d in devices}
    assert {"mm-1", "mc-1", "mc-2"} <= names
    groups = elements.get_network_device_group(calculate_count="true")
    assert groups["count"] == len(groups["_embedded"]["items"]) > 0
    palais = elements.get_network_device_group_name_by_name(name="louvre-palais")
    mc1 = next(d for d in devices if d["name"] == "mc-1")
    assert palais["group_format"] == "list" and mc1["ip_address"] in palais["value"].split(", ")
    again = elements.get_network_device_group_by_network_device_group_id(network_device_group_id=str(palais["id"]))
    assert again["name"] == "louvre-palais"
    created = elements.new_network_device(body={"name": "pyclearpass-nad", "ip_address": "10.150.9.9",
                                                "radius_secret": "s3cret", "vendor_name": "Aruba"})
    assert created["id"] and created["radius_secret"] == ""  # write-only, as the real server
    assert "pyclearpass-nad" in {d["name"] for d in fresh_lab.clearpass_stored("cppm-1")}


def test_a_form_encoded_token_request_is_granted_and_a_wrong_secret_refused(fresh_lab) -> None:
    client_id, secret = fresh_lab.clearpass_credentials
    tls = ssl.create_default_context(cafile=str(fresh_lab.clearpass_ca))
    with httpx.Client(base_url=fresh_lab.clearpass_url("cppm-1"), verify=tls, trust_env=False) as http:
        granted = http.post("/oauth", data={"grant_type": "client_credentials", "client_id": client_id,
                                            "client_secret": secret})
        assert granted.status_code == 200 and granted.json()["token_type"] == "Bearer"
        me = http.get("/oauth/me", headers={"Authorization": f"Bearer {granted.json()['access_token']}"})
        assert me.json()["name"] == client_id
        refused = http.post("/oauth", data={"grant_type": "client_credentials", "client_id": client_id,
                                            "client_secret": "guess"})
        assert refused.status_code == 400 and refused.json()["title"] == "invalid_client"
        assert http.get("/oauth/me").status_code == 401
        assert http.get("/network-device-group").status_code == 401
