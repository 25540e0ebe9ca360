"""Fetch every aruba_os host's `show running-config` from the Louvre lab: nornir+netmiko vs raw asyncssh.

Run: .venv/bin/python benchmarks/bench_lab_fetch.py
The lab runs in-process on free ports (wifiops.lab.testing); both clients use 10 concurrent workers.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path

import asyncssh
from nornir import InitNornir
from nornir_netmiko.tasks import netmiko_send_command

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wifiops.lab.testing import LAB_INVENTORY, RunningLab  # noqa: E402

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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        lab = RunningLab(LAB_INVENTORY, Path(tmp) / "inventory")
        started = time.perf_counter() - start
        try:
            t0 = time.perf_counter()
            sizes = fetch_nornir(lab.inventory_dir)
            t_nornir = time.perf_counter() - t0
            t0 = time.perf_counter()
            raw = asyncio.run(fetch_asyncssh(lab))
            t_raw = time.perf_counter() - t0
        finally:
            lab.close()
    print(f"lab start ({len(lab.ports)} devices): {started:.2f} s")
    print(f"nornir + nornir_netmiko, {WORKERS} workers: {t_nornir:.2f} s for {len(sizes)} hosts "
          f"({sum(sizes.values())} chars)")
    print(f"raw asyncssh, {WORKERS} concurrent:       {t_raw:.3f} s for {len(raw)} hosts "
          f"({sum(raw.values())} chars)")
    print(f"ratio nornir/asyncssh: {t_nornir / t_raw:.0f}x")


if __name__ == "__main__":
    main()
