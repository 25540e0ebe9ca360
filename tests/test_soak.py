"""Soak (issue 6): six `wifiops show` processes at once on every host, each host behind its own latency
and jitter from 0 to 1,000 ms. Every answer must be the one its own command gets on an idle link: no
empty answer where the device printed something, no "ok" for an answer that was not received."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LATENCY = {"mm-1": "0", "mm-2": "150", "mm-3": "0-1000", "mm-4": "1000", "mc-1": "0-300", "mc-2": "300-1000"}
COMMANDS = ["show hostname", "show inventory", "show switches", "show license", "show hostname", "show running-config"]


def run_show(config: Path, command: str) -> tuple[int, dict]:
    done = subprocess.run([sys.executable, "-m", "wifiops", "--config", str(config), "show", command, "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**os.environ, "WIFIOPS_CONFIG": str(config)})
    return done.returncode, json.loads(done.stdout) if done.stdout else {"stderr": done.stderr}


def answers(report: dict) -> dict[str, str]:
    return {r["host"]: r["output"] for r in report["results"] if r["ok"]}


def test_six_concurrent_runs_behind_slow_jittery_links(fresh_lab, tmp_path: Path) -> None:
    config = tmp_path / "wifiops.yaml"
    config.write_text(f"inventory: {fresh_lab.inventory_dir}\nrun_dir: {tmp_path / 'runs'}\n"
                      f"secrets_file: {tmp_path / 'none.yaml'}\ntimeout: 20\n")
    with ThreadPoolExecutor(max_workers=6) as pool:  # the answers on an idle link, one run per command
        idle = dict(zip(COMMANDS, pool.map(lambda c: run_show(config, c), COMMANDS)))
    for command, (code, report) in idle.items():
        assert code == 0, report
        assert len(answers(report)) == 6 and all(answers(report).values()), command

    for host, latency in LATENCY.items():
        fresh_lab.fault(host, "slow", latency)
    with ThreadPoolExecutor(max_workers=6) as pool:
        loaded = list(pool.map(lambda c: run_show(config, c), COMMANDS))

    for command, (code, report) in zip(COMMANDS, loaded):
        assert code == 0, f"{command}: {report}"
        got = answers(report)
        assert sorted(got) == sorted(LATENCY), f"{command}: some host did not answer: {report}"
        for host, text in got.items():
            assert text == answers(idle[command][1])[host], f"{command} on {host} got another answer: {text[:80]!r}"
        if command == "show hostname":
            assert all(got[host] == f"Hostname is {host}" for host in got)
