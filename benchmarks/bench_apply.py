"""`wifiops apply --commit` end to end against netmiko's `send_config_set` with an `error_pattern`, same lines.

Run: .venv/bin/python benchmarks/bench_apply.py

Two changes, each measured side by side in this one run, on the in-process lab (loopback, about a
millisecond per answer: this measures the clients' own cost; on a real link the round trips dominate, and
both clients make one per line):

A. A 300-line change on one node: 50 new AP groups on /md/Louvre (an `ap-group` header, its three virtual
   APs, its AP system profile, `!`: 250 configuration lines and 50 block ends), added to the intent. wifiops times the whole transaction: the plan from a
   live read, the fresh backup of mm-1, mc-1 and mc-2 (git commit included), the drift check, the push line
   by line, `write memory`, the read-back and the compliance verdict. Target: under 5 s.
B. A 50-line change on every node of the Louvre's hierarchy that has lines in the intent (/md: 50 VLAN
   names; /md/Louvre: their ids, 100 lines; the two controllers' device nodes carry only their NAS IP and
   cluster membership in the intent, so no 50-line change exists for them).

The baselines: netmiko ConnectHandler(aruba_os) on the conductor, `cd NODE`, `send_config_set(lines,
error_pattern=...)` (netmiko's per-line check), `write memory`. netmiko's aruba_os driver turns echo
verification off (global_cmd_verify=False), so with an error_pattern it waits for 2 s of silence after
every line: that default is timed on 10 lines per node and scaled, labelled so. With global_cmd_verify=True
it reads each echo and prompt instead, and is timed on every line. Neither makes a backup, checks drift,
verifies or rolls back; both have their base prompt cut to the hostname, or they time out at the first `cd`
(the node in the prompt changes). The same lines, taken from wifiops' plan. Median of 3 runs, each
on a lab reset to the same starting point (the scaled default: one run).

Each side's result is read back, not assumed: after each run the lab's committed configuration of every
node is compared with the one wifiops' apply left (itself checked compliant with the intent by its verify
step), and nothing may be left pending. A side that differs is labelled WRONG with the nodes that differ
(the scaled default pushes a sample only, so only its sampled lines are checked, as received by the lab).
"""

from __future__ import annotations

import copy
import shutil
import sys
import tempfile
from pathlib import Path

import yaml
from netmiko import ConnectHandler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/timing.py
from timing import median_seconds  # noqa: E402

from wifiops.engine.apply import apply  # noqa: E402
from wifiops.lab.testing import LAB_INVENTORY, RunningLab, write_inventory_copy  # noqa: E402
from wifiops.settings import Settings  # noqa: E402
from wifiops.estate import Estate

REPO = Path(__file__).resolve().parents[1]
ERRORS = r"% Invalid input|Error:|% Incomplete"
PROMPT = r"\(mm-1\) .*#"
SAMPLE = 10  # lines netmiko's default per-line check is timed on (about 2.2 s a line), then scaled
REPEAT = 3


def inventory(lab: RunningLab, folder: Path, change: str | None) -> Path:
    copy = write_inventory_copy(lab.estate, folder, lab.ports)
    shutil.copyfile(lab.known_hosts, copy / "known_hosts")
    groups = yaml.safe_load((copy / "groups.yaml").read_text())
    if change == "300 lines on /md/Louvre":
        for i in range(50):
            groups[f"BENCH-{i:02d}"] = {"groups": ["/md/Louvre"], "data": {
                "group_kind": "ap_group", "site": "louvre-palais",
                "broadcasts": ["Intra_Louvre", "Mobil_Louvre", "Bill_Louvre"]}}
    elif change == "50 lines per node":
        groups["/md"]["data"].setdefault("vlans", []).extend(
            {"name": f"bench-{i:02d}", "id": 2000 + i} for i in range(50))
    (copy / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    return copy


def settings(folder: Path) -> Settings:
    return Settings(root=REPO, run_dir=folder / "runs", secrets_file=folder / "none.yaml",
                    backup_dir=folder / "backups")


def netmiko_push(lab: RunningLab, plans: dict[str, list[str]], *, verify_echo: bool, sample: int = 0) -> None:
    """`cd`, send_config_set with error_pattern, write memory, per node; `sample`: only that many lines."""
    with ConnectHandler(**lab.device_params("mm-1", global_cmd_verify=verify_echo)) as conn:
        conn.base_prompt = "(mm-1)"  # netmiko's own, "(mm-1) [mynode]", times out after a `cd` (arubaos8.md §1.3)
        for node, lines in plans.items():
            conn.send_command(f"cd {node}", expect_string=PROMPT)
            conn.send_config_set(lines[:sample] if sample else lines, error_pattern=ERRORS)
            conn.send_command("write memory", expect_string=PROMPT, read_timeout=60)


def committed(lab: RunningLab) -> dict:
    """Every node's committed configuration as the lab holds it, and whether anything is left pending."""
    def read() -> tuple[dict, bool]:
        pending = any(nodes for nodes in lab.core.db.pending.values())
        return copy.deepcopy(lab.core.db.committed), pending
    return lab._sync(read)


def verdict(lab: RunningLab, truth: dict) -> str:
    state, pending = committed(lab)
    differ = sorted(n for n in truth.keys() | state.keys() if truth.get(n) != state.get(n))
    if pending:
        return "WRONG: changes left pending"
    return "right" if not differ else f"WRONG: {len(differ)} nodes differ (e.g. {differ[0]})"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lab = RunningLab(LAB_INVENTORY, root / "lab")
        try:
            base = inventory(lab, root / "base", None)
            lab.reset()
            apply(Estate.open(settings(root / "seed"), base), live=True, commit=True)  # the lab brought to the intent
            lab._sync(lab.core.mark_pristine)  # every measured run starts from here (lab.reset)
            for change in ("300 lines on /md/Louvre", "50 lines per node"):
                changed = inventory(lab, root / change.replace(" ", "-").replace("/", "_"), change)
                plan = apply(Estate.open(settings(root / "plan"), changed), live=True).plan
                plans = {n.node: ["exit" if line.strip() == "!" else line.strip()  # what wifiops sends too
                                  for line in n.remediation.splitlines() if line.strip()] for n in plan.changed}
                sizes = ", ".join(f"{node} {sum(1 for line in lines if line != 'exit')}" for node, lines in plans.items())
                runs = iter(range(1000))

                def wifiops_once() -> None:
                    report = apply(Estate.open(settings(root / f"w{next(runs)}"), changed), live=True, commit=True)
                    if report.exit_code != 0:
                        raise SystemExit(f"wifiops apply failed: {report.to_dict()}")

                verdicts: dict[str, str] = {}

                def timed(fn, label: str):  # each run from the same starting point; its result read back
                    def run() -> None:
                        lab.reset()
                        fn()
                        if label != "wifiops":
                            verdicts[label] = verdict(lab, truth)
                    return run

                t_wifiops = median_seconds(timed(wifiops_once, "wifiops"), REPEAT)
                truth, _ = committed(lab)  # what wifiops left, compliant by its own verify
                t_echo = median_seconds(timed(lambda: netmiko_push(lab, plans, verify_echo=True), "echo"), REPEAT)
                total = sum(len(lines) for lines in plans.values())
                sampled = sum(min(len(lines), SAMPLE) for lines in plans.values())
                mark: list[int] = []

                def sample_push() -> None:
                    lab.reset()
                    mark.append(lab.received_count("mm-1"))
                    netmiko_push(lab, plans, verify_echo=False, sample=SAMPLE)

                t_default = median_seconds(sample_push, 1) * total / sampled
                got = [line.strip() for line in lab.received("mm-1", since=mark[-1])]
                missing = [line for lines in plans.values() for line in lines[:SAMPLE] if line not in got]
                verdicts["default"] = "right (sampled lines received)" if not missing else \
                    f"WRONG: {len(missing)} sampled lines never received"
                print(f"{change} ({sizes}):")
                print(f"  wifiops apply --commit (plan, backup, drift, push, commit, verify)     {t_wifiops:7.3f} s"
                      f"   {'under' if t_wifiops < 5 else 'OVER'} the 5 s target")
                print(f"  netmiko send_config_set + error_pattern, global_cmd_verify=True     {t_echo:7.3f} s"
                      f"   {t_echo / t_wifiops:6.1f}x wifiops' time   {verdicts['echo']}")
                print(f"  netmiko aruba_os default (no echo check) + error_pattern, scaled    {t_default:7.3f} s"
                      f"   {t_default / t_wifiops:6.0f}x wifiops' time (timed on {sampled} lines)   "
                      f"{verdicts['default']}")
        finally:
            lab.close()


if __name__ == "__main__":
    main()
