"""How fast the lab builds its operational state and renders the big tables (it starts in every test run).

Run: .venv/bin/python benchmarks/bench_lab_opdata.py
Prints best-of-5 times for 8,000 clients on the Louvre lab estate, and the ratio of rendering
`show user-table` to a plain str.join of the same number of lines (the floor for any renderer).
An MD lists the APs it stands by for too (a two-member cluster: every AP, active or standby), so its
`show ap bss-table` has about 3,350 rows where it had 1,670 before the cluster was modelled.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wifiops.lab.estate import load_estate  # noqa: E402
from wifiops.lab.server import LabCore  # noqa: E402
from wifiops.lab.shows import render_show  # noqa: E402
from wifiops.lab.testing import LAB_INVENTORY  # noqa: E402


def best(fn, runs: int = 5) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return min(times), value


def main() -> None:
    estate = load_estate(LAB_INVENTORY)
    t_core, core = best(lambda: LabCore(estate), runs=3)
    ops = core.ops
    md = next(d for d in ops.devices if d.role == "md")
    mm = next(d for d in ops.devices if d.role == "mm")
    t_users, text = best(lambda: render_show(ops, md, "show user-table"))
    lines = text.split("\n")
    t_join, _ = best(lambda: "\n".join(line for line in lines))
    t_verbose, _ = best(lambda: render_show(ops, md, "show user-table verbose"))
    t_bss, _ = best(lambda: render_show(ops, md, "show ap bss-table"))
    t_db, _ = best(lambda: render_show(ops, mm, "show ap database long"))
    t_bss_lines = len(render_show(ops, md, "show ap bss-table").split("\n"))
    t_md_db, _ = best(lambda: render_show(ops, md, "show ap database long"))
    t_radio, _ = best(lambda: render_show(ops, md, "show ap radio-database"))
    print(f"lab core (config seed + 358 APs + {len(ops.clients)} clients): {t_core * 1000:7.1f} ms")
    print(f"show user-table on {md.name} ({len(lines)} lines):      {t_users * 1000:7.1f} ms "
          f"({t_users / t_join:.0f}x a bare join of its lines)")
    print(f"show user-table verbose:                     {t_verbose * 1000:7.1f} ms")
    print(f"show ap bss-table ({t_bss_lines} lines):              {t_bss * 1000:7.1f} ms")
    print(f"show ap database long on {mm.name}:              {t_db * 1000:7.1f} ms")
    print(f"show ap database long on {md.name}:              {t_md_db * 1000:7.1f} ms")
    print(f"show ap radio-database on {md.name}:             {t_radio * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
