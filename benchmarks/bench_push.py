"""Push an 80-line change (20 SSID profiles) to the lab's MM: wifiops' session vs netmiko send_config_set.

Run: .venv/bin/python benchmarks/bench_push.py
Side by side in one run, same lab, same lines, same node (/mm/mynode, where naive netmiko still works):
- wifiops Aos8Session.configure: one line at a time, reading each answer, stopping at a refusal;
- netmiko send_config_set with its defaults: streams the lines, checks nothing;
- netmiko send_config_set with error_pattern (what per-line checking costs there), on 8 of the lines,
  scaled to 80 and labelled as such so the benchmark stays short.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from netmiko import ConnectHandler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wifiops.aos8.session import Aos8Session  # noqa: E402
from wifiops.lab.testing import LAB_INVENTORY, RunningLab  # noqa: E402

LINES = [line for i in range(20)
         for line in (f'wlan ssid-profile "bench-{i}"', f'essid "Bench_{i}"', "opmode wpa2-aes", "exit")]


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lab = RunningLab(LAB_INVENTORY, Path(tmp) / "inventory")
        user, password = lab.credentials
        try:
            lab.reset()
            with Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password) as s:
                t_wifiops = timed(lambda: s.configure(LINES))
            lab.reset()
            with ConnectHandler(**lab.device_params("mm-1")) as conn:
                t_netmiko = timed(lambda: conn.send_config_set(LINES))
            lab.reset()
            with ConnectHandler(**lab.device_params("mm-1")) as conn:
                t_checked = timed(lambda: conn.send_config_set(LINES[:8], error_pattern=r"% Invalid|Error:"))
                t_checked *= len(LINES) / 8
        finally:
            lab.close()
    print(f"pushing {len(LINES)} config lines to the lab MM:")
    print(f"  wifiops session (per-line answer checked)           {t_wifiops:7.3f} s")
    print(f"  netmiko send_config_set (nothing checked)           {t_netmiko:7.3f} s   "
          f"{t_netmiko / t_wifiops:5.1f}x wifiops")
    print(f"  netmiko send_config_set + error_pattern (scaled)    {t_checked:7.3f} s   "
          f"{t_checked / t_wifiops:5.1f}x wifiops")


if __name__ == "__main__":
    main()
