"""The statistics without the lab: how user-table rows are counted (each user once across a cluster, no SSID no
visitor, the portal's limit, an AP unknown to the inventory), how the store adds samples into hours and days (any
period's means and peaks equal those counted sample by sample), its retention, and the inventory's `statistics:`
block validated with file, line and field."""

from __future__ import annotations

import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wifiops.engine.stats import count_clients, session_bucket
from wifiops.inventory.check import check_inventory
from wifiops.store.sqlite import SqliteStore
from wifiops.store.stats import DIMENSIONS, ClientSample

PARIS = ZoneInfo("Europe/Paris")
REPO = Path(__file__).resolve().parents[2]


def user(mac: str, essid: str | None, ap: str = "AP1", kind: str = "iPhone", age: int = 600) -> dict:
    return {"mac": mac, "ip": "10.44.0.9", "name": "marie.martin", "essid": essid, "ap_name": ap, "type": kind,
            "age_s": age}


def test_each_wireless_user_once_with_its_place_device_and_session() -> None:
    places = {"AP1": ("louvre-palais", "Denon salle 3"), "AP2": ("delacroix", "Atelier")}
    tables = {
        "mc-1": [user("aa:00:00:00:00:01", "Louvre_WiFi_Gratuit", age=13 * 3600),
                 user("aa:00:00:00:00:02", "Intra_Louvre", "AP2", "Win 10"),
                 user("aa:00:00:00:00:09", None, "", "")],  # an AP's tunnel: no SSID, no visitor
        "mc-2": [user("AA:00:00:00:00:01", "Louvre_WiFi_Gratuit", age=13 * 3600),  # the same user, listed twice
                 user("aa:00:00:00:00:03", "Louvre_WiFi_Gratuit", "AP9", "", age=60)],
    }
    total, counts = count_clients(tables, places, {"Louvre_WiFi_Gratuit": 12})
    assert total == 3
    assert counts["ssid"] == {"Louvre_WiFi_Gratuit": 2, "Intra_Louvre": 1}
    assert counts["device"] == {"iPhone": 1, "Win 10": 1, "none": 1}
    assert counts["type"] == {"smartphone": 1, "laptop": 1, "other": 1}
    assert counts["os"] == {"iOS": 1, "Windows": 1, "unknown": 1}
    assert counts["zone"] == {"louvre-palais/Denon salle 3": 1, "delacroix/Atelier": 1,
                              "unknown/AP not in the inventory": 1}
    assert counts["portal"] == {"over": 1, "within": 1}  # 13 h against the portal's 12 h
    assert counts["session"] == {"12 h or more": 1, "under 15 min": 2}
    assert set(counts) <= set(DIMENSIONS)
    assert [session_bucket(s) for s in (0, 899, 900, 3600, 43199, 43200)] == [
        "under 15 min", "under 15 min", "15 min to 1 h", "1 to 3 h", "6 to 12 h", "12 h or more"]


def test_any_period_reads_as_the_samples_counted_one_by_one(tmp_path: Path) -> None:
    """Ten days of samples every 15 minutes; random periods, some of whole days, some not, some across the
    change to summer time: the store's means and peaks equal a count over the samples of the period's hours."""
    store = SqliteStore(tmp_path / "s.sqlite")
    rng = random.Random(7)
    start = datetime(2026, 3, 24, 0, 0, tzinfo=PARIS)  # summer time begins on the 29th
    samples = []
    for n in range(10 * 96):
        at = start.astimezone(timezone.utc) + timedelta(minutes=15 * n)  # real time, not the wall clock
        counts = {"ssid": {s: rng.randrange(0, 50) for s in ("A", "B", "C") if rng.random() > 0.1}}
        sample = ClientSample(at, sum(counts["ssid"].values()), counts)
        samples.append(sample)
        store.record_clients(sample, timezone="Europe/Paris", retention_days=400)
    periods = [(start, start + timedelta(days=10)), (start + timedelta(days=2), start + timedelta(days=7))]
    for _ in range(30):
        a = start + timedelta(hours=rng.randrange(0, 200))
        periods.append((a, a + timedelta(hours=rng.randrange(1, 240))))
    for a, b in periods:
        inside = [s for s in samples if a <= s.at.astimezone(timezone.utc).replace(minute=0) < b]
        totals = store.client_totals(a, b, timezone="Europe/Paris")
        assert totals.samples == len(inside), (a, b)
        if not inside:
            continue
        assert totals.peak == max(s.clients for s in inside)
        assert totals.mean == pytest.approx(sum(s.clients for s in inside) / len(inside))
        tallies = {t.key: t for t in store.client_counts("ssid", a, b, timezone="Europe/Paris")}
        for key in ("A", "B", "C"):
            values = [s.counts["ssid"].get(key, 0) for s in inside]
            assert tallies[key].mean == pytest.approx(sum(values) / len(values)), (a, b, key)
            assert tallies[key].peak == max(values)
    days = store.client_days(start.date(), (start + timedelta(days=9)).date(), timezone="Europe/Paris")
    assert len(days) == 10 and sum(d.samples for d in days) == 956  # the last day ends an hour early
    assert days[5].start == datetime(2026, 3, 29, 0, 0, tzinfo=PARIS) and days[5].samples == 92  # a 23-hour day
    store.close()


def test_retention_forgets_hours_days_and_counts_older_than_it(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    t0 = datetime(2026, 1, 1, 12, 0, tzinfo=PARIS)
    for day in (0, 10, 35):
        store.record_clients(ClientSample(t0 + timedelta(days=day), 5, {"ssid": {"A": 5}, "zone": {"s/z": 5}}),
                             timezone="Europe/Paris", retention_days=30)
    year = (t0 - timedelta(days=1), t0 + timedelta(days=40))
    assert store.client_totals(*year, timezone="Europe/Paris").samples == 2  # day 0 is gone
    for table in ("stat_hours", "stat_days", "stat_hour_counts", "stat_day_counts"):
        assert store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] in (2, 4), table
    assert [t.key for t in store.client_counts("zone", *year, timezone="Europe/Paris")] == ["s/z"]
    with pytest.raises(ValueError):
        store.record_clients(ClientSample(t0, 1, {"mac": {"aa": 1}}), timezone="Europe/Paris", retention_days=30)
    store.close()


def test_the_statistics_block_is_validated_with_file_line_and_field(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(REPO / "inventory" / "lab", inventory)
    for name in ("groups", "aps"):
        shutil.copyfile(REPO / "inventory" / f"{name}.yaml", inventory / f"{name}.yaml")
    manifest = (inventory / "inventory.yaml").read_text().replace("../groups.yaml", "groups.yaml").replace(
        "../aps.yaml", "aps.yaml")
    (inventory / "inventory.yaml").write_text(manifest)
    defaults = inventory / "defaults.yaml"
    text = defaults.read_text()
    defaults.write_text(text.replace("retention_days: 400", "retention_days: 0").replace(
        "timezone: Europe/Paris            # hours", "timezone: Europe/Pariss           # hours"))
    findings = check_inventory(inventory).findings
    fields = {f.field: f for f in findings}
    assert {"data.statistics.retention_days", "data.statistics.timezone"} <= set(fields), [str(f) for f in findings]
    line = next(n for n, l in enumerate(defaults.read_text().splitlines(), 1) if "retention_days: 0" in l)
    assert fields["data.statistics.retention_days"].line == line
