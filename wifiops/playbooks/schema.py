"""The playbook format: YAML checked whole before anything runs, every problem with its file, line and field.

A playbook is named steps, each calling one of the toolkit's verbs (backup, render, diff, apply, check,
report, notify) or asking the engineer (confirm); `pre_checks` run first and stop the playbook before any
change, `post_checks` run last. Strings may use the playbook's variables (`{{ vars.feature }}`, given
with `--var feature=ssid`) and, in a step with `foreach`, the current item (`{{ item }}`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from wifiops.errors import WifiopsError
from wifiops.yamlsource import Finding, load_yaml

ACTIONS = ("backup", "render", "diff", "apply", "check", "report", "notify", "confirm", "clearpass", "firewall",
           "upgrade", "doe")
# The intent at a step of a runbook, in memory: {group or host: {intent key: value}} replacing those keys of
# the inventory's data (a RADIUS server group's order, a controller's lifecycle...) for that step only.
IntentOverride = dict[str, dict[str, Any]]
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[\w][\w .,:()'/-]*$")]


class Strict(BaseModel):
    # A field's docstring, the string under it, says what it means: the reference pages show it (docs/).
    model_config = ConfigDict(extra="forbid", frozen=True)


class Backup(Strict):
    hosts: list[str] = []  # default: every managed host


class Render(Strict):
    limit: list[str] | str | None = None
    """Only these node paths or MD hosts; default: the run's --limit, else every node."""
    feature: list[str] | str | None = None
    """Only these features (templates), by name; default: every feature."""


class MoveApGroups(Strict):
    """These AP groups terminate on cluster `to` (a successor cluster), in memory, as the intent at a step."""

    groups: list[str] | str
    """The AP groups that move, by name."""
    to: str
    """The cluster they terminate on, by name."""


class Diff(Strict):
    limit: list[str] | str | None = None
    """Only these node paths or MD hosts; default: the run's --limit, else every node."""
    feature: list[str] | str | None = None
    """Only these features (templates), by name; default: every feature."""
    intent: IntentOverride | str = {}  # or "{{ vars.NAME }}" naming one kept in the playbook's vars
    move_ap_groups: MoveApGroups | None = None
    """AP groups moved to another cluster in the intent for this step only."""
    live: bool = True
    """Read each node's configuration from the conductor now, not from the latest backup."""
    expect: Literal["any", "compliant"] = "any"  # `compliant`: the step fails unless every node is


class StepScope(Strict):
    """What an apply step was asked to change (wifiops.engine.scope): empty lists mean any. A plan line outside
    it refuses the step before anything is sent. Objects: `kind` or `kind:name` (wifiops/aos8/objects.yaml)."""

    features: list[str] | str = []
    """The features the plan may touch; empty: any."""
    nodes: list[str] | str = []
    """The nodes the plan may touch; empty: any."""
    objects: list[str] | str = []
    """The objects the plan may touch, `kind` or `kind:name`; empty: any."""


class Apply(Strict):
    limit: list[str] | str | None = None
    """Only these node paths or MD hosts; default: the run's --limit, else every node."""
    feature: list[str] | str | None = None
    """Only these features (templates), by name; default: every feature."""
    live: bool = True
    """Plan from each node's configuration read now, not from the latest backup."""
    stop_after: Annotated[int, Field(ge=1)] = 1
    """Stop pushing after this many nodes failed."""
    target_opmode: list[str] | str | None = None  # these SSIDs rendered at their `target_opmode` (WPA3 moves)
    intent: IntentOverride | str = {}  # or "{{ vars.NAME }}" naming one kept in the playbook's vars
    move_ap_groups: MoveApGroups | None = None
    """AP groups moved to another cluster in the intent for this step only."""
    scope: StepScope | None = None  # default: `feature` and `limit` (no objects named: every object there)


class Check(Strict):
    hosts: list[str] = []
    """Only these hosts; default: every managed host."""
    allow_findings: bool = False
    """The step passes despite the check's findings; errors (a host not read) still fail it."""
    compare_with: str | None = None  # an earlier check step: the step fails if an AP went down since
    clients_back: bool = False  # with compare_with: fails if an SSID kept less than 90 % of its clients
    group_on: dict[str, Any] | None = None  # {group: G, switches: [ip...]}: every AP of G up on those controllers
    settle: Literal["ap-rejoin", "controller-up", "cluster-connected"] | None = None  # wait (settling.yaml)
    deadline: Annotated[int, Field(ge=1, le=86400)] | str | None = None  # seconds (or a variable), here


class Report(Strict):
    out: str
    """The report file, inside the repository (variables allowed)."""
    format: Literal["md", "html"] = "html"
    """Markdown or HTML."""
    limit: list[str] | str | None = None
    """Only these node paths or MD hosts; default: the run's --limit, else every node."""
    since: str | None = None  # an earlier backup step: the report covers what changed after it
    intended: bool = False
    """Report each node's live configuration against its rendered intent, not what changed in backups."""


class Notify(Strict):
    subject: str
    """The mail's subject (variables allowed)."""
    body: str = ""
    """The mail's text (variables allowed)."""
    to: list[str] = []  # default: mail.recipients of wifiops.yaml


class Firewall(Strict):
    """A physical step: the firewall change sheets pending (wifiops/engine/firewall.py) are done on the
    operator's firewall, as the engineer confirms; nothing pending asks nothing. `reference`: the change."""

    reference: str = ""
    """The firewall change's reference, recorded with each sheet confirmed (and in the commit)."""


class ClearPass(Strict):
    """ClearPass through its REST API: `status` of servers, `compare` two servers' network devices (the step
    fails unless they are the same), `copy` the devices of `a` that `b` lacks, `delete_copied` (the undo of an
    earlier copy step, named in `since`)."""

    action: Literal["status", "compare", "copy", "ensure", "delete_copied"]  # ensure: `hosts` as devices on `b`
    hosts: list[str] = []
    """The inventory hosts it covers: the servers read (status), the devices added to `b` (ensure)."""
    a: str | None = None
    """The server read from (compare, copy)."""
    b: str | None = None
    """The server compared with or written to (compare, copy, ensure, delete_copied)."""
    since: str | None = None
    """delete_copied: the earlier copy or ensure step whose devices it deletes."""


class Confirm(Strict):
    """A question for the engineer. `physical: true`: work done by hand (racking, unracking, an Access Tracker
    read) that only the engineer's own answer or `--confirm-step NAME` confirms, never `--yes`. Otherwise a plan
    confirmation: the plan of the next apply step is printed before the question, and that plan is what is sent."""

    ask: str
    """The question put to the engineer."""
    physical: bool = False
    """Work done by hand, confirmed only by the engineer's answer or --confirm-step, never --yes."""


class Upgrade(Strict):
    """Firmware of the MMs and controllers (wifiops/engine/upgrade.py): `target` the upgrade file (version,
    build, file server, images with their SHA-256); `hosts` limits it. A dry run plans only."""

    target: str
    """The upgrade file (version, build, file server, images with their SHA-256)."""
    hosts: list[str] = []
    """Only these MMs and controllers; default: all of them."""


class Doe(Strict):
    """The as-built file brought up to date (CCTP §7): the next DOE version, with this run in its history, built
    as the change ends (and after a rollback); `formats` pdf needs Chromium. A build that fails is a warning of
    the run, never a failed change (docs/doe.md)."""

    formats: list[Literal["md", "html", "pdf"]] = ["md", "html"]
    """The formats written (pdf needs Chromium)."""
    clearpass: bool = True  # read ClearPass's network devices (never written)


class Undo(Strict):
    """What undoes a forward step, run in reverse order when a later step fails with `on_failure: rollback`."""

    apply: Apply | None = None
    """An apply step that undoes this one."""
    clearpass: ClearPass | None = None
    """A ClearPass action that undoes this one (delete_copied)."""
    revert: bool = False  # bring back what this step's apply changed (the default undo of an apply step)


class Step(Strict):
    name: Name
    """The step's name, unique in the playbook (the record and other steps refer to it)."""
    backup: Backup | None = None
    """Back up the running configurations into git."""
    render: Render | None = None
    """Render the intended configuration."""
    diff: Diff | None = None
    """Compare the configurations with the intent."""
    apply: Apply | None = None
    """Plan and push the intent (the plan is confirmed first)."""
    check: Check | None = None
    """Check the estate's health."""
    report: Report | None = None
    """Write a change report."""
    notify: Notify | None = None
    """Send a mail."""
    confirm: str | Confirm | None = None  # the question (a plan confirmation), or {ask, physical}
    clearpass: ClearPass | None = None
    """Read, compare or change ClearPass through its REST API."""
    undo: Undo | None = None
    """What undoes this step when a later one fails with `on_failure: rollback`."""
    on_failure: Literal["stop", "rollback", "continue"] = "stop"
    """What a failure of this step does: stop the playbook, roll back what the run applied, or go on."""
    foreach: list[str] | str | None = None  # the step once per item, `{{ item }}` in its strings
    firewall: Firewall | None = None  # the firewall change sheets confirmed done (a physical step)
    upgrade: Upgrade | None = None  # firmware, one device at a time, its own way back (docs/upgrade.md)
    doe: Doe | None = None  # the next DOE version, this run in its history (also run after a rollback)

    @model_validator(mode="after")
    def _one_action(self) -> "Step":
        given = [a for a in ACTIONS if getattr(self, a) is not None]
        if len(given) != 1:
            raise ValueError(f"a step does exactly one of {', '.join(ACTIONS)}; this one has "
                             f"{', '.join(given) or 'none'}")
        return self

    @property
    def action(self) -> str:
        return next(a for a in ACTIONS if getattr(self, a) is not None)

    @property
    def params(self) -> Any:
        return getattr(self, self.action)


class Approval(Strict):
    reference: str
    """The change's approval reference (the change ticket)."""
    approver: str
    """Who approved the change."""
    date: str  # YYYY-MM-DD, possibly from a variable: checked once the variables are known


class Playbook(Strict):
    name: Name
    """The playbook's name, as the record and the mails say it."""
    description: str = ""
    """What the playbook does, in a sentence."""
    interrupts_service: bool = False
    """The work cuts service: it must run in an approved window, outside every site's opening hours."""
    sites: list[str] = []  # the sites the change touches (default: every site of the estate)
    # how long the work takes, "90min" or "2h": the window must hold its end too (no site opens before it)
    duration: Annotated[str, Field(pattern=r"^\d+(min|h)$")] | None = None
    approval: Approval | None = None
    """The change's approval (reference, approver, date), checked before anything runs."""
    vars: dict[str, Any] = {}
    """The variables' values (`{{ vars.NAME }}`); `--var NAME=VALUE` overrides them."""
    required_vars: list[str] = []
    """Variables the run must give (--var), else it is refused before anything runs."""
    notify_on: list[Literal["failure", "always"]] = []
    """When the summary is mailed: on failure, or always."""
    pre_checks: list[Step] = []
    """Steps run first: a failure stops the playbook before any change."""
    steps: list[Step] = Field(min_length=1)
    """The change's steps, in order."""
    post_checks: list[Step] = []
    """Steps run last, after the change."""
    schedule: dict[str, Any] | None = None  # when a timer runs it (documentation, read by tests/test_scheduling.py)
    runbook_report: str | None = None  # write the run as a runbook report (.md and .html) for the DOE
    # "12h": the plan confirmed must have been rehearsed on a twin (`run --rehearse`, docs/twin.md) that long ago
    # at most, successfully; else the confirmation is not asked and nothing is sent
    rehearsed_within: Annotated[str, Field(pattern=r"^\d+h$")] | None = None

    @model_validator(mode="after")
    def _unique_names(self) -> "Playbook":
        names = [s.name for s in self.all_steps]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"step names must be unique; given twice: {', '.join(twice)}")
        known = set(names)
        for step in self.all_steps:
            refs = [getattr(step.params, "compare_with", None), getattr(step.params, "since", None)]
            if step.undo is not None and step.undo.clearpass is not None:
                refs.append(step.undo.clearpass.since)
            for ref in refs:
                if ref is not None and ref not in known:
                    raise ValueError(f"step {step.name!r} refers to {ref!r}, which is not a step of this playbook")
        return self

    @property
    def span(self) -> timedelta | None:
        if self.duration is None:
            return None
        number = int(self.duration.rstrip("minh"))
        return timedelta(hours=number) if self.duration.endswith("h") else timedelta(minutes=number)

    @property
    def rehearsal_span(self) -> timedelta | None:
        return None if self.rehearsed_within is None else timedelta(hours=int(self.rehearsed_within[:-1]))

    @property
    def all_steps(self) -> list[Step]:
        return [*self.pre_checks, *self.steps, *self.post_checks]


class Settle(Strict):
    deadline: Annotated[int, Field(ge=1)]
    """Seconds after which the check fails."""
    interval: Annotated[int, Field(ge=1)]
    """Seconds between two tries of the check."""
    waits_for: str
    """What the check waits for, in words."""


def settling() -> dict[str, Settle]:
    """What each kind of settling check waits for, and how long (settling.yaml, next to this file)."""
    import yaml

    data = yaml.safe_load(Path(__file__).with_name("settling.yaml").read_text(encoding="utf-8"))
    return {name: Settle.model_validate(body) for name, body in data.items()}


class PlaybookError(WifiopsError):
    """A playbook refused before anything ran; each finding names the file, line and field."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__("\n".join(str(f) for f in findings))


def load_playbook(path: Path) -> Playbook:
    doc = load_yaml(path)
    if doc.findings:
        raise PlaybookError(doc.findings)
    if not isinstance(doc.data, dict):
        raise PlaybookError([Finding(path, 1, "", "a playbook is a mapping (name, steps, ...)")])
    try:
        return Playbook.model_validate(doc.data)
    except ValidationError as exc:
        findings = []
        for error in exc.errors():
            key = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
            findings.append(doc.finding(key, error["msg"].removeprefix("Value error, ")))
        raise PlaybookError(findings) from None
