"""arubaos-client (PyPI, Selfnet), unmodified, against the lab's REST API: login, the AP list and the
client counts per band, as a user of that library reads a real controller (issue 30)."""

from __future__ import annotations

import pytest

from wifiops.lab.testing import RunningLab

arubaos_client = pytest.importorskip("arubaos_client")  # the dev extra installs it

MD = "mc-1"  # the library reads `show ap database local` and the user table: a controller's


@pytest.fixture
def client(fresh_lab: RunningLab, monkeypatch: pytest.MonkeyPatch):
    # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's `verify`: without this the
    # library would check the lab's certificate against the system's CAs, not against the CA it was given
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    user, password = fresh_lab.credentials
    aruba = arubaos_client.MobilityControllerAPIClient(
        username=user, password=password, url=fresh_lab.rest_url(MD) + "/", verify=str(fresh_lab.rest_ca))
    assert aruba.login() is True
    yield aruba
    assert aruba.logout() is True


def test_login_wrong_password_is_false(fresh_lab: RunningLab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    aruba = arubaos_client.MobilityControllerAPIClient(
        username=fresh_lab.credentials[0], password="wrong", url=fresh_lab.rest_url(MD) + "/",
        verify=str(fresh_lab.rest_ca))
    assert aruba.login() is False


def test_ap_list_is_the_controllers_aps_with_status_and_uptime(fresh_lab: RunningLab, client) -> None:
    aps = client.aps()["AP Database"]
    assert len(aps) > 100
    up = [ap for ap in aps if ap["Status"]["status"]]
    assert up and all(ap["Status"]["uptime"] > 0 for ap in up)
    assert all(ap["Wired MAC Address"] for ap in aps)  # the long form
    fresh_lab.fault(MD, "ap-group-down", aps[0]["Group"])
    after = {ap["Name"]: ap["Status"] for ap in client.aps()["AP Database"]}
    assert after[aps[0]["Name"]] == {"status": False, "uptime": 0}


def test_client_counts_per_band_add_up_to_the_user_table(fresh_lab: RunningLab, client) -> None:
    g = client.clients_2g()["_data"]["User Entries"]
    a = client.clients_5g()["_data"]["User Entries"]
    assert g["actual"] > 0 and a["actual"] > 0
    users = client.by_command("show user-table")["Users"]
    on_a_band = [u for u in users if u["Essid/Bssid/Phy"]]  # the APs' own tunnel rows have no band
    assert g["actual"] + a["actual"] == len(on_a_band)
