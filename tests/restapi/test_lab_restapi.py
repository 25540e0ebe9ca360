"""The lab's ArubaOS 8 REST API (issue 30): the shapes Aruba's API guide documents, from the same model
the SSH face serves (what a POST changes shows over SSH, `write_memory` commits as `write memory` does)."""

from __future__ import annotations

import json
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from netmiko import ConnectHandler

from wifiops.lab.restapi.api import MAX_SESSIONS
from wifiops.lab.testing import RunningLab

MM = "mm-1"


def client(lab: RunningLab, host: str = MM) -> httpx.Client:
    """Verifying the device's certificate against the lab's CA, as wifiops does (never --insecure)."""
    return httpx.Client(base_url=lab.rest_url(host), verify=ssl.create_default_context(cafile=str(lab.rest_ca)),
                        timeout=10)


@pytest.fixture
def api(fresh_lab: RunningLab) -> Iterator[httpx.Client]:
    with client(fresh_lab) as c:
        yield c


def login(lab: RunningLab, client: httpx.Client) -> str:
    user, password = lab.credentials
    r = client.post("/v1/api/login", data={"username": user, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["_global_result"]["UIDARUBA"])


def show(client: httpx.Client, uid: str, command: str) -> dict[str, Any]:
    r = client.get("/v1/configuration/showcommand", params={"command": command, "UIDARUBA": uid})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_login_gives_the_token_the_csrf_token_and_the_session_cookie(fresh_lab: RunningLab,
                                                                      api: httpx.Client) -> None:
    user, password = fresh_lab.credentials
    r = api.post("/v1/api/login", data={"username": user, "password": password})
    result = r.json()["_global_result"]
    assert result["status"] == "0" and result["status_str"] == "You've logged in successfully."
    assert result["UIDARUBA"] and result["X-CSRF-Token"]
    assert r.cookies["SESSION"] == result["UIDARUBA"]
    # the developer hub shows login as a GET with the credentials as parameters: the same answer
    r = api.get("/v1/api/login", params={"username": user, "password": password})
    assert r.json()["_global_result"]["status"] == "0"


def test_a_wrong_password_or_token_is_refused_with_the_documented_body(fresh_lab: RunningLab,
                                                                       api: httpx.Client) -> None:
    r = api.post("/v1/api/login", data={"username": fresh_lab.credentials[0], "password": "wrong"})
    assert r.status_code == 401
    assert r.json() == {"_global_result": {"status": "1",
                                           "status_str": "Unauthorized request, authentication failed"}}
    r = api.get("/v1/configuration/showcommand", params={"command": "show version", "UIDARUBA": "nope"})
    assert r.status_code == 401 and r.json()["_global_result"]["status"] == "1"


def test_show_ap_database_is_the_ssh_screen_as_json(fresh_lab: RunningLab, api: httpx.Client) -> None:
    uid = login(fresh_lab, api)
    body = show(api, uid, "show ap database")
    with ConnectHandler(**fresh_lab.device_params(MM)) as conn:
        screen = conn.send_command("show ap database")
    rows = body["AP Database"]
    assert body["_meta"][:3] == ["Name", "Group", "AP Type"]
    assert f"Total APs:{len(rows)}" in body["_data"]
    assert len(rows) > 100
    names = [line.split()[0] for line in screen.splitlines()[5:] if line.strip()][:len(rows)]
    assert [r["Name"] for r in rows] == names  # the same APs in the same order as the SSH screen
    for row in rows[:20]:
        assert f'{row["Name"]}  ' in screen and row["IP Address"] in screen
    assert {r["Flags"] for r in rows} & {None}  # an empty cell is null, not ""


def test_show_switches_user_table_and_version(fresh_lab: RunningLab, api: httpx.Client) -> None:
    uid = login(fresh_lab, api)
    switches = show(api, uid, "show switches")["All Switches"]
    assert {s["Name"] for s in switches} >= {"mm-1", "mm-2", "mc-1"}
    assert show(api, uid, "show version")["_data"][1].startswith("ArubaOS (MODEL: ArubaMM-VA), Version 8.10")
    with client(fresh_lab, "mc-1") as md:
        users = show(md, login(fresh_lab, md), "show user-table")
    assert users["Users"]  # an MD holds the users
    assert users["_data"][0] == f"User Entries: {len(users['Users'])}/{len(users['Users'])}"


def test_a_command_that_is_not_a_show_or_does_not_parse_is_refused(fresh_lab: RunningLab,
                                                                   api: httpx.Client) -> None:
    uid = login(fresh_lab, api)
    since = fresh_lab.received_count(MM)
    for command in ("write memory", "configure terminal", "show ap databaze"):
        r = api.get("/v1/configuration/showcommand", params={"command": command, "UIDARUBA": uid})
        assert r.status_code == 400 and r.json()["_global_result"]["status"] == "1"
    assert fresh_lab.received(MM, since) == ["show ap databaze"]  # the others never reached the CLI


def test_post_is_pending_until_write_memory_as_over_ssh(fresh_lab: RunningLab, api: httpx.Client) -> None:
    uid = login(fresh_lab, api)
    body = {"profile-name": "rest-test", "essid": {"essid": "Rest_Test"}, "opmode": {"opmode": "wpa2-aes"}}
    r = api.post("/v1/configuration/object/ssid_prof", params={"config_path": "/md", "UIDARUBA": uid}, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["_global_result"] == {"status": "0", "status_str": "Success", "_pending": True}
    assert fresh_lab.pending() == {fresh_lab.credentials[0]: ["/md"]}
    assert not any(e.get("name") == "rest-test" for e in fresh_lab.committed("/md").values())
    # the same user's SSH session sees the change pending (the `^` of its prompt)
    with ConnectHandler(**fresh_lab.device_params(MM)) as conn:
        assert "^" in conn.find_prompt()
    r = api.post("/v1/configuration/object/write_memory", params={"config_path": "/md", "UIDARUBA": uid}, json={})
    assert r.json()["write_memory"]["_result"] == {"status": 0, "status_str": "Success"}
    assert fresh_lab.pending() == {}
    got = api.get("/v1/configuration/object/ssid_prof", params={"config_path": "/md", "UIDARUBA": uid,
                                                                 "type": "committed"}).json()
    mine = [p for p in got["_data"]["ssid_prof"] if p["profile-name"] == "rest-test"]
    assert mine == [body]
    with ConnectHandler(**fresh_lab.device_params(MM)) as conn:
        assert "Rest_Test" in conn.send_command("show configuration committed /md")


def test_a_refused_line_leaves_nothing_pending(fresh_lab: RunningLab, api: httpx.Client) -> None:
    uid = login(fresh_lab, api)
    body = {"profile-name": "rest-bad", "ssid_prof": {"profile-name": "no-such-ssid-profile"}}
    r = api.post("/v1/configuration/object/virtual_ap", params={"config_path": "/md", "UIDARUBA": uid}, json=body)
    assert r.status_code == 400 and r.json()["_global_result"]["status"] == "1"
    assert "no-such-ssid-profile" in r.json()["_global_result"]["status_str"]
    assert fresh_lab.pending() == {}
    r = api.post("/v1/configuration/object/ssid_prof", params={"config_path": "/md", "UIDARUBA": uid},
                 json={"profile-name": "x", "colour": {"colour": "red"}})
    assert r.status_code == 400 and "'colour' is not a field" in r.json()["_global_result"]["status_str"]


def test_a_post_by_cookie_needs_the_csrf_token(fresh_lab: RunningLab, api: httpx.Client) -> None:
    user, password = fresh_lab.credentials
    r = api.post("/v1/api/login", data={"username": user, "password": password})
    csrf = r.json()["_global_result"]["X-CSRF-Token"]
    body = {"profile-name": "rest-csrf", "essid": {"essid": "Rest_Csrf"}}
    r = api.post("/v1/configuration/object/ssid_prof", params={"config_path": "/md"}, json=body)
    assert r.status_code == 401 and fresh_lab.pending() == {}
    r = api.post("/v1/configuration/object/ssid_prof", params={"config_path": "/md"}, json=body,
                 headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200


def test_sessions_are_limited_and_logout_frees_one(fresh_lab: RunningLab, api: httpx.Client) -> None:
    uids = [login(fresh_lab, api) for _ in range(MAX_SESSIONS)]
    user, password = fresh_lab.credentials
    r = api.post("/v1/api/login", data={"username": user, "password": password})
    assert r.status_code == 403 and "Maximum number of API sessions" in r.json()["_global_result"]["status_str"]
    r = api.get("/v1/api/logout", params={"UIDARUBA": uids[0]})
    assert r.json() == {"_global_result": {"status": "0", "status_str": "You've logged out successfully."}}
    assert fresh_lab.rest_sessions(MM) == MAX_SESSIONS - 1
    r = api.get("/v1/configuration/showcommand", params={"command": "show version", "UIDARUBA": uids[0]})
    assert r.status_code == 401
    login(fresh_lab, api)


def _curl(*args: str) -> str:
    done = subprocess.run(["curl", "--silent", "--show-error", *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(subprocess.run(["which", "curl"], capture_output=True).returncode != 0, reason="no curl")
def test_the_curl_lines_of_docs_rest_api_md(fresh_lab: RunningLab, tmp_path: Path) -> None:
    """The guide's curl sequence, with --cacert in place of --insecure (docs/rest-api.md)."""
    base, ca, jar = fresh_lab.rest_url(MM), str(fresh_lab.rest_ca), str(tmp_path / "aruba-cookie")
    user, password = fresh_lab.credentials
    out = json.loads(_curl("--cacert", ca, "-c", jar, "-d", f"username={user}&password={password}",
                           f"{base}/v1/api/login"))
    uid = out["_global_result"]["UIDARUBA"]
    out = json.loads(_curl("--cacert", ca, "-b", jar,
                           f"{base}/v1/configuration/showcommand?command=show+ap+database&UIDARUBA={uid}"))
    assert out["AP Database"]
    out = json.loads(_curl("--cacert", ca, "-b", jar,
                           f"{base}/v1/configuration/object/ssid_prof?config_path=%2Fmd&UIDARUBA={uid}"))
    assert out["_data"]["ssid_prof"]
    out = json.loads(_curl("--cacert", ca, "-b", jar, "-H", "Content-Type: application/json", "-X", "POST",
                           "-d", '{"profile-name": "curl-test", "essid": {"essid": "Curl_Test"}}',
                           f"{base}/v1/configuration/object/ssid_prof?config_path=%2Fmd&UIDARUBA={uid}"))
    assert out["_global_result"]["_pending"] is True
    out = json.loads(_curl("--cacert", ca, "-b", jar, "-H", "Content-Type: application/json", "-X", "POST",
                           "-d", "{}", f"{base}/v1/configuration/object/write_memory?config_path=%2Fmd&UIDARUBA={uid}"))
    assert out["write_memory"]["_result"]["status"] == 0 and fresh_lab.pending() == {}
    out = json.loads(_curl("--cacert", ca, "-b", jar, f"{base}/v1/api/logout?UIDARUBA={uid}"))
    assert out["_global_result"]["status_str"] == "You've logged out successfully."


def test_per_band_user_table_and_local_ap_database_read_the_same_over_ssh_and_rest(fresh_lab: RunningLab) -> None:
    """The shows the public REST client asks for (`phy-type`, `local`) are the device's, on both faces."""
    with client(fresh_lab, "mc-1") as md:
        uid = login(fresh_lab, md)
        rest_a = show(md, uid, "show user-table phy-type a")["_data"][0]
        rest_local = [r["Name"] for r in show(md, uid, "show ap database long local")["AP Database"]]
    with ConnectHandler(**fresh_lab.device_params("mc-1")) as conn:
        ssh_a = conn.send_command("show user-table phy-type a")
        ssh_local = conn.send_command("show ap database long local")
    assert rest_a in ssh_a and rest_a != "User Entries: 0/0"
    assert all(f"{name}  " in ssh_local for name in rest_local) and len(rest_local) > 100


@pytest.mark.parametrize("fault", ["write-memory-error", "write-memory-pending"])
def test_write_memory_faults_answer_as_over_ssh(fresh_lab: RunningLab, api: httpx.Client, fault: str) -> None:
    uid = login(fresh_lab, api)
    where = {"config_path": "/md", "UIDARUBA": uid}
    api.post("/v1/configuration/object/ssid_prof", params=where, json={"profile-name": "f", "essid": {"essid": "F"}})
    fresh_lab.fault(MM, fault)
    r = api.post("/v1/configuration/object/write_memory", params=where, json={})
    result = r.json()["_global_result"]
    assert result["_pending"] is True and fresh_lab.pending() == {fresh_lab.credentials[0]: ["/md"]}
    if fault == "write-memory-error":
        assert r.status_code == 500 and result["status"] == "1" and "could not be saved" in result["status_str"]
    else:  # the save announced, nothing committed: only `_pending` tells, as only the `^` does over SSH
        assert r.status_code == 200 and result["status"] == "0"


def test_an_installed_md_answers_its_api_and_a_retired_one_no_longer(fresh_lab: RunningLab) -> None:
    host = next(d.name for d in fresh_lab.estate.devices if d.planned)
    assert host not in fresh_lab.rest_ports
    fresh_lab.install(host)
    with client(fresh_lab, host) as md:
        switches = show(md, login(fresh_lab, md), "show version")
    assert switches["_data"]
    port = fresh_lab.rest_ports["mc-2"]
    fresh_lab.retire("mc-2")
    assert "mc-2" not in fresh_lab.rest_ports
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"https://127.0.0.1:{port}/v1/api/login", timeout=5,
                  verify=ssl.create_default_context(cafile=str(fresh_lab.rest_ca)))
    fresh_lab.reset()  # back as at start: mc-2 answers again, the planned one no longer
    assert "mc-2" in fresh_lab.rest_ports and host not in fresh_lab.rest_ports
    with client(fresh_lab, "mc-2") as md:
        assert login(fresh_lab, md)
