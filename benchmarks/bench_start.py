"""How long the offline commands take to start, each against `python -c pass` in the same run.

An engineer types `wifiops window check` or `wifiops parse` many times a day; none of them opens a session,
so none should pay for importing netmiko, nornir, the lab or the web page. Each command runs as a whole
process (the installed `wifiops` entry point's interpreter), alternating with the bare interpreter so the
machine's drift hits both alike; the median of RUNS wall times of each, and their ratio, side by side.
The aim (issue 26): every one under 0.25 s on the machine that runs the tests.

Run: .venv/bin/python benchmarks/bench_start.py [RUNS]
"""

from __future__ import annotations

import os
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


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "COLUMNS": "80"}, check=False)
    return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    python = sys.executable
    bare = [python, "-c", "pass"]
    print(f"median of {runs} runs each, wall seconds; `python` is `{python} -c pass`")
    print(f"{'command':<18} {'wifiops':>8} {'python':>8} {'ratio':>6}  {'< 0.25 s':>8}")
    for label, args in COMMANDS:
        argv = [python, "-m", "wifiops", *args]
        wall(argv), wall(bare)  # warm the page cache
        ours, base = [], []
        for _ in range(runs):
            ours.append(wall(argv))
            base.append(wall(bare))
        a, b = statistics.median(ours), statistics.median(base)
        print(f"{label:<18} {a:8.3f} {b:8.3f} {a / b:6.1f}  {'yes' if a < 0.25 else 'no':>8}")


if __name__ == "__main__":
    main()
