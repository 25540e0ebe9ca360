"""Fetch every aruba_os host's `show running-config` from the Louvre lab, four ways, side by side:
wifiops' own job (WifiopsInventory + aos8 session, 10 workers), nornir + nornir_netmiko (10 workers),
a plain sequential netmiko loop, and a raw asyncssh client (10 concurrent). Median of 3 runs each.

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


def fetch_nornir(inventory: Path) -> dict[str, int]:
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": WORKERS}},
        inventory={"plugin": "SimpleInventory", "options": {
            "host_file": str(inventory / "hosts.yaml"), "group_file": str(inventory / "groups.yaml"),
            "defaults_file": str(inventory / "defaults.yaml")}},
        logging={"enabled": False})
    nr = nr.filter(platform="aruba_os")
    result = nr.run(task=netmiko_send_command, command_string="show running-config")
    failed = [h for h, r in result.items() if r.failed]
    if failed:
        raise SystemExit(f"nornir failed on {failed}: {result[failed[0]].exception}")
    for host in nr.inventory.hosts.values():  # close the cached connections, as a playbook run would
        host.close_connections()
    return {h: len(r[0].result) for h, r in result.items()}


def fetch_wifiops(inventory: Path, scratch: Path) -> dict[str, int]:
    settings = Settings(root=scratch, run_dir=scratch / "runs", secrets_file=scratch / "none.yaml",
                        workers=WORKERS)
    report = collect(settings, "show running-config", inventory=inventory)
    if report.failed:
        raise SystemExit(f"wifiops failed on {report.failed}")
    return {r.host: len(r.output) for r in report.results}


def fetch_netmiko_loop(lab: RunningLab) -> dict[str, int]:
    sizes = {}
    for host in lab.ports:
        with ConnectHandler(**lab.device_params(host)) as conn:
            sizes[host] = len(conn.send_command("show running-config"))
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


async def fetch_asyncssh(lab: RunningLab) -> dict[str, int]:
    user, password = lab.credentials
    sem = asyncio.Semaphore(WORKERS)

    async def guarded(host: str) -> tuple[str, int]:
        async with sem:
            return host, await _one(lab.address, lab.port(host), user, password)

    return dict(await asyncio.gather(*(guarded(h) for h in lab.ports)))


def median_time(fn, *args) -> tuple[float, dict[str, int]]:
    times, sizes = [], {}
    for _ in range(3):
        t0 = time.perf_counter()
        sizes = fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), sizes


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        lab = RunningLab(LAB_INVENTORY, Path(tmp) / "inventory")
        started = time.perf_counter() - start
        try:
            t_wifiops, sizes = median_time(fetch_wifiops, lab.inventory_dir, Path(tmp))
            t_nornir, _ = median_time(fetch_nornir, lab.inventory_dir)
            t_loop, _ = median_time(fetch_netmiko_loop, lab)
            t_raw, raw = median_time(lambda: asyncio.run(fetch_asyncssh(lab)))
        finally:
            lab.close()
    print(f"lab start ({len(lab.ports)} devices): {started:.2f} s")
    print(f"fetching show running-config from {len(sizes)} hosts ({sum(sizes.values())} chars), median of 3:")
    rows = [("wifiops show job (aos8 session), 10 workers", t_wifiops),
            ("nornir + nornir_netmiko, 10 workers", t_nornir),
            ("plain netmiko loop, sequential", t_loop),
            ("raw asyncssh, 10 concurrent", t_raw)]
    for label, seconds in rows:
        print(f"  {label:<46} {seconds:7.3f} s   {seconds / t_raw:5.1f}x raw asyncssh")
    print(f"  wifiops vs plain netmiko loop: {t_loop / t_wifiops:.1f}x faster")


if __name__ == "__main__":
    main()
