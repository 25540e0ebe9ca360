"""`wifiops window check|next` on the lab inventory, and opening hours refused with file, line and field."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.errors import InventoryError, WifiopsError
from wifiops.windows import PARIS

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "tests" / "fixtures" / "inventories" / "base"
SITES = ["louvre-palais", "louvre-sainte-anne", "delacroix", "lievin"]
runner = CliRunner()


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {REPO / 'inventory' / 'lab'}", f"run_dir: {tmp_path / 'runs'}",
                               f"secrets_file: {tmp_path / 'none.yaml'}"]) + "\n")
    return path


def window(cfg: Path, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["--config", str(cfg), "window", *args, "--json"])
    assert result.stdout.strip(), result.output
    return result.exit_code, json.loads(result.stdout)


def test_check_refused_in_the_late_opening_exit_1(cfg: Path) -> None:
    code, shown = window(cfg, "check", "2026-12-02 20:00", "--approved-on", "2026-10-01")
    assert code == 1
    assert shown == {
        "allowed": False, "rule": "opening-hours", "next_allowed": "2026-12-02T21:00:00+01:00",
        "when": "2026-12-02T20:00:00+01:00", "sites": SITES, "approved_on": "2026-10-01", "duration_minutes": None,
        "reason": "Louvre - Palais is open 09:00-21:00 on Wednesday 2026-12-02 (Europe/Paris): the next allowed "
                  "start is Wednesday 2026-12-02 21:00 (Europe/Paris)"}


def test_a_work_that_would_run_into_the_opening_is_refused(cfg: Path) -> None:
    code, shown = window(cfg, "check", "2026-12-03 07:00", "--approved-on", "2026-10-01", "--duration", "3h")
    assert code == 1 and shown["rule"] == "opening-hours" and shown["duration_minutes"] == 180
    assert "would still be under way when Louvre - Palais opens" in shown["reason"]
    assert window(cfg, "check", "2026-12-03 07:00", "--approved-on", "2026-10-01", "--duration", "90min")[0] == 0
    code, found = window(cfg, "next", "--after", "2026-12-03 07:00", "--approved-on", "2026-10-01",
                         "--duration", "3h")
    assert found["next_allowed"] == "2026-12-03T18:00:00+01:00"


def test_check_allowed_exit_0(cfg: Path) -> None:
    code, shown = window(cfg, "check", "2026-12-02T21:30", "--approved-on", "2026-10-01")
    assert code == 0
    assert (shown["allowed"], shown["rule"], shown["next_allowed"]) == (True, None, None)
    assert shown["reason"].startswith("allowed at Wednesday 2026-12-02 21:30 (Europe/Paris): ")


def test_check_sites_are_repeatable(cfg: Path) -> None:
    args = ("check", "2026-12-02 18:30", "--approved-on", "2026-10-01")
    code, shown = window(cfg, *args, "--site", "delacroix")
    assert (code, shown["allowed"], shown["sites"]) == (0, True, ["delacroix"])
    code, shown = window(cfg, *args, "--site", "delacroix", "-s", "louvre-palais")
    assert (code, shown["rule"], shown["sites"]) == (1, "opening-hours", ["delacroix", "louvre-palais"])


def test_check_with_an_offset_and_without_approval(cfg: Path) -> None:
    code, shown = window(cfg, "check", "2026-12-01T09:00+00:00")  # 10:00 in Paris, a Tuesday
    assert (code, shown["rule"], shown["when"]) == (1, "approval-missing", "2026-12-01T10:00:00+01:00")
    code, shown = window(cfg, "check", "2026-11-17 22:00", "--approved-on", "2026-11-02")
    assert (code, shown["rule"], shown["next_allowed"]) == (1, "approval-too-late", "2026-11-18T00:00:00+01:00")


def test_check_human_output(cfg: Path) -> None:
    refused = runner.invoke(app, ["--config", str(cfg), "window", "check", "2026-12-02 20:00", "--approved-on",
                                  "2026-10-01"])
    assert refused.exit_code == 1
    assert "refused (opening-hours): Louvre - Palais is open 09:00-21:00" in refused.output
    allowed = runner.invoke(app, ["--config", str(cfg), "window", "check", "2026-12-01 10:00", "--approved-on",
                                  "2026-10-01"])
    assert allowed.exit_code == 0 and "Louvre - Palais is closed on Tuesdays" in allowed.output


@pytest.mark.parametrize(("args", "named", "expected"), [
    (["check", "2026-12-02"], "DATETIME", "YYYY-MM-DD HH:MM"),
    (["check", "tomorrow 9pm"], "DATETIME", "YYYY-MM-DD HH:MM"),
    (["check", "2026-12-02 25:00"], "DATETIME", "YYYY-MM-DD HH:MM"),
    (["check", "2026-12-02 20:00", "--approved-on", "02/10/2026"], "--approved-on", "YYYY-MM-DD"),
    (["next", "--after", "2026-02-30 10:00"], "--after", "YYYY-MM-DD HH:MM"),
])
def test_bad_input_names_the_argument_and_the_format_exit_2(cfg: Path, args: list[str], named: str,
                                                             expected: str) -> None:
    result = runner.invoke(app, ["--config", str(cfg), "window", *args])
    assert result.exit_code == 2
    words = " ".join(result.output.replace("│", " ").split())  # the usage box wraps its lines
    assert f"Invalid value for '{named}'" in words and expected in words


def test_an_unknown_site_is_an_error(cfg: Path) -> None:
    result = runner.invoke(app, ["--config", str(cfg), "window", "check", "2026-12-02 20:00", "--site", "louvre"])
    assert isinstance(result.exception, WifiopsError) and result.exception.exit_code == 2
    assert "unknown site 'louvre'" in str(result.exception)


def test_next_with_an_approval(cfg: Path) -> None:
    code, shown = window(cfg, "next", "--after", "2026-12-02 10:00", "--approved-on", "2026-10-01")
    assert code == 0
    assert shown == {"next_allowed": "2026-12-02T21:00:00+01:00", "after": "2026-12-02T10:00:00+01:00",
                     "sites": SITES, "approved_on": "2026-10-01", "approval_assumed": False}
    code, shown = window(cfg, "next", "--after", "2026-12-02 10:00", "--approved-on", "2026-10-01",
                         "--site", "delacroix")
    assert shown["next_allowed"] == "2026-12-02T17:30:00+01:00"


def test_next_without_approval_assumes_it_given_that_day(cfg: Path) -> None:
    code, shown = window(cfg, "next", "--after", "2026-11-02 10:00")
    assert code == 0
    assert (shown["approved_on"], shown["approval_assumed"]) == ("2026-11-02", True)
    assert shown["next_allowed"] == "2026-11-18T00:00:00+01:00"  # 10 working days, 11 November excluded
    text = runner.invoke(app, ["--config", str(cfg), "window", "next", "--after", "2026-11-02 10:00"])
    assert "next allowed start: Wednesday 2026-11-18 00:00 (Europe/Paris) (if approved on 2026-11-02)" in text.output


def test_next_defaults_to_now(cfg: Path) -> None:
    before = datetime.now(PARIS)
    code, shown = window(cfg, "next", "--approved-on", (before.date() - timedelta(days=60)).isoformat())
    assert code == 0
    assert before <= datetime.fromisoformat(shown["next_allowed"]) <= before + timedelta(days=2)


# --- opening hours in the inventory: every mistake is a finding with file, line and field -----------------

def inventory_with_hours(tmp_path: Path, hours: list[str]) -> Path:
    """The base inventory, its one site given `hours` (YAML lines, indented under `hours:`)."""
    inventory = tmp_path / "inv"
    shutil.copytree(BASE, inventory)
    (inventory / "defaults.yaml").write_text("\n".join([
        "username: admin", "platform: aruba_os", "data:", "  estate: minimal", "  sites:", "    louvre-palais:",
        '      name: "Louvre - Palais"', "      public: true", "      hours:",
        *(f"        {line}" for line in hours)]) + "\n")
    return inventory


GOOD_WEEK = ['monday: {open: "09:00", close: "18:00"}', 'wednesday: {open: "09:00", close: "21:00"}',
             'thursday: {open: "09:00", close: "18:00"}', 'friday: {open: "09:00", close: "21:00"}',
             'saturday: {open: "09:00", close: "18:00"}', 'sunday: {open: "09:00", close: "18:00"}']
LINE_OF_MONDAY = 11  # defaults.yaml as inventory_with_hours writes it: `days:` at 10, monday at 11


def hours_with(*, monday: str = GOOD_WEEK[0], closed: str = "[tuesday]", dates: str = '["01-01", "05-01"]',
               zone: str = "Europe/Paris") -> list[str]:
    return ["days:", *(f"  {day}" for day in [monday, *GOOD_WEEK[1:]]), f"closed_days: {closed}",
            f"closed_dates: {dates}", f"timezone: {zone}"]


@pytest.mark.parametrize(("hours", "field", "line", "message"), [
    (hours_with(monday='monday: {open: "09:00", close: "25:00"}'), "data.sites.louvre-palais.hours.days.monday.close",
     LINE_OF_MONDAY, 'a time is "HH:MM", from "00:00" to "23:59"'),
    (hours_with(monday="monday: {open: 09:00, close: 18:00}"), "data.sites.louvre-palais.hours.days.monday.close",
     LINE_OF_MONDAY, 'a time is written in quotes, as "18:00"'),
    (hours_with(monday='monday: {open: "18:00", close: "09:00"}'), "data.sites.louvre-palais.hours.days.monday",
     LINE_OF_MONDAY, "opens at 18:00 and closes at 09:00"),
    (hours_with(monday='munday: {open: "09:00", close: "18:00"}'), "data.sites.louvre-palais.hours.days.munday",
     LINE_OF_MONDAY, "Input should be 'monday'"),
    (hours_with(closed="[]"), "data.sites.louvre-palais.hours", 9, "tuesday: neither open nor closed"),
    (hours_with(closed="[tuesday, monday]"), "data.sites.louvre-palais.hours", 9, "monday: both open"),
    (hours_with(dates='["02-30"]'), "data.sites.louvre-palais.hours.closed_dates[0]", 18, "02-30 is not a day"),
    (hours_with(dates='["25/12"]'), "data.sites.louvre-palais.hours.closed_dates[0]", 18, '"MM-DD" in quotes'),
    (hours_with(zone="Europe/Lutece"), "data.sites.louvre-palais.hours.timezone", 19, "unknown time zone"),
])
def test_bad_opening_hours_are_findings_with_file_line_and_field(tmp_path: Path, hours: list[str], field: str,
                                                                  line: int, message: str) -> None:
    inventory = inventory_with_hours(tmp_path, hours)
    result = runner.invoke(app, ["inventory", "check", "--json", "--inventory", str(inventory)])
    assert result.exit_code == 2, result.output
    findings = json.loads(result.output)["findings"]
    assert [(Path(f["file"]).name, f["line"], f["field"]) for f in findings] == [("defaults.yaml", line, field)]
    assert message in findings[0]["message"]


def test_the_base_hours_of_those_cases_are_valid(tmp_path: Path) -> None:
    result = runner.invoke(app, ["inventory", "check", "--inventory", str(inventory_with_hours(tmp_path, hours_with()))])
    assert result.exit_code == 0, result.output


def test_window_refuses_an_inventory_with_a_bad_hour(cfg: Path, tmp_path: Path) -> None:
    inventory = inventory_with_hours(tmp_path, hours_with(monday='monday: {open: "09:00", close: "25:00"}'))
    result = runner.invoke(app, ["--config", str(cfg), "window", "check", "2026-12-02 20:00", "-i", str(inventory)])
    assert isinstance(result.exception, InventoryError) and result.exception.exit_code == 2
    assert f"defaults.yaml:{LINE_OF_MONDAY}: data.sites.louvre-palais.hours.days.monday.close:" in str(result.exception)
