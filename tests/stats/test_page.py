"""`wifiops serve`: the staff page in a real headless Chromium (Debian's, installed by scripts/install-chromium,
driven over the DevTools protocol: tests/stats/browser.py) on the lab watched with a stepped clock. It loads, shows
the lab's counts, and shows an AP group down after `ap-group-down` by its own polling, with no reload; it fetches
nothing but its own server; a screenshot is kept in the test's folder. Off 127.0.0.1 it asks for the login from
the secrets store; it never shows a client's identity, a secret or an address."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from wifiops.face.web.app import BackgroundServer, Login, make_app, needs_login

from browser import CHROMIUM, Chromium
from statlab import Watched, identities, lab_counts

LAB_SECRETS = ("lab-admin", "lab-radius-key", "lab-multimedia-psk", "lab-clearpass-client-secret")
DELACROIX_APS = 14


@pytest.fixture
def page(watched: Watched) -> Iterator[BackgroundServer]:
    server = BackgroundServer(make_app(watched.settings, watched.settings.inventory_dir(), refresh_s=1.0,
                                       now=watched.clock)).start()
    try:
        yield server
    finally:
        server.stop()


def _loopback_alias_works() -> bool:
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.2", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium missing: scripts/install-chromium installs it")
def test_the_page_in_chromium_shows_the_labs_counts_and_an_ap_group_going_down_by_itself(
        watched: Watched, fresh_lab, page: BackgroundServer, tmp_path: Path) -> None:
    expected = lab_counts(fresh_lab)
    watched.cycle(then_advance=300)
    browser = Chromium(tmp_path / "chromium-profile")
    try:
        browser.navigate(page.url + "/")
        browser.wait_for("document.body.dataset.state === 'ready'")
        assert int(browser.evaluate("document.getElementById('total').dataset.count")) == expected["total"][""]
        shown = browser.evaluate("Object.fromEntries([...document.querySelectorAll('#ssids tr')]"
                                 ".map(r => [r.dataset.ssid, Number(r.dataset.count)]))")
        assert shown == dict(expected["ssid"])
        sites = browser.evaluate("[...document.querySelectorAll('#sites tr')].map(r => r.dataset.site)")
        assert "Louvre - Palais" in sites
        assert browser.evaluate("document.querySelector('tr[data-group=DELACROIX]').dataset.down") == "0"
        browser.evaluate("window.sameDocument = 'yes'")  # gone if the page were loaded again

        fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
        watched.cycle(then_advance=300)  # the watch's next cycle writes the store; the page polls it
        browser.wait_for(f"document.querySelector('tr[data-group=DELACROIX]').dataset.down === '{DELACROIX_APS}'")
        assert browser.evaluate("window.sameDocument") == "yes" and browser.navigations == 1
        row = browser.evaluate("document.querySelector('tr[data-down-of=DELACROIX]').innerText")
        group = [a for a in fresh_lab.core.ops.aps if a.ap_group == "DELACROIX"]
        assert len(group) == int(DELACROIX_APS)  # the check below must look at every AP of the group
        assert all(a.name in row for a in group)  # the APs down, by name
        assert row.count("(prioritaire)") == sum(a.priority for a in group)
        text = browser.evaluate("document.body.innerText")
        shot = browser.screenshot(tmp_path / "staff-page.png")
        print(f"staff page screenshot: {shot}")
        assert shot.stat().st_size > 10_000
        assert all(url.startswith(page.url) for url in browser.requests), browser.requests  # nothing from outside
        assert sum(url.endswith("/api/now") for url in browser.requests) >= 2
    finally:
        browser.close()
    for value in identities(fresh_lab) | set(LAB_SECRETS):
        assert value not in text, value


def test_the_figures_hold_no_identity_secret_or_address(watched: Watched, fresh_lab, page: BackgroundServer) -> None:
    fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
    watched.cycle(then_advance=300)
    watched.cycle(then_advance=300)  # the second bad sample raises the alert and opens the incident
    answer = httpx.get(page.url + "/api/now")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    now = answer.json()
    assert [(i["subject"], i["severity"], i["state"]) for i in now["incidents"]] == [("DELACROIX", "major", "open")]
    assert now["incidents"][0]["left_s"] > 0 and not now["incidents"][0]["overdue"]
    assert now["aps"]["down"] == DELACROIX_APS and now["watch"]["late"] is False
    assert now["availability"]["target_percent"] == 99
    text = answer.text + httpx.get(page.url + "/").text
    for value in identities(fresh_lab) | set(LAB_SECRETS):
        assert value not in text, value
    assert "10.150." not in text and "password" not in json.dumps(now)
    policy = httpx.get(page.url + "/").headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy


@pytest.mark.skipif(not _loopback_alias_works(), reason="127.0.0.2 cannot be bound here")
def test_off_127_0_0_1_the_page_asks_for_the_login(watched: Watched) -> None:
    assert not needs_login("127.0.0.1") and needs_login("127.0.0.2") and needs_login("0.0.0.0")
    assert needs_login("127.0.0.1", force=True)
    account = Login("louvre", "a-staff-password")
    server = BackgroundServer(make_app(watched.settings, watched.settings.inventory_dir(), login=account,
                                       now=watched.clock), host="127.0.0.2").start()
    try:
        with httpx.Client(base_url=server.url) as client:
            assert client.get("/api/now").status_code == 401
            first = client.get("/")
            assert first.status_code == 303 and first.headers["location"] == "/login"
            assert "password" in client.get("/login").text
            wrong = client.post("/login", data={"username": "louvre", "password": "guess"})
            assert wrong.status_code == 401 and "wifiops_staff" not in client.cookies
            right = client.post("/login", data={"username": "louvre", "password": "a-staff-password"})
            assert right.status_code == 303 and "httponly" in right.headers["set-cookie"].lower()
            assert client.get("/api/now").status_code == 200 and client.get("/").status_code == 200
            client.post("/logout")
            assert client.get("/api/now").status_code == 401
        forged = httpx.get(server.url + "/api/now", cookies={"wifiops_staff": "99999999999.0000"})
        assert forged.status_code == 401
    finally:
        server.stop()


def test_the_page_speaks_french_by_default_and_english_with_language_en(watched: Watched) -> None:
    for language, said, not_said in (("fr", ["Incidents ouverts", "connexions en ce moment", "WiFi du Louvre"],
                                      ["Open incidents"]),
                                     ("en", ["Open incidents", "connections now", "WiFi of the Louvre"],
                                      ["Incidents ouverts"])):
        chosen = watched.settings.model_copy(update={"language": language})
        server = BackgroundServer(make_app(chosen, chosen.inventory_dir(), now=watched.clock)).start()
        try:
            text = httpx.get(server.url + "/").text
        finally:
            server.stop()
        assert f'<html lang="{language}">' in text
        assert all(s in text for s in said) and not any(s in text for s in not_said), language
        words = json.loads(text.split("const W = ", 1)[1].split(";\n", 1)[0])  # what the script writes
        assert words["no_incident"] == ("Aucun incident ouvert." if language == "fr" else "No open incident.")


def test_an_incidents_summary_is_said_in_the_pages_language(watched: Watched) -> None:
    """The summary is the watch's English sentence in the store; the page says it in wifiops.yaml's language."""
    at = watched.clock()
    watched.store.open_incident(alert=None, kind="aps-down", subject="DELACROIX", severity="major",
                                gtr="infrastructure", at=at, deadline=None, by="wifiops watch",
                                summary="AP group DELACROIX (delacroix): 14 of 14 APs down (100 %, alert at 3 APs or "
                                        "50 %): DLX-AP01, DLX-AP02")
    for language, expected in (
            ("fr", "Groupe de bornes DELACROIX (delacroix) : 14 bornes hors service sur 14 (100 %, alerte à 3 bornes "
                   "ou 50 %) : DLX-AP01, DLX-AP02"),
            ("en", "AP group DELACROIX (delacroix): 14 of 14 APs down (100 %, alert at 3 APs or 50 %): DLX-AP01, "
                   "DLX-AP02")):
        chosen = watched.settings.model_copy(update={"language": language})
        server = BackgroundServer(make_app(chosen, chosen.inventory_dir(), now=watched.clock)).start()
        try:
            now = httpx.get(server.url + "/api/now").json()
        finally:
            server.stop()
        assert [i["summary"] for i in now["incidents"]] == [expected], language
