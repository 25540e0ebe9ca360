"""Masking a 15,000-line real configuration (the netutils capture of tests/real, ten times over) and a
short log line, median of 7: the catalogue with and without its second line of defence, beside the five
patterns platform.yaml held before the catalogue (each scanned the whole text).

Run: .venv/bin/python benchmarks/bench_scrub.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.timing import median_seconds  # noqa: E402
from wifiops.aos8.platform import aos8  # noqa: E402
from wifiops.secrets import SecretStore  # noqa: E402

VALUE = r'"?(?P<secret>(?<=")[^"]*(?=")|[^"\s]+)'
BEFORE = [r"\bipsec\s+" + VALUE,
          r"\b(?:key|wpa-passphrase|vrrp-passphrase|bkup-passwords|ap-console-password|virtual-controller-key|"
          r"community|secret|PRE-SHARE)\s+" + VALUE + r'"?[ \t]*$',
          r"\b(?:auth-prot\s+(?:md5|sha)|priv-prot\s+(?:des|aes))\s+" + VALUE,
          r"\bmobility-manager\s+\S+\s+user\s+\S+\s+" + VALUE,
          r"\bmgmt-user\s+\S+\s+(?:root|guest-provisioning|network-operations|read-only|location-api-mgmt)\s+" + VALUE]


def main() -> None:
    text = (Path(__file__).resolve().parents[1] / "tests/real/configs/netutils-aruba_os-full.cfg").read_text() * 10
    line = "2026-12-07 03:20:00 INFO wifiops.engine.backup: mm-1: running-config read (4,212 lines)"
    stores = {
        "before: 5 patterns of platform.yaml": SecretStore({}, env={}, patterns=[re.compile(p, re.M) for p in BEFORE]),
        f"catalogue ({len(aos8().secret_patterns)} entries)": SecretStore({}, env={}, patterns=aos8().secret_patterns),
        "catalogue + second line of defence": SecretStore({}, env={}, patterns=aos8().secret_patterns,
                                                          guard=aos8().secret_guard),
    }
    print(f"{len(text.splitlines())}-line configuration | one log line")
    base = None
    for name, store in stores.items():
        whole = median_seconds(lambda store=store: store.redact(text), 7)
        short = median_seconds(lambda store=store: [store.redact(line) for _ in range(1000)], 7) / 1000
        base = base or whole
        print(f"  {name:40} {whole * 1000:7.1f} ms ({whole / base:4.2f}x) | {short * 1e6:6.1f} us")


if __name__ == "__main__":
    main()
