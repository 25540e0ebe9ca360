"""The supervision store in one SQLite file (the standard library's sqlite3): the default, and enough for an estate.

Moments are REAL seconds since the epoch (UTC): availability adds and subtracts them by the thousand. State
changes, not samples: `subjects` holds each AP's and host's current state, `transitions` each change, and
`spans` the time the estate was watched (a cycle vouches for its interval; a later cycle more than one
interval late starts a new span, and the gap is counted neither up nor down). WAL journal with
`synchronous=NORMAL`: a commit per cycle costs no fsync, and `wifiops incident ack` can write while
`wifiops watch` runs (one writer at a time, each waiting up to BUSY_SECONDS for the other).
"""

from __future__ import annotations

import json
import math
import sqlite3
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from wifiops.errors import WifiopsError
from wifiops.store.base import MAX_INTERVAL_S, check_interval, stamp as _ts, moment as _dt
from wifiops.store.sqlite_stats import MIGRATION as STATISTICS_MIGRATION, SqliteStatistics
from wifiops.store.base import (INCIDENT_STATES, Alert, Condition, Incident, IncidentEvent, IncidentState, Observation,
                                Standing, Subject, Uptime)

BUSY_SECONDS = 30
# One script per schema version (PRAGMA user_version): a later version appends a script, never edits one.
MIGRATIONS = (
    """
    CREATE TABLE subjects (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, grp TEXT, site TEXT,
                           priority INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, since REAL NOT NULL,
                           UNIQUE (kind, name));
    CREATE TABLE transitions (subject INTEGER NOT NULL REFERENCES subjects (id), at REAL NOT NULL,
                              state TEXT NOT NULL);
    CREATE INDEX transitions_by_subject ON transitions (subject, at);
    CREATE TABLE spans (id INTEGER PRIMARY KEY, start REAL NOT NULL, until REAL NOT NULL, cycles INTEGER NOT NULL);
    CREATE INDEX spans_by_until ON spans (until);
    CREATE TABLE series (id INTEGER PRIMARY KEY, subject TEXT NOT NULL, metric TEXT NOT NULL,
                         UNIQUE (subject, metric));
    CREATE TABLE samples (series INTEGER NOT NULL REFERENCES series (id), at REAL NOT NULL, value REAL NOT NULL);
    CREATE INDEX samples_by_series ON samples (series, at);
    CREATE TABLE conditions (key TEXT PRIMARY KEY, recent TEXT NOT NULL, good INTEGER NOT NULL, alert INTEGER);
    CREATE TABLE alerts (id INTEGER PRIMARY KEY, key TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL,
                         message TEXT NOT NULL, facts TEXT NOT NULL, raised_at REAL NOT NULL, cleared_at REAL,
                         clear_message TEXT, incident INTEGER, raise_mail TEXT, clear_mail TEXT);
    CREATE INDEX alerts_by_clearing ON alerts (cleared_at);
    CREATE TABLE incidents (id INTEGER PRIMARY KEY, alert INTEGER REFERENCES alerts (id), kind TEXT NOT NULL,
                            subject TEXT NOT NULL, severity TEXT NOT NULL, gtr TEXT, summary TEXT NOT NULL,
                            opened_at REAL NOT NULL, deadline REAL, state TEXT NOT NULL,
                            acknowledged_at REAL, acknowledged_by TEXT, restored_at REAL, restored_by TEXT,
                            reminded_at REAL);
    CREATE INDEX incidents_by_state ON incidents (state);
    CREATE TABLE incident_events (incident INTEGER NOT NULL REFERENCES incidents (id), at REAL NOT NULL,
                                  who TEXT NOT NULL, action TEXT NOT NULL, note TEXT);
    CREATE INDEX events_by_incident ON incident_events (incident, at);
    """,
    STATISTICS_MIGRATION,  # 2: connection statistics (issue 18)
    # 3: spans poisoned by an unbounded --interval (issue 24: `--interval 1e300` made every /api/now fail) are
    # cut back to what their cycles could vouch for at the bound
    f"UPDATE spans SET until = start + cycles * {MAX_INTERVAL_S} WHERE until > start + cycles * {MAX_INTERVAL_S}",
)
INCIDENT_COLUMNS = ("id, alert, kind, subject, severity, gtr, summary, opened_at, deadline, state, acknowledged_at, "
                    "acknowledged_by, restored_at, restored_by, reminded_at")
ALERT_COLUMNS = "id, key, kind, subject, message, facts, raised_at, cleared_at, clear_message, incident, raise_mail, clear_mail"


class StoreError(WifiopsError):
    """The supervision store cannot be opened, read or written; the message names the file."""


@dataclass
class _Known:
    id: int
    subject: Subject
    state: str


class SqliteStore(SqliteStatistics):
    """SupervisionStore and StatisticsStore in SQLite. `path` may be ":memory:" (tests, benchmarks)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
            self._subjects: dict[tuple[str, str], _Known] = {}
            self._seen_version = -1  # PRAGMA data_version when _subjects was read (-1: never)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the supervision store {self.path}: {exc}") from None

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"the supervision store {self.path} is of a newer wifiops (schema {version}); "
                             "upgrade wifiops")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self.db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                self._seen_version = -1  # the cache may hold what was rolled back
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"the supervision store {self.path}: {exc}") from None

    def _read(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Any]:
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"the supervision store {self.path}: {exc}") from None

    def close(self) -> None:
        self.db.close()

    # --- samples ------------------------------------------------------------------------------------------

    def record(self, observation: Observation) -> int:
        """Keep one cycle; refused (nothing written) when a number in it could not be read back."""
        at = _ts(observation.at)
        try:
            check_interval(observation.interval_s, "the cycle's interval")
        except ValueError as exc:
            raise StoreError(f"the supervision store {self.path}: not recorded: {exc}") from None
        bad = sorted(f"{s}/{m}" for (s, m), v in observation.metrics.items() if not math.isfinite(float(v)))
        if bad:
            raise StoreError(f"the supervision store {self.path}: not recorded: {', '.join(bad[:3])} "
                             "is not a finite number")
        changes = 0
        with self._transaction() as db:
            known = self._known(db)
            seen: set[tuple[str, str]] = set()
            for subject, state in observation.states.items():
                key = (subject.kind, subject.name)
                seen.add(key)
                row = known.get(key)
                if row is None:
                    cursor = db.execute("INSERT INTO subjects (kind, name, grp, site, priority, state, since) "
                                        "VALUES (?, ?, ?, ?, ?, ?, ?)", (subject.kind, subject.name, subject.group,
                                                                         subject.site, int(subject.priority), state, at))
                    row = known[key] = _Known(int(cursor.lastrowid or 0), subject, "")
                elif row.subject != subject:
                    db.execute("UPDATE subjects SET grp = ?, site = ?, priority = ? WHERE id = ?",
                               (subject.group, subject.site, int(subject.priority), row.id))
                    row.subject = subject
                if row.state != state:
                    changes += self._change(db, row, state, at)
            for key, row in known.items():
                if key not in seen and row.state != "unknown":
                    changes += self._change(db, row, "unknown", at)
            self._extend_span(db, at, observation.interval_s)
            if observation.metrics:
                ids = self._series_ids(db, observation.metrics)
                db.executemany("INSERT INTO samples (series, at, value) VALUES (?, ?, ?)",
                               [(ids[k], at, float(v)) for k, v in observation.metrics.items()])
        return changes

    def _known(self, db: sqlite3.Connection) -> dict[tuple[str, str], _Known]:
        """The subjects and their states, read again only when another connection wrote since (data_version
        moves only for the others' commits): reading them every cycle was most of a quiet cycle's cost."""
        version = db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._seen_version:
            rows = db.execute("SELECT id, kind, name, grp, site, priority, state FROM subjects").fetchall()
            self._subjects = {(kind, name): _Known(id_, Subject(kind, name, grp, site, bool(priority)), state)
                              for id_, kind, name, grp, site, priority, state in rows}
            self._seen_version = version
        return self._subjects

    @staticmethod
    def _change(db: sqlite3.Connection, row: _Known, state: str, at: float) -> int:
        db.execute("INSERT INTO transitions (subject, at, state) VALUES (?, ?, ?)", (row.id, at, state))
        db.execute("UPDATE subjects SET state = ?, since = ? WHERE id = ?", (state, at, row.id))
        row.state = state
        return 1

    @staticmethod
    def _extend_span(db: sqlite3.Connection, at: float, interval: float) -> None:
        last = db.execute("SELECT id, until FROM spans ORDER BY until DESC LIMIT 1").fetchone()
        if last is not None and at <= last[1] + interval:
            db.execute("UPDATE spans SET until = MAX(until, ?), cycles = cycles + 1 WHERE id = ?",
                       (at + interval, last[0]))
        else:
            db.execute("INSERT INTO spans (start, until, cycles) VALUES (?, ?, 1)", (at, at + interval))

    @staticmethod
    def _series_ids(db: sqlite3.Connection, metrics: Mapping[tuple[str, str], float]) -> dict[tuple[str, str], int]:
        db.executemany("INSERT OR IGNORE INTO series (subject, metric) VALUES (?, ?)", list(metrics))
        rows = db.execute("SELECT id, subject, metric FROM series").fetchall()
        return {(subject, metric): id_ for id_, subject, metric in rows}

    def states(self) -> list[Standing]:
        return [Standing(Subject(kind, name, grp, site, bool(priority)), state, _dt(since))
                for kind, name, grp, site, priority, state, since in self._read(
                    "SELECT kind, name, grp, site, priority, state, since FROM subjects ORDER BY kind, name")]

    def watched_until(self) -> datetime | None:
        found = self._read("SELECT MAX(until) FROM spans")
        return _dt(found[0][0]) if found and found[0][0] is not None else None

    def uptimes(self, start: datetime, end: datetime) -> list[Uptime]:
        a, b = _ts(start), _ts(end)
        if b <= a:
            return []
        watched = _Watched(self._read("SELECT start, until FROM spans WHERE until > ? AND start < ? ORDER BY start",
                                      (a, b)), a, b)
        subjects = {id_: Subject(kind, name, grp, site, bool(priority)) for id_, kind, name, grp, site, priority
                    in self._read("SELECT id, kind, name, grp, site, priority FROM subjects")}
        # each subject's state at `a`: its last change at or before it (the index answers each in one step)
        state: dict[int, str] = dict(self._read(
            "SELECT s.id, (SELECT t.state FROM transitions t WHERE t.subject = s.id AND t.at <= ? "
            "ORDER BY t.at DESC LIMIT 1) FROM subjects s", (a,)))
        since = dict.fromkeys(subjects, a)
        up = dict.fromkeys(subjects, 0.0)
        down = dict.fromkeys(subjects, 0.0)
        for id_, at, new in self._read("SELECT subject, at, state FROM transitions WHERE at > ? AND at < ? "
                                       "ORDER BY subject, at", (a, b)):
            _count(state.get(id_), watched.between(since[id_], at), up, down, id_)
            state[id_], since[id_] = new, at
        for id_ in subjects:
            _count(state.get(id_), watched.between(since[id_], b), up, down, id_)
        return [Uptime(subjects[id_], up[id_], down[id_]) for id_ in subjects]

    def series(self, subject: str, metric: str, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
        rows = self._read("SELECT s.at, s.value FROM samples s JOIN series r ON r.id = s.series WHERE r.subject = ? "
                          "AND r.metric = ? AND s.at >= ? AND s.at < ? ORDER BY s.at",
                          (subject, metric, _ts(start), _ts(end)))
        return [(_dt(at), value) for at, value in rows]

    # --- hysteresis -----------------------------------------------------------------------------------------

    def conditions(self) -> dict[str, Condition]:
        return {key: Condition(key, recent, good, alert)
                for key, recent, good, alert in self._read("SELECT key, recent, good, alert FROM conditions")}

    def save_conditions(self, changed: Iterable[Condition]) -> None:
        keep, drop = [], []
        for condition in changed:
            if condition.clean:
                drop.append((condition.key,))
            else:
                keep.append((condition.key, condition.recent, condition.good, condition.alert))
        with self._transaction() as db:
            db.executemany("DELETE FROM conditions WHERE key = ?", drop)
            db.executemany("INSERT OR REPLACE INTO conditions (key, recent, good, alert) VALUES (?, ?, ?, ?)", keep)

    # --- alerts ---------------------------------------------------------------------------------------------

    def raise_alert(self, key: str, kind: str, subject: str, message: str, facts: Mapping[str, Any],
                    at: datetime) -> Alert:
        with self._transaction() as db:
            cursor = db.execute("INSERT INTO alerts (key, kind, subject, message, facts, raised_at) "
                                "VALUES (?, ?, ?, ?, ?, ?)", (key, kind, subject, message, json.dumps(dict(facts)),
                                                              _ts(at)))
        return self._alert(int(cursor.lastrowid or 0))

    def clear_alert(self, alert_id: int, at: datetime, message: str) -> Alert:
        with self._transaction() as db:
            db.execute("UPDATE alerts SET cleared_at = ?, clear_message = ? WHERE id = ? AND cleared_at IS NULL",
                       (_ts(at), message, alert_id))
        return self._alert(alert_id)

    def link_incident(self, alert_id: int, incident_id: int) -> None:
        with self._transaction() as db:
            db.execute("UPDATE alerts SET incident = ? WHERE id = ?", (incident_id, alert_id))

    def set_mail(self, alert_id: int, which: Literal["raised", "cleared"], result: str) -> None:
        column = "raise_mail" if which == "raised" else "clear_mail"
        with self._transaction() as db:
            db.execute(f"UPDATE alerts SET {column} = ? WHERE id = ?", (result, alert_id))

    def alerts(self, *, active: bool | None = None, unmailed: bool = False) -> list[Alert]:
        where = []
        if active is not None:
            where.append("cleared_at IS NULL" if active else "cleared_at IS NOT NULL")
        if unmailed:
            where.append("(raise_mail IS NULL OR (cleared_at IS NOT NULL AND clear_mail IS NULL))")
        sql = f"SELECT {ALERT_COLUMNS} FROM alerts" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id"
        return [_alert(row) for row in self._read(sql)]

    def alert(self, alert_id: int) -> Alert | None:
        rows = self._read(f"SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?", (alert_id,))
        return _alert(rows[0]) if rows else None

    def _alert(self, alert_id: int) -> Alert:
        found = self.alert(alert_id)
        if found is None:
            raise StoreError(f"the supervision store {self.path}: no alert {alert_id}")
        return found

    # --- incidents ------------------------------------------------------------------------------------------

    def open_incident(self, *, alert: int | None, kind: str, subject: str, severity: str, gtr: str | None,
                      summary: str, at: datetime, deadline: datetime | None, by: str) -> Incident:
        with self._transaction() as db:
            cursor = db.execute("INSERT INTO incidents (alert, kind, subject, severity, gtr, summary, opened_at, "
                                "deadline, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')",
                                (alert, kind, subject, severity, gtr, summary, _ts(at),
                                 None if deadline is None else _ts(deadline)))
            number = int(cursor.lastrowid or 0)
            db.execute("INSERT INTO incident_events (incident, at, who, action, note) VALUES (?, ?, ?, 'opened', ?)",
                       (number, _ts(at), by, summary))
        found = self.incident(number)
        assert found is not None
        return found

    def incident(self, incident_id: int) -> Incident | None:
        rows = self._read(f"SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = ?", (incident_id,))
        return _incident(rows[0]) if rows else None

    def incidents(self, states: Sequence[IncidentState] = INCIDENT_STATES) -> list[Incident]:
        marks = ", ".join("?" for _ in states)
        return [_incident(row) for row in self._read(f"SELECT {INCIDENT_COLUMNS} FROM incidents WHERE state IN "
                                                     f"({marks}) ORDER BY id", tuple(states))]

    def act(self, incident_id: int, action: str, at: datetime, who: str, note: str | None = None) -> Incident:
        when = _ts(at)
        with self._transaction() as db:
            if action == "acknowledged":
                db.execute("UPDATE incidents SET state = CASE state WHEN 'open' THEN 'acknowledged' ELSE state END, "
                           "acknowledged_at = COALESCE(acknowledged_at, ?), acknowledged_by = COALESCE("
                           "acknowledged_by, ?) WHERE id = ?", (when, who, incident_id))
            elif action == "restored":
                db.execute("UPDATE incidents SET state = 'restored', restored_at = COALESCE(restored_at, ?), "
                           "restored_by = COALESCE(restored_by, ?) WHERE id = ?", (when, who, incident_id))
            elif action == "reminded":
                db.execute("UPDATE incidents SET reminded_at = COALESCE(reminded_at, ?) WHERE id = ?",
                           (when, incident_id))
            db.execute("INSERT INTO incident_events (incident, at, who, action, note) VALUES (?, ?, ?, ?, ?)",
                       (incident_id, when, who, action, note))
        found = self.incident(incident_id)
        if found is None:
            raise StoreError(f"the supervision store {self.path}: no incident {incident_id}")
        return found

    def events(self, incident_id: int) -> list[IncidentEvent]:
        return [IncidentEvent(_dt(at), who, action, note) for at, who, action, note in self._read(
            "SELECT at, who, action, note FROM incident_events WHERE incident = ? ORDER BY at, rowid", (incident_id,))]


class _Watched:
    """The watched time of a period, as prefix sums: the watched seconds between two moments in O(log spans)."""

    def __init__(self, spans: Iterable[tuple[float, float]], a: float, b: float) -> None:
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.before: list[float] = []  # watched seconds before each span
        total = 0.0
        for start, until in spans:
            start, until = max(start, a), min(until, b)
            if self.ends and start < self.ends[-1]:  # overlapping spans (two watchers, a clock step back)
                start = self.ends[-1]
            if until <= start:
                continue
            self.starts.append(start)
            self.ends.append(until)
            self.before.append(total)
            total += until - start

    def upto(self, moment: float) -> float:
        index = bisect_right(self.starts, moment) - 1
        if index < 0:
            return 0.0
        return self.before[index] + min(moment, self.ends[index]) - self.starts[index]

    def between(self, start: float, end: float) -> float:
        return self.upto(end) - self.upto(start) if end > start else 0.0


def _count(state: str | None, seconds: float, up: dict[int, float], down: dict[int, float], id_: int) -> None:
    if state == "up":
        up[id_] += seconds
    elif state == "down":
        down[id_] += seconds


def _alert(row: Sequence[Any]) -> Alert:
    (id_, key, kind, subject, message, facts, raised_at, cleared_at, clear_message, incident, raise_mail,
     clear_mail) = row
    return Alert(id_, key, kind, subject, message, json.loads(facts), _dt(raised_at), _dt_or_none(cleared_at),
                 clear_message, incident, raise_mail, clear_mail)


def _incident(row: Sequence[Any]) -> Incident:
    (id_, alert, kind, subject, severity, gtr, summary, opened_at, deadline, state, acknowledged_at, acknowledged_by,
     restored_at, restored_by, reminded_at) = row
    return Incident(id_, alert, kind, subject, severity, gtr, summary, _dt(opened_at), _dt_or_none(deadline), state,
                    _dt_or_none(acknowledged_at), acknowledged_by, _dt_or_none(restored_at), restored_by,
                    _dt_or_none(reminded_at))



def _dt_or_none(value: float | None) -> datetime | None:
    return None if value is None else _dt(value)

