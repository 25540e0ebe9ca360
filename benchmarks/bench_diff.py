"""The diff engine on two 20,000-line configurations (about 3,000 profiles, a few per cent changed):
wifiops' ArubaOS 8 driver (normalise, load both, remediation, rollback, ordered bodies), beside
hier-config's generic driver on the same text where it can run. Median of 5.

Run: .venv/bin/python benchmarks/bench_diff.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from hier_config import Platform, WorkflowRemediation, get_hconfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wifiops.aos8.hconfig import normalise, plan  # noqa: E402

PROFILES = 1000  # x (ssid-profile 4 lines + aaa profile 4 + virtual-ap 6 + acl 6) = 20,000 lines with `!`


def config(changed: bool) -> str:
    lines: list[str] = []
    for i in range(PROFILES):
        opmode = "wpa3-aes-ccm-128" if changed and i % 25 == 0 else "wpa2-aes"
        lines += [f'wlan ssid-profile "ssid-{i}" ', f'    essid "SSID_{i}" ', f"    opmode {opmode} ", "!"]
        lines += [f'aaa profile "aaa-{i}" ', '    dot1x-default-role "authenticated" ',
                  '    dot1x-server-group "sg-clearpass" ', "!"]
        vlan = 300 + (i % 50) + (1 if changed and i % 40 == 0 else 0)
        lines += [f'wlan virtual-ap "vap-{i}" ', f'    aaa-profile "aaa-{i}" ', f'    ssid-profile "ssid-{i}" ',
                  f"    vlan {vlan} ", "    forward-mode tunnel ", "!"]
        rules = ["any any svc-dns permit", "any any svc-dhcp permit", "user any svc-http permit", "any any any deny"]
        if changed and i % 50 == 0:
            rules[0], rules[1] = rules[1], rules[0]
        lines += [f"ip access-list session acl-{i}"] + [f"    {r} " for r in rules] + ["!"]
    return "\n".join(lines) + "\nend\n"


def median(fn) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def generic(running: str, intended: str) -> None:
    WorkflowRemediation(get_hconfig(Platform.GENERIC, running), get_hconfig(Platform.GENERIC, intended)).remediation_config


def main() -> None:
    running, intended = config(False), config(True)
    result = plan(running, intended)
    print(f"two configurations of {len(running.splitlines())} and {len(intended.splitlines())} lines; "
          f"remediation {len(result.remediation.splitlines())} lines, rollback {len(result.rollback.splitlines())}")
    ours = median(lambda: plan(running, intended))
    print(f"  wifiops ArubaOS 8 driver (remediation + rollback)   {ours:6.3f} s")
    try:
        theirs = median(lambda: generic(running, intended))
        print(f"  hier-config generic driver (remediation only)      {theirs:6.3f} s   (no AOS 8 rules: quotes, `!`, "
              "single values, order)")
    except Exception as exc:  # noqa: BLE001 - the point is to show whether it runs at all
        print(f"  hier-config generic driver: cannot run on this text ({type(exc).__name__}: {exc})")
    plain_running, plain_intended = normalise(running), normalise(intended)  # no `!`, bodies indented
    theirs = median(lambda: generic(plain_running, plain_intended))
    print(f"  hier-config generic driver on the text without `!` {theirs:6.3f} s   (remediation only; no AOS 8 rules:"
          " values negated and re-added, no order)")


if __name__ == "__main__":
    main()
