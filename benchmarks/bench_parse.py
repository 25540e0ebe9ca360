"""wifiops' parsers on big outputs, beside ntc-templates' TextFSM on the same text. Median of 5.

`show user-table` with 10,000 clients and `show ap database long` with 2,000 APs (target: under 0.3 s
each), plus a 10,000-row `show ap bss-table details` (ntc-templates has no `show user-table` template, so
its TextFSM is timed on this wide table instead), generated here in the layout of arubaos8.md §4
(columns as wide as their widest cell plus two spaces, empty Flags, Name and Host Name cells, several-word
Type and SSID cells, IPv6 users, Down APs). The text is made here, not by the lab: the toolkit and the
lab share no code.

Each side's records are also checked against the rows the text was made from ("right": name, status
and flags, or bss, SSID, flags and cluster, as generated), since a fast parser that misreads rows with an
empty Flags cell is no use.

Run: .venv/bin/python benchmarks/bench_parse.py
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/timing.py, also when imported

from timing import median_seconds  # noqa: E402
from wifiops.aos8.parse import parse  # noqa: E402

CLIENTS, APS, BSSES = 10_000, 2_000, 10_000
SSIDS = ["Louvre Guest WiFi", "Intra_Louvre", "Mobil_Louvre", "Bill Louvre"]
TYPES = ["iPhone", "Android", "Win 10", "OS X", "Linux", ""]


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """An AOS 8 table: title, its dashes, header, a dash run per header, rows padded to the widest cell."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) + 2 for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    return [title, "-" * len(title), line(headers), line(["-" * len(h) for h in headers])] + [line(r) for r in rows]


def mac(n: int, prefix: str = "e4:5e:37") -> str:
    return f"{prefix}:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}"


Truth = list[tuple[str, ...]]


def user_table(rng: random.Random) -> tuple[str, Truth]:
    headers = ["IP", "MAC", "Name", "Role", "Age(d:h:m)", "Auth", "VPN link", "AP name", "Roaming",
               "Essid/Bssid/Phy", "Profile", "Forward mode", "Type", "Host Name", "User Type"]
    rows = []
    for n in range(CLIENTS):
        ip = f"2001:db8:100::{n:x}" if n % 10 == 0 else f"10.{100 + n // 60000}.{n // 250 % 240}.{n % 250 + 2}"
        guest = n % 3 == 0
        ssid = SSIDS[n % len(SSIDS)]
        rows.append([ip, mac(n), "" if guest else f"user{n}", "guest-logon" if guest else "authenticated",
                     f"00:{n % 24:02d}:{n % 60:02d}", "" if guest else "802.1x", "", f"LVR-AP{n % 2000:04d}",
                     "Wireless", f"{ssid}/{mac(n % 2000, 'cc:88:c7')}/5GHz-HE", "guest-aaa" if guest else "staff",
                     "tunnel", rng.choice(TYPES), f"host-{n}" if n % 7 == 0 else "", "WIRELESS"])
    text = "\n".join(["", *table("Users", headers, rows), "", f"User Entries: {CLIENTS}/{CLIENTS}"]) + "\n"
    return text, [(r[1], r[2], r[12], r[13]) for r in rows]   # mac, name, type, host name


def ap_database_long(rng: random.Random) -> tuple[str, Truth]:
    headers = ["Name", "Group", "AP Type", "IP Address", "Status", "Flags", "Switch IP", "Standby IP",
               "Wired MAC Address", "Serial #", "Port", "FQLN", "Outer IP", "User"]
    rows = []
    for n in range(APS):
        up = n % 50 != 0
        status = f"Up {rng.randint(0, 90)}d:{rng.randint(0, 23)}h:{rng.randint(0, 59)}m:{rng.randint(0, 59)}s"
        rows.append([f"LVR-AP{n:04d}", f"GROUP-{n % 12}", rng.choice(["305", "515", "535", "505H"]),
                     f"10.160.{n // 250}.{n % 250 + 2}", status if up else "Down",
                     rng.choice(["", "", "2", "i", "2r", "S"]), "10.150.1.11" if up else "0.0.0.0",
                     "10.150.1.12" if up else "0.0.0.0", mac(n, "cc:88:c7"), f"CNM{n:05d}", "N/A", "N/A", "N/A",
                     "N/A"])
    text = "\n".join(["", *table("AP Database", headers, rows), "", "", f"Total APs:{APS}"]) + "\n"
    return text, [(r[0], r[4], r[5]) for r in rows]   # name, status, flags


def bss_table_details(rng: random.Random) -> tuple[str, Truth]:
    headers = ["bss", "ess", "port", "ip", "band/ht-mode/bandwidth", "ch/EIRP/max-EIRP", "type", "cur-cl",
               "ap name", "in-t(s)", "tot-t", "mtu", "acl-state", "acl", "fm", "flags", "cluster",
               "active-clients", "standby-clients", "datazone"]
    rows = []
    for n in range(BSSES):
        clients = rng.randint(0, 30)
        rows.append([mac(n, "cc:88:c7"), SSIDS[n % len(SSIDS)], "N/A", f"10.160.{n // 250 % 250}.{n % 250 + 2}",
                     "5GHz/HE/40MHz", "136-/19.0/27.1", "ap", str(clients), f"LVR-AP{n // 6:04d}", "0",
                     "11h:0m:35s", "1500", "-", "2", "T", rng.choice(["", "KT", "KrT"]), rng.choice(["A", "sA"]),
                     str(clients), "0", "no"])
    text = "\n".join(["", *table("Aruba AP BSS Table", headers, rows), "", f"Num APs:{BSSES // 6}"]) + "\n"
    return text, [(r[0], r[1], r[15], r[16]) for r in rows]   # bss, ess, flags, cluster


# The fields each side's records hold for the truth's columns (wifiops' names, ntc-templates' names).
KEYS = {
    "show user-table": (("mac", "name", "type", "host_name"), ()),
    "show ap database long": (("name", "status", "flags"), ("ap_name", "status", "flags")),
    "show ap bss-table details": (("bss", "ess", "flags", "cluster"), ("bss", "ess", "flags", "cluster")),
}


def ntc(command: str) -> Callable[[str], list[dict[str, str]]] | None:
    """ntc-templates' parser for `command` on platform aruba_os, or None when it has no template."""
    try:
        from ntc_templates.parse import parse_output
    except ImportError:
        return None
    try:
        parse_output(platform="aruba_os", command=command, data="")
    except Exception as exc:  # noqa: BLE001 - ntc says "No template found" with its own exception
        if "no template" in str(exc).lower():
            return None
    return lambda text: parse_output(platform="aruba_os", command=command, data=text)


def right(records: list[dict[str, Any]], keys: Sequence[str], truth: Truth) -> int:
    """How many generated rows come back with exactly the cells they were made with (empty = "")."""
    got = Counter(tuple(str(r.get(k) or "") for k in keys) for r in records)
    return sum((got & Counter(truth)).values())


def compare(command: str, text: str, truth: Truth) -> None:
    ours_keys, ntc_keys = KEYS[command]
    parsed = parse(command, text)  # the first call also loads the index and TTP
    ours = median_seconds(lambda: parse(command, text), repeat=5)
    print(f"{command}: {len(truth):,} rows, {len(text.splitlines()):,} lines")
    print(f"  wifiops        {ours:6.3f} s  {'under' if ours < 0.3 else 'OVER'} 0.3 s   {len(parsed.records):6,} records, "
          f"{right(parsed.records, ours_keys, truth):,} right, {len(parsed.unparsed)} reported unparsed")
    theirs_parse = ntc(command)
    if theirs_parse is None:
        print(f"  ntc-templates  has no aruba_os template for `{command}` (ntc-templates {_ntc_version()}); "
              "TextFSM is timed on the widest table it has, `show ap bss-table details`, below")
        return
    try:
        records = theirs_parse(text)
        theirs = median_seconds(lambda: theirs_parse(text), repeat=5)
    except Exception as exc:  # noqa: BLE001 - the point is to show whether it reads this text at all
        print(f"  ntc-templates  fails on this text: {type(exc).__name__}: {str(exc)[:120]}")
        return
    print(f"  ntc-templates  {theirs:6.3f} s  {theirs / ours:4.1f}x wifiops' time  {len(records):6,} records, "
          f"{right(records, ntc_keys, truth):,} right (TextFSM)")


def _ntc_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("ntc_templates")
    except PackageNotFoundError:
        return "not installed"


def main() -> None:
    rng = random.Random(12)
    compare("show user-table", *user_table(rng))
    compare("show ap database long", *ap_database_long(rng))
    compare("show ap bss-table details", *bss_table_details(rng))


if __name__ == "__main__":
    main()
