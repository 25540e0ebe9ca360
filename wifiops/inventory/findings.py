"""pydantic's validation errors as an engineer reads them: one finding per field, with the file and line of
the YAML it came from, in our wording, and never the value of a field that may hold a secret. Shared by the
whole inventory's check and by the readers of one part of it (the sites, for `wifiops window`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from wifiops.yamlsource import Finding, PathKey, YamlDoc

# pydantic's wording, rephrased for an engineer reading an inventory.
MESSAGES = {
    "extra_forbidden": "unknown key (a typo?); it is not part of the inventory schema",
    "missing": "required field is missing",
    "union_tag_invalid": "group_kind must be one of: node, ap_group, role",
    "union_tag_not_found": "group_kind is missing (node, ap_group or role)",
}


def validated(doc: YamlDoc, model: type[BaseModel], body: Any, prefix: PathKey) -> list[Finding]:
    try:
        model.model_validate(body)
    except ValidationError as exc:
        found: dict[PathKey, Finding] = {}
        for error in exc.errors():
            key = prefix + _data_path(body, error["loc"])
            message = MESSAGES.get(error["type"], error["msg"].removeprefix("Value error, "))
            if _may_echo(key, error):
                message += f" (got {_shortened(repr(error['input']))})"
            found.setdefault(key, doc.finding(key, message))
        return list(found.values())
    return []


# Fields whose value may be a secret typed in clear by mistake: never echo what was found there.
SECRET_FIELDS = {"key", "psk", "password", "secret", "passphrase"}


def _may_echo(key: PathKey, error: Any) -> bool:
    if error["type"] in MESSAGES or isinstance(error["input"], (dict, list)):
        return False
    return not any(isinstance(part, str) and part in SECRET_FIELDS for part in key)


def _shortened(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else f"{text[:limit - 20]}... ({len(text):,} characters)"


def _data_path(body: Any, loc: tuple[Any, ...]) -> PathKey:
    """Map pydantic's loc onto the data, dropping union and tag names that are not keys of the file."""
    path: list[str | int] = []
    current = body
    for part in loc:
        if isinstance(current, dict) and part in current:
            current = current[part]
            path.append(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            path.append(part)
        elif isinstance(current, dict) and isinstance(part, str) and not _is_type_tag(part):
            path.append(part)  # a missing or unknown key: name it
            current = None
    return tuple(path)


def _is_type_tag(part: str) -> bool:
    return part in {"node", "ap_group", "role", "int", "float", "str", "bool", "none"} or "[" in part
