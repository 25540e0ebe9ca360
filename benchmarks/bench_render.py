"""Rendering the intended configuration: the Louvre's intent, and an estate 20 times larger (20 cluster
nodes of two controllers each, 80 AP groups), side by side in one run. Median of 5 runs each, whole
`render_intent` (inventory load, lint, templates, merge, reference check), files not written.

Run: .venv/bin/python benchmarks/bench_render.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wifiops.engine.render import render_intent  # noqa: E402
from wifiops.lab.estate import load_estate  # noqa: E402
from wifiops.lab.testing import LAB_INVENTORY, write_inventory_copy  # noqa: E402
from wifiops.settings import Settings  # noqa: E402
from wifiops.estate import Estate

REPO = Path(__file__).resolve().parents[1]
SITES = 20


def larger(inventory: Path) -> Path:
    """The lab inventory with SITES cluster nodes like /md/Louvre, each with its own controllers and AP groups."""
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    ap_groups = [n for n, g in groups.items() if g["data"]["group_kind"] == "ap_group"]
    for site in range(1, SITES):
        node = f"/md/Site{site:02d}"
        members = [f"mc-{site:02d}-{i}" for i in (1, 2)]
        groups[node] = {"groups": ["/md"], "data": {"group_kind": "node", "config_path": node, "node_type": "Group",
                                                    "cluster": {"name": f"cluster-{site:02d}", "members": members}}}
        for name in ap_groups:
            groups[f"{name}-{site:02d}"] = {"groups": [node], "data": dict(groups[name]["data"])}
        for i, member in enumerate(members, 1):
            mac = f"00:1a:1e:{site:02x}:10:{i:02x}"
            hosts[member] = {"hostname": "127.0.0.1", "port": 30000 + site * 10 + i, "groups": [node, "md"],
                             "data": {"site": "louvre-palais", "model": "Aruba7210", "mac": mac,
                                      "config_path": f"{node}/{mac}", "node_type": "Device",
                                      "nas_ip": f"10.{150 + site}.1.{10 + i}", "mgmt_ip": f"10.{150 + site}.1.{10 + i}"}}
    (inventory / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    return inventory


def timed(settings: Settings, inventory: Path) -> tuple[float, int, int]:
    times, nodes, lines = [], 0, 0
    for _ in range(5):
        start = time.perf_counter()
        report = render_intent(Estate.open(settings, inventory))
        times.append(time.perf_counter() - start)
        nodes, lines = len(report.nodes), sum(n.lines for n in report.nodes)
    return statistics.median(times), nodes, lines


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        settings = Settings(root=REPO, run_dir=scratch / "runs", secrets_file=scratch / "none.yaml")
        estate = load_estate(LAB_INVENTORY)
        ports = {d.name: d.port for d in estate.devices}
        louvre = write_inventory_copy(estate, scratch / "louvre", ports)
        big = larger(write_inventory_copy(estate, scratch / "big", ports))
        rows = [("Louvre intent", *timed(settings, louvre)), (f"{SITES}x larger estate", *timed(settings, big))]
    print("render_intent, median of 5 (load + lint + templates + merge + reference check):")
    for label, seconds, nodes, lines in rows:
        print(f"  {label:<22} {seconds:6.3f} s   {nodes:4d} nodes   {lines:6d} lines   "
              f"{seconds / rows[0][1]:5.1f}x the Louvre")


if __name__ == "__main__":
    main()
