"""The statistics' side of the store: connections counted per SSID, device type, zone, site and session length.

Count, do not track: a sample is numbers per key (an SSID, a fingerprint, a zone), never a client. The MACs that
tell the clients of a cluster apart live in memory for the length of one count (wifiops.engine.stats) and are
never handed to the store, so no MAC, IP or user name can be kept, however long the figures are.

What is kept, per sample: its total and each key's count, added into the hour and the local day it falls in
(samples, sum of counts, peak; and when the total peaked). A mean over any period is then the sums of its days
and hours divided by their samples, and its peak the largest of their peaks: a year is 365 day rows per key
instead of 35,000 samples (wifiops.store.sqlite_stats; benchmarks/bench_stats.py). The last sample is also kept
whole, for the staff page's "now".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol

Dimension = Literal["ssid", "device", "type", "os", "zone", "site", "session", "portal"]
# ssid: the ESSID; device: the controller's fingerprint (`Type`: iPhone, Win 10...); type and os: the terminal type
# and OS of that fingerprint (wifiops/aos8/devicetypes.yaml, as it read when counted); zone: `<site>/<zone>` of
# the client's AP in the inventory; site: the AP's site; session: the connection's age (wifiops.engine.stats
# SESSION_BUCKETS); portal: `within` or `over` the portal's session limit, for clients of a captive-portal SSID.
DIMENSIONS: tuple[Dimension, ...] = ("ssid", "device", "type", "os", "zone", "site", "session", "portal")


@dataclass(frozen=True)
class ClientSample:
    """One count of the connected clients: `clients` in all, and per dimension, per key, how many."""

    at: datetime
    clients: int
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Tally:
    """One key over a period: its mean over the period's samples (a sample without it counts 0) and its peak."""

    key: str
    mean: float
    peak: int


@dataclass(frozen=True)
class Slot:
    """One hour or one local day of the total: its samples, mean and peak, and when it peaked."""

    start: datetime
    samples: int
    mean: float
    peak: int
    peak_at: datetime | None


@dataclass(frozen=True)
class Totals:
    """The total over a period: samples, mean, peak and when."""

    samples: int
    mean: float
    peak: int
    peak_at: datetime | None


class StatisticsStore(Protocol):
    def record_clients(self, sample: ClientSample, *, timezone: str, retention_days: int) -> None:
        """Add one sample to its hour and its day (in `timezone`); forget figures older than `retention_days`."""

    def last_clients(self) -> ClientSample | None:
        """The last sample as it was counted (the staff page's now), or None before the first."""

    def client_totals(self, start: datetime, end: datetime, *, timezone: str) -> Totals:
        """Samples, mean and peak of the total between `start` and `end` (whole hours: a sample counts in its
        hour, an hour in the period when it starts in it)."""

    def client_counts(self, dimension: Dimension, start: datetime, end: datetime, *, timezone: str) -> list[Tally]:
        """Each key of a dimension over the period, its mean and peak, largest mean first."""

    def client_hours(self, start: datetime, end: datetime) -> list[Slot]:
        """The total hour by hour (the hours sampled), oldest first."""

    def client_days(self, first: date, last: date, *, timezone: str) -> list[Slot]:
        """The total day by day, local days (of `timezone`, as recorded) `first` to `last` included (the days
        sampled), oldest first; each slot starts at its local midnight."""
