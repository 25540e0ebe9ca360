"""The statistics in the supervision store's SQLite file (schema version 2: MIGRATION below, appended to
wifiops.store.sqlite.MIGRATIONS).

Two grains, both written at each sample: the hour (UTC epoch of its start) and the local day ('YYYY-MM-DD' in the
statistics' time zone; its midnights fall on whole hours, as every offset of Europe/Paris does). A period is read
as its whole local days from the day rows and the hours at its edges from the hour rows: a year by zone reads 365
rows per zone, not 8,760. Each counts table is keyed (dimension, time, key) WITHOUT ROWID, so a period of one
dimension is one range of the key, and retention deletes a range per dimension.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wifiops.store.base import stamp as _ts, moment as _dt
from wifiops.store.stats import DIMENSIONS, ClientSample, Dimension, Slot, Tally, Totals

MIGRATION = """
    CREATE TABLE stat_hours (hour REAL PRIMARY KEY, samples INTEGER NOT NULL, total INTEGER NOT NULL,
                             peak INTEGER NOT NULL, peak_at REAL NOT NULL) WITHOUT ROWID;
    CREATE TABLE stat_hour_counts (dim TEXT NOT NULL, hour REAL NOT NULL, key TEXT NOT NULL, total INTEGER NOT NULL,
                                   peak INTEGER NOT NULL, PRIMARY KEY (dim, hour, key)) WITHOUT ROWID;
    CREATE TABLE stat_days (day TEXT PRIMARY KEY, samples INTEGER NOT NULL, total INTEGER NOT NULL,
                            peak INTEGER NOT NULL, peak_at REAL NOT NULL) WITHOUT ROWID;
    CREATE TABLE stat_day_counts (dim TEXT NOT NULL, day TEXT NOT NULL, key TEXT NOT NULL, total INTEGER NOT NULL,
                                  peak INTEGER NOT NULL, PRIMARY KEY (dim, day, key)) WITHOUT ROWID;
    CREATE TABLE stat_last (dim TEXT NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL,
                            PRIMARY KEY (dim, key)) WITHOUT ROWID;
    CREATE TABLE stat_last_sample (id INTEGER PRIMARY KEY CHECK (id = 1), at REAL NOT NULL, clients INTEGER NOT NULL);
"""
HOUR = 3600


class SqliteStatistics:
    """StatisticsStore for SqliteStore (a mixin: it lends the connection, the transactions and the reads)."""

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:  # SqliteStore's
        raise NotImplementedError

    def _read(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Any]:  # SqliteStore's
        raise NotImplementedError

    def record_clients(self, sample: ClientSample, *, timezone: str, retention_days: int) -> None:
        unknown = set(sample.counts) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"not a dimension of the statistics: {', '.join(sorted(unknown))}")
        at = _ts(sample.at)
        hour = float(int(at // HOUR) * HOUR)
        zone = ZoneInfo(timezone)
        day = sample.at.astimezone(zone).date().isoformat()
        rows = [(dim, key, int(count)) for dim, keys in sample.counts.items() for key, count in keys.items() if count]
        cutoff = sample.at - timedelta(days=retention_days)
        with self._transaction() as db:
            db.execute("INSERT INTO stat_hours (hour, samples, total, peak, peak_at) VALUES (?, 1, ?, ?, ?) "
                       "ON CONFLICT (hour) DO UPDATE SET samples = samples + 1, total = total + excluded.total, "
                       "peak_at = CASE WHEN excluded.peak > peak THEN excluded.peak_at ELSE peak_at END, "
                       "peak = MAX(peak, excluded.peak)", (hour, sample.clients, sample.clients, at))
            db.execute("INSERT INTO stat_days (day, samples, total, peak, peak_at) VALUES (?, 1, ?, ?, ?) "
                       "ON CONFLICT (day) DO UPDATE SET samples = samples + 1, total = total + excluded.total, "
                       "peak_at = CASE WHEN excluded.peak > peak THEN excluded.peak_at ELSE peak_at END, "
                       "peak = MAX(peak, excluded.peak)", (day, sample.clients, sample.clients, at))
            db.executemany("INSERT INTO stat_hour_counts (dim, hour, key, total, peak) VALUES (?, ?, ?, ?, ?) "
                           "ON CONFLICT (dim, hour, key) DO UPDATE SET total = total + excluded.total, "
                           "peak = MAX(peak, excluded.peak)", [(d, hour, k, c, c) for d, k, c in rows])
            db.executemany("INSERT INTO stat_day_counts (dim, day, key, total, peak) VALUES (?, ?, ?, ?, ?) "
                           "ON CONFLICT (dim, day, key) DO UPDATE SET total = total + excluded.total, "
                           "peak = MAX(peak, excluded.peak)", [(d, day, k, c, c) for d, k, c in rows])
            db.execute("DELETE FROM stat_last")
            db.executemany("INSERT INTO stat_last (dim, key, count) VALUES (?, ?, ?)", rows)
            db.execute("INSERT OR REPLACE INTO stat_last_sample (id, at, clients) VALUES (1, ?, ?)",
                       (at, sample.clients))
            # retention: a range of each table's key per dimension
            old_hour, old_day = _ts(cutoff), cutoff.astimezone(zone).date().isoformat()
            db.execute("DELETE FROM stat_hours WHERE hour < ?", (old_hour,))
            db.execute("DELETE FROM stat_days WHERE day < ?", (old_day,))
            for dim in DIMENSIONS:
                db.execute("DELETE FROM stat_hour_counts WHERE dim = ? AND hour < ?", (dim, old_hour))
                db.execute("DELETE FROM stat_day_counts WHERE dim = ? AND day < ?", (dim, old_day))

    def last_clients(self) -> ClientSample | None:
        found = self._read("SELECT at, clients FROM stat_last_sample WHERE id = 1")
        if not found:
            return None
        counts: dict[str, dict[str, int]] = {dim: {} for dim in DIMENSIONS}
        for dim, key, count in self._read("SELECT dim, key, count FROM stat_last ORDER BY dim, count DESC, key"):
            counts.setdefault(dim, {})[key] = count
        return ClientSample(_dt(found[0][0]), int(found[0][1]), counts)

    def client_totals(self, start: datetime, end: datetime, *, timezone: str) -> Totals:
        days, hours = _split(start, end, ZoneInfo(timezone))
        edge = "SELECT samples, total, peak, peak_at FROM stat_hours WHERE hour >= ? AND hour < ?"
        rows = self._read(
            f"SELECT samples, total, peak, peak_at FROM stat_days WHERE day >= ? AND day < ? UNION ALL {edge} "
            f"UNION ALL {edge}", (*days, *_flat(hours)))
        samples = sum(r[0] for r in rows)
        top = max(rows, key=lambda r: (r[2], -r[3]), default=None)
        return Totals(samples, sum(r[1] for r in rows) / samples if samples else 0.0, top[2] if top else 0,
                      _dt(top[3]) if top else None)

    def client_counts(self, dimension: Dimension, start: datetime, end: datetime, *, timezone: str) -> list[Tally]:
        days, hours = _split(start, end, ZoneInfo(timezone))
        samples = self.client_totals(start, end, timezone=timezone).samples
        if not samples:
            return []
        # each edge its own range of the key (an OR of two ranges would read every hour row of the dimension)
        edge = "SELECT key, total, peak FROM stat_hour_counts WHERE dim = ? AND hour >= ? AND hour < ?"
        (a1, b1), (a2, b2) = hours
        rows = self._read(
            "SELECT key, SUM(total), MAX(peak) FROM (SELECT key, total, peak FROM stat_day_counts WHERE dim = ? AND "
            f"day >= ? AND day < ? UNION ALL {edge} UNION ALL {edge}) GROUP BY key",
            (dimension, *days, dimension, a1, b1, dimension, a2, b2))
        tallies = [Tally(key, total / samples, int(peak)) for key, total, peak in rows]
        return sorted(tallies, key=lambda t: (-t.mean, t.key))

    def client_hours(self, start: datetime, end: datetime) -> list[Slot]:
        return [_slot(_dt(hour), samples, total, peak, peak_at) for hour, samples, total, peak, peak_at in self._read(
            "SELECT hour, samples, total, peak, peak_at FROM stat_hours WHERE hour >= ? AND hour < ? ORDER BY hour",
            (_ts(start), _ts(end)))]

    def client_days(self, first: date, last: date, *, timezone: str) -> list[Slot]:
        zone = ZoneInfo(timezone)
        return [_slot(datetime.combine(date.fromisoformat(day), time(0), tzinfo=zone), samples, total, peak, peak_at)
                for day, samples, total, peak, peak_at in self._read(
                    "SELECT day, samples, total, peak, peak_at FROM stat_days WHERE day >= ? AND day <= ? ORDER BY day",
                    (first.isoformat(), last.isoformat()))]


def _split(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[tuple[str, str], tuple[tuple[float, float], ...]]:
    """The whole local days of [start, end) (first included, last excluded, as ISO dates), and the ranges of hours
    before and after them. Without a whole day: no days, and the whole period as hours."""
    a, b = _ts(start), _ts(end)
    local = start.astimezone(zone)
    first = local.date() if local.time() == time(0) else local.date() + timedelta(days=1)
    last = end.astimezone(zone).date()
    if first >= last:
        return ("", ""), ((a, b), (0.0, 0.0))
    head, tail = _midnight(first, zone), _midnight(last, zone)
    return (first.isoformat(), last.isoformat()), ((a, head), (tail, b))


def _midnight(day: date, zone: ZoneInfo) -> float:
    return datetime.combine(day, time(0), tzinfo=zone).timestamp()


def _flat(ranges: tuple[tuple[float, float], ...]) -> Iterator[float]:
    for a, b in ranges:
        yield a
        yield b


def _slot(start: datetime, samples: int, total: int, peak: int, peak_at: float) -> Slot:
    return Slot(start, samples, total / samples if samples else 0.0, peak, _dt(peak_at))

