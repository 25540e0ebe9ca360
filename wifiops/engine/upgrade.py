"""Firmware upgrades of the MMs and controllers, one device at a time, the way back always open.

Why this order (docs/upgrade.md): an MD never runs newer code than its MM, so the MMs go first, standby
ones before the active ones and the conductor last (the configuration point stays up longest); then the
controllers one at a time, so their cluster peer carries their APs while they reload. Every image is
staged first on every host (no service impact: the running partition is left alone and stays the default
boot one), checked, and only then does any device reload. A device that comes back on the target but
whose APs do not rejoin boots its previous partition again (the way back); one that does not come back by
its step's deadline stops the run: the way back then needs its console.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml
from nornir.core.inventory import Host

from wifiops.readers import TEXT_BYTES, read_text
from wifiops.tasks.upgrade import Survey, reload, set_boot, stage, survey
from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.aos8.parse import parse
from wifiops.aos8.session import Aos8Session
from wifiops.aos8.upgrade import upgrade_facts
from wifiops.engine.run import Run, reason, start_run
from wifiops.errors import WifiopsError
from wifiops.estate import Estate
from wifiops.paths import child

Progress = Callable[[str], None]


# --- the target: what the engineer asks for -------------------------------------------------------------
@dataclass(frozen=True)
class Image:
    file: str
    sha256: str
    path: str | None = None  # a local copy of the file the server holds, hashed before anything is sent


@dataclass(frozen=True)
class Target:
    version: str
    build: str
    server: str
    protocol: str
    images: dict[str, Image]
    user: str | None = None
    password_env: str | None = None
    step_deadline_s: float = 1800.0
    poll_s: float = 15.0

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env) if self.password_env else None


def load_target(path: Path) -> Target:
    """The upgrade file; a mistake is one line naming the file and the field."""
    try:
        raw = yaml.safe_load(read_text(path, TEXT_BYTES, "upgrade file"))  # bounded, as every reader
    except yaml.YAMLError as exc:
        raise WifiopsError(f"{path}: cannot read the upgrade file: {str(exc).splitlines()[0]}") from None
    if not isinstance(raw, dict):
        raise WifiopsError(f"{path}: the upgrade file is a mapping (version, build, server, images)")
    defaults = upgrade_facts().defaults
    try:
        for name in ("version", "build", "server", "images"):
            if not raw.get(name):
                raise WifiopsError(f"{path}: field `{name}` is missing")
        protocol = str(raw.get("protocol") or defaults["protocol"])
        if protocol not in upgrade_facts().commands["copy"]:
            raise WifiopsError(f"{path}: field `protocol`: {protocol!r} is not one of "
                               f"{', '.join(upgrade_facts().commands['copy'])}")
        if protocol != "tftp" and not (raw.get("user") and raw.get("password_env")):
            raise WifiopsError(f"{path}: protocol {protocol} needs `user` and `password_env`, the name of an "
                               "environment variable: its value stays out of this file")
        images = {}
        for model, body in dict(raw["images"]).items():
            if not isinstance(body, dict) or not body.get("file") or not body.get("sha256"):
                raise WifiopsError(f"{path}: field `images.{model}` needs `file` and `sha256` (as published "
                                   "with the image)")
            images[str(model)] = Image(str(body["file"]), str(body["sha256"]).lower(),
                                       str(body["path"]) if body.get("path") else None)
        return Target(str(raw["version"]), str(raw["build"]), str(raw["server"]), protocol, images,
                      raw.get("user"), raw.get("password_env"),
                      float(raw.get("step_deadline_s") or defaults["step_deadline_s"]),
                      float(raw.get("poll_s") or defaults["poll_s"]))
    except (TypeError, ValueError) as exc:
        raise WifiopsError(f"{path}: {exc}") from None


# --- the plan -------------------------------------------------------------------------------------------
@dataclass
class Step:
    """One device's turn: what is sent and what is waited for."""

    host: str
    role: str  # mm-standby | mm | conductor | md
    model: str
    running: str
    partition: int | None  # where the image goes (the partition not running)
    back: int | None  # the running partition: the way back
    sends: list[str] = field(default_factory=list)
    waits: list[str] = field(default_factory=list)
    skip: str | None = None  # why nothing is done (already on the target)


@dataclass
class Plan:
    target: Target
    steps: list[Step]
    findings: list[str]
    errors: list[str]
    log_dir: Path
    aps_up: int = 0
    conductor: str = ""
    hosts: dict[str, Host] = field(default_factory=dict, repr=False)  # whom sessions open on (not in to_dict)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.target.version, "build": self.target.build, "aps_up": self.aps_up,
                "conductor": self.conductor,
                "steps": [asdict(s) for s in self.steps], "findings": self.findings, "errors": self.errors,
                "log_dir": str(self.log_dir)}


def _order(host: Host) -> tuple[int, str]:
    data = host.data
    if data.get("role") == "md" or "md" in [g.name for g in host.groups]:
        return (3, host.name)
    if data.get("conductor"):
        return (2, host.name)
    return (0 if data.get("mm_state") == "standby" else 1, host.name)


def _role(host: Host) -> str:
    rank = _order(host)[0]
    return ("mm-standby", "mm", "conductor", "md")[rank]


def _newer(a: str, b: str) -> bool:
    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split(".") if x.isdigit())
    return key(a) > key(b)


class Sessions:
    """Opens a session on a host when asked and keeps what was sent in `<run folder>/<host>.log`."""

    def __init__(self, run: Run, timeout: float, hosts: dict[str, Host] | None = None) -> None:
        self.run = run
        self.timeout = timeout
        self.hosts = hosts or dict(run.nr.inventory.hosts)  # the run's, and the conductor whatever the run's are

    def open(self, name: str, timeout: float | None = None) -> Aos8Session:
        host = self.hosts[name]
        extras = host.connection_options[CONNECTION_NAME].extras or {}
        return Aos8Session.connect(host.hostname or "", port=host.port or 22, username=host.username or "",
                                   password=host.password or "", name=name, known_hosts=extras["known_hosts"],
                                   timeout=timeout or extras.get("timeout", self.timeout), via=extras.get("via"))

    def keep(self, session: Aos8Session, note: str = "") -> None:
        with child(self.run.folder, session.name, ".log").open("a", encoding="utf-8") as log:
            log.write(session.transcript.text(self.run.redact) + (f"!!! {self.run.redact(note)}\n" if note else ""))
        session.transcript.exchanges.clear()


def _aps_up(sessions: Sessions, conductor: str) -> tuple[int, int]:
    """(APs Up, APs known) as the conductor's `show ap database` says."""
    with sessions.open(conductor) as session:
        try:
            text = session.show(upgrade_facts().command("ap_database"), keep=False)
        finally:
            sessions.keep(session)
    records = parse("show ap database", text).records
    return sum(1 for r in records if r.get("up")), len(records)


def plan(estate: Estate, target_path: Path, *, names: Sequence[str] = ()) -> tuple[Plan, Run]:
    """Read every host (nothing is changed), check the target against it, and order the steps."""
    target = load_target(target_path)
    run = start_run(estate, "upgrade", names=names)
    conductor = estate.conductor
    secret = target.password
    run.store.remember(*(s for s in (secret, conductor.password) if s))
    sessions = Sessions(run, float(estate.settings.timeout), {**run.nr.inventory.hosts, conductor.name: conductor})
    findings: list[str] = []
    errors: list[str] = []
    for model, image in target.images.items():
        if image.path is None:
            continue
        try:
            digest = _sha256(Path(image.path))
        except OSError as exc:
            errors.append(f"{target_path}: images.{model}.path: cannot read {image.path}: {exc.strerror}")
            continue
        if digest != image.sha256:
            findings.append(f"{target_path}: images.{model}: {image.file} has SHA-256 {digest[:16]}..., not the "
                            f"published {image.sha256[:16]}...: a corrupted or wrong image; nothing was sent")
    hosts = sorted(run.nr.inventory.hosts.values(), key=_order)
    surveys: dict[str, Survey] = {}
    if not findings:
        for host in hosts:
            try:
                with sessions.open(host.name) as session:
                    try:
                        surveys[host.name] = survey(session, host.name)
                    finally:
                        sessions.keep(session)
            except Exception as exc:  # one line per host; the traceback, if any, in run.log
                errors.append(reason(host.name, exc))
    steps = [_step(host, surveys.get(host.name), target, findings) for host in hosts]
    if any(s.role == "md" and s.partition is not None for s in steps) and conductor.name not in surveys \
            and not errors and not findings:
        try:
            with sessions.open(conductor.name) as session:
                try:
                    surveys[conductor.name] = survey(session, conductor.name)
                finally:
                    sessions.keep(session)
        except Exception as exc:
            errors.append(reason(conductor.name, exc))
    mm_now = surveys[conductor.name].version if conductor.name in surveys else ""
    upgrading_mms = any(s.role != "md" and s.partition is not None for s in steps)
    if mm_now and not upgrading_mms and _newer(target.version, mm_now) and any(
            s.role == "md" and s.partition is not None for s in steps):
        findings.append(f"the conductor {conductor.name} runs {mm_now}: an MD never runs newer code than its MM; "
                        f"upgrade the MMs to {target.version} first")
    for s in steps:
        if s.role == "md" and s.running and _newer(s.running, target.version):
            findings.append(f"{s.host}: runs {s.running}, newer than the target {target.version}: not a downgrade "
                            "wifiops does")
    aps = 0
    if not findings and not errors:
        try:
            aps, _ = _aps_up(sessions, conductor.name)
        except Exception as exc:
            errors.append(reason(conductor.name, exc))
    return Plan(target, steps, findings, errors, run.folder, aps, conductor.name, sessions.hosts), run


@dataclass
class Versions:
    rows: list[dict[str, Any]]  # host, runs, build, partitions {0: "v (build)"|None}, boot, free_mb
    findings: list[str]
    errors: list[str]
    log_dir: Path

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"log_dir": str(self.log_dir)}


def versions(estate: Estate, *, names: Sequence[str] = (),
             target_path: Path | None = None) -> Versions:
    """What every host runs and holds (read only); with a target, a finding per host not on it."""
    target = load_target(target_path) if target_path else None
    run = start_run(estate, "versions", names=names)
    sessions = Sessions(run, float(estate.settings.timeout))
    rows, findings, errors = [], [], []
    for host in sorted(run.nr.inventory.hosts.values(), key=_order):
        try:
            with sessions.open(host.name) as session:
                try:
                    found = survey(session, host.name)
                finally:
                    sessions.keep(session)
        except Exception as exc:
            errors.append(reason(host.name, exc))
            continue
        rows.append({"host": host.name, "role": _role(host), "runs": found.version, "build": found.build,
                     "partitions": {str(n): (f"{v[0]} ({v[1]})" if v else None)
                                    for n, v in sorted(found.partitions.images.items())},
                     "boot": found.partitions.default, "free_mb": found.free_mb})
        if target and (found.version, found.build) != (target.version, target.build):
            findings.append(f"{host.name}: runs {found.version} build {found.build}, not the target "
                            f"{target.version} build {target.build}")
    return Versions(rows, findings, errors, run.folder)


def _step(host: Host, found: Survey | None, target: Target, findings: list[str]) -> Step:
    facts = upgrade_facts()
    model = str(host.data.get("model") or (found.model if found else ""))
    step = Step(host.name, _role(host), model, found.version if found else "?", None, None)
    if found is None:
        return step
    if (found.version, found.build) == (target.version, target.build):
        step.skip = "already on the target"
        return step
    image = target.images.get(model)
    if image is None:
        findings.append(f"{host.name}: no image for its model {model} in the upgrade file (images.{model})")
        return step
    expected = facts.image_file(model, target.version, target.build)
    if expected and image.file.rsplit("/", 1)[-1] != expected:
        findings.append(f"{host.name}: images.{model}.file is {image.file}, not {expected} (the {model} image of "
                        f"{target.version} build {target.build})")
    need = float(facts.defaults["min_free_mb"])
    if found.free_mb is None:
        findings.append(f"{host.name}: free flash not read (`show storage` has no /flash row as expected): check "
                        "it by hand before staging")
    elif found.free_mb < need:
        findings.append(f"{host.name}: {found.free_mb:.0f} MB free on /flash, the copy needs {need:.0f} MB: free "
                        "some (old crash files, logs) first")
    back = found.running_partition
    if back is None:
        findings.append(f"{host.name}: no partition holds the running {found.version}: no way back; check "
                        "`show image version`")
        return step
    step.back, step.partition = back, 1 - back
    copy = facts.copy(target.protocol, server=target.server, file=image.file, partition=step.partition,
                      user=target.user or "")
    step.sends = [copy, facts.command("set_boot", partition=back), "--- its turn:",
                  facts.command("set_boot", partition=step.partition), facts.command("reload"),
                  facts.command("reload_confirm")]
    step.waits = [f"back within {target.step_deadline_s:g} s running {target.version} build {target.build}"]
    if step.role == "md":
        step.waits.append("every AP Up again (conductor's show ap database)")
    return step


# --- the run --------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    host: str
    state: str  # upgraded | skipped | staged | failed | rolled-back | not-returned | not-reached
    detail: str = ""
    took_s: float = 0.0
    fewest_aps_up: int | None = None  # sampled on the conductor while a controller was away (None: not sampled)


@dataclass
class RunReport:
    plan: Plan
    outcomes: list[Outcome]
    stopped: str | None = None

    @property
    def code(self) -> int:
        if self.stopped is None:
            return 0
        return 2 if any(o.state in ("not-returned", "not-reached") for o in self.outcomes) else 1

    def to_dict(self) -> dict[str, Any]:
        return {"plan": self.plan.to_dict(), "outcomes": [asdict(o) for o in self.outcomes],
                "stopped": self.stopped}


def execute(plan_: Plan, run: Run, *, progress: Progress = lambda _: None, timeout: float = 30.0) -> RunReport:
    """Stage everywhere, then one device at a time: boot the new partition, reload, wait, check; the way back
    on a device that returns unhealthy. Stops at the first device that does not end healthy."""
    target = plan_.target
    conductor = plan_.conductor
    sessions = Sessions(run, timeout, plan_.hosts)
    outcomes: list[Outcome] = []
    todo = [s for s in plan_.steps if s.skip is None and s.partition is not None]
    outcomes += [Outcome(s.host, "skipped", s.skip or "") for s in plan_.steps if s.skip is not None]
    for s in todo:  # 1. stage: no service impact, the running partition stays the default boot one
        progress(f"{s.host}: copying {target.images[s.model].file} to partition {s.partition}")
        try:
            with sessions.open(s.host) as session:
                try:
                    stage(session, protocol=target.protocol, server=target.server,
                          file=target.images[s.model].file, partition=s.partition or 0, user=target.user,
                          password=target.password, timeout=max(timeout, target.step_deadline_s))
                    set_boot(session, s.back or 0)
                    found = survey(session, s.host)
                finally:
                    sessions.keep(session)
        except Exception as exc:
            outcomes.append(Outcome(s.host, "failed", run.redact(reason(s.host, exc))))
            return RunReport(plan_, outcomes, f"{s.host}: staging failed, no device was reloaded")
        if found.partitions.images.get(s.partition or 0) != (target.version, target.build):
            outcomes.append(Outcome(s.host, "failed", f"partition {s.partition} does not hold {target.version}"))
            return RunReport(plan_, outcomes, f"{s.host}: staging not confirmed, no device was reloaded")
    progress(f"every image staged and checked on {len(todo)} host(s)")
    for s in todo:  # 2. one device at a time
        started = time.monotonic()
        low: list[int] = []
        outcome = _turn(s, target, sessions, conductor, plan_.aps_up, progress, low)
        outcome.fewest_aps_up = min(low) if low else None
        outcome.took_s = round(time.monotonic() - started, 1)
        outcomes.append(outcome)
        if outcome.state != "upgraded":
            return RunReport(plan_, outcomes + [Outcome(x.host, "staged", "not reloaded: the run stopped")
                                                for x in todo[todo.index(s) + 1:]],
                             f"{s.host}: {outcome.state}: {outcome.detail}")
    return RunReport(plan_, outcomes)


def _turn(s: Step, target: Target, sessions: Sessions, conductor: str, aps_before: int,
          progress: Progress, low: list[int]) -> Outcome:
    try:
        with sessions.open(s.host) as session:
            try:
                set_boot(session, s.partition or 0)
                progress(f"{s.host}: boot partition {s.partition}, reloading")
                reload(session, 30.0)
            finally:
                sessions.keep(session)
    except Exception as exc:
        return Outcome(s.host, "not-reached", reason(s.host, exc))
    back = _wait_back(s, sessions, target, progress, conductor if s.role == "md" else None, low)
    if back is None:
        return Outcome(s.host, "not-returned", f"not back within {target.step_deadline_s:g} s; the way back needs "
                       f"its console: boot partition {s.back} (it holds {s.running}) and reload")
    if back != (target.version, target.build):
        return Outcome(s.host, "failed", f"back running {back[0]}, not {target.version}")
    if s.role != "md" or _wait_aps(s.host, sessions, conductor, aps_before, target, progress):
        return Outcome(s.host, "upgraded", f"{target.version} build {target.build}")
    progress(f"{s.host}: its APs did not rejoin: the way back (boot partition {s.back})")
    try:
        with sessions.open(s.host) as session:
            try:
                set_boot(session, s.back or 0)
                reload(session, 30.0)
            finally:
                sessions.keep(session, "the way back")
    except Exception as exc:
        return Outcome(s.host, "failed", f"APs did not rejoin, and the way back could not start: {reason(s.host, exc)}")
    again = _wait_back(s, sessions, target, progress)
    if again is None or again[0] != s.running:
        return Outcome(s.host, "not-returned", f"the way back did not bring it back on {s.running}")
    healthy = _wait_aps(s.host, sessions, conductor, aps_before, target, progress)
    return Outcome(s.host, "rolled-back", f"APs did not rejoin on {target.version}; back on {s.running}"
                   + ("" if healthy else ", but its APs are still not all Up"))


def _wait_back(s: Step, sessions: Sessions, target: Target, progress: Progress, conductor: str | None = None,
               low: list[int] | None = None) -> tuple[str, str] | None:
    """Poll until the device answers `show version`; (version, build) then, None at the deadline. With a
    `conductor`, each poll also counts the APs up there into `low` (the service while the device is away)."""
    deadline = time.monotonic() + target.step_deadline_s
    while time.monotonic() < deadline:
        time.sleep(target.poll_s)
        if conductor is not None and low is not None:
            try:
                low.append(_aps_up(sessions, conductor)[0])
            except Exception as exc:
                progress(f"{s.host}: AP count not read on {conductor} ({exc})")
        try:
            with sessions.open(s.host, timeout=max(2.0, min(30.0, target.poll_s * 2))) as session:
                try:
                    record = parse("show version", session.show(upgrade_facts().command("version"))).records
                finally:
                    sessions.keep(session)
        except Exception:
            progress(f"{s.host}: not back yet ({deadline - time.monotonic():.0f} s left)")
            continue
        if record:
            version = str(record[0].get("version") or "").split()
            progress(f"{s.host}: back, running {version[0] if version else '?'}")
            return (version[0] if version else "", str(record[0].get("build") or ""))
    return None


def _wait_aps(host: str, sessions: Sessions, conductor: str, before: int, target: Target,
              progress: Progress) -> bool:
    """Every AP Up before the run is Up again (counted on the conductor), by the step's deadline."""
    deadline = time.monotonic() + target.step_deadline_s
    while True:
        try:
            up, total = _aps_up(sessions, conductor)
        except Exception as exc:
            progress(f"{host}: AP count not read ({exc})")
            up, total = -1, 0
        progress(f"{host}: {up}/{total} APs up (before: {before})")
        if up >= before:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(target.poll_s)


def _sha256(path: Path) -> str:
    """An image's SHA-256 read in chunks (an image is hundreds of MB: never held whole); a FIFO or a device in its
    place is refused, not read."""
    if not path.is_file():
        raise OSError(21, "not a regular file")
    digest = hashlib.sha256()
    with path.open("rb") as image:
        for chunk in iter(lambda: image.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
