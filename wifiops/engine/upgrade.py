"""Firmware upgrades of the MMs and controllers, one device at a time, the way back always open.

Why this order (docs/upgrade.md): an MD never runs newer code than its MM, so the MMs go first, standby
ones before the active ones and the conductor last (the configuration point stays up longest); then the
controllers one at a time, so their cluster peer carries their APs while they reload. Every image is
staged first on every host (no service impact: the running partition is left alone and stays the default
boot one), checked, and only then does any device reload. A device that comes back on the target but
whose APs do not rejoin (or back on another release) boots its previous partition again (the way back); one
that does not come back by its step's deadline is booted on its previous partition from its console when the
inventory names one (`console:`). Whenever the failed device is back on its old release, every host already
upgraded is then taken back, controllers first, so the estate ends on one release; otherwise (no console) the
run stops and says what to do, host by host.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from nornir.core.inventory import Host

from wifiops.readers import TEXT_BYTES, read_text
from wifiops.tasks.upgrade import Survey, reload, set_boot, stage, survey
from wifiops.aos8.connection import CONNECTION_NAME
from wifiops.aos8.console import ConsoleLog, boot_previous, console_lines, shown
from wifiops.aos8.parse import parse
from wifiops.aos8.session import Aos8Session
from wifiops.aos8.upgrade import read_preload, upgrade_facts
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
    preload: bool = True  # AP image preload on the controllers whose platform offers it, before any reload
    preload_max_downloads: int = 10
    # how long each AP group may be without some of its APs while a controller is away, seconds; `default`
    # for the groups not named; none at all: sampled and reported, never held to a limit
    downtime_s: dict[str, float] = field(default_factory=dict)

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env) if self.password_env else None

    def allowance(self, group: str) -> float | None:
        return self.downtime_s.get(group, self.downtime_s.get("default"))


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
        downtime = raw.get("ap_group_downtime_s") or {}
        if not isinstance(downtime, dict):
            raise WifiopsError(f"{path}: field `ap_group_downtime_s` maps AP groups (and `default`) to seconds")
        for group, seconds in downtime.items():
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
                raise WifiopsError(f"{path}: field `ap_group_downtime_s.{group}`: {seconds!r} is not a number of "
                                   "seconds")
        return Target(str(raw["version"]), str(raw["build"]), str(raw["server"]), protocol, images,
                      raw.get("user"), raw.get("password_env"),
                      float(raw.get("step_deadline_s") or defaults["step_deadline_s"]),
                      float(raw.get("poll_s") or defaults["poll_s"]),
                      bool(raw.get("preload", True)),
                      int(raw.get("preload_max_downloads") or defaults["preload_max_downloads"]),
                      {str(g): float(v) for g, v in downtime.items()})
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
    way_back: list[str] = field(default_factory=list)  # what the way back sends, if it is needed
    console: str | None = None  # its console-server line (host:port), the way back when it does not boot


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
    groups_up: dict[str, int] = field(default_factory=dict)  # AP group -> its APs Up before the run
    mds: list[str] = field(default_factory=list)  # every controller of the estate (the APs' versions: all done)
    ap_versions: dict[str, dict[str, int]] = field(default_factory=dict)  # AP model -> "version (build)" -> APs

    @property
    def worst_case(self) -> timedelta:
        """How long the run may take: each device reloaded to its deadline, and twice for its way back, the APs'
        preload to its deadline: what a maintenance window must hold."""
        turns = [s for s in self.steps if s.skip is None and s.partition is not None]
        preload = self.target.step_deadline_s if any(preloads(s, self.target) for s in turns) else 0.0
        return timedelta(seconds=len(turns) * self.target.step_deadline_s + 2 * self.target.step_deadline_s + preload)

    @property
    def way_back_worst_case(self) -> timedelta:
        """How long taking the estate back may take on top of `worst_case`: the last device fails, every host
        before it is taken back, each to its deadline (a controller: once more for its APs), then the estate's
        APs counted to one more deadline. Not held to the window (docs/upgrade.md): a warning when it runs past."""
        turns = [s for s in self.steps if s.skip is None and s.partition is not None]
        if len(turns) < 2:
            return timedelta(0)  # nothing upgraded before the last device: only its own way back (in worst_case)
        deadline = self.target.step_deadline_s
        return timedelta(seconds=sum(deadline * (2 if s.role == "md" else 1) for s in turns[:-1]) + deadline)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.target.version, "build": self.target.build, "aps_up": self.aps_up,
                "conductor": self.conductor, "groups_up": self.groups_up, "ap_versions": self.ap_versions,
                "downtime_s": self.target.downtime_s, "worst_case_s": self.worst_case.total_seconds(),
                "way_back_worst_case_s": self.way_back_worst_case.total_seconds(),
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

    def note(self, name: str, text: str, title: str) -> None:
        """Lines sent and read outside a CLI session (its console), into the host's log, scrubbed."""
        with child(self.run.folder, name, ".log").open("a", encoding="utf-8") as log:
            log.write(f"!!! {title}\n" + self.run.redact(text))

    def keep(self, session: Aos8Session, note: str = "") -> None:
        with child(self.run.folder, session.name, ".log").open("a", encoding="utf-8") as log:
            log.write(session.transcript.text(self.run.redact) + (f"!!! {self.run.redact(note)}\n" if note else ""))
        session.transcript.exchanges.clear()


def _ap_records(sessions: Sessions, conductor: str, command: str = "ap_database") -> list[dict[str, Any]]:
    """The conductor's `show ap database` (or `show ap image version`) rows: every AP of the estate."""
    line = upgrade_facts().command(command)
    with sessions.open(conductor) as session:
        try:
            text = session.show(line, keep=False)
        finally:
            sessions.keep(session)
    return parse(line, text).records


def ap_versions(records: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """AP model -> release "version (build)" -> how many APs run it (`show ap image version` rows)."""
    found: dict[str, Counter[str]] = {}
    for r in records:
        found.setdefault(f"AP-{r.get('ap_type')}", Counter())[f"{r.get('version')} ({r.get('build')})"] += 1
    return {model: dict(sorted(c.items())) for model, c in sorted(found.items())}


@dataclass
class GroupWatch:
    """Each AP group's down time, sampled on the conductor while a controller is away: a group counts as down
    at a sample where fewer of its APs are Up than before the run, from the first such sample on (so the
    figure is what the samples saw, at most one poll short). `breach` says which group outlasted its allowance."""

    target: Target
    baseline: dict[str, int]
    down_since: dict[str, float] = field(default_factory=dict)
    worst: dict[str, float] = field(default_factory=dict)
    samples: int = 0
    breach: str | None = None

    def sample(self, records: list[dict[str, Any]], now: float) -> None:
        self.samples += 1
        up = Counter(str(r.get("group")) for r in records if r.get("up"))
        for group, before in self.baseline.items():
            if up[group] >= before:
                self.down_since.pop(group, None)
                continue
            lasted = now - self.down_since.setdefault(group, now)
            self.worst[group] = round(max(self.worst.get(group, 0.0), lasted), 1)
            limit = self.target.allowance(group)
            if limit is not None and lasted > limit and self.breach is None:
                self.breach = (f"AP group {group} had {up[group]}/{before} APs up for {lasted:.0f} s, more than the "
                               f"{limit:g} s allowed (ap_group_downtime_s)")


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
    groups: dict[str, int] = {}
    versions_now: dict[str, dict[str, int]] = {}
    if not findings and not errors:
        try:
            records = _ap_records(sessions, conductor.name)
            aps = sum(1 for r in records if r.get("up"))
            groups = dict(sorted(Counter(str(r.get("group")) for r in records if r.get("up")).items()))
            versions_now = ap_versions(_ap_records(sessions, conductor.name, "ap_versions"))
        except Exception as exc:
            errors.append(reason(conductor.name, exc))
    mds = sorted(h.name for h in estate.managed.inventory.hosts.values() if _role(h) == "md")
    return Plan(target, steps, findings, errors, run.folder, aps, conductor.name, sessions.hosts, groups, mds,
                versions_now), run


@dataclass
class Versions:
    rows: list[dict[str, Any]]  # host, runs, build, partitions {0: "v (build)"|None}, boot, free_mb
    findings: list[str]
    errors: list[str]
    log_dir: Path
    aps: dict[str, dict[str, int]] = field(default_factory=dict)  # AP model -> "version (build)" -> APs

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
    conductor = estate.conductor
    run.store.remember(*(x for x in (conductor.password,) if x))
    aps: dict[str, dict[str, int]] = {}
    try:  # the APs, by model, as the conductor sees every one of them
        aps = ap_versions(_ap_records(Sessions(run, float(estate.settings.timeout), {conductor.name: conductor}),
                                      conductor.name, "ap_versions"))
    except Exception as exc:
        errors.append(reason(conductor.name, exc))
    wanted = f"{target.version} ({target.build})" if target else None
    for model, releases in aps.items():
        off = {r: n for r, n in releases.items() if r != wanted}
        if wanted and off:
            findings.append(f"APs {model}: " + ", ".join(f"{n} run {r}" for r, n in off.items())
                            + f", not the target {wanted}")
    return Versions(rows, findings, errors, run.folder, aps)


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
    step.sends = [copy, facts.command("set_boot", partition=back)]
    if preloads(step, target):
        step.sends += ["--- before any controller reloads:",
                       facts.command("preload_activate", partition=step.partition,
                                     max_downloads=target.preload_max_downloads)]
    step.sends += ["--- its turn:", facts.command("set_boot", partition=step.partition), facts.command("reload"),
                   facts.command("reload_confirm")]
    step.way_back = [facts.command("set_boot", partition=back), facts.command("reload"),
                     facts.command("reload_confirm")]
    console = host.data.get("console")
    if isinstance(console, dict) and console.get("host") and console.get("port"):
        step.console = f"{console['host']}:{console['port']}"
        step.way_back += [f"--- not back by its deadline: on its console {step.console}, at the boot loader:",
                          *(shown(line) for line in console_lines(back))]
    if preloads(step, target):
        step.waits.append(f"its APs' preload of {target.version} done (show ap image-preload status summary)")
    step.waits.append(f"back within {target.step_deadline_s:g} s running {target.version} build {target.build}")
    if step.role == "md":
        step.waits.append("every AP Up again (conductor's show ap database)")
        step.waits.append("each AP group down no longer than ap_group_downtime_s (sampled)")
    return step


def preloads(step: Step, target: Target) -> bool:
    """AP image preload for this step: a controller whose platform offers it, unless the target says no."""
    return target.preload and step.role == "md" and step.model in upgrade_facts().preload_models


# --- the run --------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    host: str
    # upgraded | skipped | staged | failed | rolled-back | not-returned | not-reached | taken-back | not-taken-back
    state: str
    detail: str = ""
    took_s: float = 0.0
    fewest_aps_up: int | None = None  # sampled on the conductor while a controller was away (None: not sampled)
    via_console: bool = False  # booted back on its previous partition from its console


@dataclass
class RunReport:
    plan: Plan
    outcomes: list[Outcome]
    stopped: str | None = None
    groups_down_s: dict[str, float] = field(default_factory=dict)  # AP group -> its longest down time sampled
    samples: int = 0  # AP samples taken on the conductor while controllers were away
    preload: dict[str, str] = field(default_factory=dict)  # controller -> what its AP image preload did
    ap_versions_after: dict[str, dict[str, int]] = field(default_factory=dict)
    way_back_failed: bool = False  # taking the estate back stopped short: the estate is on two releases (exit 2)

    @property
    def code(self) -> int:
        if self.stopped is None:
            return 0
        return 2 if self.way_back_failed or any(o.state in ("not-returned", "not-reached", "not-taken-back")
                                                for o in self.outcomes) else 1

    def to_dict(self) -> dict[str, Any]:
        return {"plan": self.plan.to_dict(), "outcomes": [asdict(o) for o in self.outcomes],
                "stopped": self.stopped, "way_back_failed": self.way_back_failed, "groups_down_s": self.groups_down_s, "samples": self.samples,
                "downtime_s": self.plan.target.downtime_s, "preload": self.preload,
                "ap_versions_before": self.plan.ap_versions, "ap_versions_after": self.ap_versions_after}


def execute(plan_: Plan, run: Run, *, progress: Progress = lambda _: None, timeout: float = 30.0) -> RunReport:
    """Stage everywhere, preload the APs' image, then one device at a time: boot the new partition, reload,
    wait, check; the way back on a device that returns unhealthy or whose AP groups outlast their allowance.
    Stops at the first device that does not end healthy."""
    target = plan_.target
    conductor = plan_.conductor
    sessions = Sessions(run, timeout, plan_.hosts)
    outcomes: list[Outcome] = []
    todo = [s for s in plan_.steps if s.skip is None and s.partition is not None]
    outcomes += [Outcome(s.host, "skipped", s.skip or "") for s in plan_.steps if s.skip is not None]
    watch = GroupWatch(target, dict(plan_.groups_up))
    report = RunReport(plan_, outcomes)

    def stop(why: str) -> RunReport:
        report.stopped = why
        report.groups_down_s, report.samples = dict(sorted(watch.worst.items())), watch.samples
        return report

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
            return stop(f"{s.host}: staging failed, no device was reloaded")
        if found.partitions.images.get(s.partition or 0) != (target.version, target.build):
            outcomes.append(Outcome(s.host, "failed", f"partition {s.partition} does not hold {target.version}"))
            return stop(f"{s.host}: staging not confirmed, no device was reloaded")
    progress(f"every image staged and checked on {len(todo)} host(s)")
    for s in todo:  # 1b. the APs download the new image while they serve (no service impact)
        if preloads(s, target):
            report.preload[s.host] = _preload(s, target, sessions, progress)
    for s in todo:  # 2. one device at a time
        started = time.monotonic()
        low: list[int] = []
        outcome = _turn(s, target, sessions, conductor, plan_.aps_up, progress, low, watch)
        outcome.fewest_aps_up = min(low) if low else None
        outcome.took_s = round(time.monotonic() - started, 1)
        outcomes.append(outcome)
        if outcome.state != "upgraded":
            outcomes.extend(Outcome(x.host, "staged", "not reloaded: the run stopped") for x in todo[todo.index(s) + 1:])
            said = f"{s.host}: {outcome.state}: {outcome.detail}"
            earlier = [x for x in todo[:todo.index(s)]
                       if x.host in {o.host for o in outcomes if o.state == "upgraded"}]
            if not earlier:
                return stop(said)
            if outcome.state == "rolled-back":  # back on its old release: the estate goes back with it, one release
                back, ok = _take_back(earlier[::-1], outcomes, target, sessions, conductor, plan_.aps_up, progress)
                report.way_back_failed = not ok
                return stop(f"{said}; {back}")
            # the failed device is not known on its old release: taking the others back now could leave its APs
            # with no controller; a person brings it back first
            return stop(f"{said}; {_left_on_target(earlier[::-1], target, s.host)}")
    try:  # 3. the APs' releases after (they take their controller's release as they rejoin)
        report.ap_versions_after = ap_versions(_ap_records(sessions, conductor, "ap_versions"))
    except Exception as exc:
        progress(f"AP versions not read on {conductor} ({exc})")
    done = {s.host for s in plan_.steps if s.role == "md" and s.skip is not None} | {
        o.host for o in outcomes if o.state == "upgraded"}
    off = {m: n for m, v in report.ap_versions_after.items() for r, n in v.items()
           if r != f"{target.version} ({target.build})"} if set(plan_.mds) <= done else {}
    report.groups_down_s, report.samples = dict(sorted(watch.worst.items())), watch.samples
    if off:  # every controller on the target: so must every AP be
        report.stopped = "APs not on the target: " + ", ".join(f"{m}: {n}" for m, n in sorted(off.items()))
    return report


def _preload(s: Step, target: Target, sessions: Sessions, progress: Progress) -> str:
    """`ap image-preload activate` on a controller, then wait (the step's deadline) until its APs hold the image.
    A preload that fails or does not finish is not a stop: the APs then download as they rejoin (longer)."""
    facts = upgrade_facts()
    deadline = time.monotonic() + target.step_deadline_s
    try:
        with sessions.open(s.host) as session:
            try:
                exchange = session.send(facts.command("preload_activate", partition=s.partition,
                                                      max_downloads=target.preload_max_downloads))
                if exchange.refused or exchange.answer.strip():
                    return f"not started: {exchange.answer.strip() or 'refused'}"
                while True:
                    counts = read_preload(session.show(facts.command("preload_status")))
                    if counts is None:
                        return "status not read (show ap image-preload status summary)"
                    total, done, failed = counts
                    progress(f"{s.host}: AP image preload {done}/{total}" + (f", {failed} failed" if failed else ""))
                    if done + failed >= total:
                        return f"{done}/{total} APs preloaded" + (f", {failed} failed" if failed else "")
                    if time.monotonic() >= deadline:
                        return f"{done}/{total} APs preloaded by the deadline; the others download as they rejoin"
                    time.sleep(target.poll_s)
            finally:
                sessions.keep(session)
    except Exception as exc:
        return f"not done: {reason(s.host, exc)}"


def _turn(s: Step, target: Target, sessions: Sessions, conductor: str, aps_before: int,
          progress: Progress, low: list[int], watch: GroupWatch) -> Outcome:
    md = s.role == "md"
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
    back = _wait_back(s, sessions, target, progress, conductor if md else None, low, watch if md else None)
    if back is None and s.console is not None:
        return _console_way_back(s, target, sessions, conductor, aps_before, progress)
    if back is None:
        return Outcome(s.host, "not-returned", f"not back within {target.step_deadline_s:g} s; the way back needs "
                       f"its console: boot partition {s.back} (it holds {s.running}) and reload")
    if back != (target.version, target.build):  # a failed verify: the way back, as for APs that do not rejoin
        why = f"back running {back[0] or '?'} build {back[1] or '?'}, not {target.version} build {target.build}"
    elif not md or (watch.breach is None and _wait_aps(s.host, sessions, conductor, aps_before, target, progress,
                                                       watch)):
        return Outcome(s.host, "upgraded", f"{target.version} build {target.build}")
    else:
        why = watch.breach or f"APs did not rejoin on {target.version}"
    progress(f"{s.host}: {why}: the way back (boot partition {s.back})")
    try:
        _boot_previous(sessions, s, "the way back")
    except Exception as exc:
        return Outcome(s.host, "failed", f"{why}, and the way back could not start: {reason(s.host, exc)}")
    again = _wait_back(s, sessions, target, progress)
    if again is None or again[0] != s.running:
        return Outcome(s.host, "not-returned", f"{why}; the way back did not bring it back on {s.running}")
    healthy = not md or _wait_aps(s.host, sessions, conductor, aps_before, target, progress)
    return Outcome(s.host, "rolled-back", f"{why}; back on {s.running}"
                   + ("" if healthy else ", but its APs are still not all Up"))


def _boot_previous(sessions: Sessions, s: Step, note: str) -> None:
    """The way back's two commands on a device that answers: its previous partition to boot, then reload."""
    with sessions.open(s.host) as session:
        try:
            set_boot(session, s.back or 0)
            reload(session, 30.0)
        finally:
            sessions.keep(session, note)


def _console_way_back(s: Step, target: Target, sessions: Sessions, conductor: str, aps_before: int,
                      progress: Progress) -> Outcome:
    """A device not back by its deadline: boot its previous partition from the boot loader, on its console, then
    wait for it (and its APs) on its old release."""
    late = f"not back within {target.step_deadline_s:g} s on {target.version}"
    progress(f"{s.host}: {late}: booting partition {s.back} from its console {s.console}")
    host = sessions.hosts[s.host]
    address, _, port = (s.console or "").rpartition(":")
    extras = host.connection_options[CONNECTION_NAME].extras or {}
    log = ConsoleLog()
    try:
        boot_previous(s.host, address, int(port), username=host.username or "", password=host.password or "",
                      known_hosts=extras["known_hosts"], partition=s.back or 0, timeout=sessions.timeout,
                      log=log)
    except Exception as exc:
        return Outcome(s.host, "not-returned", f"{late}; the way back on its console failed: {reason(s.host, exc)}")
    finally:
        sessions.note(s.host, log.text(), "the way back, on its console")
    again = _wait_back(s, sessions, target, progress)
    if again is None or again[0] != s.running:
        return Outcome(s.host, "not-returned", f"{late}; booted partition {s.back} from its console, but not back on "
                       f"{s.running} by the deadline", via_console=True)
    healthy = s.role != "md" or _wait_aps(s.host, sessions, conductor, aps_before, target, progress)
    return Outcome(s.host, "rolled-back", f"{late}; booted partition {s.back} from its console: back on {s.running}"
                   + ("" if healthy else ", but its APs are still not all Up"), via_console=True)


def _take_back(steps: list[Step], outcomes: list[Outcome], target: Target, sessions: Sessions, conductor: str,
               aps_before: int, progress: Progress) -> tuple[str, bool]:
    """Every host already upgraded back on its old release, in the reverse order (controllers, then the MMs: an
    MD never runs newer code than its MM): boot the previous partition, reload, check the release (and the
    APs). Stops at the first that does not go back, saying each host's state and what to do; (said, all back)."""
    by_host = {o.host: o for o in outcomes}
    for n, s in enumerate(steps):
        o = by_host[s.host]
        progress(f"{s.host}: taking it back to {s.running} (boot partition {s.back})")
        try:
            _boot_previous(sessions, s, "the way back (the estate)")
        except Exception as exc:
            o.state, o.detail = "not-taken-back", (f"still on {target.version}? the way back could not start: "
                                                   f"{reason(s.host, exc)}; check it with `show version`, then boot "
                                                   f"system partition {s.back} and reload")
            return _stopped_back(s, steps, n, target), False
        again = _wait_back(s, sessions, target, progress)
        if again is None:
            o.state, o.detail = "not-taken-back", (f"reloaded onto partition {s.back} and not back within "
                                                   f"{target.step_deadline_s:g} s: on its console, boot partition "
                                                   f"{s.back} (it holds {s.running})")
            return _stopped_back(s, steps, n, target), False
        if again[0] != s.running:
            o.state, o.detail = "not-taken-back", (f"back running {again[0]}, not {s.running}: boot system partition "
                                                   f"{s.back} and reload, check `show image version`")
            return _stopped_back(s, steps, n, target), False
        if s.role == "md" and not _wait_aps(s.host, sessions, conductor, aps_before, target, progress):
            o.state, o.detail = "not-taken-back", (f"back on {s.running}, but its APs are not all Up by the deadline: "
                                                   "check `show ap database` on the conductor")
            return _stopped_back(s, steps, n, target), False
        o.state, o.detail = "taken-back", f"taken back to {s.running} (boot partition {s.back})"
    healthy = _wait_aps("estate", sessions, conductor, aps_before, target, progress)
    return (f"every host upgraded before it taken back to its old release ({len(steps)})"
            + (f", all {aps_before} APs up" if healthy else
               f", but not every AP is Up again ({aps_before} before): check `show ap database` on {conductor}"),
            healthy)


def _stopped_back(s: Step, steps: list[Step], n: int, target: Target) -> str:
    """The way back stopped at `s`: which hosts were taken back, which stay on the target, and what to do."""
    done = [x.host for x in steps[:n]]
    return (f"the way back stopped at {s.host} (see its line); "
            + (f"taken back: {', '.join(done)}; " if done else "")
            + _left_on_target(steps[n + 1:], target, s.host))


def _left_on_target(left: list[Step], target: Target, first: str) -> str:
    """The hosts still on the target and how to take each back by hand, in order, once `first` is sorted."""
    if not left:
        return f"no other host is on {target.version}"
    how = "; ".join(f"{x.host}: boot system partition {x.back}, reload, check it runs {x.running}" for x in left)
    return (f"still on {target.version}: {', '.join(x.host for x in left)}: once {first} is back on its old "
            f"release, take them back in this order ({how}), then check every AP is Up")


def _sample(s: Step, sessions: Sessions, conductor: str, low: list[int] | None, watch: GroupWatch | None,
            progress: Progress) -> int | None:
    """One AP sample on the conductor: the APs Up (into `low`), each group's down time (into `watch`)."""
    try:
        records = _ap_records(sessions, conductor)
    except Exception as exc:
        progress(f"{s.host}: AP count not read on {conductor} ({exc})")
        return None
    up = sum(1 for r in records if r.get("up"))
    if low is not None:
        low.append(up)
    if watch is not None:
        watch.sample(records, time.monotonic())
    return up


def _wait_back(s: Step, sessions: Sessions, target: Target, progress: Progress, conductor: str | None = None,
               low: list[int] | None = None, watch: GroupWatch | None = None) -> tuple[str, str] | None:
    """Poll until the device answers `show version`; (version, build) then, None at the deadline. With a
    `conductor`, each poll also samples the APs there (`low`: the APs up; `watch`: each group's down time)."""
    deadline = time.monotonic() + target.step_deadline_s
    while time.monotonic() < deadline:
        time.sleep(target.poll_s)
        if conductor is not None:
            _sample(s, sessions, conductor, low, watch, progress)
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
              progress: Progress, watch: GroupWatch | None = None) -> bool:
    """Every AP Up before the run is Up again (counted on the conductor), by the step's deadline; False as soon
    as an AP group has been down longer than its allowance (`watch`)."""
    deadline = time.monotonic() + target.step_deadline_s
    while True:
        try:
            records = _ap_records(sessions, conductor)
            up, total = sum(1 for r in records if r.get("up")), len(records)
            if watch is not None:
                watch.sample(records, time.monotonic())
        except Exception as exc:
            progress(f"{host}: AP count not read ({exc})")
            up, total = -1, 0
        progress(f"{host}: {up}/{total} APs up (before: {before})")
        if up >= before:
            return True
        if (watch is not None and watch.breach) or time.monotonic() >= deadline:
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
