"""`wifiops render`: the intended configuration of every node, linted, in the order a device accepts it.

Steps: lint the intent (file, line, item), render every feature template on every node (task
`tasks/render.py`), merge the features into one configuration per node (`wifiops/aos8/configtext.py`),
check that every profile a node references is rendered on it or above it and that every bandwidth contract
is named by a role, then write one file per node, and one change sheet per segment the firewall enforces
(wifiops/engine/firewall.py). Files hold `******` where a secret goes: the texts with the real values stay
in memory for a push.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from nornir.core import Nornir
from nornir.core.exceptions import NornirSubTaskError

from wifiops.tasks.render import render
from wifiops.aos8.configtext import Block, UnknownObject, merge, parse, write
from wifiops.engine import firewall
from wifiops.engine.intent import NodeView, node_views
from wifiops.engine.journal import new_run_dir, run_log
from wifiops.engine.lint import Issue, RenderedIssue, lint_contracts, lint_intent, lint_references
from wifiops.engine.run import conductor_of
from wifiops.errors import InventoryError, WifiopsError
from wifiops.estate import Estate
from wifiops.inventory.check import check_inventory
from wifiops.yamlsource import Finding
from wifiops.paths import node_file, write_atomically
from wifiops.secrets import SecretStore

# The features, in the order their templates run; compliance is reported per feature.
FEATURES = ("vlan", "aaa", "portal", "qos", "ssid", "security", "ap_groups", "cluster")
SUFFIX = ".cfg"


class RenderError(InventoryError):
    """The intent cannot be rendered as it stands; each finding names the file, line and item."""


@dataclass
class NodeConfig:
    node: str
    features: list[str]
    text: str  # with the secrets' real values: for a push, never for a file or a log
    scrubbed: str
    file: Path | None = None
    by_feature: dict[str, str] = field(default_factory=dict)  # each feature's own part (real values too)

    @property
    def lines(self) -> int:
        return len(self.text.splitlines())

    def to_dict(self) -> dict[str, Any]:
        return {"node": self.node, "features": self.features, "lines": self.lines,
                "file": str(self.file) if self.file else None}


@dataclass
class RenderReport:
    nodes: list[NodeConfig] = field(default_factory=list)
    out: Path | None = None
    sheets: list[firewall.Sheet] = field(default_factory=list)  # the firewall's segments (whole renders only)


def check_features(features: Sequence[str]) -> None:
    """A feature a command is given must be one the templates render (a typo would select nothing)."""
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise WifiopsError(f"unknown feature {', '.join(unknown)}; the features are {', '.join(FEATURES)}")


def render_intent(estate: Estate, *, limit: Sequence[str] = (),
                  features: Sequence[str] = (), out: Path | None = None, nr: Nornir | None = None) -> RenderReport:
    """`nr`: the estate's hosts with an intent changed in memory (an apply's overrides), else the estate's own."""
    check_features(features)
    settings, directory = estate.settings, estate.directory
    nr = nr or estate.nornir
    views = node_views(nr)
    public = {name for name, site in nr.inventory.defaults.data["sites"].items() if site.get("public")}
    issues = lint_intent(views, public)
    if issues:
        findings = _located(directory, issues)
        raise RenderError(findings, _said("the intent cannot be rendered", findings))
    chosen = _limit(views, limit, nr)
    store = estate.store
    name = conductor_of(nr).name
    conductor = nr.filter(filter_func=lambda h: h.name == name)
    templates = estate.templates
    env = _environment(templates, store)
    with run_log(new_run_dir(estate.run_dir, "render"), store.redact):
        aggregated = conductor.run(task=render, views=views, features=FEATURES, path=templates, env=env)
    multi = next(iter(aggregated.values()))
    if multi.failed:
        raise _template_error(multi.exception, templates)
    rendered: dict[str, dict[str, str]] = multi.result
    wanted = list(features) or list(FEATURES)
    blocks = {path: _blocks(path, texts, FEATURES) for path, texts in rendered.items()}
    problems = [issue for view in views for issue in lint_references(view, blocks)]
    if problems:
        findings = _located(directory, problems)
        raise RenderError(findings, _said("the rendered configuration is not consistent", findings))
    unattached = lint_contracts(views, blocks)
    if unattached:
        findings = [_in_rendered(out, issue) for issue in unattached]
        raise RenderError(findings, _said("the rendered configuration is not consistent", findings))
    report = RenderReport(out=out)
    whole = not limit and (not features or "qos" in features)
    report.sheets = firewall.sheets(settings, views) if whole else []
    for view in chosen:
        texts = rendered[view.path]
        own = _blocks(view.path, texts, wanted)
        if not own:
            continue
        text = write(own)
        parts = {f: write(_blocks(view.path, texts, [f])) for f in wanted if texts[f].strip()}
        report.nodes.append(NodeConfig(view.path, list(parts), text, store.redact(text), by_feature=parts))
    if out is not None:  # a partial render (--feature) never takes the name of the whole one
        suffix = f".{'+'.join(wanted)}{SUFFIX}" if features else SUFFIX
        for config in report.nodes:
            config.file = _write(out, config.node, config.scrubbed, suffix)
        if whole:
            firewall.write_sheets(out, report.sheets)
    return report


def _environment(templates: Path, store: SecretStore) -> Environment:
    if not templates.is_dir():
        raise WifiopsError(f"no templates in {templates} (`templates:` in wifiops.yaml)")
    env = Environment(loader=FileSystemLoader(str(templates)), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["secret"] = lambda ref: store.get(ref["secret"])
    env.filters["rate"] = _rate
    env.filters["directions"] = lambda way: ["upstream", "downstream"] if way == "both" else [way]
    return env


def _rate(mbps: float) -> str:
    """A bandwidth contract's value: whole megabits as `mbits N`, anything finer in kilobits."""
    return f"mbits {int(mbps)}" if float(mbps).is_integer() else f"kbits {round(mbps * 1000)}"


def _blocks(node: str, texts: dict[str, str], features: Sequence[str]) -> list[Block]:
    try:
        return merge([block for feature in features for block in parse(texts[feature])])
    except UnknownObject as exc:
        raise WifiopsError(f"{node}: {exc}") from None


def _limit(views: list[NodeView], names: Sequence[str], nr: Any) -> list[NodeView]:
    """`--limit` takes node paths and host names (an MD host means its device node)."""
    if not names:
        return views
    by_path = {v.path: v for v in views}
    by_host = {v.source[1]: v for v in views if v.source[0] == "hosts"}
    chosen, unknown = [], []
    for name in names:
        view = by_path.get(name) or by_host.get(name)
        (chosen.append(view) if view else unknown.append(name))
    if unknown:
        raise WifiopsError(f"not a configuration node or managed device of this inventory: {', '.join(unknown)} "
                           f"(nodes: {', '.join(sorted(by_path))})")
    return [v for v in views if v in chosen]


def _write(out: Path, node: str, text: str, suffix: str) -> Path:
    """`/md/Louvre` -> OUT/md/Louvre.cfg, written whole (a reader never sees half a file)."""
    path = out / node_file(node, suffix)
    write_atomically(path, text)
    return path


def _template_error(exc: BaseException | None, templates: Path) -> WifiopsError:
    """Where in which template, and for which node: Jinja keeps the template's line in the traceback."""
    step = ""
    if isinstance(exc, NornirSubTaskError):
        failed = next((r for r in exc.result if r.failed), None)
        step, exc = (failed.name or "", failed.exception) if failed is not None else ("", exc)
    if isinstance(exc, WifiopsError):
        return exc
    if not isinstance(exc, TemplateError):
        return WifiopsError(f"rendering {step} failed: {type(exc).__name__}: {exc}")
    where = [f"{frame.filename}:{frame.lineno}" for frame in traceback.extract_tb(exc.__traceback__)
             if frame.filename.endswith(".j2")]
    return WifiopsError(f"{where[-1] if where else templates}: {exc.message or exc}, rendering {step} "
                        "(a template variable the intent does not define)")


def _in_rendered(out: Path | None, issue: RenderedIssue) -> Finding:
    """A finding in a node's rendered configuration: the file `render --out` writes it to, and the line there."""
    where = out / node_file(issue.node, SUFFIX) if out is not None else Path(f"rendered {issue.node}")
    return Finding(where, issue.line, "", issue.message)


def _located(directory: Path, issues: Sequence[Issue]) -> list[Finding]:
    """Each issue with its inventory file and line (the files are read for their lines only now)."""
    docs = check_inventory(directory).docs
    return [docs[issue.role].finding(issue.key, issue.message) for issue in issues]


def _said(what: str, findings: Sequence[Finding]) -> str:
    return f"{what}:\n" + "\n".join(str(f) for f in findings)
