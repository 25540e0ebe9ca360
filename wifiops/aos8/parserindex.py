"""parsers/index.yaml and the files it names, validated by pydantic and compiled once.

The index is the one place that says which show commands wifiops reads and what their records hold;
a typo in it (a family that does not exist, a field with no source, a regex that does not compile, a
template file that is missing) fails when it is loaded, with the key's name, not while parsing.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from wifiops.yamlsource import load_shipped
from pydantic import Field, field_validator, model_validator

from wifiops.aos8.data import Fact, load

PARSERS = Path(__file__).with_name("parsers")

# ntc-templates' abbreviation syntax: `sh[[ow]]` reads `sh`, `sho` or `show`.
_WORD = re.compile(r"^(?P<head>[^\[\]]+)(?:\[\[(?P<tail>[^\[\]]+)\]\])?$")


class FieldSpec(Fact):
    """How one public field is made from the raw cells: source, nulls, value map, type."""

    source: str | list[str] | None = Field(default=None, validation_alias="from")  # a list: the first not empty
    join: list[str] = []             # several raw cells, joined by spaces (a date and a time)
    type: Literal["str", "int", "float", "bool", "duration", "datetime"] = "str"
    none: list[str] = []             # cell values that mean "none" (`N/A`, `0.0.0.0`, `None`)
    map: dict[str, str] = {}         # value translations (8.6 `a` -> `5GHz`)
    true_if: str | None = None       # bool: the regex a true value matches
    sum: list[str] = []              # int: the sum of these raw cells (radio clients)
    default: str | None = None       # the value of an empty cell (Flags: "")
    parts: list[str] = []            # duration printed without units, `00:04:02` as d, h, m
    formats: list[str] = []          # datetime: strptime formats, tried in order

    @property
    def plain(self) -> bool:
        """The text of one cell as printed, an empty cell as None: nothing to convert."""
        return (self.type == "str" and not isinstance(self.source, list) and not self.join and not self.none
                and not self.map and not self.sum and self.default is None)


class ColumnSpec(Fact):
    """One column of a `*.columns.yaml` file: its header as printed and what its cells look like."""

    header: str
    cell: str
    shape: str | None = None
    required: bool = False


class ColumnsFile(Fact):
    columns: list[ColumnSpec]
    glue: list[str] = []             # a cell matching one of these belongs to the cell before it

    @field_validator("glue")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            re.compile(pattern)
        return value


class Family(Fact):
    """A command family: the file that reads its rows, the lines around its table, its fields."""

    template: str
    table: bool = True
    skip: list[str] = []             # legends and trailers (beyond the index's own `skip`)
    count: str | None = None         # the trailer that counts the rows (group `n`)
    header: str | None = None        # a table with no row of dashes: the regex its header line matches
    required: list[str] = []         # raw cells a one-record output must have
    derive: dict[str, str] = {}      # raw cell -> regex whose named groups become raw cells
    block: str | None = None         # an output of blocks, one table each: the regex of a block's first line
    block_head: list[str] = []       # the block's lines before its table: regexes whose groups are raw cells
    fields: dict[str, FieldSpec | None]

    @field_validator("template")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if not (value.endswith(".ttp") or value.endswith(".columns.yaml")):
            raise ValueError(f"{value}: a template is a *.ttp or a *.columns.yaml file")
        if not (PARSERS / value).is_file():
            raise ValueError(f"{value}: no such file in {PARSERS}")
        return value

    @field_validator("skip", "derive", "count", "header", "block", "block_head")
    @classmethod
    def _compiles(cls, value: str | list[str] | dict[str, str] | None) -> str | list[str] | dict[str, str] | None:
        patterns = list(value.values()) if isinstance(value, dict) else [value] if isinstance(value, str) else value
        for pattern in patterns or []:
            re.compile(pattern)
        return value

    @model_validator(mode="after")
    def _sources_exist(self) -> "Family":
        """Every field reads raw cells the template or a derive regex makes: a typo fails here."""
        raw = set(self.raw_cells)
        for name, spec in self.fields.items():
            spec = spec or FieldSpec()
            sources = spec.source if isinstance(spec.source, list) else [spec.source or name]
            missing = [s for s in [*sources, *spec.join, *spec.sum] if s not in raw]
            if spec.join or spec.sum:
                missing = [s for s in [*spec.join, *spec.sum] if s not in raw]
            if missing:
                raise ValueError(f"{self.template}: field {name!r} reads {missing}, which nothing makes")
        return self

    @property
    def raw_cells(self) -> list[str]:
        """What the template and the derive regexes make: the names fields may read."""
        if self.engine == "columns":
            made = [column.cell for column in self.columns]
        else:
            made = re.findall(r"\{\{\s*(\w+)", self.text)
        for pattern in [*self.derive.values(), *self.block_head]:
            made += list(re.compile(pattern).groupindex)
        return made

    def spec(self, name: str) -> FieldSpec:
        return self.fields[name] or FieldSpec()

    @property
    def engine(self) -> Literal["ttp", "columns"]:
        return "ttp" if self.template.endswith(".ttp") else "columns"

    @cached_property
    def text(self) -> str:
        """The template file's text (a TTP template, or the YAML of a columns file)."""
        return (PARSERS / self.template).read_text(encoding="utf-8")

    @cached_property
    def columns_file(self) -> ColumnsFile:
        return ColumnsFile.model_validate(load_shipped(self.text)) if self.engine == "columns" else ColumnsFile(columns=[])

    @property
    def columns(self) -> list[ColumnSpec]:
        return self.columns_file.columns

    @property
    def glue(self) -> list[str]:
        return self.columns_file.glue


class CommandEntry(Fact):
    """One command as the engineer types it, with abbreviations, and the fields of its records."""

    command: str
    family: str
    fields: list[str]

    @cached_property
    def name(self) -> str:
        """The command in full: `sh[[ow]] ap data[[base]] l[[ong]]` -> `show ap database long`."""
        return re.sub(r"\[\[|\]\]", "", self.command)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        words = []
        for word in self.command.split():
            found = _WORD.match(word)
            if not found:
                raise ValueError(f"{self.command!r}: {word!r} is not a word or word[[tail]]")
            optional = ""
            for char in reversed(found["tail"] or ""):
                optional = f"(?:{re.escape(char)}{optional})?"
            words.append(re.escape(found["head"]) + optional)
        return re.compile(r"\s+".join(words), re.I)


class ParserIndex(Fact):
    """index.yaml: units, shapes, session lines to skip, the families and the commands."""

    durations: dict[str, int]
    shapes: dict[str, str]
    skip: list[str]
    max_drift: int
    ambiguity_margin: int
    families: dict[str, Family]
    commands: list[CommandEntry]

    @model_validator(mode="after")
    def _consistent(self) -> "ParserIndex":
        for name, pattern in self.shapes.items():
            re.compile(pattern)
        for entry in self.commands:
            entry.pattern  # noqa: B018 - compiles, or fails here with the command's name
            family = self.families.get(entry.family)
            if family is None:
                raise ValueError(f"{entry.name}: no family {entry.family!r}")
            unknown = [f for f in entry.fields if f not in family.fields]
            if unknown:
                raise ValueError(f"{entry.name}: fields {unknown} are not in family {entry.family!r}")
        for name, family in self.families.items():
            for field, spec in family.fields.items():
                unknown_units = [p for p in (spec.parts if spec else []) if p not in self.durations]
                if unknown_units:
                    raise ValueError(f"{name}: field {field!r} reads parts {unknown_units}, not in `durations`")
            for column in family.columns:
                if column.shape and column.shape not in self.shapes:
                    raise ValueError(f"{family.template}: column {column.header!r} has unknown shape "
                                     f"{column.shape!r}")
        return self

    def lookup(self, command: str) -> CommandEntry | None:
        typed = " ".join(command.split())
        return next((e for e in self.commands if e.pattern.fullmatch(typed)), None)

    @property
    def supported(self) -> list[str]:
        return [entry.name for entry in self.commands]


@cache
def parser_index() -> ParserIndex:
    return load("parsers/index.yaml", ParserIndex)
