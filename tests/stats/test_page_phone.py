"""The staff page as people meet it (issue 31): the urgent panels (incidents, access points) first, a site with
nobody connected shown at 0 (Delacroix after its AP group went down), availability saying how much it covers,
and readable on a phone: in a real headless Chromium 390 px wide, nothing scrolls sideways. Screenshots of
both widths are kept in the test's folder (and in $WIFIOPS_SCREENSHOTS when set)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from wifiops.face.web.app import BackgroundServer, make_app

from browser import CHROMIUM, Chromium
from statlab import Watched


@pytest.fixture
def page(watched: Watched) -> Iterator[BackgroundServer]:
    server = BackgroundServer(make_app(watched.settings, watched.settings.inventory_dir(), refresh_s=1.0,
                                       now=watched.clock)).start()
    try:
        yield server
    finally:
        server.stop()


def keep(shot: Path, name: str) -> None:
    folder = os.environ.get("WIFIOPS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(folder) / name)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium missing: scripts/install-chromium installs it")
def test_urgent_first_zero_rows_shown_and_no_sideways_scroll_on_a_phone(
        watched: Watched, fresh_lab, page: BackgroundServer, tmp_path: Path) -> None:
    watched.cycle(then_advance=900)
    fresh_lab.fault("mm-1", "ap-group-down", "DELACROIX")
    watched.cycle(then_advance=900)
    watched.cycle(then_advance=900)  # the second bad sample opens the incident
    for width, name in ((1400, "staff-page-desktop.png"), (390, "staff-page-390.png")):
        browser = Chromium(tmp_path / f"profile-{width}", width=width, height=1600)
        try:
            # a phone's viewport, whatever the smallest window headless Chromium draws
            browser._call(browser._send("Emulation.setDeviceMetricsOverride", width=width, height=1600,
                                        deviceScaleFactor=1, mobile=width < 600))
            browser.navigate(page.url + "/")
            browser.wait_for("document.body.dataset.state === 'ready'")
            assert browser.evaluate("window.innerWidth") == width
            order = browser.evaluate("[...document.querySelectorAll('main > section')].map(s => s.id)")
            assert order[:2] == ["incidents", "aps"], order
            delacroix = browser.evaluate("(document.querySelector('#sites tr[data-site=\"Musee Eugene Delacroix\"]')"
                                         " || {dataset: {}}).dataset.count")
            assert delacroix == "0", browser.evaluate("document.querySelector('#sites').innerText")
            assert browser.evaluate("document.querySelector('#incidents tbody').innerText").count("DELACROIX") >= 1
            covered = browser.evaluate("document.getElementById('availability-covered').innerText")
            assert "observé" in covered and "ce mois-ci" in covered, covered  # French by default
            headings = browser.evaluate("[...document.querySelectorAll('main h2')].map(h => h.innerText)")
            assert headings[:2] == ["Incidents ouverts", "Bornes par site et par groupe"], headings
            assert browser.evaluate("document.documentElement.lang") == "fr"
            scroll = browser.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert scroll[0] <= scroll[1], f"{width} px: the page is {scroll[0]} px wide, scrolls sideways"
            shot = browser.screenshot(tmp_path / name)
            keep(shot, name)
            print(f"{name}: {shot}")
        finally:
            browser.close()
