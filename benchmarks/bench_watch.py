"""`wifiops watch`: one cycle over the whole lab estate against its interval, and a year of availability.

Run: .venv/bin/python benchmarks/bench_watch.py [--full-year-baseline]

A. One watch cycle on the Louvre lab (4 MMs, 2 controllers, 358 APs, in-process on loopback: the lab answers
   in about a millisecond, so this is wifiops' own cost; on the real links the SSH round trips add to the
   check part): the inventory load, `wifiops check` (every host read and parsed), the thresholds, the store
   and the alerts, median of REPEAT cycles on a healthy estate, against the 300 s interval. Side by side,
   the store's write of one cycle (state changes only: nothing on a quiet cycle) and the naive write of every
   sample (364 rows a cycle).
B. Availability of 358 APs over a year of 5-minute samples (105,120 cycles): every AP a few outages of 5
   minutes to 8 hours, two 2-hour outages of the DELACROIX group, two days with the watch stopped. The year
   is written through `SqliteStore.record` at each moment something changes, each sample vouching for the
   time to the next change (the rows are those 105,120 five-minute cycles would write: checked on the first
   week, cycle by cycle, before anything is timed). Timed: `availability()` per device and per group, median
   of REPEAT, target under a second. The naive baseline counts every stored sample of a `samples(ap, at, up)`
   table with one GROUP BY: built for a month (3.2 million rows) and scaled to the year linearly (a full
   scan), or built for the whole year (37.6 million rows, a few minutes and about 1 GB) with
   --full-year-baseline.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/timing.py
from timing import median_seconds  # noqa: E402

from wifiops.engine.availability import availability  # noqa: E402
from wifiops.engine.watch import run_cycle  # noqa: E402
from wifiops.lab.testing import LAB_INVENTORY, RunningLab  # noqa: E402
from wifiops.settings import Settings  # noqa: E402
from wifiops.store.base import Observation, Subject  # noqa: E402
from wifiops.store.sqlite import SqliteStore  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REPEAT = 5
INTERVAL = 300
YEAR_START = datetime(2025, 1, 1, tzinfo=timezone.utc)
SLOTS = 365 * 24 * 12  # five-minute cycles in a year: 105,120
MONTH_SLOTS = 31 * 24 * 12
WEEK_SLOTS = 7 * 24 * 12
STOPPED = range(50_000, 50_000 + 2 * 24 * 12)  # two days without a watch
GROUP_OUTAGES = [(20_000, 24), (80_000, 24)]  # DELACROIX down, (first slot, slots)


# --- A. one cycle ------------------------------------------------------------------------------------------------

def cycle_benchmark(root: Path) -> None:
    lab = RunningLab(LAB_INVENTORY, root / "lab")
    try:
        settings = Settings(root=REPO, inventory=lab.inventory_dir, run_dir=root / "runs", timeout=10,
                            secrets_file=root / "none.yaml")
        store = SqliteStore(root / "cycle.sqlite")
        clock = [datetime(2026, 3, 11, 9, 0, tzinfo=timezone.utc)]

        def now() -> datetime:
            clock[0] += timedelta(seconds=INTERVAL)
            return clock[0]

        run_cycle(settings, store, now=now)  # the first cycle writes every subject once
        reports = []
        total = median_seconds(lambda: reports.append(run_cycle(settings, store, now=now)), REPEAT)
        check = sorted(r.check_s for r in reports)[len(reports) // 2]
        if any(r.active or not r.complete for r in reports):
            raise SystemExit("the lab is not healthy: the benchmark measures quiet cycles")
        states = {Subject("ap", f"AP{n}"): "up" for n in range(358)} | {Subject("md", f"mc-{n}"): "up" for n in range(6)}
        quiet = median_seconds(lambda: store.record(Observation(now(), INTERVAL, states)), 50)
        naive = sqlite3.connect(root / "naive-cycle.sqlite", isolation_level=None)
        naive.execute("PRAGMA journal_mode=WAL")
        naive.execute("PRAGMA synchronous=NORMAL")
        naive.execute("CREATE TABLE samples (subject TEXT, at REAL, up INTEGER)")

        def every_sample() -> None:
            at = now().timestamp()
            naive.execute("BEGIN")
            naive.executemany("INSERT INTO samples VALUES (?, ?, ?)", [(s.name, at, 1) for s in states])
            naive.execute("COMMIT")

        written = median_seconds(every_sample, 50)
        print("A. one `wifiops watch` cycle over the lab estate (6 hosts, 358 APs), median of", REPEAT)
        print(f"  whole cycle                          {total:8.3f} s   {INTERVAL / total:8.0f}x under the "
              f"{INTERVAL} s interval")
        print(f"    of which `wifiops check`           {check:8.3f} s")
        print(f"    the rest (load, rules, store, alerts) {total - check:5.3f} s")
        print(f"  store write, state changes only      {quiet * 1000:8.2f} ms  (a quiet cycle: no row but the span)")
        print(f"  naive write, every sample (364 rows) {written * 1000:8.2f} ms  "
              f"{written / quiet:5.1f}x; and 364 rows a cycle, 38 million a year")
        store.close()
    finally:
        lab.close()


# --- B. a year of availability ----------------------------------------------------------------------------------

def estate() -> list[Subject]:
    aps = yaml.safe_load((REPO / "inventory" / "aps.yaml").read_text())["aps"]
    return [Subject("ap", a["name"], a["ap_group"], a["site"], a["priority"]) for a in aps]


def outages(subjects: list[Subject]) -> dict[Subject, list[tuple[int, int]]]:
    """Per AP, its down slots as [start, end) ranges."""
    rng = random.Random(16)
    down: dict[Subject, list[tuple[int, int]]] = {}
    for subject in subjects:
        spans = [(start, start + rng.choice((1, 2, 3, 6, 12, 24, 96)))
                 for start in (rng.randrange(SLOTS - 100) for _ in range(rng.randint(0, 6)))]
        if subject.group == "DELACROIX":
            spans += [(start, start + length) for start, length in GROUP_OUTAGES]
        down[subject] = sorted(spans)
    return down


def is_down(ranges: list[tuple[int, int]], slot: int) -> bool:
    return any(start <= slot < end for start, end in ranges)


def states_at(down: dict[Subject, list[tuple[int, int]]], slot: int) -> dict[Subject, str]:
    return {s: "down" if is_down(ranges, slot) else "up" for s, ranges in down.items()}


def moment(slot: int) -> datetime:
    return YEAR_START + timedelta(seconds=slot * INTERVAL)


def record_compressed(store: SqliteStore, down: dict[Subject, list[tuple[int, int]]], last: int) -> int:
    """The year written at each change: each sample vouching for the time to the next change (or the stop)."""
    changes = {0, STOPPED.start, STOPPED.stop, last}
    for ranges in down.values():
        for start, end in ranges:
            changes.update({start, end})
    points = sorted(c for c in changes if c < last and c not in STOPPED)
    for index, slot in enumerate(points):
        following = points[index + 1] if index + 1 < len(points) else last
        until = STOPPED.start if slot < STOPPED.start <= following else following
        store.record(Observation(moment(slot), (until - slot) * INTERVAL, states_at(down, slot)))
    return len(points)


def record_every_cycle(store: SqliteStore, down: dict[Subject, list[tuple[int, int]]], last: int) -> None:
    for slot in range(last):
        if slot not in STOPPED:
            store.record(Observation(moment(slot), INTERVAL, states_at(down, slot)))


def naive_table(path: Path, down: dict[Subject, list[tuple[int, int]]], slots: int) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE samples (ap INTEGER, at INTEGER, up INTEGER)")
    ids = {s: n for n, s in enumerate(down)}
    down_slots = {ids[s]: {slot for start, end in ranges for slot in range(start, end)} for s, ranges in down.items()}
    db.execute("BEGIN")
    for slot in range(slots):
        if slot not in STOPPED:
            at = int(moment(slot).timestamp())
            db.executemany("INSERT INTO samples VALUES (?, ?, ?)",
                           [(ap, at, 0 if slot in downs else 1) for ap, downs in down_slots.items()])
    db.execute("COMMIT")
    return db


def naive_availability(db: sqlite3.Connection, start: datetime, end: datetime) -> dict[int, float]:
    rows = db.execute("SELECT ap, SUM(up), COUNT(*) FROM samples WHERE at >= ? AND at < ? GROUP BY ap",
                      (int(start.timestamp()), int(end.timestamp()))).fetchall()
    return {ap: up * 100 / count for ap, up, count in rows}


def year_benchmark(root: Path, full_year_baseline: bool) -> None:
    subjects = estate()
    down = outages(subjects)
    # the compressed writing gives what the five-minute cycles would: checked on the first week
    every, compressed = SqliteStore(root / "week-every.sqlite"), SqliteStore(root / "week-compressed.sqlite")
    record_every_cycle(every, down, WEEK_SLOTS)
    record_compressed(compressed, down, WEEK_SLOTS)
    week = (moment(0), moment(WEEK_SLOTS))
    assert sorted(every.uptimes(*week), key=str) == sorted(compressed.uptimes(*week), key=str)
    day = SqliteStore(root / "day.sqlite")
    day_cost = median_seconds(lambda: record_every_cycle(day, down, 288), 1) / 288

    store = SqliteStore(root / "year.sqlite")
    written = record_compressed(store, down, SLOTS)
    year = (moment(0), moment(SLOTS))
    transitions = store.db.execute("SELECT COUNT(*) FROM transitions").fetchone()[0]
    by_device = median_seconds(lambda: availability(store, start=year[0], end=year[1], by="device"), REPEAT)
    by_group = median_seconds(lambda: availability(store, start=year[0], end=year[1], by="group"), REPEAT)
    report = availability(store, start=year[0], end=year[1], by="group")

    slots = SLOTS if full_year_baseline else MONTH_SLOTS
    naive = naive_table(root / "naive.sqlite", down, slots)
    rows = naive.execute("SELECT COUNT(*) FROM samples").fetchone()[0]
    naive_s = median_seconds(lambda: naive_availability(naive, moment(0), moment(slots)), 3)
    scale = SLOTS / slots
    month = (moment(0), moment(MONTH_SLOTS))
    ours = {u.subject.name: u.up_s * 100 / (u.up_s + u.down_s) for u in store.uptimes(*month) if u.up_s + u.down_s}
    theirs = naive_availability(naive, *month)
    gap = max(abs(ours[s.name] - theirs[n]) for n, s in enumerate(down))
    size = (root / "year.sqlite").stat().st_size
    naive_size = (root / "naive.sqlite").stat().st_size * scale

    print(f"B. availability of {len(subjects)} APs over a year of 5-minute samples ({SLOTS:,} cycles, "
          f"{len(subjects) * SLOTS / 1e6:.1f} million samples), median of {REPEAT}")
    print(f"  store: {transitions:,} state changes written at {written:,} moments, {size / 1e6:.1f} MB; "
          f"record() of a 5-minute cycle {day_cost * 1000:.2f} ms")
    print(f"  availability by device (358 APs)      {by_device:8.3f} s   "
          f"{'under' if by_device < 1 else 'OVER'} the 1 s target")
    print(f"  availability by group                 {by_group:8.3f} s   DELACROIX "
          f"{next(r.percent for r in report.rows if r.name == 'DELACROIX'):.3f} %, all APs "
          f"{report.overall.percent:.3f} %")
    label = "the year" if scale == 1 else f"a month ({rows / 1e6:.1f} M rows) x{scale:.2f}"
    print(f"  naive: every sample, GROUP BY         {naive_s * scale:8.3f} s   {naive_s * scale / by_device:5.0f}x "
          f"slower ({label}); {naive_size / 1e6:.0f} MB for the year")
    print(f"  both agree on the month: largest difference {gap:.6f} percentage points")
    for db in (every, compressed, day, store):
        db.close()
    naive.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cycle_benchmark(root)
        year_benchmark(root, "--full-year-baseline" in sys.argv)


if __name__ == "__main__":
    main()
