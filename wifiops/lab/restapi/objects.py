"""Configuration objects of the REST API: the JSON of `/v1/configuration/object/<name>` and the CLI it is.

An object is a profile of the CLI (grammar.yaml `blocks:`), named as the real API names it (OBJECTS). Its
JSON is the lab's one rule, from the grammar, so every sub-command has a home without a table per field:
`profile-name` is the profile's name; a sub-command with a value is `{"<keyword>": value}` under its
keyword with `-` made `_` (`"essid": {"essid": "Louvre"}`); one naming another profile is under that
object's name as `{"profile-name": name}` (`"ssid_prof": {"profile-name": "louvre-staff"}`); a flag is
`true`; a sub-command typed several times is a list. A secret reads back masked. What of this the public
reference confirms, and what it does not, is in docs/rest-api.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wifiops.lab.configdb import Entry
from wifiops.lab.grammar import Grammar

# the real API's object name -> the lab's block kind
OBJECTS: dict[str, str] = {
    "ssid_prof": "ssid-profile",
    "virtual_ap": "virtual-ap",
    "aaa_prof": "aaa-profile",
    "ap_group": "ap-group",
    "ap_sys_prof": "ap-system-profile",
    "dot11a_radio_prof": "dot11a-radio-profile",
    "dot11g_radio_prof": "dot11g-radio-profile",
}
BY_BLOCK = {kind: name for name, kind in OBJECTS.items()}
NAME = "profile-name"
MASKED = "********"


class ObjectError(Exception):
    """A body the object does not take; the message says which field."""


@dataclass(frozen=True)
class Field:
    keyword: str  # the CLI words before the value (`essid`, `ssid-profile`)
    key: str  # its JSON key
    takes_value: bool
    ref: bool  # the value names another profile: {"profile-name": ...}
    multi: bool


def _fields(grammar: Grammar, kind: str) -> list[Field]:
    types = grammar.raw.get("types") or {}
    fields = []
    for command in grammar.blocks[kind].commands:
        words = command.syntax.split()
        literal = [w for w in words if not w.startswith("<")][: next(
            (i for i, w in enumerate(words) if w.startswith("<")), len(words))]
        if not literal or any("|" in w or "[" in w or "{" in w for w in literal):
            continue  # alternatives (`broadcast-filter all|arp`) have no JSON shape of their own here
        params = [w for w in words if w.startswith("<")]
        type_name = params[0].strip("<>").split(":")[1] if params else ""
        target = (types.get(type_name) or {}).get("block") if (types.get(type_name) or {}).get("kind") == "ref" else None
        keyword = " ".join(literal)
        key = BY_BLOCK.get(target or "", keyword.replace("-", "_").replace(" ", "_"))
        fields.append(Field(keyword, key, bool(params), target is not None, bool(command.multi)))
    return fields


def opener(grammar: Grammar, kind: str) -> str:
    """`wlan ssid-profile` for ssid-profile: the words that open the profile, before its name."""
    return " ".join(w for w in grammar.blocks[kind].opener.syntax.split() if not w.startswith("<"))


def to_json(grammar: Grammar, entry: Entry) -> dict[str, Any]:
    """One profile (a block entry of the config DB) as the object's JSON."""
    fields = {f.keyword: f for f in _fields(grammar, entry["kind"])}
    body: dict[str, Any] = {NAME: entry["name"]}
    for sub in entry["lines"] or []:
        parts = sub["parts"]
        for n in range(len(parts), 0, -1):  # the longest run of words that names a field
            field = fields.get(" ".join(p[0] for p in parts[:n]))
            if field is not None:
                break
        else:
            continue
        rest = parts[n:]
        value: Any = True
        if field.takes_value:
            text = " ".join(MASKED if style in ("secret", "masked") else v for v, style in rest)
            value = {NAME if field.ref else field.keyword: text}
        if field.multi:
            body.setdefault(field.key, []).append(value)
        else:
            body[field.key] = value
    return body


def _quote(value: str) -> str:
    return f'"{value}"' if " " in value or not value else value


def to_cli(grammar: Grammar, kind: str, body: Any) -> list[str]:
    """The CLI lines a POST of `body` stands for: open the profile, one line per field, exit; or delete it
    (`"_action": "delete"`)."""
    if not isinstance(body, dict):
        raise ObjectError("the body must be a JSON object")
    name = body.get(NAME)
    if not isinstance(name, str) or not name:
        raise ObjectError(f"{NAME} is required (a string)")
    head = f'{opener(grammar, kind)} "{name}"'
    if body.get("_action") == "delete":
        return [f"no {head}"]
    fields = {f.key: f for f in _fields(grammar, kind)}
    lines = [head]
    for key, value in body.items():
        if key in (NAME, "_action", "_flags"):
            continue
        field = fields.get(key)
        if field is None:
            raise ObjectError(f"{key!r} is not a field of this object; its fields: {', '.join(sorted(fields))}")
        for one in value if isinstance(value, list) and field.multi else [value]:
            lines.append(_line(field, key, one))
    return lines + ["exit"]


def _line(field: Field, key: str, value: Any) -> str:
    if not field.takes_value:
        if not isinstance(value, bool):
            raise ObjectError(f"{key!r} is a flag: true or false")
        return field.keyword if value else f"no {field.keyword}"
    if isinstance(value, dict):
        if value.get("_action") == "delete":
            return f"no {field.keyword}"
        inner = [v for k, v in value.items() if k != "_action"]
        if len(inner) != 1 or not isinstance(inner[0], (str, int)):
            raise ObjectError(f"{key!r} takes one value: {{\"{NAME if field.ref else field.keyword}\": ...}}")
        value = inner[0]
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ObjectError(f"{key!r} takes a value")
    return f"{field.keyword} {_quote(str(value))}"
