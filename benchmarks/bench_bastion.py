"""A full backup of the Louvre lab through the bastion, beside the same backup straight to the devices.

Run: .venv/bin/python benchmarks/bench_backup.py is the direct one in depth; this one prints, side by side
in one run, `run_backup` (every MM and controller, every node, one git commit in a fresh repository):
- direct: each session connects to its device;
- through the lab's bastion, one login shared by the run (what wifiops does): one SSH connection to the
  bastion, one forwarded channel per device;
- through the bastion, one login per device (`share_connection: false`, for a bastion that allows one
  channel per connection; what a ProxyCommand per host costs).
On loopback the bastion adds an SSH handshake and a relay hop; behind a real VPN the handshake is the larger
part, which is what the shared login saves. Median of 5 runs each, on 1 and 10 workers.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import median_seconds  # noqa: E402

from wifiops.engine.backup import run_backup  # noqa: E402
from wifiops.lab.bastion import RunningBastion  # noqa: E402
from wifiops.lab.testing import LAB_INVENTORY, RunningLab  # noqa: E402
from wifiops.settings import Bastion, Settings  # noqa: E402
from wifiops.estate import Estate

REPEAT = 5


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lab = RunningLab(LAB_INVENTORY, root / "lab")
        bastion = RunningBastion(lab)
        runs = iter(range(10_000))
        try:
            for workers in (1, 10):
                def backup(via: Bastion | None) -> None:
                    folder = root / f"run-{next(runs)}"
                    settings = Settings(root=folder, run_dir=folder / "runs", backup_dir=folder / "backups",
                                        secrets_file=folder / "none.yaml", workers=workers, bastion=via,
                                        engineer="bench")
                    report = run_backup(Estate.open(settings, lab.inventory_dir))
                    if report.exit_code != 0:
                        raise SystemExit(f"backup failed: {[h.error for h in report.hosts if not h.ok]}")

                via = Bastion(host="127.0.0.1", port=bastion.port, username=bastion.username, name="lab-bastion",
                              password_command=f"printf {bastion.password}")
                direct = median_seconds(lambda: backup(None), REPEAT)
                logins = bastion.connections
                shared = median_seconds(lambda: backup(via), REPEAT)
                shared_logins = (bastion.connections - logins) / REPEAT
                logins = bastion.connections
                each = median_seconds(lambda: backup(via.model_copy(update={"share_connection": False})), REPEAT)
                each_logins = (bastion.connections - logins) / REPEAT
                print(f"full backup of the Louvre lab (6 hosts, every node), {workers} worker(s):")
                print(f"  direct                                      {direct:6.3f} s")
                print(f"  through the bastion, one login per run      {shared:6.3f} s   {shared / direct:4.2f}x direct"
                      f"   ({shared_logins:.0f} bastion login(s) a run)")
                print(f"  through the bastion, one login per device   {each:6.3f} s   {each / direct:4.2f}x direct"
                      f"   ({each_logins:.0f} bastion login(s) a run)")
        finally:
            bastion.close()
            lab.close()


if __name__ == "__main__":
    main()
