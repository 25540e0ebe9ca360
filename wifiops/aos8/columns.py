"""Split a table row into cells by the header's columns, tolerant of drift, checked by shape.

Why not fixed offsets: real ArubaOS 8 tables drift by a few characters from row to row, leave cells
empty, and hold cells of several words (arubaos8.md §4). Why not shapes alone (TTP): two neighbouring
cells that may each be empty and look alike (bss-table Flags and cluster, user-table Name and Role) can
only be told apart by where they stand.

So a row is cut into cells at runs of two or more spaces or at tabs (a cell's own words are one space
apart), and each cell is placed under a column: first exactly (a well-aligned row: the fast path), else
by the placement that keeps the drift smallest and steadiest along the row, where every cell has its
column's shape and every required column is filled. Drift is first bounded (a few characters per cell,
cheap to search); a row that no bounded placement fits (real rows drift by fifteen characters and more
where a publisher shortened names) is placed by its cells' shapes alone, drift only breaking ties. A row
with no such placement, or whose runner-up is nearly as good, is an error that names the reason: never a
guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# A cell: words one space apart. Two spaces, or a tab, end it.
_CELL = re.compile(r"[^ \t]+(?: [^ \t]+)*")
_DASHES = re.compile(r"-+")
_HEADER_CELL = re.compile(r"\S+(?: \S+)*")


class RowError(ValueError):
    """A row that cannot be read; the message says why, for people."""


@dataclass(frozen=True)
class Column:
    """One column of this output: where its dash run stands, and what its cells must look like."""

    cell: str
    header: str
    start: int
    shape: re.Pattern[str] | None = None
    required: bool = False


def is_dash_row(line: str) -> bool:
    """A header's dash row: two or more runs of dashes and nothing else (a title has one run)."""
    runs = line.split()
    return len(runs) >= 2 and all(_DASHES.fullmatch(run) for run in runs)


def header_cells(header: str, dashes: str) -> list[tuple[str, int]]:
    """(header text, start) per dash run. Centred headers sit over runs of another length, so each
    header cell goes to the run it overlaps most (or the nearest one)."""
    runs = [(m.start(), m.end()) for m in _DASHES.finditer(dashes.expandtabs())]
    names: list[list[str]] = [[] for _ in runs]
    for word in _HEADER_CELL.finditer(header.expandtabs()):
        start, end = word.span()
        best = max(range(len(runs)), key=lambda i: (min(end, runs[i][1]) - max(start, runs[i][0]),
                                                       -abs(start - runs[i][0])))
        names[best].append(word.group())
    return [(" ".join(words), runs[i][0]) for i, words in enumerate(names)]


def normalise_header(text: str) -> str:
    return " ".join(text.lower().split())


class Layout:
    """The columns of one output, built from its header and dash row; `split` reads one row."""

    def __init__(self, columns: Sequence[Column], max_drift: int, margin: int,
                 glue: Sequence[re.Pattern[str]] = ()) -> None:
        self.columns = list(columns)
        self.max_drift, self.margin = max_drift, margin
        self.glue = list(glue)
        # one search per row tells whether any cell needs gluing: most rows have none
        self._glue_any = re.compile("|".join(f"(?:{p.pattern})" for p in glue)) if glue else None
        self._cells = [c.cell for c in self.columns]
        self._by_start = {c.start: i for i, c in enumerate(self.columns)}
        self._required = [i for i, c in enumerate(self.columns) if c.required]
        self._shaped = [(i, c.shape) for i, c in enumerate(self.columns) if c.shape is not None]
        # required columns among the first j columns, for j in 0..m: "any required between" in O(1)
        self._required_before = [0]
        for column in self.columns:
            self._required_before.append(self._required_before[-1] + column.required)

    def split(self, line: str) -> dict[str, str]:
        """The row's cells by cell name ("" for an empty one), or RowError."""
        tokens = _tokens(line)
        if not tokens:
            raise RowError("the row is empty")
        if self._glue_any is not None and self._glue_any.search(line):
            tokens = self._glued(tokens)
        cells = self._exact(tokens)
        if cells is None:
            cells = self._placed(tokens)
        return dict(zip(self._cells, cells))

    def _glued(self, tokens: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """A cell that only ever follows another one (`(AAC=10.1.1.2)` after the cluster role) joins it."""
        joined: list[tuple[int, str]] = []
        for start, text in tokens:
            if joined and any(pattern.fullmatch(text) for pattern in self.glue):
                joined[-1] = (joined[-1][0], f"{joined[-1][1]} {text}")
            else:
                joined.append((start, text))
        return joined

    # --- the fast path: every cell starts where a dash run starts --------------------------------------
    def _exact(self, tokens: list[tuple[int, str]]) -> list[str] | None:
        cells = [""] * len(self.columns)
        previous = -1
        for start, text in tokens:
            index = self._by_start.get(start)
            if index is None or index <= previous:
                return None
            cells[index] = text
            previous = index
        if not self._valid(cells):
            return None
        return cells

    def _valid(self, cells: list[str]) -> bool:
        for i in self._required:
            if not cells[i]:
                return False
        for i, shape in self._shaped:
            if cells[i] and not shape.fullmatch(cells[i]):
                return False
        return True

    # --- the general path ------------------------------------------------------------------------------
    def _placed(self, tokens: list[tuple[int, str]]) -> list[str]:
        if len(tokens) > len(self.columns):
            raise RowError(f"{len(tokens)} cells for {len(self.columns)} columns")
        placement = self._best(tokens)
        if placement is None:  # drifted further than the bounded search looks: by shape, drift breaks ties
            placement = self._best(tokens, bounded=False)
        if placement is None:
            raise RowError(self._why(tokens))
        columns, ambiguous = placement
        if ambiguous:
            raise RowError("ambiguous: its cells fit under the header's columns in more than one way "
                           "(a cell stands between two columns)")
        cells = [""] * len(self.columns)
        for (_, text), index in zip(tokens, columns):
            cells[index] = text
        return cells

    def _best(self, tokens: list[tuple[int, str]], shaped: bool = True, required: bool = True,
              bounded: bool = True) -> tuple[list[int], bool] | None:
        """The placement whose drift changes least along the row, and whether another comes close.

        Viterbi over the near columns, keeping the two best partial placements per column. Bounded, a
        cell may stand up to `max_drift` characters further left or right than the cell before it (a
        long cell pushes the rest of the row; a UTF-8 name pulls it back), and up to four times that from
        its own dash run in all; unbounded, any column in order will do. When the runner-up costs at
        most `margin` more, the row is ambiguous."""
        n, m = len(tokens), len(self.columns)
        starts = [c.start for c in self.columns]
        reach = 4 * self.max_drift if bounded else 1 << 30
        step = self.max_drift if bounded else 1 << 30
        candidates = [[j for j in range(i, m - (n - 1 - i))
                       if abs(start - starts[j]) <= reach and (not shaped or self._fits(j, text))]
                      for i, (start, text) in enumerate(tokens)]
        before = self._required_before if required else [0] * (m + 1)
        # per token: column -> up to two (cost, previous column, rank of the entry there), best first
        layer = {j: [(float(abs(tokens[0][0] - starts[j])), -1, 0)] for j in candidates[0] if before[j] == 0}
        trail = [layer]
        for i in range(1, n):
            nxt: dict[int, list[tuple[float, int, int]]] = {}
            for j in candidates[i]:
                drift = tokens[i][0] - starts[j]
                options = []
                for k, entries in trail[-1].items():
                    if k >= j or before[j] - before[k + 1] > 0:
                        continue
                    change = abs(drift - (tokens[i - 1][0] - starts[k]))
                    if change <= step:
                        options += [(cost + change, k, rank) for rank, (cost, _, _) in enumerate(entries)]
                if options:
                    nxt[j] = sorted(options)[:2]
            trail.append(nxt)
        ends = sorted((entry[0], j, rank) for j, entries in trail[-1].items() if before[m] - before[j + 1] == 0
                      for rank, entry in enumerate(entries))
        if not ends:
            return None
        ambiguous = len(ends) > 1 and ends[1][0] - ends[0][0] <= self.margin
        path, (_, j, rank) = [], ends[0]
        for i in range(n - 1, -1, -1):
            path.append(j)
            _, j, rank = trail[i][j][rank]
        return path[::-1], ambiguous

    def _fits(self, index: int, text: str) -> bool:
        shape = self.columns[index].shape
        return shape is None or shape.fullmatch(text) is not None

    def _why(self, tokens: list[tuple[int, str]]) -> str:
        """Why no placement fits: the first cell out of shape, or a required column left empty."""
        plain = self._best(tokens, shaped=False, required=False, bounded=False)
        if plain is None:
            return "the cells fit under no column order"
        cells = dict(zip(plain[0], (text for _, text in tokens)))
        for index, text in cells.items():
            if not self._fits(index, text):
                return f"{text!r} under {self.columns[index].header!r} does not have that column's shape"
        empty = [c.header for i, c in enumerate(self.columns) if c.required and i not in cells]
        if empty:
            return f"no cell under {empty[0]!r}, which is never empty: the row may be cut short"
        return "the cells fit under no column order"


def _tokens(line: str) -> list[tuple[int, str]]:
    """(display column, text) of each cell; tabs count as the 8-column stops a terminal shows."""
    if "\t" not in line:
        return [(m.start(), m.group()) for m in _CELL.finditer(line)]
    return [(len(line[:m.start()].expandtabs()), m.group()) for m in _CELL.finditer(line)]


def build_layout(header: str, dashes: str, specs: Mapping[str, tuple[str, re.Pattern[str] | None, bool]],
                 max_drift: int, margin: int, glue: Sequence[re.Pattern[str]] = ()) -> tuple[Layout, list[str]]:
    """The layout of one output, and the required headers it lacks (then its rows cannot be read).

    `specs` maps a normalised header to (cell name, shape, required). A column the specs do not know
    (a newer release's) is still a column, so that its cells are not taken for another's; its cells
    are kept under a name made from its header."""
    columns = []
    for text, start in header_cells(header, dashes):
        cell, shape, required = specs.get(normalise_header(text),
                                          (re.sub(r"\W+", "_", text.lower()).strip("_") or f"column_{start}",
                                           None, False))
        columns.append(Column(cell=cell, header=text, start=start, shape=shape, required=required))
    present = {normalise_header(c.header) for c in columns}
    missing = [key for key, (_, _, required) in specs.items() if required and key not in present]
    return Layout(columns, max_drift, margin, glue), missing
