"""Load time of the inventory: the lab's 358 APs next to a 20,000-AP estate (issue 6: under 2 s).

Run: .venv/bin/python benchmarks/bench_inventory_load.py [--count 20000] [--repeat 5]
Both inventories use the lab's hosts, defaults and secrets and the Louvre's groups; the large one gets an
aps.yaml written by scripts/generate_aps.py --count. Two timings per inventory, median of --repeat runs:
- check: `check_inventory` (read, schema, cross-checks: what `wifiops inventory check` does);
- load: `Estate.nornir`, i.e. InitNornir through the WifiopsInventory plugin (check, then Nornir's objects).
Peak memory is measured in a fresh process per inventory (ru_maxrss of a child that loads once).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/timing.py, also when imported
from timing import median_seconds  # noqa: E402

from wifiops.estate import Estate  # noqa: E402
from wifiops.inventory.check import check_inventory  # noqa: E402
from wifiops.settings import Settings  # noqa: E402

SETTINGS = Settings(root=REPO, secrets_file=Path("/nonexistent/secrets.yaml"))


def make_inventory(folder: Path, count: int) -> Path:
    """The lab inventory with `count` generated APs, as plain files in `folder`."""
    spec = importlib.util.spec_from_file_location("generate_aps", REPO / "scripts" / "generate_aps.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    folder.mkdir(parents=True)
    for name in ("hosts.yaml", "defaults.yaml", "secrets.yaml"):
        shutil.copy(REPO / "inventory" / "lab" / name, folder / name)
    shutil.copy(REPO / "inventory" / "groups.yaml", folder / "groups.yaml")
    (folder / "aps.yaml").write_text(generator.render(generator.build(count)), encoding="utf-8")
    (folder / "inventory.yaml").write_text("secrets: secrets.yaml\n", encoding="utf-8")
    return folder



def peak_mib(directory: Path) -> float:
    """Peak RSS of a fresh interpreter that opens the inventory once."""
    code = ("import resource, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
            "from benchmarks.bench_inventory_load import SETTINGS, Estate;"
            "Estate.open(SETTINGS, Path(sys.argv[2])).nornir;"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, str(REPO), str(directory)], check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip()) / 1024


def measure(label: str, directory: Path, repeat: int) -> dict[str, object]:
    checked = check_inventory(directory)
    assert checked.ok, checked.findings[:5]
    nr = Estate.open(SETTINGS, directory).nornir  # warm-up, and a sanity check of what was built
    aps = sum(1 for h in nr.inventory.hosts.values() if h.get("role") == "ap")
    return {
        "inventory": label, "aps": aps,
        "aps.yaml KiB": round(checked.files.aps.stat().st_size / 1024) if checked.files else None,
        "check s": round(median_seconds(lambda: check_inventory(directory), repeat), 3),
        "load s": round(median_seconds(lambda: Estate.open(SETTINGS, directory).nornir, repeat), 3),
        "peak MiB": round(peak_mib(directory)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure("inventory/lab", REPO / "inventory" / "lab", options.repeat),
                measure(f"generated {options.count}", make_inventory(Path(tmp) / "large", options.count),
                        options.repeat)]
    if options.json:
        print(json.dumps(rows, indent=2))
        return
    columns = list(rows[0])
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for row in rows:
        print("  ".join(str(row[c]).ljust(w) for c, w in zip(columns, widths)))
    print(f"(median of {options.repeat} runs; this process peaked at "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB)")


if __name__ == "__main__":
    main()
