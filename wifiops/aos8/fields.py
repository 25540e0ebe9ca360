"""Raw cells to typed records, as index.yaml says: derived cells, `N/A` as none, ints, durations.

Built once per command into a list of small functions, because a 10,000-client user-table runs them
100,000 times. A cell that does not convert (a count that is not a number, a status that does not
read) raises RowError: the row is reported, its record is not half-made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from wifiops.aos8.columns import RowError
from wifiops.aos8.parserindex import Family, FieldSpec

Raw = dict[str, str]
Converter = Callable[[Raw], Any]

_DURATION_PART = re.compile(r"(\d+)\s*([A-Za-z]+)")
_DURATION_GLUE = re.compile(r"[\s:,]*")


class Fields:
    """Makes the records of one command: derive, then one converter per public field, in order."""

    def __init__(self, family: Family, names: Sequence[str], units: Mapping[str, int]) -> None:
        self.names = list(names)
        self.units = dict(units)
        self._derive = [(cell, re.compile(pattern)) for cell, pattern in family.derive.items()]
        # (name, cell, None) for a plain text field (the cell as printed, "" as None): most fields are,
        # and reading them inline is what keeps a 10,000-row table under 0.3 s.
        self._plan = [(name, *self._plain_or_converter(name, family.spec(name))) for name in self.names]

    def record(self, raw: Raw) -> dict[str, Any]:
        for cell, pattern in self._derive:
            value = raw.get(cell)
            if value:
                found = pattern.fullmatch(value)
                if found is None:
                    raise RowError(f"{cell} {value!r} is not in a form wifiops reads")
                raw.update({k: v for k, v in found.groupdict().items() if v is not None})
        record: dict[str, Any] = {}
        for name, cell, convert in self._plan:
            record[name] = (raw.get(cell) or None) if convert is None else convert(raw)
        return record

    def _plain_or_converter(self, name: str, spec: FieldSpec) -> tuple[str, Converter | None]:
        if spec.plain:
            return spec.source if isinstance(spec.source, str) else name, None
        return name, self._converter(name, spec)

    # --- one converter per field -----------------------------------------------------------------------
    def _converter(self, name: str, spec: FieldSpec) -> Converter:
        read = self._reader(name, spec)
        if spec.sum:
            cells = list(spec.sum)

            def total(raw: Raw) -> int | None:
                values = [_int(name, raw[c]) for c in cells if raw.get(c)]
                return sum(values) if values else None
            return total
        if spec.type == "str":
            return read
        typed = self._typed(name, spec)
        return lambda raw: typed(value) if (value := read(raw)) is not None else None

    def _reader(self, name: str, spec: FieldSpec) -> Callable[[Raw], str | None]:
        """The field's text: from its cell (or the first non-empty of several), nones and map applied."""
        nones = frozenset(["", *spec.none])
        mapping, default = spec.map, spec.default
        if spec.join:
            join = list(spec.join)

            def joined(raw: Raw) -> str | None:
                parts = [raw.get(c) for c in join]
                return " ".join(p for p in parts if p) if all(parts) else None
            return joined
        sources = spec.source if isinstance(spec.source, list) else [spec.source or name]
        if len(sources) == 1 and not mapping:
            source = sources[0]
            return lambda raw: default if (value := raw.get(source, "")) in nones else value

        def read(raw: Raw) -> str | None:
            for source in sources:
                value = raw.get(source, "")
                if value not in nones:
                    return mapping.get(value, value)
            return default
        return read

    def _typed(self, name: str, spec: FieldSpec) -> Callable[[str], Any]:
        if spec.type == "int":
            return lambda value: _int(name, value)
        if spec.type == "float":
            return lambda value: _float(name, value)
        if spec.type == "bool":
            truth = re.compile(spec.true_if or ".")
            return lambda value: truth.search(value) is not None
        if spec.type == "duration":
            parts = [self.units[p] for p in spec.parts]
            return lambda value: duration_seconds(value, self.units, parts, name)
        if spec.type == "datetime":
            formats = list(spec.formats)
            return lambda value: _datetime(name, value, formats)
        return lambda value: value


def duration_seconds(text: str, units: Mapping[str, int], parts: Sequence[int] = (), name: str = "duration") -> int:
    """`12d:3h:4m:5s`, `131 days 6 hours 55 minutes 26 seconds`, or with `parts` `00:04:02` -> seconds."""
    if parts:
        numbers = text.split(":")
        if len(numbers) != len(parts) or not all(n.isdigit() for n in numbers):
            raise RowError(f"{name} {text!r} is not {len(parts)} numbers separated by ':'")
        return sum(int(n) * unit for n, unit in zip(numbers, parts))
    total, position = 0, 0
    for found in _DURATION_PART.finditer(text):
        glue = text[position:found.start()]
        unit = units.get(found.group(2).lower())
        if unit is None or not _DURATION_GLUE.fullmatch(glue):
            raise RowError(f"{name} {text!r} is not a duration such as 2d:17h:8m:4s")
        total += int(found.group(1)) * unit
        position = found.end()
    if position == 0 or text[position:].strip():
        raise RowError(f"{name} {text!r} is not a duration such as 2d:17h:8m:4s")
    return total


def _int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise RowError(f"{name} {value!r} is not a whole number") from None


def _float(name: str, value: str) -> float:
    try:
        return float(value.rstrip("%"))
    except ValueError:
        raise RowError(f"{name} {value!r} is not a number") from None


def _datetime(name: str, value: str, formats: Sequence[str]) -> str:
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).isoformat()
        except ValueError:
            continue
    raise RowError(f"{name} {value!r} is not a date and time wifiops reads")
