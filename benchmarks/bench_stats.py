"""Connection statistics: a year of hourly samples of 8,000 clients queried by SSID and zone, and the staff page's
first load on the lab.

Run: .venv/bin/python benchmarks/bench_stats.py [--no-browser]

A. A year (8,760 hours) of one sample an hour of about 8,000 clients (a museum's day: few at night, a peak in the
   afternoon), each spread over the 6 SSIDs, the 7 fingerprints and their terminal types and OSes, the zones of
   the 358 APs of the inventory (their zones, weighted), the 4 sites and the session lengths, written through
   `SqliteStore.record_clients` (timed too: the cost a watch cycle adds when a sample is due). Timed: the year by
   SSID and by zone (`client_counts`, median of REPEAT), target under a second; side by side the naive baseline,
   the same answer from every sample's rows (the hour rows: one sample an hour), checked equal before timing.
B. The staff page on the Louvre lab (4 MMs, 2 controllers, 358 APs, 8,000 users, in-process on loopback): a watch
   cycle with its statistics sample, then the page's first load: GET / and the first GET /api/now (nothing cached)
   on a fresh server, median of REPEAT; the figures alone (`staff_view`); and, where Chromium is installed, from
   navigation to the page drawn with the lab's figures (the browser already started).
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/timing.py
from timing import median_seconds  # noqa: E402

from wifiops.engine.staff import staff_view  # noqa: E402
from wifiops.engine.stats import SESSION_BUCKETS, estate_facts  # noqa: E402
from wifiops.engine.watch import run_cycle  # noqa: E402
from wifiops.face.web.app import BackgroundServer, make_app  # noqa: E402
from wifiops.lab.testing import LAB_INVENTORY, RunningLab  # noqa: E402
from wifiops.settings import Settings  # noqa: E402
from wifiops.store.sqlite import SqliteStore  # noqa: E402
from wifiops.store.stats import ClientSample  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REPEAT = 5
TZ = "Europe/Paris"
YEAR_START = datetime(2025, 1, 1, tzinfo=timezone.utc)
HOURS = 365 * 24
CLIENTS = 8000
SSIDS = {"Louvre_WiFi_Gratuit": 0.57, "Intra_Louvre": 0.12, "Bill_Louvre": 0.11, "Mobil_Louvre": 0.11,
         "Multimedia_Louvre": 0.06, "Delacroix_WiFi_Gratuit": 0.03}
DEVICES = {"iPhone": (0.34, "smartphone", "iOS"), "Android": (0.30, "smartphone", "Android"),
           "Win 10": (0.12, "laptop", "Windows"), "OS X": (0.08, "laptop", "macOS"), "iPad": (0.08, "tablet", "iPadOS"),
           "Linux": (0.03, "laptop", "Linux"), "Win 11": (0.05, "laptop", "Windows")}
# Share of the day's crowd at each hour (a museum: empty at night, busiest mid-afternoon).
DAY = [0.02] * 7 + [0.1, 0.3, 0.6, 0.8, 0.9, 1.0, 1.0, 1.0, 0.95, 0.85, 0.6, 0.3, 0.15, 0.1, 0.05, 0.03, 0.02]


def spread(total: int, shares: dict[str, float], rng: random.Random) -> dict[str, int]:
    return {key: max(0, round(total * share * rng.uniform(0.9, 1.1))) for key, share in shares.items()}


def year_of_samples() -> list[ClientSample]:
    rng = random.Random(18)
    aps = yaml.safe_load((REPO / "inventory" / "aps.yaml").read_text())["aps"]
    weights: dict[str, float] = {}
    sites: dict[str, float] = {}
    for ap in aps:
        w = rng.uniform(0.3, 1.7)
        weights[f"{ap['site']}/{ap['zone']}"] = weights.get(f"{ap['site']}/{ap['zone']}", 0) + w
        sites[ap["site"]] = sites.get(ap["site"], 0) + w
    total_w = sum(weights.values())
    zones = {k: v / total_w for k, v in weights.items()}
    site_shares = {k: v / total_w for k, v in sites.items()}
    sessions = {key: 1 / len(SESSION_BUCKETS) for _, key in SESSION_BUCKETS}
    samples = []
    for hour in range(HOURS):
        at = YEAR_START + timedelta(hours=hour, minutes=7)
        clients = round(CLIENTS * 1.6 * DAY[(at.hour + 1) % 24] * rng.uniform(0.85, 1.15))
        devices = spread(clients, {k: v[0] for k, v in DEVICES.items()}, rng)
        types: dict[str, int] = {}
        systems: dict[str, int] = {}
        for name, n in devices.items():
            types[DEVICES[name][1]] = types.get(DEVICES[name][1], 0) + n
            systems[DEVICES[name][2]] = systems.get(DEVICES[name][2], 0) + n
        samples.append(ClientSample(at, clients, {
            "ssid": spread(clients, SSIDS, rng), "device": devices, "type": types, "os": systems,
            "zone": spread(clients, zones, rng), "site": spread(clients, site_shares, rng),
            "session": spread(clients, sessions, rng),
            "portal": spread(round(clients * 0.6), {"within": 0.97, "over": 0.03}, rng)}))
    return samples


def naive(db: sqlite3.Connection, dimension: str, a: float, b: float) -> dict[str, tuple[float, int]]:
    """Every sample's rows of the period, added up (the hour rows: one sample an hour)."""
    samples = db.execute("SELECT SUM(samples) FROM stat_hours WHERE hour >= ? AND hour < ?", (a, b)).fetchone()[0]
    return {key: (total / samples, peak) for key, total, peak in db.execute(
        "SELECT key, SUM(total), MAX(peak) FROM stat_hour_counts WHERE dim = ? AND hour >= ? AND hour < ? GROUP BY key",
        (dimension, a, b))}


def year_benchmark(root: Path) -> None:
    started = time.perf_counter()
    samples = year_of_samples()
    made = time.perf_counter() - started
    store = SqliteStore(root / "year.sqlite")
    writes = []
    for sample in samples:
        begin = time.perf_counter()
        store.record_clients(sample, timezone=TZ, retention_days=400)
        writes.append(time.perf_counter() - begin)
    writes.sort()
    rows = store.db.execute("SELECT COUNT(*) FROM stat_hour_counts").fetchone()[0]
    day_rows = store.db.execute("SELECT COUNT(*) FROM stat_day_counts").fetchone()[0]
    size = sum(p.stat().st_size for p in root.glob("year.sqlite*")) / 2**20
    print(f"A. a year of hourly samples of {CLIENTS:,} clients: {len(samples):,} samples made in {made:.1f} s; "
          f"written by record_clients in {sum(writes):.1f} s (median {writes[len(writes) // 2] * 1000:.1f} ms, "
          f"max {writes[-1] * 1000:.1f} ms a sample); {rows:,} hour rows, {day_rows:,} day rows, {size:.0f} MiB")
    start, end = YEAR_START, YEAR_START + timedelta(days=365)
    db = sqlite3.connect(root / "year.sqlite")
    for dimension in ("ssid", "zone"):
        found = {t.key: (t.mean, t.peak) for t in store.client_counts(dimension, start, end, timezone=TZ)}  # type: ignore[arg-type]
        expected = naive(db, dimension, start.timestamp(), end.timestamp())
        assert found.keys() == expected.keys() and all(
            abs(found[k][0] - expected[k][0]) < 1e-6 and found[k][1] == expected[k][1] for k in found), dimension
        ours = median_seconds(lambda: store.client_counts(dimension, start, end, timezone=TZ), REPEAT)  # type: ignore[arg-type]
        theirs = median_seconds(lambda: naive(db, dimension, start.timestamp(), end.timestamp()), REPEAT)
        print(f"   the year by {dimension} ({len(found)} keys): {ours * 1000:.1f} ms (target under 1 s); naive, every "
              f"sample's rows: {theirs * 1000:.1f} ms ({theirs / ours:.0f}x)")
    hours = median_seconds(lambda: store.client_hours(start, end), REPEAT)
    print(f"   the year hour by hour ({HOURS:,} hours, for --by hour): {hours * 1000:.1f} ms")
    store.close()


def page_benchmark(root: Path, browser: bool) -> None:
    lab = RunningLab(LAB_INVENTORY, root / "lab")
    try:
        settings = Settings(root=REPO, inventory=lab.inventory_dir, run_dir=root / "runs", timeout=10,
                            secrets_file=root / "none.yaml")
        store = SqliteStore(root / "runs" / "supervision.sqlite")
        now = datetime(2026, 3, 13, 16, 0, tzinfo=timezone.utc)
        begin = time.perf_counter()
        cycle = run_cycle(settings, store, now=lambda: now)
        print(f"B. the lab: a watch cycle with its statistics sample in {time.perf_counter() - begin:.2f} s, of which "
              f"the user tables {cycle.statistics.duration_s:.2f} s ({cycle.statistics.clients:,} clients)")
        facts = estate_facts(lab.inventory_dir)
        view = median_seconds(lambda: staff_view(store, facts, now), REPEAT)
        store.close()
        firsts, pages = [], []
        for _ in range(REPEAT):
            server = BackgroundServer(make_app(settings, lab.inventory_dir, now=lambda: now)).start()
            try:
                with httpx.Client(base_url=server.url) as client:
                    begin = time.perf_counter()
                    assert client.get("/").status_code == 200
                    pages.append(time.perf_counter() - begin)
                    begin = time.perf_counter()
                    answer = client.get("/api/now")
                    firsts.append(time.perf_counter() - begin)
                    assert answer.json()["clients"]["total"] == cycle.statistics.clients
            finally:
                server.stop()
        size = len(answer.content) / 1024
        print(f"   first load: GET / {sorted(pages)[REPEAT // 2] * 1000:.1f} ms, first GET /api/now "
              f"{sorted(firsts)[REPEAT // 2] * 1000:.1f} ms ({size:.0f} KiB of JSON); the figures alone "
              f"(staff_view) {view * 1000:.1f} ms")
        if browser:
            chromium_benchmark(settings, lab.inventory_dir, root, now, cycle.statistics.clients or 0)
    finally:
        lab.close()


def chromium_benchmark(settings: Settings, inventory: Path, root: Path, now: datetime, clients: int) -> None:
    sys.path.insert(0, str(REPO / "tests" / "stats"))
    from browser import CHROMIUM, Chromium  # tests/stats/browser.py: DevTools over aiohttp's websocket

    if not CHROMIUM.exists():
        print("   (no Chromium: scripts/install-chromium installs it)")
        return
    server = BackgroundServer(make_app(settings, inventory, now=lambda: now)).start()
    chromium = Chromium(root / "chromium-profile")
    try:
        times = []
        for _ in range(REPEAT):
            chromium.navigate("about:blank")
            time.sleep(1.1)  # past the server's one-second cache: each load reads the store
            begin = time.perf_counter()
            chromium.navigate(server.url + "/")
            chromium.wait_for("document.body && document.body.dataset.state === 'ready'", timeout=30)
            times.append(time.perf_counter() - begin)
            assert int(chromium.evaluate("document.getElementById('total').dataset.count")) == clients
        print(f"   in headless Chromium, navigation to the page drawn with the lab's figures: "
              f"{sorted(times)[REPEAT // 2] * 1000:.0f} ms (median of {REPEAT})")
    finally:
        chromium.close()
        server.stop()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-stats-") as folder:
        root = Path(folder)
        year_benchmark(root)
        page_benchmark(root, "--no-browser" not in sys.argv)


if __name__ == "__main__":
    main()
