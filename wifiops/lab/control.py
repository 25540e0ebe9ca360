"""Engine functions behind `wifiops lab`: start, inspect, fault and stop a background lab.

The lab runs as a detached `python -m wifiops.lab.server` process. It talks to this module through its
run dir ($WIFIOPS_LAB_DIR, else `lab.run_dir` of wifiops.yaml: `.lab/` beside it; 0700, its files 0600):
  lab.json       written once every port accepts: pid, inventory, state dir, known-hosts file, ClearPass
                 CA file, where each host listens (SSH devices, then ClearPass servers on HTTPS)
  control.sock   unix socket, one JSON request per line -> one JSON reply per line:
                 {"op": "status"} | {"op": "fault", "host", "kind", "arg"} | {"op": "clear", "host"}
                 | {"op": "install", "host"} | {"op": "retire", "host"}
                 | {"op": "received", "host", "since"} | {"op": "save"} | {"op": "down"}
                 (fault kinds: faults.py; rejoin-delay and reload-delay are lab-wide settings, shown in the
                 conductor's `faults`; a reloading MD shows `reloading`)   ->   {"ok": true, ...} or {"ok": false, "error": "..."}
  server.log     the process's stdout/stderr; a start error the process can name (a port taken, an
                 unusable host key) is one line there starting with START_ERROR_PREFIX
  inventory/     with `--free-ports` only: a copy of the inventory whose hosts.yaml has the ports the
                 hosts listen on, and its known_hosts: what the toolkit needs as `--inventory`
A planned MD (`lifecycle: planned` in hosts.yaml) is not served until `install` stands in for racking and
cabling it: it then listens on its hosts.yaml port (or a free one), its key is written into the known-hosts
file and lab.json names it; `retire` takes an MD out of the hierarchy and stops serving it.
State (config DB with pending changes, operational data, ClearPass network devices, faults, which MDs are
installed) is saved to
the state dir on `down` and loaded on the next `up`, so a lab can be stopped and resumed; the hosts' SSH
keys are kept there too (`host_keys/`), and their known-hosts entries written next to the inventory at each
`up`; so are the ClearPass CA and certificates (`clearpass_tls/`), the CA certificate written next to the
inventory (`clearpass-ca.pem`) at each `up`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from wifiops.lab.files import PRIVATE_FILE, private_dir

# Where the wifiops package is imported from: handed to the server process so it imports the same code. Only
# for imports: every file the lab reads or writes follows wifiops.yaml (or $WIFIOPS_LAB_DIR), never this.
IMPORT_ROOT = Path(__file__).resolve().parents[2]
START_ERROR_PREFIX = "wifiops lab: "


class LabError(Exception):
    """Something a person can act on: lab not running, already running, unknown host, bad fault."""


@dataclass
class HostStatus:
    name: str
    address: str
    port: int
    username: str
    password: str
    role: str = ""
    faults: list[str] = field(default_factory=list)
    protocol: str = "ssh"  # ssh, or https for a ClearPass server (username/password: its API client)


@dataclass
class LabStatus:
    pid: int
    run_dir: str
    state_dir: str
    inventory: str
    hosts: list[HostStatus]
    known_hosts: str = ""  # the known-hosts file the lab wrote its hosts' keys into
    inventory_copy: str = ""  # with free ports: the inventory naming the real ports, for `--inventory`
    clearpass_ca: str = ""  # the CA file the ClearPass servers' certificates are verified against
    bastion: dict[str, Any] = field(default_factory=dict)  # address, port, username, password of its gateway

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_run_dir(configured: Path | None = None) -> Path:
    """$WIFIOPS_LAB_DIR, else the run dir wifiops.yaml names (`configured`), else `.lab` in the current folder."""
    return Path(os.environ.get("WIFIOPS_LAB_DIR") or configured or Path.cwd() / ".lab")


def _request(run_dir: Path, req: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    sock_path = run_dir / "control.sock"
    if not sock_path.exists():
        raise LabError(f"the lab is not running (no {sock_path})")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(sock_path))
            s.sendall((json.dumps(req) + "\n").encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError as exc:
        raise LabError(f"the lab is not answering on {sock_path}: {exc}") from exc
    reply = json.loads(data or b"{}")
    if not reply.get("ok"):
        raise LabError(reply.get("error", "the lab refused the request"))
    return reply


def _running(run_dir: Path) -> bool:
    try:
        _request(run_dir, {"op": "status"}, timeout=2)
        return True
    except LabError:
        return False


def _port_open(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=0.5):
            return True
    except OSError:
        return False


def up(inventory_dir: Path | None = None, state_dir: Path | None = None, *, run_dir: Path | None = None,
       free_ports: bool = False, timeout: float = 20.0, rejoin_delay: float | None = None,
       reload_delay: float | None = None, layout: str | None = None) -> LabStatus:
    """Start the lab in the background and wait until every host's port accepts connections.

    With `free_ports` the hosts listen on ports the system chooses, not hosts.yaml's; the returned
    status names the inventory copy that says where (`inventory_copy`). `rejoin_delay` and `reload_delay`
    (seconds): how long an AP takes to come back Up and a controller reload (None: as the saved state had
    them, realistic on a fresh state, see core.REALISTIC_REJOIN_S)."""
    run_dir = (run_dir or default_run_dir()).resolve()
    inventory_dir = (inventory_dir or Path.cwd() / "inventory" / "lab").resolve()
    state_dir = (state_dir or run_dir / "state").resolve()
    if not (inventory_dir / "hosts.yaml").exists() and not (inventory_dir / "inventory.yaml").exists():
        raise LabError(f"no lab inventory in {inventory_dir}")
    if _running(run_dir):
        raise LabError(f"a lab is already running from {run_dir}; `wifiops lab down` first")
    private_dir(run_dir)
    (run_dir / "lab.json").unlink(missing_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(IMPORT_ROOT), env.get("PYTHONPATH", "")) if p)
    log_path = run_dir / "server.log"
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
    log_start = os.fstat(log_fd).st_size  # what this start writes begins here
    with os.fdopen(log_fd, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "wifiops.lab.server", "--inventory", str(inventory_dir),
             "--state", str(state_dir), "--run-dir", str(run_dir)] + (["--free-ports"] if free_ports else [])
            + ([] if rejoin_delay is None else ["--rejoin-delay", str(rejoin_delay)])
            + ([] if reload_delay is None else ["--reload-delay", str(reload_delay)])
            + ([] if layout is None else ["--config-layout", layout]),
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=str(run_dir), env=env, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            with log_path.open("rb") as fh:
                fh.seek(log_start)
                said = fh.read().decode(errors="replace")
            named = [line[len(START_ERROR_PREFIX):] for line in said.splitlines()
                     if line.startswith(START_ERROR_PREFIX)]
            if named:
                raise LabError(named[-1])
            raise LabError(f"the lab exited at start (code {proc.returncode}); see {log_path}:\n{said[-2000:]}")
        info = _read_info(run_dir)
        if info and all(_port_open(h["address"], h["port"]) for h in info["hosts"]):
            return _lab_status(run_dir, info)
        time.sleep(0.05)
    raise LabError(f"the lab did not open its ports within {timeout:.0f}s; see {run_dir / 'server.log'}")


def _read_info(run_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((run_dir / "lab.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _lab_status(run_dir: Path, info: dict[str, Any], hosts: list[dict[str, Any]] | None = None) -> LabStatus:
    return LabStatus(pid=int(info["pid"]), run_dir=str(run_dir), state_dir=info["state"],
                     inventory=info["inventory"], hosts=[HostStatus(**h) for h in (hosts or info["hosts"])],
                     known_hosts=info.get("known_hosts", ""), inventory_copy=info.get("inventory_copy", ""),
                     clearpass_ca=info.get("clearpass_ca", ""), bastion=info.get("bastion") or {})


def status(*, run_dir: Path | None = None) -> list[HostStatus]:
    run_dir = (run_dir or default_run_dir()).resolve()
    reply = _request(run_dir, {"op": "status"})
    return [HostStatus(**h) for h in reply["hosts"]]


def lab_status(*, run_dir: Path | None = None) -> LabStatus:
    run_dir = (run_dir or default_run_dir()).resolve()
    info = _read_info(run_dir)
    if info is None:
        raise LabError(f"the lab is not running (no {run_dir / 'lab.json'})")
    return _lab_status(run_dir, info, _request(run_dir, {"op": "status"})["hosts"])


def down(*, run_dir: Path | None = None, timeout: float = 10.0) -> None:
    """Save state and stop the background lab."""
    run_dir = (run_dir or default_run_dir()).resolve()
    info = _read_info(run_dir)
    _request(run_dir, {"op": "down"})
    pid = int(info["pid"]) if info else None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid is None or not _alive(pid):
            return
        time.sleep(0.05)
    raise LabError(f"the lab (pid {pid}) did not stop within {timeout:.0f}s")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours counts as gone
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def set_fault(host: str, kind: str, arg: str | None = None, *, run_dir: Path | None = None) -> None:
    _request((run_dir or default_run_dir()).resolve(), {"op": "fault", "host": host, "kind": kind, "arg": arg})


def received(host: str, since: int = 0, *, run_dir: Path | None = None) -> list[dict[str, Any]]:
    """The lab's record of the lines `host` received: [{"seq", "time", "session", "line"}]."""
    return list(_request((run_dir or default_run_dir()).resolve(),
                         {"op": "received", "host": host, "since": since})["lines"])


def install(host: str, *, run_dir: Path | None = None) -> HostStatus:
    """Rack and cable the MD `host` (planned, or retired earlier): served from now on, joined to the conductor.
    Returns where it listens."""
    reply = _request((run_dir or default_run_dir()).resolve(), {"op": "install", "host": host})
    return next(HostStatus(**h) for h in reply["hosts"] if h["name"] == host)


def retire(host: str, *, run_dir: Path | None = None) -> None:
    """Delete the MD `host` from the hierarchy and stop serving it."""
    _request((run_dir or default_run_dir()).resolve(), {"op": "retire", "host": host})


def clear_fault(host: str, *, run_dir: Path | None = None) -> None:
    _request((run_dir or default_run_dir()).resolve(), {"op": "clear", "host": host})
