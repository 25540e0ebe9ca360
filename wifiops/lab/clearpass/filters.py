"""The `filter` query parameter of ClearPass's list calls, as the API's own notes describe it (arubaos8.md §6.4).

A filter is a JSON object: `{"name": "SW1"}` (equal), `{"name": {"$contains": "SW"}}`, `$in`, `$nin`, `$ne`,
`$gt`, `$gte`, `$lt`, `$lte`, `$regex` (with `"$options": "i"`), `$exists`, and `$and`, `$or`, `$not`.
Several keys in one object must all hold. A field may be dotted (`attributes.Location`). What the notes do
not say is the lab's reading [R]: `$contains` is case-sensitive, `$not` takes an operator object on a field
(`{"name": {"$not": {"$regex": "^mm"}}}`) or a whole filter at the top, comparisons between a number and a
text never hold. A filter that is not one of these is a `FilterError` (the API answers 422).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Collection
from typing import Any

MISSING = object()


class FilterError(ValueError):
    """A filter the API refuses; the message says what is wrong with it."""


def _value(item: dict[str, Any], field: str) -> Any:
    value: Any = item
    for part in field.split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


ORDERS: dict[str, Callable[[Any, Any], bool]] = {"$gt": operator.gt, "$gte": operator.ge, "$lt": operator.lt,
                                                 "$lte": operator.le}


def _ordered(op: str, value: Any, arg: Any) -> bool:
    """Numbers with numbers, texts with texts; anything else (a boolean too) never holds."""
    if isinstance(value, bool) or isinstance(arg, bool):
        return False
    numbers = (int, float)
    if not ((isinstance(value, numbers) and isinstance(arg, numbers))
            or (isinstance(value, str) and isinstance(arg, str))):
        return False
    return ORDERS[op](value, arg)


def _regex(spec: dict[str, Any]) -> re.Pattern[str]:
    options = spec.get("$options", "")
    if not isinstance(spec["$regex"], str) or not isinstance(options, str) or set(options) - {"i"}:
        raise FilterError("$regex takes a text, and $options only \"i\"")
    try:
        return re.compile(spec["$regex"], re.IGNORECASE if "i" in options else 0)
    except re.error as exc:
        raise FilterError(f"$regex {spec['$regex']!r} is not a regular expression ({exc})") from None


def _list(op: str, arg: Any) -> list[Any]:
    if not isinstance(arg, list):
        raise FilterError(f"{op} takes a list")
    return arg


def _field_holds(value: Any, spec: Any) -> bool:
    """Does a field's value satisfy `spec` (a plain value, or an object of operators)? Every operator is
    checked, whatever the value: a wrong filter is refused whatever it is matched against."""
    if not isinstance(spec, dict) or not any(k.startswith("$") for k in spec):
        return value is not MISSING and value == spec
    held = True
    for op, arg in spec.items():
        if op == "$options":
            if "$regex" not in spec:
                raise FilterError("$options goes with $regex")
            continue
        if op == "$regex":
            pattern = _regex(spec)
            ok = isinstance(value, str) and pattern.search(value) is not None
        elif op == "$contains":
            if not isinstance(arg, str):
                raise FilterError("$contains takes a text")
            ok = isinstance(value, str) and arg in value
        elif op == "$in":
            choices = _list(op, arg)
            ok = value is not MISSING and value in choices
        elif op == "$nin":
            choices = _list(op, arg)
            ok = value is MISSING or value not in choices
        elif op == "$ne":
            ok = value is MISSING or value != arg
        elif op in ("$gt", "$gte", "$lt", "$lte"):
            ok = value is not MISSING and _ordered(op, value, arg)
        elif op == "$exists":
            if not isinstance(arg, bool):
                raise FilterError("$exists takes true or false")
            ok = (value is not MISSING and value is not None) == arg
        elif op == "$not":
            if not isinstance(arg, dict):
                raise FilterError("$not on a field takes an object of operators")
            ok = not _field_holds(value, arg)
        else:
            raise FilterError(f"unknown operator {op}")
        held = held and ok
    return held


def matches(item: dict[str, Any], spec: Any, hidden: Collection[str] = ()) -> bool:
    """Does `item` satisfy the filter `spec`? A field in `hidden` (a write-only secret) cannot be filtered on:
    answering would tell its value one question at a time."""
    if not isinstance(spec, dict):
        raise FilterError("a filter is a JSON object, e.g. {\"name\": {\"$contains\": \"mc-\"}}")
    held = True
    for key, arg in spec.items():
        if key in ("$and", "$or"):
            parts = _list(key, arg)
            if not parts:
                raise FilterError(f"{key} takes a list of filters")
            results = [matches(item, part, hidden) for part in parts]
            ok = all(results) if key == "$and" else any(results)
        elif key == "$not":
            ok = not matches(item, arg, hidden)
        elif key.startswith("$"):
            raise FilterError(f"unknown operator {key}")
        elif key in hidden or key.split(".")[-1] in hidden:
            raise FilterError(f"{key} is write-only: it cannot be filtered on")
        else:
            ok = _field_holds(_value(item, key), arg)
        held = held and ok
    return held


def check(spec: Any, hidden: Collection[str] = ()) -> None:
    """Raise FilterError for a filter that is wrong whatever it is matched against."""
    matches({}, spec, hidden)
