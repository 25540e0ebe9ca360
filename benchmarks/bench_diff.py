"""The diff engine on two 20,000-line configurations (about 3,000 profiles, a few per cent changed):
wifiops' ArubaOS 8 driver (normalise, load both, remediation, rollback, ordered bodies), beside
hier-config's generic driver on the same text where it can run, doing the same work (remediation AND
rollback). Median of 5.

Each side's answer is checked, not only timed: its remediation, applied to the running configuration as an
ArubaOS 8 device applies lines (`no X` removes X; a single-value command such as `opmode` or `vlan` replaces
the one it names; an ACL's rules keep their order), must give the intended configuration, and its rollback,
applied to the intended one, the running one. A side that fails either check is labelled "WRONG" in the
table, with what it got wrong.

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


SINGLE = {"opmode", "vlan", "essid", "aaa-profile", "ssid-profile", "dot1x-default-role", "dot1x-server-group",
          "forward-mode"}  # what the device replaces rather than adds (as wifiops/aos8/hconfig.yaml says)
Config = dict[str, list[str]]


def blocks(text: str) -> Config:
    """header -> body lines (stripped), in order; `!` and `end` end a block."""
    out: Config = {}
    header = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "end":
            continue
        if line == "!":
            header = None
        elif raw[:1].isspace() and header is not None:
            out[header].append(line)
        else:
            header = line
            out.setdefault(header, [])
    return out


def applied(running: str, change: str) -> Config:
    """`change` applied to `running` as the device would apply it, line by line."""
    config = blocks(running)
    for header, lines in blocks(change).items():
        body = config.setdefault(header, [])
        for line in lines:
            if line.startswith("no "):
                if line[3:] in body:
                    body.remove(line[3:])
                continue
            word = line.split()[0]
            if word in SINGLE:
                body[:] = [b for b in body if b.split()[0] != word]
            body.append(line)
    return config


def differing(a: Config, b: Config) -> list[str]:
    """The blocks that differ as a device reads them: bodies compared as sets, an ACL's rules in order."""
    return sorted(h for h in a.keys() | b.keys()
                  if (a.get(h) != b.get(h) if h.startswith("ip access-list")
                      else sorted(a.get(h) or []) != sorted(b.get(h) or [])))


def verdict(running: str, intended: str, remediation: str, rollback: str) -> str:
    forward = differing(applied(running, remediation), blocks(intended))
    back = differing(applied(intended, rollback), blocks(running))
    if not forward and not back:
        return "right"
    wrong = [f"{what} leaves {len(bad)} blocks wrong (e.g. {bad[0]})" for what, bad in
             (("remediation", forward), ("rollback", back)) if bad]
    return "WRONG: " + "; ".join(wrong)


def median(fn) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def generic(running: str, intended: str) -> tuple[str, str]:
    """hier-config's generic driver doing what wifiops does: remediation and rollback."""
    flow = WorkflowRemediation(get_hconfig(Platform.GENERIC, running), get_hconfig(Platform.GENERIC, intended))
    return _text(flow.remediation_config), _text(flow.rollback_config)


def _text(config) -> str:
    return "\n".join(line.cisco_style_text() for line in config.all_children_sorted())


def main() -> None:
    running, intended = config(False), config(True)
    result = plan(running, intended)
    print(f"two configurations of {len(running.splitlines())} and {len(intended.splitlines())} lines; "
          f"remediation {len(result.remediation.splitlines())} lines, rollback {len(result.rollback.splitlines())}")
    ours = median(lambda: plan(running, intended))
    print("  each side: remediation + rollback, median of 5; its answer applied as the device would (see above)")
    print(f"  wifiops ArubaOS 8 driver                            {ours:6.3f} s   "
          f"{verdict(running, intended, result.remediation, result.rollback)}")
    try:
        theirs = median(lambda: generic(running, intended))
        print(f"  hier-config generic driver                          {theirs:6.3f} s   "
              f"{verdict(running, intended, *generic(running, intended))}")
    except Exception as exc:  # noqa: BLE001 - the point is to show whether it runs at all
        print(f"  hier-config generic driver: cannot run on this text ({type(exc).__name__}: {exc})")
    plain_running, plain_intended = normalise(running), normalise(intended)  # no `!`, bodies indented
    theirs = median(lambda: generic(plain_running, plain_intended))
    print(f"  hier-config generic driver on the text without `!`  {theirs:6.3f} s   "
          f"{verdict(running, intended, *generic(plain_running, plain_intended))}")


if __name__ == "__main__":
    main()
