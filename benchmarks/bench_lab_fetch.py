"""Fetch every aruba_os host's `show running-config` from the Louvre lab, four ways, side by side:
wifiops' own job (WifiopsInventory + aos8 session, 10 workers), nornir + nornir_netmiko (10 workers),
a plain sequential netmiko loop, and a raw asyncssh client (10 concurrent). Median of 3 runs each, first on
an idle loopback, then with 150 ms of latency before every answer (the lab's `slow 150`: a VPN and a
bastion away). Each way's answers under latency are compared with its own idle answers: "wrong" counts
hosts whose text differs in length (an empty answer, or another command's) or that failed.

Run: .venv/bin/python benchmarks/bench_lab_fetch.py
The lab runs in-process on free ports (wifiops.lab.testing).
"""

from __future__ import annotations

import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncssh
from nornir import InitNornir
from nornir_netmiko.tasks import netmiko_send_command

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netmiko import ConnectHandler  # noqa: E402

from wifiops.engine.show import collect  # noqa: E402
from wifiops.lab.testing import LAB_INVENTORY, RunningLab  # noqa: E402
from wifiops.settings import Settings  # noqa: E402

WORKERS = 10
PROMPT = re.compile(r"\([\w.:@-]+\) [\^*]?(\[[^\]]+\] )?#$")


Sizes = dict[str, int | None]  # host -> length of the running-config read; None when the host failed


def fetch_nornir(inventory: Path, password: str) -> Sizes:
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": WORKERS}},
        inventory={"plugin": "SimpleInventory", "options": {
            "host_file": str(inventory / "hosts.yaml"), "group_file": str(inventory / "groups.yaml"),
            "defaults_file": str(inventory / "defaults.yaml")}},
        logging={"enabled": False})
    nr.inventory.defaults.password = password  # the inventory keeps no password (the secrets file does)
    nr = nr.filter(platform="aruba_os")
    result = nr.run(task=netmiko_send_command, command_string="show running-config")
    for host in nr.inventory.hosts.values():  # close the cached connections, as a playbook run would
        host.close_connections()
    return {h: None if r.failed else len(r[0].result) for h, r in result.items()}


def fetch_wifiops(inventory: Path, scratch: Path) -> Sizes:
    settings = Settings(root=scratch, run_dir=scratch / "runs", secrets_file=scratch / "none.yaml",
                        workers=WORKERS)
    report = collect(settings, "show running-config", inventory=inventory)
    return {r.host: len(r.output) if r.ok else None for r in report.results}


def fetch_netmiko_loop(lab: RunningLab) -> Sizes:
    sizes: Sizes = {}
    for host in lab.ports:
        try:
            with ConnectHandler(**lab.device_params(host)) as conn:
                sizes[host] = len(conn.send_command("show running-config"))
        except Exception:  # noqa: BLE001 - a benchmark counts failures, it does not stop on them
            sizes[host] = None
    return sizes


async def _one(address: str, port: int, user: str, password: str) -> int:
    async with asyncssh.connect(address, port=port, username=user, password=password, known_hosts=None) as conn:
        proc = await conn.create_process(term_type="vt100")
        buf = ""

        async def until_prompt() -> str:
            nonlocal buf
            while True:
                lines = buf.rstrip("\r\n").split("\r\n")
                if PROMPT.search(lines[-1]) and buf.endswith("#"):
                    out, buf = buf, ""
                    return out
                buf += await proc.stdout.read(65536)

        await until_prompt()
        proc.stdin.write("no paging\r")
        await until_prompt()
        proc.stdin.write("show running-config\r")
        out = await until_prompt()
        proc.stdin.write("exit\r")
        proc.close()
        return len(out)


async def fetch_asyncssh(lab: RunningLab) -> Sizes:
    user, password = lab.credentials
    sem = asyncio.Semaphore(WORKERS)

    async def guarded(host: str) -> tuple[str, int | None]:
        async with sem:
            return host, await _one(lab.address, lab.port(host), user, password)

    return dict(await asyncio.gather(*(guarded(h) for h in lab.ports)))


def median_time(fn, *args) -> tuple[float, Sizes]:
    times, sizes = [], {}
    for _ in range(3):
        t0 = time.perf_counter()
        sizes = fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), sizes


def measure(lab: RunningLab, scratch: Path) -> list[tuple[str, float, Sizes]]:
    _, password = lab.credentials
    return [("wifiops show job (aos8 session), 10 workers", *median_time(fetch_wifiops, lab.inventory_dir, scratch)),
            ("nornir + nornir_netmiko, 10 workers", *median_time(fetch_nornir, lab.inventory_dir, password)),
            ("plain netmiko loop, sequential", *median_time(fetch_netmiko_loop, lab)),
            ("raw asyncssh, 10 concurrent", *median_time(lambda: asyncio.run(fetch_asyncssh(lab))))]


def report(title: str, rows: list[tuple[str, float, Sizes]], truth: list[tuple[str, float, Sizes]]) -> None:
    raw = rows[-1][1]
    print(title)
    for (label, seconds, sizes), (_, _, idle) in zip(rows, truth):
        wrong = sum(1 for host, size in idle.items() if size is None or sizes.get(host) != size)
        print(f"  {label:<46} {seconds:7.3f} s   {seconds / raw:5.1f}x raw asyncssh   wrong: {wrong}/{len(idle)}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        lab = RunningLab(LAB_INVENTORY, Path(tmp) / "inventory")
        started = time.perf_counter() - start
        try:
            idle = measure(lab, Path(tmp))
            for host in lab.ports:
                lab.fault(host, "slow", 150)
            slow = measure(lab, Path(tmp))
        finally:
            lab.close()
    sizes = idle[0][2]
    print(f"lab start ({len(lab.ports)} devices): {started:.2f} s")
    print(f"fetching show running-config from {len(sizes)} hosts ({sum(v or 0 for v in sizes.values())} chars), "
          "median of 3:")
    report("no latency:", idle, idle)
    report("150 ms before every answer (lab fault slow 150):", slow, idle)
    print(f"  wifiops vs plain netmiko loop, no latency: {idle[2][1] / idle[0][1]:.1f}x faster")


if __name__ == "__main__":
    main()
