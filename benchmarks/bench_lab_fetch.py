"""Fetch every aruba_os host's `show running-config` from the Louvre lab, four ways, side by side:
wifiops' own job (WifiopsInventory + aos8 session, 10 workers), nornir + nornir_netmiko (10 workers),
a plain sequential netmiko loop, and a raw asyncssh client (10 concurrent). Median of 3 runs each, first on
an idle loopback, then with 150 ms of latency before every answer (the lab's `slow 150`: a VPN and a
bastion away). Every answer of every way is checked against the truth: the configuration the lab holds for
that host, as the lab itself renders it (echo, prompt and line ends taken off each client's text, so every
way is judged on the same body). "wrong" counts hosts whose answer is not that configuration, or failed; a
way whose answers are all wrong is labelled so in the table instead of getting a ratio.

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
from wifiops.estate import Estate

WORKERS = 10
PROMPT = re.compile(r"\([\w.:@-]+\) [\^*]?(\[[^\]]+\] )?#$")


Sizes = dict[str, str | None]  # host -> the running-config read (its body); None when the host failed


def fetch_nornir(inventory: Path, password: str, served: set[str]) -> Sizes:
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": WORKERS}},
        inventory={"plugin": "SimpleInventory", "options": {
            "host_file": str(inventory / "hosts.yaml"), "group_file": str(inventory / "groups.yaml"),
            "defaults_file": str(inventory / "defaults.yaml")}},
        logging={"enabled": False})
    nr.inventory.defaults.password = password  # the inventory keeps no password (the secrets file does)
    nr = nr.filter(filter_func=lambda h: h.platform == "aruba_os" and h.name in served)  # planned hosts are not served
    result = nr.run(task=netmiko_send_command, command_string="show running-config")
    for host in nr.inventory.hosts.values():  # close the cached connections, as a playbook run would
        host.close_connections()
    return {h: None if r.failed else body(r[0].result) for h, r in result.items()}


def fetch_wifiops(inventory: Path, scratch: Path) -> Sizes:
    settings = Settings(root=scratch, run_dir=scratch / "runs", secrets_file=scratch / "none.yaml",
                        workers=WORKERS)
    report = collect(Estate.open(settings, inventory), "show running-config")
    return {r.host: body(r.output) if r.ok else None for r in report.results}


def fetch_netmiko_loop(lab: RunningLab) -> Sizes:
    sizes: Sizes = {}
    for host in lab.ports:
        try:
            with ConnectHandler(**lab.device_params(host)) as conn:
                sizes[host] = body(conn.send_command("show running-config"))
        except Exception:  # noqa: BLE001 - a benchmark counts failures, it does not stop on them
            sizes[host] = None
    return sizes


async def _one(address: str, port: int, user: str, password: str) -> str:
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
        return body(out, echo="show running-config")


async def fetch_asyncssh(lab: RunningLab) -> Sizes:
    user, password = lab.credentials
    sem = asyncio.Semaphore(WORKERS)

    async def guarded(host: str) -> tuple[str, int | None]:
        async with sem:
            return host, await _one(lab.address, lab.port(host), user, password)

    return dict(await asyncio.gather(*(guarded(h) for h in lab.ports)))


def body(text: str, echo: str | None = None) -> str:
    """The answer's configuration alone: line ends normalised, the echoed command and the prompt taken off
    (a raw client keeps both; netmiko and wifiops drop them), trailing blanks of each line kept."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if echo is not None and lines and lines[0].strip() == echo:
        lines = lines[1:]
    if lines and PROMPT.search(lines[-1]):
        lines = lines[:-1]
    return "\n".join(lines).strip("\n")


def truth(lab: RunningLab) -> dict[str, str]:
    """What each host's `show running-config` must print: the lab's own rendering of its configuration
    (the device's model, not any client's reading of it)."""
    core = lab.core
    return {host: "\n".join(core.db.running_config(core.device_chain(lab.estate.device(host)), encrypt=True))
            for host in lab.ports}


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
            ("nornir + nornir_netmiko, 10 workers", *median_time(fetch_nornir, lab.inventory_dir, password, set(lab.ports))),
            ("plain netmiko loop, sequential", *median_time(fetch_netmiko_loop, lab)),
            ("raw asyncssh, 10 concurrent", *median_time(lambda: asyncio.run(fetch_asyncssh(lab))))]


def report(title: str, rows: list[tuple[str, float, Sizes]], expected: dict[str, str]) -> None:
    raw_label, raw, raw_sizes = rows[-1]
    raw_ok = all(raw_sizes.get(h) == text for h, text in expected.items())
    print(title)
    for label, seconds, sizes in rows:
        wrong = sum(1 for host, text in expected.items() if sizes.get(host) != text)
        if wrong == len(expected):
            empty = sum(1 for host in expected if not sizes.get(host))
            print(f"  {label:<46} {seconds:7.3f} s   every answer wrong ({empty} empty or failed): no ratio")
            continue
        ratio = f"{seconds / raw:5.1f}x raw asyncssh" if raw_ok else "   (raw floor wrong)"
        print(f"  {label:<46} {seconds:7.3f} s   {ratio}   wrong: {wrong}/{len(expected)}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        lab = RunningLab(LAB_INVENTORY, Path(tmp) / "inventory")
        started = time.perf_counter() - start
        try:
            expected = truth(lab)
            idle = measure(lab, Path(tmp))
            for host in lab.ports:
                lab.fault(host, "slow", 150)
            slow = measure(lab, Path(tmp))
        finally:
            lab.close()
    print(f"lab start ({len(lab.ports)} devices): {started:.2f} s")
    print(f"fetching show running-config from {len(expected)} hosts ({sum(map(len, expected.values()))} chars), "
          "median of 3, each answer checked against the lab's own configuration:")
    report("no latency:", idle, expected)
    report("150 ms before every answer (lab fault slow 150):", slow, expected)
    print(f"  wifiops vs plain netmiko loop, no latency: {idle[2][1] / idle[0][1]:.1f}x faster")


if __name__ == "__main__":
    main()
