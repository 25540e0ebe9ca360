"""`wifiops backup` against the raw floor: the Louvre lab (6 controllers) and a lab of 200 MDs, 1/5/10 workers.

For each lab and number of workers:
- raw asyncssh: the same commands to the same hosts at the same concurrency, host keys checked against the
  same known_hosts file, answers kept in memory (no echo matching, no checks, nothing written). Per host:
  `no paging`, backup.yaml's `prepare` (`encrypt disable`), show running-config, show version, show
  inventory; on the conductor MM also `show configuration node-hierarchy` and each node's
  `show configuration committed <node>`.
- wifiops, new repository: `run_backup` (Nornir, the aos8 session over netmiko/paramiko, transcripts,
  scrubbing, the git write and commit), each measured run into a FRESH backup repository: git init, every
  file written, one commit. A first night, the most work a run does.
- wifiops, quiet night: `run_backup` again into the repository the last of those runs made; nothing has
  changed, so nothing is written and no commit is made (checked: the benchmark stops if one is). Most
  nights look like this.
Each wifiops time is printed with its ratio to the raw time (issue 9's target: at most 2x at 10 workers).
Both sides' answers are checked against each other after the last run at 10 workers: every file wifiops
stored must be the raw floor's answer to its command, line for line, with only the noise lines dropped and
secret values replaced by `<scrubbed:...>` tokens (and no lab secret left in any file); every raw answer
must have its file. A mismatch is printed as WRONG with the first differing file and line.

The lab runs in-process on free ports (wifiops.lab.testing), on its own asyncio thread: it shares the
interpreter (and the GIL) with the client measured, whichever client that is. On loopback the lab answers
in about a millisecond, so this measures the client's own cost; on real links the network time dominates.
The 200-MD lab keeps the lab's 4 MMs (the conductor then lists and backs up 200+ device nodes) and adds 198
MDs like mc-1/mc-2 under /md/Louvre: 204 hosts. Median of 5 runs on the Louvre lab, of 3 on the 200-MD lab
(about 3 minutes in all on 2 cores); `--quick`: the Louvre lab only.

Run: .venv/bin/python benchmarks/bench_backup.py [--quick]
"""

from __future__ import annotations

import asyncio
from pathlib import PurePosixPath
import itertools
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import asyncssh
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/timing.py, also when imported
from timing import median_seconds  # noqa: E402

from wifiops.aos8.backup import spec  # noqa: E402
from wifiops.engine.backup import NODE_SUFFIX, NODES, host_folder  # noqa: E402
from wifiops.paths import node_file  # noqa: E402
from wifiops.engine.backup import run_backup  # noqa: E402
from wifiops.lab.testing import LAB_INVENTORY, RunningLab  # noqa: E402
from wifiops.settings import Settings  # noqa: E402
from wifiops.estate import Estate

WORKERS = (1, 5, 10)
MDS = 200
PROMPT = re.compile(r"\([\w.:@-]+\) [\^*]?(\[[^\]]+\] )?#$")

Answers = dict[tuple[str, str], str]  # (host, command) -> the raw answer's body (echo and prompt off)


# --- the 200-MD lab ----------------------------------------------------------------------------------------

def big_inventory(folder: Path, mds: int) -> Path:
    """A lab inventory with the Louvre lab's MMs and `mds` MDs under /md/Louvre (mc-1, mc-2 and more like
    them: distinct MACs and device nodes). Ports 0: RunningLab binds free ones and writes its own copy."""
    folder.mkdir(parents=True)
    hosts = yaml.safe_load((LAB_INVENTORY / "hosts.yaml").read_text(encoding="utf-8"))
    hosts = {name: h for name, h in hosts.items() if h.get("platform", "aruba_os") == "aruba_os"}
    template = hosts["mc-1"]
    for i in range(3, mds + 1):
        mac = f"00:1a:1e:73:{i >> 8:02x}:{i & 0xFF:02x}"
        data = {**template["data"], "mac": mac, "config_path": f"/md/Louvre/{mac}",
                "nas_ip": f"10.152.{i >> 8}.{i & 0xFF}", "mgmt_ip": f"10.152.{i >> 8}.{i & 0xFF}"}
        hosts[f"mc-{i}"] = {"hostname": "127.0.0.1", "port": 0, "groups": list(template["groups"]), "data": data}
    for host in hosts.values():
        host["port"] = 0
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False), encoding="utf-8")
    manifest = yaml.safe_load((LAB_INVENTORY / "inventory.yaml").read_text(encoding="utf-8"))
    for role, rel in manifest.items():
        if role != "hosts":
            shutil.copyfile((LAB_INVENTORY / rel).resolve(), folder / f"{role}.yaml")
            manifest[role] = f"{role}.yaml"
    (folder / "secrets.yaml").chmod(0o600)
    (folder / "inventory.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    return folder


# --- wifiops ---------------------------------------------------------------------------------------------

def backup_wifiops(lab: RunningLab, folder: Path, workers: int, *, quiet: bool = False) -> None:
    """`run_backup` into `folder`/backups. `quiet`: the repository holds the last run already, so a whole
    backup must change nothing and commit nothing (else noise reached the files: the benchmark stops)."""
    settings = Settings(workers=workers, backup_dir=folder / "backups", run_dir=folder / "runs",
                        secrets_file=folder / "none.yaml", root=folder)
    report = run_backup(Estate.open(settings, lab.inventory_dir))
    failed = [h.error for h in report.hosts if not h.ok]
    if failed:
        raise SystemExit(f"wifiops backup failed: {failed}")
    if (report.revision is None) != quiet:
        raise SystemExit(f"wifiops backup {'committed on a quiet night' if quiet else 'made no commit'}")


# --- raw asyncssh ------------------------------------------------------------------------------------------

class _Raw:
    """One interactive channel: write a line, read to the next prompt (no echo matching: the floor)."""

    def __init__(self, process: asyncssh.SSHClientProcess) -> None:
        self.process = process
        self.buffer = ""

    async def until_prompt(self) -> str:
        while True:
            last = self.buffer.rstrip("\r\n").rsplit("\n", 1)[-1]
            if self.buffer.endswith("#") and PROMPT.search(last):
                out, self.buffer = self.buffer, ""
                return out
            chunk = await self.process.stdout.read(65536)
            if not chunk:
                raise EOFError("channel closed")
            self.buffer += chunk

    async def send(self, line: str) -> str:
        self.process.stdin.write(line + "\r")
        return await self.until_prompt()

    async def ask(self, command: str, answers: Answers, host: str) -> str:
        """`command`'s answer, kept with its echo and prompt taken off."""
        lines = (await self.send(command)).replace("\r", "").split("\n")
        answers[(host, command)] = "\n".join(lines[1:-1])
        return answers[(host, command)]


async def _raw_host(lab: RunningLab, host: str, conductor: bool, answers: Answers) -> None:
    user, password = lab.credentials
    async with asyncssh.connect(lab.address, port=lab.port(host), username=user, password=password,
                                known_hosts=str(lab.known_hosts)) as conn:
        process = await conn.create_process(term_type="vt100")
        raw = _Raw(process)
        await raw.until_prompt()
        for line in ["no paging", *spec().prepare]:
            await raw.send(line)
        for item in spec().device:
            await raw.ask(item.command, answers, host)
        if conductor:
            listing = await raw.ask(spec().nodes.list, answers, host)
            for match in re.finditer(spec().nodes.path, listing, re.M):
                await raw.ask(spec().nodes.command.format(node=match["path"]), answers, host)
        process.stdin.write("exit\r")
        process.close()


async def _raw_all(lab: RunningLab, workers: int, conductors: set[str]) -> Answers:
    gate = asyncio.Semaphore(workers)
    answers: Answers = {}

    async def one(host: str) -> None:
        async with gate:
            await _raw_host(lab, host, host in conductors, answers)

    await asyncio.gather(*(one(h) for h in lab.ports))
    return answers


def backup_raw(lab: RunningLab, workers: int) -> Answers:
    conductors = {d.name for d in lab.estate.devices if d.conductor}
    return asyncio.run(_raw_all(lab, workers, conductors))


# --- both answers checked ----------------------------------------------------------------------------------

TOKEN = re.compile(r"<scrubbed:[0-9a-f]{12}>")


def _matches(stored: str, raw: str) -> bool:
    """`stored` is `raw` with some values replaced by scrub tokens (and nothing else changed)."""
    if "<scrubbed:" not in stored:
        return stored.rstrip() == raw.rstrip()
    pattern = ".+?".join(re.escape(part) for part in TOKEN.split(stored.rstrip()))
    return re.fullmatch(pattern, raw.rstrip()) is not None


def compare(lab: RunningLab, answers: Answers, repo: Path) -> str:
    """The raw floor's answers against the files wifiops stored: 'right', or WRONG with the first mismatch."""
    noise = re.compile("|".join(f"(?:{p})" for p in spec().noise))
    files = {item.command: item.file for item in spec().device}
    secrets = [v for v in yaml.safe_load((lab.inventory_dir / "secrets.yaml").read_text()).values()
               if isinstance(v, str) and len(v) >= 6]
    sites = {d.name: d.site for d in lab.estate.devices} if hasattr(lab.estate.devices[0], "site") else {}
    checked = 0
    for (host, command), raw in sorted(answers.items()):
        if command == spec().nodes.list:
            continue
        folder = repo / str(host_folder(sites.get(host), host)) if sites else None
        if folder is None or not folder.exists():
            found = [p for p in repo.glob(f"*/{host}") if p.is_dir()] + [p for p in repo.glob(host) if p.is_dir()]
            if not found:
                return f"WRONG: no folder stored for {host}"
            folder = found[0]
        name = files.get(command) or str(PurePosixPath(NODES) / node_file(command.split()[-1], NODE_SUFFIX))
        path = folder / name
        if not path.exists():
            return f"WRONG: {host}: no file {name} for `{command}`"
        text = path.read_text(encoding="utf-8")
        if any(secret in text for secret in secrets):
            return f"WRONG: {host}/{name} holds a lab secret in clear"
        kept = [line for line in raw.split("\n") if not noise.search(line)]
        stored = text.rstrip("\n").split("\n") if text.strip() else []
        while kept and not kept[-1].strip():  # blank lines around an answer are not kept (nor content)
            kept.pop()
        while kept and not kept[0].strip():
            kept.pop(0)
        if len(kept) != len(stored):
            return f"WRONG: {host}/{name}: {len(stored)} lines stored, {len(kept)} answered"
        for number, (a, b) in enumerate(zip(stored, kept), 1):
            if not _matches(a, b):
                return f"WRONG: {host}/{name}:{number}: stored {a!r}, answered {b!r}"
        checked += 1
    return f"right ({checked} files equal to the raw answers, secrets masked, noise dropped)"


# --- measuring ---------------------------------------------------------------------------------------------


def bench(title: str, source: Path, scratch: Path, repeat: int) -> None:
    t0 = time.perf_counter()
    lab = RunningLab(source, scratch / "inventory")
    started = time.perf_counter() - t0
    folders = itertools.count()

    def fresh() -> Path:
        return scratch / f"run-{next(folders)}"

    try:
        backup_raw(lab, max(WORKERS))  # warm-up: imports, the lab's first answers
        backup_wifiops(lab, fresh(), max(WORKERS))
        print(f"{title}: {len(lab.ports)} hosts (lab started in {started:.1f} s), median of {repeat} runs")
        print("  workers   raw asyncssh   wifiops, new repository   wifiops, quiet night")
        for workers in WORKERS:
            raw = median_seconds(lambda: backup_raw(lab, workers), repeat)  # noqa: B023
            last: list[Path] = []

            def first_night() -> None:
                last.append(fresh())
                backup_wifiops(lab, last[-1], workers)  # noqa: B023

            new = median_seconds(first_night, repeat)
            quiet = median_seconds(lambda: backup_wifiops(lab, last[-1], workers, quiet=True), repeat)  # noqa: B023
            print(f"  {workers:>7}   {raw:10.2f} s   {new:9.2f} s  {new / raw:4.1f}x raw   "
                  f"{quiet:8.2f} s  {quiet / raw:4.1f}x raw", flush=True)
        print(f"  answers: {compare(lab, backup_raw(lab, max(WORKERS)), last[-1] / 'backups')}")
    finally:
        lab.close()


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        bench("Louvre lab (4 MMs, 2 MDs)", LAB_INVENTORY, scratch / "louvre", repeat=5)
        if not quick:
            source = big_inventory(scratch / "big-source", MDS)
            bench(f"lab of {MDS} MDs (+ the 4 MMs)", source, scratch / "big", repeat=3)
    print("new repository: every file written, one commit (a first night, git init included); quiet night: "
          "the same repository again, nothing changed, nothing written, no commit.\n"
          "target (issue 9): at most 2x the raw floor at 10 workers")


if __name__ == "__main__":
    main()
