"""How long the offline commands take to start, each against `python -c pass` in the same run.

An engineer types `wifiops window check` or `wifiops parse` many times a day; none of them opens a session,
so none should pay for importing netmiko, nornir, the lab or the web page. Each command runs as a whole
process (the installed `wifiops` entry point's interpreter), alternating with the bare interpreter so the
machine's drift hits both alike; the median of RUNS wall times of each, and their ratio, side by side.
The aim (issue 26): every one under 0.25 s on the machine that runs the tests.

With --baseline DIR, another checkout of wifiops (`git worktree add DIR <commit>`) runs the same commands in
the same alternation (its code first on PYTHONPATH), so a before and an after are measured under one load.

Run: .venv/bin/python benchmarks/bench_start.py [--runs N] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "tests" / "real"
CONFIG = REAL / "configs" / "netutils-issue795-8.10-md-running-config-head.cfg"
OTHER = REAL / "configs" / "oxidized-7210-8.10.0.7-running-config.cfg"
SHOW = REAL / "shows" / "show-ap-database.ntc.txt"

COMMANDS: list[tuple[str, list[str]]] = [
    ("--help", ["--help"]),
    ("window check", ["window", "check", "2026-12-08 22:00", "--approved-on", "2026-11-02"]),
    ("inventory check", ["inventory", "check"]),
    ("parse", ["parse", "show ap database", str(SHOW)]),
    ("config diff", ["config", "diff", str(CONFIG), str(OTHER)]),
]


def wall(argv: list[str], pythonpath: str | None = None) -> float:
    """Wall seconds of one run; its CPU seconds (user + system) are added to CPU[label of the run]."""
    env = {**os.environ, "COLUMNS": "80"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()  # the baseline runs in its own folder: `python -m` puts the folder first on sys.path
    subprocess.run(argv, cwd=pythonpath or REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, check=False)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)
    return took


LAST_CPU = [0.0]  # CPU seconds of the last run: less moved by a busy machine than its wall time
CPU_BARE: list[float] = []  # CPU seconds of each `python -c pass`


def compiled(tree: Path) -> None:
    """Bytecode written for every module of `tree`, as `pip install` writes it: a checkout run with
    PYTHONDONTWRITEBYTECODE set (or a fresh worktree) would otherwise compile its changed modules at every start,
    and a before/after would measure the compiler."""
    for package in ("wifiops", "tasks"):
        if (tree / package).is_dir():
            compileall.compile_dir(tree / package, quiet=1, force=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", type=Path, help="another wifiops checkout to measure alongside")
    args = parser.parse_args()
    python = sys.executable
    bare = [python, "-c", "pass"]
    base_dir = str(args.baseline.resolve()) if args.baseline else None
    for tree in [REPO, *([args.baseline.resolve()] if args.baseline else [])]:
        compiled(tree)
    print(f"median of {args.runs} runs each, wall seconds; `python` is `{python} -c pass`")
    head = f"{'command':<16} {'wifiops':>8} {'python':>7} {'ratio':>6}"
    print(head + (f" {'baseline':>9} {'ratio':>6} {'after/before':>12}" if base_dir else "") + "  < 0.25 s  cpu s")
    for label, args_ in COMMANDS:
        argv = [python, "-m", "wifiops", *args_]
        # With a baseline, this checkout runs as the baseline does (its folder on PYTHONPATH and as the working
        # folder): an extra path searched by every import would otherwise weigh on one side only.
        ours_dir = str(REPO) if base_dir else None
        wall(argv, ours_dir), wall(bare)  # warm the page cache
        if base_dir:
            wall(argv, base_dir)
        ours, base, before, cpu, cpu_before = [], [], [], [], []
        for _ in range(args.runs):
            ours.append(wall(argv, ours_dir))
            cpu.append(LAST_CPU[0])
            base.append(wall(bare))
            CPU_BARE.append(LAST_CPU[0])
            if base_dir:
                before.append(wall(argv, base_dir))
                cpu_before.append(LAST_CPU[0])
        a, b = statistics.median(ours), statistics.median(base)
        line = f"{label:<16} {a:8.3f} {b:7.3f} {a / b:6.1f}"
        if base_dir:
            c = statistics.median(before)
            line += f" {c:9.3f} {c / b:6.1f} {a / c:12.2f}"
        cpu_note = f"cpu {statistics.median(cpu):.3f}" + (f" (before {statistics.median(cpu_before):.3f})"
                                                          if base_dir else "")
        print(line + f"  {'yes' if a < 0.25 else 'no':>8}  {cpu_note}")
    # On a loaded machine every wall time stretches; the CPU seconds less so: their ratio to the bare
    # interpreter's is the figure to compare between machines.
    print(f"`python -c pass`: cpu {statistics.median(CPU_BARE):.3f} s (median)")


if __name__ == "__main__":
    main()
