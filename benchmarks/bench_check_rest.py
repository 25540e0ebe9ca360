"""`wifiops check` and a watch cycle of the Louvre lab over SSH and over REST, side by side in one run (issue 30).

Run: .venv/bin/python benchmarks/bench_check_rest.py

The lab in-process on loopback (4 MMs, 2 controllers, 358 APs, about 8,000 users), its clock held so both
readings see the same estate. Timed: the whole `wifiops check --json` (CLI, inventory, every host read, the
comparison, the snapshot written), median of REPEAT, once with every host `transport: ssh` and once
`transport: rest`; the two snapshots are checked equal before timing. A watch cycle (`run_cycle`: the
check, the rules, the store, and the statistics sample of the controllers' user tables, forced due at
each cycle), median of REPEAT, each transport on its own store. Then the reading alone: the
conductor's five estate commands over one SSH session vs one REST session. What it does not show: a real
network (latency per request and the device's own JSON generation cost, which the lab does not model).
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
import ssl
import sys
import tempfile
from pathlib import Path

import httpx
import yaml
from netmiko import ConnectHandler
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/timing.py
from timing import median_seconds  # noqa: E402

from wifiops.tasks.check import CONDUCTOR  # noqa: E402
from wifiops.aos8.parse import parse  # noqa: E402
from wifiops.aos8.restjson import parse_json  # noqa: E402
from wifiops.cli import app  # noqa: E402
from wifiops.engine.watch import run_cycle  # noqa: E402
from wifiops.lab.testing import LAB_INVENTORY, RunningLab  # noqa: E402
from wifiops.settings import Settings  # noqa: E402
from wifiops.store.sqlite import SqliteStore  # noqa: E402

REPEAT = 5
runner = CliRunner()


def inventory_for(lab: RunningLab, work: Path, transport: str) -> Path:
    inventory = work / f"inventory-{transport}"
    shutil.copytree(lab.inventory_dir, inventory)
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    for name, port in lab.rest_ports.items():
        hosts[name]["data"].update({"transport": transport, "rest_port": port})
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    cfg = work / f"wifiops-{transport}.yaml"
    cfg.write_text(f"inventory: {inventory}\nrun_dir: {work / transport}\nsecrets_file: {work / 'none'}\ntimeout: 30\n")
    return cfg


def cycle_seconds(work: Path, transport: str) -> float:
    settings = Settings(root=Path(__file__).resolve().parents[1], inventory=work / f"inventory-{transport}",
                        run_dir=work / f"cycles-{transport}", timeout=30, secrets_file=work / "none")
    store = SqliteStore(work / f"{transport}.sqlite")
    clock = [datetime(2026, 3, 11, 9, 0, tzinfo=timezone.utc)]

    def now() -> datetime:
        clock[0] += timedelta(hours=1)  # a statistics sample is due at every cycle
        return clock[0]

    try:
        first = run_cycle(settings, store, now=now)  # the first cycle writes every subject once
        assert first.statistics.sampled and not first.errors, (first.statistics.note, first.errors)
        return median_seconds(lambda: run_cycle(settings, store, now=now), REPEAT)
    finally:
        store.close()


def run_check(cfg: Path) -> dict:
    result = runner.invoke(app, ["--config", str(cfg), "check", "--json"])
    snapshot = json.loads(Path(json.loads(result.stdout)["snapshot_file"]).read_text())
    snapshot.pop("taken")
    return dict(snapshot)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-check-rest-"))
    lab = RunningLab(LAB_INVENTORY, work / "lab")
    try:
        lab._sync(lab.core.clock.hold)
        ssh_cfg, rest_cfg = inventory_for(lab, work, "ssh"), inventory_for(lab, work, "rest")
        assert run_check(ssh_cfg) == run_check(rest_cfg), "the two readings differ"
        ssh_s = median_seconds(lambda: run_check(ssh_cfg), REPEAT)
        rest_s = median_seconds(lambda: run_check(rest_cfg), REPEAT)
        cycle_ssh_s, cycle_rest_s = cycle_seconds(work, "ssh"), cycle_seconds(work, "rest")

        user, password = lab.credentials
        verify = ssl.create_default_context(cafile=str(lab.rest_ca))

        def read_ssh() -> None:
            with ConnectHandler(**lab.device_params("mm-1")) as conn:
                for command in CONDUCTOR:
                    parse(command, conn.send_command(command))

        def read_rest() -> None:
            with httpx.Client(base_url=lab.rest_url("mm-1"), verify=verify, timeout=30) as api:
                uid = api.post("/v1/api/login", data={"username": user, "password": password}).json()[
                    "_global_result"]["UIDARUBA"]
                for command in CONDUCTOR:
                    parse_json(command, api.get("/v1/configuration/showcommand",
                                                params={"command": command, "UIDARUBA": uid}).json())
                api.get("/v1/api/logout", params={"UIDARUBA": uid})

        read_ssh_s = median_seconds(read_ssh, REPEAT)
        read_rest_s = median_seconds(read_rest, REPEAT)
    finally:
        lab.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'':44}{'SSH':>10}{'REST':>10}{'REST/SSH':>10}")
    print(f"{'wifiops check --json, 6 hosts (median s)':44}{ssh_s:10.3f}{rest_s:10.3f}{rest_s / ssh_s:10.2f}")
    print(f"{'watch cycle + statistics sample (median s)':44}{cycle_ssh_s:10.3f}{cycle_rest_s:10.3f}"
          f"{cycle_rest_s / cycle_ssh_s:10.2f}")
    print(f"{'conductor: 5 estate commands read (median s)':44}{read_ssh_s:10.3f}{read_rest_s:10.3f}"
          f"{read_rest_s / read_ssh_s:10.2f}")


if __name__ == "__main__":
    main()
