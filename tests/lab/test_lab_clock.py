"""The lab's live clock (issue 7, item 6): `show clock`, `show version`'s uptime, AP uptimes and user ages
advance with the lab's time, read over real SSH with netmiko. No test sleeps: the lab clock is injected
(`LabCore(clock=...)`, `core.clock.advance(...)`), held still while two answers are compared.
"""

from __future__ import annotations

import asyncio
import calendar
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from netmiko import ConnectHandler

from wifiops.lab.core import STATE_FILE, LabCore, load_state
from wifiops.lab.opdata import LabClock
from wifiops.lab.server import LabServer

T0 = 1795858200.0  # 2026-11-28 09:30:00 UTC
CLOCK_RE = re.compile(r"^(\w{3}) (\w{3}) (\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) (\w+) (\d{4})$")
UPTIME_RE = re.compile(r"^Switch uptime is (\d+) days (\d+) hours (\d+) minutes (\d+) seconds$", re.M)


def seconds_of_ap_uptime(cell: str) -> int:
    """`Up 2d:17h:8m:4s` -> seconds."""
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([dhms])", cell))


def clock_epoch(text: str) -> float:
    """`show clock` (CET) -> epoch seconds."""
    m = CLOCK_RE.match(text.strip())
    assert m, text
    _, mon, day, hh, mm, ss, ms, tz, year = m.groups()
    assert tz == "CET"
    local = time.strptime(f"{year} {mon} {day} {hh}:{mm}:{ss}", "%Y %b %d %H:%M:%S")
    return calendar.timegm(local) - 3600 + int(ms) / 1000


def version_uptime(text: str) -> int:
    d, h, m, s = map(int, UPTIME_RE.search(text).groups())
    return ((d * 24 + h) * 60 + m) * 60 + s


def ap_uptimes(text: str) -> dict[str, int]:
    return {m.group(1): seconds_of_ap_uptime(m.group(2))
            for m in re.finditer(r"^(\S+)\s+\S+\s+\d+\w*\s+[\d.]+\s+(Up \S+)", text, re.M)}


def user_ages(text: str) -> dict[str, int]:
    """MAC -> age in minutes, from `show user-table` rows."""
    ages = {}
    for m in re.finditer(r"^\S+\s+([0-9a-f:]{17})\s+.*?\s(\d\d):(\d\d):(\d\d)\s", text, re.M):
        d, h, mi = map(int, m.groups()[1:])
        ages[m.group(1)] = (d * 24 + h) * 60 + mi
    return ages


@pytest.fixture
def held(fresh_lab) -> Iterator[LabClock]:
    clock = fresh_lab.core.clock
    clock.hold()
    try:
        yield clock
    finally:
        clock.release()


def read(lab, host: str, *commands: str) -> list[str]:
    with ConnectHandler(**lab.device_params(host)) as conn:
        return [conn.send_command(c, read_timeout=30) for c in commands]


def test_clock_uptimes_and_ages_advance_with_the_lab_clock(fresh_lab, held):
    commands = ("show clock", "show version", "show ap database", "show user-table")
    before = read(fresh_lab, "mc-1", *commands)
    held.advance(3661)
    after = read(fresh_lab, "mc-1", *commands)
    assert clock_epoch(after[0]) - clock_epoch(before[0]) == pytest.approx(3661, abs=0.01)
    assert version_uptime(after[1]) - version_uptime(before[1]) == 3661
    ups_before, ups_after = ap_uptimes(before[2]), ap_uptimes(after[2])
    assert len(ups_before) == 358 and ups_before.keys() == ups_after.keys()
    assert {ups_after[name] - ups_before[name] for name in ups_before} == {3661}
    ages_before, ages_after = user_ages(before[3]), user_ages(after[3])
    assert len(ages_before) > 4000
    assert {ages_after[mac] - ages_before[mac] for mac in ages_before} <= {61, 62}  # minutes, floored


def test_the_lab_clock_is_real_time_by_default(fresh_lab):
    """Started now, a lab reads now: `show clock` is the wall clock, not a date frozen in the code."""
    (out,) = read(fresh_lab, "mm-1", "show clock")
    assert abs(clock_epoch(out) - (time.time() + fresh_lab.core.clock.offset)) < 5
    clock = LabClock()
    assert abs(clock() - time.time()) < 1


def test_uptimes_never_exceed_the_aps_and_users_never_outlast_their_ap(fresh_lab):
    """Every user associated after its AP booted: an AP up ten minutes has no user of five hours."""
    ops = fresh_lab.core.ops
    for client in ops.clients:
        assert client.since >= ops.ap_state[client.ap].boot


class Served:
    """A LabCore served over SSH on free ports, in a thread (a lab resumed from its state)."""

    def __init__(self, core: LabCore) -> None:
        self.core = core
        self.server = LabServer(core)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        listening = asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(30)
        self.ports = {entry.name: entry.port for entry in listening}

    def show(self, host: str, command: str) -> str:
        device = self.core.estate.device(host)
        with ConnectHandler(device_type="aruba_os", host="127.0.0.1", port=self.ports[host],
                            username=device.username, password=device.password) as conn:
            return conn.send_command(command, read_timeout=30)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


def test_a_saved_lab_resumed_later_keeps_counting(lab, tmp_path: Path):
    """state.json records boot and association instants, not durations: a lab stopped and resumed a day
    later shows uptimes a day longer."""
    first = LabCore(lab.estate, clock=LabClock.frozen(T0))
    first.save(tmp_path)
    state = json.loads((tmp_path / STATE_FILE).read_text())
    assert "clock" not in state["ops"]
    name = first.ops.aps[0].name
    assert state["ops"]["ap_state"][name]["boot"] == first.ops.ap_state[name].boot < T0
    resumed = Served(LabCore(lab.estate, load_state(tmp_path), clock=LabClock.frozen(T0 + 86400)))
    try:
        uptime_then = ap_uptimes(first.render_show(lab.estate.device("mm-1"), "show ap database"))
        uptime_now = ap_uptimes(resumed.show("mm-1", "show ap database"))
        assert {uptime_now[n] - uptime_then[n] for n in uptime_then} == {86400}
        version_then = version_uptime(first.render_show(lab.estate.device("mc-1"), "show version"))
        assert version_uptime(resumed.show("mc-1", "show version")) - version_then == 86400
    finally:
        resumed.close()


def test_state_saved_before_the_live_clock_still_loads(lab, tmp_path: Path):
    """An older state.json has a frozen `clock`; its boot instants are kept and the key is ignored."""
    core = LabCore(lab.estate, clock=LabClock.frozen(T0))
    snapshot = core.snapshot()
    snapshot["ops"]["clock"] = T0
    (tmp_path / STATE_FILE).write_text(json.dumps(snapshot))
    resumed = LabCore(lab.estate, load_state(tmp_path), clock=LabClock.frozen(T0 + 60))
    name = core.ops.aps[0].name
    assert resumed.ops.ap_state[name].boot == core.ops.ap_state[name].boot
