"""Statistics of the lab's 8,000 users through `wifiops watch` over real SSH (issue 18's acceptance): by SSID,
fingerprint, terminal type, OS, zone and site they match the lab's own counts; nothing of a client's identity is
stored, nor kept in the transcripts; a sample every `sample_every_minutes`; none when a controller is silent; the
inventory's retention applied; `wifiops stats` in every format."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.lab.testing import write_inventory_copy
from wifiops.settings import load_settings
from wifiops.store.sqlite import SqliteStore

from statlab import PARIS, Clock, Watched, identities, lab_counts, write_config

runner = CliRunner()
# The test's own idea of the fingerprints' terminal types and OSes (not read from wifiops/aos8/devicetypes.yaml).
TERMINAL = {"iPhone": "smartphone", "Android": "smartphone", "iPad": "tablet", "Win 10": "laptop", "Win 11": "laptop",
            "OS X": "laptop", "Linux": "laptop"}
OS = {"iPhone": "iOS", "iPad": "iPadOS", "Android": "Android", "Win 10": "Windows", "Win 11": "Windows",
      "OS X": "macOS", "Linux": "Linux"}


def stats(watched: Watched, *args: str) -> dict:
    result = runner.invoke(app, ["--config", str(watched.config), "stats", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_cycle_counts_the_labs_8000_users_as_the_lab_does(watched: Watched, fresh_lab) -> None:
    expected = lab_counts(fresh_lab)
    assert expected["total"][""] >= 7000  # the lab's day: about 8,000 users
    report = watched.cycle()
    assert report.statistics.sampled and report.statistics.errors == [] and report.statistics.unreadable == 0
    assert report.statistics.clients == expected["total"][""] and report.statistics.hosts == ["mc-1", "mc-2"]
    last = watched.store.last_clients()
    assert last is not None and last.clients == expected["total"][""]
    for dim in ("ssid", "device", "zone", "site"):
        assert Counter(last.counts[dim]) == expected[dim], dim
    terminals, systems = Counter(), Counter()
    for fingerprint, n in expected["device"].items():
        terminals[TERMINAL[fingerprint]] += n
        systems[OS[fingerprint]] += n
    assert Counter(last.counts["type"]) == terminals and Counter(last.counts["os"]) == systems
    assert sum(last.counts["session"].values()) == last.clients
    portal = sum(n for ssid, n in expected["ssid"].items() if ssid.endswith("_WiFi_Gratuit"))
    assert sum(last.counts["portal"].values()) == portal  # the captive-portal SSIDs' users, against 12 h

    # the same through `wifiops stats`: one sample, so each mean is that count
    window = ["--from", "2026-03-13 16:00", "--to", "2026-03-13 18:00"]
    by_ssid = stats(watched, *window, "--by", "ssid")
    assert by_ssid["clients"]["samples"] == 1 and by_ssid["clients"]["peak"] == last.clients
    assert {r["key"]: r["mean"] for r in by_ssid["rows"]} == dict(expected["ssid"])
    by_zone = stats(watched, *window, "--by", "zone")
    assert {r["key"]: r["peak"] for r in by_zone["rows"]} == dict(expected["zone"])
    assert all(r["site"] and r["zone"] for r in by_zone["rows"])
    by_type = stats(watched, *window, "--by", "type")
    assert {r["key"]: r["mean"] for r in by_type["rows"]} == dict(terminals)
    hours = stats(watched, *window, "--by", "hour")["rows"]
    assert len(hours) == 24 and hours[17]["peak"] == last.clients and hours[16]["peak"] == 0


def test_nothing_of_a_clients_identity_is_stored_or_kept_in_a_transcript(watched: Watched, fresh_lab) -> None:
    for _ in range(2):
        assert watched.cycle().statistics.sampled
    watched.store.close()
    secret = identities(fresh_lab)
    runs = watched.settings.path(watched.settings.run_dir)
    files = [p for p in runs.glob("supervision.sqlite*")]
    assert files
    blob = b"".join(p.read_bytes() for p in files)
    dump = "\n".join(sqlite3.connect(runs / "supervision.sqlite").iterdump())
    transcripts = "".join(p.read_text() for p in runs.glob("watch/*-stats/*.log"))
    assert "show user-table" in transcripts and "lines read, not kept in the transcript" in transcripts
    for value in secret:
        assert value.encode() not in blob and value not in dump and value not in transcripts, value
    macs = re.compile(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", re.I)
    assert not macs.search(dump) and not macs.search(transcripts)
    watched.store = SqliteStore(runs / "supervision.sqlite")  # for the fixture to close


def test_a_sample_every_sample_every_minutes_and_none_while_a_controller_is_silent(watched: Watched, fresh_lab) -> None:
    sampled = [watched.cycle(then_advance=300).statistics.sampled for _ in range(4)]  # 17:00 .. 17:15
    assert sampled == [True, False, False, True]
    before = watched.store.last_clients()
    fresh_lab.fault("mc-2", "refuse-login")
    watched.clock.advance(600)
    report = watched.cycle()
    assert not report.statistics.sampled and "not counted" in report.statistics.note
    assert [e.split(":")[0] for e in report.statistics.errors] == ["mc-2"]
    assert watched.store.last_clients() == before  # half a cluster is not half the visitors
    totals = watched.store.client_totals(before.at - timedelta(hours=1), before.at + timedelta(hours=2),
                                         timezone="Europe/Paris")
    assert totals.samples == 2


def test_the_inventorys_retention_is_applied_and_statistics_can_be_switched_off(fresh_lab, tmp_path: Path) -> None:
    inventory = write_inventory_copy(fresh_lab.estate, tmp_path / "inventory", fresh_lab.ports)
    shutil.copyfile(fresh_lab.known_hosts, inventory / "known_hosts")
    defaults_file = inventory / "defaults.yaml"
    defaults = yaml.safe_load(defaults_file.read_text())
    defaults["data"]["statistics"]["retention_days"] = 2
    defaults_file.write_text(yaml.safe_dump(defaults, sort_keys=False))
    config = write_config(tmp_path, inventory)
    settings = load_settings(config)
    store = SqliteStore(tmp_path / "runs" / "supervision.sqlite")
    watched = Watched(config, settings, store, Clock(datetime(2026, 3, 10, 12, 0)))
    watched.cycle(then_advance=24 * 3600)  # the 10th
    watched.cycle(then_advance=3 * 24 * 3600)  # the 11th
    watched.cycle()  # the 14th: the 10th and 11th are older than 2 days
    db = sqlite3.connect(tmp_path / "runs" / "supervision.sqlite")
    assert [d for (d,) in db.execute("SELECT day FROM stat_days ORDER BY day")] == ["2026-03-14"]
    assert {d for (d,) in db.execute("SELECT DISTINCT day FROM stat_day_counts")} == {"2026-03-14"}
    assert db.execute("SELECT COUNT(*) FROM stat_hours").fetchone()[0] == 1
    assert db.execute("SELECT MIN(hour) FROM stat_hour_counts").fetchone()[0] == datetime(
        2026, 3, 14, 12, 0, tzinfo=PARIS).timestamp()

    defaults["data"]["statistics"]["enabled"] = False
    defaults_file.write_text(yaml.safe_dump(defaults, sort_keys=False))
    report = watched.cycle()
    assert not report.statistics.sampled and "switched off" in report.statistics.note
    store.close()


def test_wifiops_stats_in_every_format(watched: Watched, tmp_path: Path) -> None:
    watched.cycle()
    window = ["--from", "2026-03-13", "--to", "2026-03-13"]
    table = runner.invoke(app, ["--config", str(watched.config), "stats", *window, "--by", "site"])
    assert table.exit_code == 0, table.output
    assert "Louvre - Palais" in table.stdout and "all clients:" in table.stdout
    md = runner.invoke(app, ["--config", str(watched.config), "stats", *window, "--by", "ssid", "--format", "md"])
    assert md.exit_code == 0 and "| SSID | Mean | Peak | Share % |" in md.stdout and "Louvre_WiFi_Gratuit" in md.stdout
    out = tmp_path / "stats.html"
    html = runner.invoke(app, ["--config", str(watched.config), "stats", *window, "--by", "zone", "--format", "html",
                               "--out", str(out)])
    assert html.exit_code == 0, html.output
    page = out.read_text()
    assert page.count("<svg") == 2 and "<script" not in page and "Sully" in page
    assert not re.search(r"(src|href)=\"https?:", page)  # nothing fetched
    rows = list(csv.DictReader(io.StringIO(runner.invoke(
        app, ["--config", str(watched.config), "stats", *window, "--by", "os", "--format", "csv"]).stdout)))
    assert {r["os"] for r in rows} >= {"iOS", "Android", "Windows"} and all(float(r["mean"]) > 0 for r in rows)
    empty = stats(watched, "--from", "2025-01-01", "--to", "2025-01-02")
    assert empty["clients"]["samples"] == 0 and empty["rows"] == []
    bad = runner.invoke(app, ["--config", str(watched.config), "stats", "--from", "2026-03-14", "--to", "2026-03-13"])
    assert bad.exit_code == 2
