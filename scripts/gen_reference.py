"""The documentation's reference pages, generated from the code at every build, never written by hand.

Run by MkDocs as a hook (`hooks:` in mkdocs.yml: `on_files` adds the pages to the build, nothing is written
into docs/), or alone to look at them: `python scripts/gen_reference.py OUTDIR`. Each page is read from the
thing it describes, so a help text, a schema field or a parser's field list changed in the code changes the
site with no hand edit:

- reference/cli.md        the Typer app, walked as the click command tree (commands, arguments, options)
- reference/inventory.md  the inventory's pydantic models (schema.py), each field's description as its meaning
- reference/settings.md   wifiops.yaml's pydantic models (settings.py)
- reference/playbook.md   the playbook format and its steps (playbooks/schema.py)
- reference/parsers.md    the parsers' record fields, the public contract of `wifiops parse --json` (index.yaml)
- reference/napalm.md     the NAPALM driver's getters and configuration methods (napalm_aos8), against NAPALM's own
- reference/json.md       the JSON each offline command prints, run at build time on the shipped lab inventory
"""

from __future__ import annotations

import ast
import inspect
import io
import json
import os
import re
import sys
import textwrap
import tokenize
import types
import typing
from pathlib import Path
from typing import Any, Callable, Iterable

import typer
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
GENERATED = "This page is generated from the code at each build (`scripts/gen_reference.py`); do not edit it."


# --- the CLI ------------------------------------------------------------------------------------------------

def _text(text: str) -> str:
    """Prose from the code as Markdown shows it: `<run_dir>` outside a code span is text, not an HTML tag."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(p if p.startswith("`") else p.replace("<", "&lt;") for p in parts)


def _cell(text: Any) -> str:
    """One Markdown table cell: one line, pipes escaped."""
    return _text(" ".join(str(text).split()).replace("|", "\\|"))


def _is_group(command: Any) -> bool:
    return hasattr(command, "commands")


def _built(command: Any) -> Any:
    """The command itself: the root lists its commands by name and help only, each built when the command line
    names it (wifiops/cli.py `_Deferred`); the reference builds each exactly as Typer does then."""
    build = getattr(command, "build", None)
    if not callable(build):
        return command
    if command.built is None:
        command.built = build()
    return command.built


def _commands(command: Any, path: list[str]) -> Iterable[tuple[list[str], Any]]:
    """The command tree, depth first, sub-commands by name (Typer 0.29 vendors click: duck-typed)."""
    command = _built(command)
    yield path, command
    if _is_group(command):
        for name in sorted(command.commands):
            yield from _commands(command.commands[name], [*path, name])


def _default(param: Any) -> str:
    value = param.default
    if value is None or value is False or value == () or value == [] or callable(value):
        return ""
    if value is True:
        return "`true`"
    return f"`{value}`"


def _option_name(param: Any, ctx: Any) -> str:
    kind = param.display_type(ctx).strip("<>")
    if param.param_type_name == "argument":
        return f"`{(param.name or '').upper()}` ({kind})" + ("" if param.required else ", optional")
    names = " / ".join(f"`{o}`" for o in (*param.opts, *param.secondary_opts))
    if param.is_flag:
        return names
    if kind.startswith("list["):
        return f"{names} {kind[5:-1].upper()}, repeatable"
    return f"{names} {kind.upper() if '|' not in kind else kind}"


def _help(param: Any) -> str:
    return getattr(param, "help", None) or ""


def _first_paragraph(text: str | None) -> str:
    return (inspect.cleandoc(text or "").split("\n\n")[0]).replace("\n", " ")


def cli_page(app: typer.Typer | None = None, prog: str = "wifiops") -> str:
    """Every command of the Typer app with its help, arguments and options, in the command tree's order."""
    from typer._click.core import Context

    if app is None:
        from wifiops.cli import app as app
    root = typer.main.get_command(app)
    lines = ["# Command reference", "", GENERATED, "",
             f"Every command of `{prog}`, as `{prog} COMMAND --help` prints it. Options common to every command: "
             "`--config FILE` (before the command: which wifiops.yaml). Exit codes: 0 ok, 1 findings (not "
             "compliant, refused, rolled back), 2 errors (bad input, unreachable, NOT restored).", ""]
    entries = list(_commands(root, [prog]))
    lines += ["| command | what it does |", "|---|---|"]
    for path, command in entries[1:]:
        if _is_group(command) and not [p for p in command.params if not getattr(p, "hidden", False)]:
            continue  # a group that only holds sub-commands; one with options of its own is a command too
        anchor = "-".join(path).lower()
        lines.append(f"| [`{' '.join(path)}`](#{anchor}) | {_cell(_first_paragraph(command.help))} |")
    lines.append("")
    for path, command in entries:
        level = "#" * min(2 + len(path) - 2, 4) if len(path) > 1 else "##"
        anchor = "-".join(path).lower()
        lines += [f"{level} {' '.join(path)} {{ #{anchor} }}", ""]
        if command.help:
            lines += [_text(inspect.cleandoc(command.help)), ""]
        if _is_group(command):
            lines += ["Sub-commands: " + ", ".join(f"[`{name}`](#{anchor}-{name.lower()})"
                                                  for name in sorted(command.commands)), ""]
        params = [p for p in command.params if not getattr(p, "hidden", False) and p.name != "help"]
        if params:
            ctx = Context(command, info_name=path[-1])
            lines += ["| argument or option | default | meaning |", "|---|---|---|"]
            for param in params:
                lines.append(f"| {_cell(_option_name(param, ctx))} | {_cell(_default(param))} | "
                             f"{_cell(_help(param))} |")
            lines.append("")
    return "\n".join(lines)


# --- pydantic models ------------------------------------------------------------------------------------------

def _field_texts(model: type[BaseModel]) -> dict[str, str]:
    """Each field's meaning in the model's source: its docstring (the string just under it), else its comment (the
    comment lines just above it and the one at its end). Read here, not by pydantic's `use_attribute_docstrings`,
    which reads every model's source at import (some 200 ms more on each command's start)."""
    try:
        source = textwrap.dedent(inspect.getsource(model))
    except (OSError, TypeError):
        return {}
    comments: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    lines = source.splitlines()
    found: dict[str, str] = {}
    body = ast.parse(source).body[0]
    assert isinstance(body, ast.ClassDef)
    for index, node in enumerate(body.body):
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        under = body.body[index + 1] if index + 1 < len(body.body) else None
        if isinstance(under, ast.Expr) and isinstance(under.value, ast.Constant) and isinstance(under.value.value, str):
            found[node.target.id] = " ".join(inspect.cleandoc(under.value.value).split())
            continue
        above, row = [], node.lineno - 1
        while row >= 1 and row in comments and lines[row - 1].strip().startswith("#"):
            above.insert(0, comments[row])
            row -= 1
        trailing = [comments[n] for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)
                    if n in comments and n not in range(row + 1, node.lineno)]
        text = " ".join([*above, *trailing]).strip()
        if text:
            found[node.target.id] = text
    return found


def _type_name(annotation: Any, link: Callable[[type[BaseModel]], str]) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0], link)
    if origin is typing.Literal:
        return " | ".join(f'`"{a}"`' if isinstance(a, str) else f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a, link) for a in args if a is not type(None)) + (
            " or null" if type(None) in args else "")
    if origin in (list, tuple, set):
        return f"list of {_type_name(args[0], link)}" if args else "list"
    if origin is dict:
        return f"map {_type_name(args[0], link)} → {_type_name(args[1], link)}" if args else "map"
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return link(annotation)
    if annotation is type(None):
        return "null"
    if annotation is Any:
        return "any"
    return {"str": "text", "int": "integer", "float": "number", "bool": "true/false", "Path": "path",
            "time": '"HH:MM"', "date": "YYYY-MM-DD"}.get(getattr(annotation, "__name__", ""), str(annotation))


_BOUNDS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "min_length": "at least", "max_length": "at most"}


def _constraints(field: Any) -> str:
    """The field's bounds and pattern, from its metadata (Field(ge=...), pattern=...)."""
    said: list[str] = []
    for item in field.metadata:
        for name, word in _BOUNDS.items():
            value = getattr(item, name, None)
            if value is not None:
                said.append(f"{word} {value}" + (" items" if "length" in name else ""))
        pattern = getattr(item, "pattern", None)
        if pattern:
            said.append(f"matches `{pattern}`")
    return "; ".join(said)


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """The root model and every model its fields reach, in the order met."""
    seen: list[type[BaseModel]] = []

    def visit(annotation: Any) -> None:
        if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
            if annotation not in seen:
                seen.append(annotation)
                for field in annotation.model_fields.values():
                    visit(field.annotation)
            return
        for arg in typing.get_args(annotation):
            visit(arg)

    visit(root)
    return seen


def model_section(models: list[type[BaseModel]], titles: dict[type[BaseModel], str],
                  shipped: dict[tuple[str, str], str] | None = None) -> list[str]:
    """One table per model: field, type, required or default, meaning (its description in the code, the docstring
    under the field; else its comment there; else the comment the shipped file gives it, marked so)."""
    def link(model: type[BaseModel]) -> str:
        return f"[{model.__name__}](#{model.__name__.lower()})"

    lines: list[str] = []
    for model in models:
        title = titles.get(model, "")
        lines += [f"### {model.__name__} {{ #{model.__name__.lower()} }}", ""]
        if title:
            lines += [title, ""]
        if model.__doc__ and model.__doc__ != BaseModel.__doc__ and "!!! abstract" not in model.__doc__:
            lines += [_text(inspect.cleandoc(model.__doc__)), ""]
        comments = field_meanings(model)
        lines += ["| field | type | default | meaning |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            if name == "root":
                continue
            key = field.alias or name
            if field.is_required():
                default = "required"
            elif field.default_factory is not None:
                default = "(see meaning)" if key not in comments else "computed"
            else:
                value = field.default
                said = json.dumps(_plain(value), ensure_ascii=False)
                default = "" if value is None else f"`{said}`" if len(said) <= 60 else "built in (see its model)"
            meaning = comments.get(name, "")
            if not meaning and shipped and (model.__name__, name) in shipped:
                meaning = f"{shipped[(model.__name__, name)]} (shipped file)"
            bounds = _constraints(field)
            if bounds:
                meaning = f"{meaning} ({bounds})" if meaning else bounds
            lines.append(f"| `{key}` | {_cell(_type_name(field.annotation, link))} | {_cell(default)} | "
                         f"{_cell(meaning)} |")
        lines.append("")
    return lines


def field_meanings(model: type[BaseModel]) -> dict[str, str]:
    """The meaning the code gives each field, its own and those it inherits (the nearest class's wins): pydantic's
    description (`Field(description=...)`), else the field's docstring, else its comment."""
    found: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if inspect.isclass(cls) and issubclass(cls, BaseModel) and cls is not BaseModel:
            found.update(_field_texts(cls))
    found.update({name: field.description for name, field in model.model_fields.items() if field.description})
    return found


KEY_LINE = re.compile(r"^(\s*)(- )?([A-Za-z_][\w-]*|\"[^\"]+\"|'[^']+'):(.*)$")


def _yaml_comments(path: Path) -> dict[tuple[str, ...], str]:
    """The comments of a shipped YAML file by key path: the comment lines just above a key and the one at its end
    (`backup_dir: backups  # the git repository of ...`). List items are not counted in the path."""
    found: dict[tuple[str, ...], str] = {}
    stack: list[tuple[int, str]] = []
    above: list[str] = []
    chain: tuple[str, ...] | None = None  # the key whose end-of-line comment goes on over the next lines
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            above.append(stripped.lstrip("#").strip())
            chain = None
            continue
        match = KEY_LINE.match(line)
        if not match:
            above, chain = [], None
            continue
        indent = len(match[1]) + (2 if match[2] else 0)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, match[3].strip("\"'")))
        key = tuple(k for _, k in stack)
        trailing = match[4].split(" #", 1)[1].strip() if " #" in match[4] else ""
        if chain is not None and trailing:  # a sentence carried on beside the next keys belongs to the first
            found[chain] = f"{found[chain]} {trailing}"
            chain = chain if _goes_on(found[chain], started=True) else None
            above = []
            continue
        said = " ".join([*above, trailing]).strip() if match[1] or not above else trailing
        if said:
            found.setdefault(key, said)
        chain = key if trailing and said == found.get(key) and _goes_on(said) else None
        above = []
    return found


def _goes_on(comment: str, *, started: bool = False) -> bool:
    """A comment cut mid-sentence: a bracket left open; once carried on, also a last word no sentence ends with."""
    last = comment.rsplit(" ", 1)[-1].lower()
    return comment.count("(") > comment.count(")") or (started and last in {"in", "under", "of", "the", "a", "and",
                                                                             "or", "so", "by", "for", "with"})


def _submodels(annotation: Any) -> list[tuple[type[BaseModel], bool]]:
    """The models an annotation holds, each with whether it sits under a map's keys (`dict[str, Model]`)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return [(annotation, False)]
    if origin is dict and len(args) == 2:
        return [(m, True) for m, _ in _submodels(args[1])]
    return [found for arg in args for found in _submodels(arg)]


def shipped_meanings(model: type[BaseModel], files: list[Path], *, keyed: bool) -> dict[tuple[str, str], str]:
    """(model name, field) -> the comment the shipped files give that field, wherever the model sits in them."""
    meanings: dict[tuple[str, str], str] = {}
    for path in files:
        if not path.is_file():
            continue
        comments = _yaml_comments(path)

        def walk(current: type[BaseModel], prefix: tuple[str, ...]) -> None:
            for name, field in current.model_fields.items():
                key = (*prefix, field.alias or name)
                if key in comments:
                    meanings.setdefault((current.__name__, name), comments[key])
                for sub, under_keys in _submodels(field.annotation):
                    if under_keys:
                        for child in {k[len(key)] for k in comments if k[:len(key)] == key and len(k) > len(key)}:
                            walk(sub, (*key, child))
                    else:
                        walk(sub, key)

        if keyed:  # hosts.yaml, groups.yaml: NAME: {...}
            for name in {k[0] for k in comments}:
                walk(model, (name,))
        else:
            walk(model, ())
    return meanings


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _module_doc(module: Any) -> str:
    return _text(inspect.cleandoc(module.__doc__ or ""))


def _inventory_files() -> list[tuple[str, str, type[BaseModel]]]:
    from wifiops.inventory import schema

    return [("hosts.yaml", "each host: `NAME: {...}`", schema.Host),
            ("groups.yaml", "each group: `NAME: {...}` (configuration nodes, AP groups, roles)", schema.Group),
            ("defaults.yaml", "the estate's defaults (sites, health, supervision, statistics)", schema.Defaults),
            ("aps.yaml", "the access points", schema.ApFile)]


def schema_models() -> dict[str, list[type[BaseModel]]]:
    """The models each schema page shows, in the page's order (the pages and their test walk the same list)."""
    from wifiops import settings
    from wifiops.playbooks import schema as playbook

    inventory: list[type[BaseModel]] = []
    for _name, _what, model in _inventory_files():
        inventory += [m for m in _models(model) if m not in inventory]
    return {"reference/inventory.md": inventory, "reference/settings.md": _models(settings.Settings),
            "reference/playbook.md": _models(playbook.Playbook)}


def inventory_page() -> str:
    from wifiops.inventory import schema

    files = _inventory_files()
    lines = ["# Inventory schema", "", GENERATED, "", "From `wifiops/inventory/schema.py`:", "",
             _module_doc(schema), "", "| file | holds | model |", "|---|---|---|"]
    lines += [f"| `{name}` | {what} | [{model.__name__}](#{model.__name__.lower()}) |" for name, what, model in files]
    lines += ["", "A meaning is the description the code gives the field, else the comment the shipped inventory "
              "(`inventory/`, `inventory/lab/`) gives it, marked *(shipped file)*; a field with neither is said by "
              "its type and bounds only. `wifiops inventory check` validates the files against these models, naming file, "
              "line and field.", "", "## Models", ""]
    shipped: dict[tuple[str, str], str] = {}
    for name, _what, model in files:
        for folder in ("inventory", "inventory/lab"):
            found = shipped_meanings(model, [ROOT / folder / name], keyed=name in ("hosts.yaml", "groups.yaml"))
            shipped.update({k: v for k, v in found.items() if k not in shipped})
    lines += model_section(schema_models()["reference/inventory.md"], {}, shipped)
    return "\n".join(lines)


def settings_page() -> str:
    from wifiops import settings

    lines = ["# wifiops.yaml", "", GENERATED, "", "From `wifiops/settings.py`:", "", _module_doc(settings), "",
             "## Models", ""]
    shipped = shipped_meanings(settings.Settings, [ROOT / "wifiops.yaml"], keyed=False)
    lines += model_section(schema_models()["reference/settings.md"], {}, shipped)
    return "\n".join(lines)


def playbook_page() -> str:
    from wifiops.playbooks import schema

    lines = ["# Playbook format", "", GENERATED, "", "From `wifiops/playbooks/schema.py`:", "", _module_doc(schema),
             "", "A step names exactly one action: " + ", ".join(f"`{a}`" for a in schema.ACTIONS) + ".",
             "The shipped playbooks are in `playbooks/`:", "", "| playbook | name | description |", "|---|---|---|"]
    import yaml

    for path in sorted((ROOT / "playbooks").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        lines.append(f"| `playbooks/{path.name}` | {_cell(data.get('name', ''))} | "
                     f"{_cell(data.get('description', ''))} |")
    lines += ["", "## Models", ""]
    lines += model_section(schema_models()["reference/playbook.md"], {})
    return "\n".join(lines)


def parsers_page() -> str:
    import yaml

    index = yaml.safe_load((ROOT / "wifiops/aos8/parsers/index.yaml").read_text(encoding="utf-8"))
    lines = ["# Parsers: the record fields", "", GENERATED, "",
             "From `wifiops/aos8/parsers/index.yaml`. The field names of each command's records are a public "
             "interface: `wifiops parse \"COMMAND\" FILE --json` prints `{\"command\", \"records\", \"unparsed\", "
             "\"warnings\"}` and each record has exactly these fields (`null` where the device printed none). "
             "`sh[[ow]]` reads `sh`, `sho` or `show`.", "",
             "| command | family | template | record fields |", "|---|---|---|---|"]
    families = index.get("families", {})
    for entry in index["commands"]:
        family = entry["family"]
        template = families.get(family, {}).get("template", "")
        lines.append(f"| `{entry['command']}` | {family} | `{template}` | "
                     f"{_cell(', '.join(f'`{f}`' for f in entry['fields']))} |")
    lines.append("")
    return "\n".join(lines)


def napalm_page() -> str:
    from napalm.base import NetworkDriver
    from napalm_aos8.aos8 import Aos8Driver

    base = {name for name, _ in inspect.getmembers(NetworkDriver, inspect.isfunction) if not name.startswith("_")}
    ours = {name for name, value in vars(Aos8Driver).items() if inspect.isfunction(value) and name in base}
    lines = ["# NAPALM driver", "", GENERATED, "", "From `napalm_aos8/aos8.py` against NAPALM's `NetworkDriver`. "
             "`napalm.get_network_driver(\"aos8\")` finds it.", "", _first_paragraph(Aos8Driver.__doc__), "",
             "## Implemented", "", "| method | what it does |", "|---|---|"]
    for name in sorted(ours):
        method = getattr(Aos8Driver, name)
        said = _first_paragraph(method.__doc__)
        returns = inspect.signature(method).return_annotation
        if not said and name.startswith("get_") and returns is not inspect.Signature.empty:
            said = f"NAPALM's shape: `{returns if isinstance(returns, str) else getattr(returns, '__name__', returns)}`"
        lines.append(f"| `{name}` | {_cell(said)} |")
    missing = sorted(n for n in base - ours if n.startswith("get_"))
    lines += ["", "## Not implemented", "", "NAPALM's base raises `NotImplementedError` for these getters:", "",
              ", ".join(f"`{n}`" for n in missing), ""]
    return "\n".join(lines)


# --- JSON shapes, read from the commands themselves -----------------------------------------------------------

def _shape(value: Any, depth: int = 0) -> Any:
    if isinstance(value, dict):
        return {k: _shape(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0], depth + 1)] if value else []
    return type(value).__name__ if value is not None else "null"


# What a script reads: each command run once, in this order, with --json; `{root}` is the checkout, `{snapshot}` the
# snapshot of the first check, `{home}` the build's own folder (nothing is written into the checkout). Device
# commands run against a lab started for the build (in-process, free ports).
JSON_COMMANDS: list[tuple[str, str]] = [
    ("wifiops show \"show clock\" --host mm-1 --json", "show;show clock;--host;mm-1;--json"),
    ("wifiops backup --json", "backup;--json"),
    ("wifiops backup history mm-1 --json", "backup;history;mm-1;--json"),
    ("wifiops render --json", "render;--out;{home}/rendered;--json"),
    ("wifiops run playbooks/nightly-backup.yaml --json", "run;{root}/playbooks/nightly-backup.yaml;--json"),
    ("wifiops report diff --intended --out FILE --json", "report;diff;--intended;--out;{home}/intended.md;--format;md;--json"),
    ("wifiops diff --json", "diff;--json"),
    ("wifiops apply --json", "apply;--json"),
    ("wifiops check --json", "check;--json"),
    ("wifiops check compare BEFORE --json", "check;compare;{snapshot};--json"),
    ("wifiops watch --once --json", "watch;--once;--json"),
    ("wifiops incident list --json", "incident;list;--json"),
    ("wifiops incident show 1 --json", "incident;show;1;--json"),
    ("wifiops availability --json", "availability;--json"),
    ("wifiops hosts trust mm-1 --dry-run --json", "hosts;trust;mm-1;--dry-run;--json"),
    ("wifiops inventory check --json", "inventory;check;--json"),
    ("wifiops window check \"2026-12-02 20:00\" --approved-on 2026-11-02 --json",
     "window;check;2026-12-02 20:00;--approved-on;2026-11-02;--json"),
    ("wifiops window next --after \"2026-12-02 10:00\" --json", "window;next;--after;2026-12-02 10:00;--json"),
    ("wifiops parse \"show ap essid\" FILE --json", "parse;show ap essid;{root}/tests/parsers/samples/ap_essid_8.6.txt;--json"),
    ("wifiops config diff RUNNING INTENDED --json",
     "config;diff;{root}/tests/parsers/samples/ap_essid_8.6.txt;{root}/tests/parsers/samples/ap_essid_8.6.txt;--json"),
]


def _run_json(runner: Any, app: Any, config: Path, said: str, argv: list[str]) -> tuple[int, Any]:
    from wifiops.errors import WifiopsError

    result = runner.invoke(app, ["--config", str(config), *argv])
    code = result.exception.exit_code if isinstance(result.exception, WifiopsError) else result.exit_code
    try:
        return code, json.loads(result.stdout)
    except ValueError:
        raise RuntimeError(f"{said}: printed no JSON (exit {code}): {result.output[-500:]} {result.exception!r}") from None


def json_shapes() -> list[tuple[str, int, Any]]:
    """(command, exit code, shape) of each command of JSON_COMMANDS, run against a lab of the build's own."""
    import tempfile

    from typer.testing import CliRunner

    from wifiops.cli import app
    from wifiops.lab.testing import LAB_INVENTORY, RunningLab

    found = []
    with tempfile.TemporaryDirectory(prefix="wifiops-docs-") as folder:
        home = Path(folder)
        lab = RunningLab(LAB_INVENTORY, home / "lab-inventory")
        try:
            config = home / "wifiops.yaml"
            config.write_text(f"inventory: {lab.inventory_dir}\nrun_dir: runs\nbackup_dir: backups\nsecrets_file: "
                              f"none.yaml\ntemplates: {ROOT / 'templates' / 'aruba_os'}\ntimeout: 20\n",
                              encoding="utf-8")
            runner, snapshot = CliRunner(), ""
            for said, argv in JSON_COMMANDS:
                args = [a.replace("{root}", str(ROOT)).replace("{snapshot}", snapshot).replace("{home}", str(home))
                        for a in argv.split(";")]
                code, data = _run_json(runner, app, config, said, args)
                if args[0] == "check" and not snapshot:
                    snapshot = str(data["snapshot_file"])
                found.append((said, code, _shape(data)))
        finally:
            lab.close()
    return found


def json_page() -> str:
    """The keys and value types each command prints with --json, read from what it printed at build time."""
    lines = ["# JSON shapes", "", GENERATED, "",
             "Every `--json` prints one object on stdout (errors still go to stderr, one line per host). Each "
             "command below ran at build time against a lab started for the build; its output's keys and value "
             "types are shown, a list by its first item (`[]`: empty on the lab), a map keyed by names (hosts, "
             "nodes, SSIDs) with the names the lab gave. These keys are a public interface: a script may rely "
             "on them.", ""]
    if os.environ.get("WIFIOPS_DOCS_JSON") == "off":  # a quick local preview (mkdocs serve); CI never sets it
        return "\n".join([*lines, "**Not generated in this build** (`WIFIOPS_DOCS_JSON=off`): build without it to "
                           "see the shapes.", ""])
    for said, code, shape in json_shapes():
        lines += [f"## `{said}`", "", f"Exit {code} on the lab.", "", "```json", json.dumps(shape, indent=1), "```",
                  ""]
    return "\n".join(lines)


PAGES: dict[str, Callable[[], str]] = {
    "reference/cli.md": cli_page,
    "reference/inventory.md": inventory_page,
    "reference/settings.md": settings_page,
    "reference/playbook.md": playbook_page,
    "reference/parsers.md": parsers_page,
    "reference/napalm.md": napalm_page,
    "reference/json.md": json_page,
}


def pages() -> dict[str, str]:
    return {path: make() + "\n" for path, make in PAGES.items()}


# --- the MkDocs hook ------------------------------------------------------------------------------------------

def on_files(files: Any, config: Any) -> Any:
    """Add the generated pages to the build (in memory: docs/ holds none of them)."""
    from mkdocs.structure.files import File

    for path, content in pages().items():
        files.append(File.generated(config, path, content=content))
    return files


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: gen_reference.py OUTDIR (writes the generated reference pages there)", file=sys.stderr)
        return 2
    out = Path(argv[0])
    for path, content in pages().items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(content, encoding="utf-8")
        print(out / path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
