"""Parse ArubaOS 8 show outputs into records; every row that cannot be read is reported, never dropped.

`parse(command, text)` is a pure function (no I/O, no device): a Nornir task, `wifiops parse` and the
health checks call it on text they already have. What it knows about each command is data in
`wifiops/aos8/parsers/` (index.yaml, one template per command family); this module only frames the
output and accounts for its lines.

Records are dicts whose keys are the public field names of README.md in that folder:
  show ap database [long]    name, group, ap_type, ip, status, up, uptime_s, flags, switch_ip, standby_ip
                             (+ wired_mac, serial, port, fqln, outer_ip, user with `long`)
  show ap active             name, group, ip, ap_type, flags, uptime_s, outer_ip, clients,
                             radio{0,1,2}_{mode,band,phy,channel,eirp,clients}
  show ap bss-table [details] bss, ess, ip, ap_name, band, channel, clients, flags, ht_mode, bandwidth,
                             eirp, max_eirp, port, type, in_time_s, tot_time_s, mtu, acl_state, acl,
                             forward_mode, wan_mode, cluster, active_clients, standby_clients, datazone
  show ap essid              essid, aps, clients, vlans, encryption
  show user-table [verbose]  ip, mac, name, role, age_s, auth, vpn_link, ap_name, roaming, essid, bssid,
                             phy, profile, forward_mode, type, host_name, user_type
                             (+ server, vlan, bwm, ua_str with `verbose`)
  show switches              ip, ipv6, name, location, type, model, version, status, config_state,
                             config_sync_time_s, config_id, release_type
  show version               model, version, release_type, build, uptime_s, reboot_cause
  show license               service_type, count, expires, flags, installed
  show cpuload               user, system, idle (floats, per cent)
  show inventory             serial, model, made, mac_first, mac_last
  show ap radio-database     name, group, ap_type, ip, status, up, uptime_s, flags, switch_ip, standby_ip,
                             radio{0,1,2}_{mode,band,channel,phy,eirp}
  show ap radio-summary      name, group, ap_type, ip, band, mode, phy, channel, eirp, max_eirp, noise,
                             utilisation, interference (one record per radio)
  show ap arm state [dot11a|dot11g]  ap, mac, band, channel, eirp, max_eirp, valid_neighbours,
                             relevant_neighbours, neighbour, neighbour_ip, snr, path_loss,
                             neighbour_channel, neighbour_power, relevant (one record per neighbour heard)
  show memory                total_kb, used_kb, free_kb
  show clock                 datetime (ISO 8601, the device's local time), timezone (as printed)
  show ip interface brief    interface, address, mask, admin, protocol, vrrp_ip
  show arp                   protocol, ip, mac, interface, age_min
  show vlan                  vlan_id, description, ports, aaa_profile

Accounting: in a table, every non-blank line is the title, the header, a known legend or trailer
(index.yaml `skip`), or a row; a row is a record or an `Unparsed` entry (line number, text, why). Rows
stand together: a line after the blank line (or the trailer) that ends them is never read as a row; a
note or legend wifiops does not know is reported, not made a record. The trailer that counts the rows
(`Total APs:358`) is checked against the rows read (a difference is unparsed); its absence is a warning
(`Parsed.warnings`): the output may have been cut short, or the trailer left out when it was saved.
An output of blocks (index.yaml `block`: `show ap arm state`) is read block by block, each block's head
lines giving cells to every row of its table.
"""

from __future__ import annotations

import os
import pickle
import re
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ttp import ttp  # type: ignore[import-untyped]

from wifiops import datacache
from wifiops.aos8.columns import RowError, build_layout, is_dash_row
from wifiops.aos8.fields import Fields
from wifiops.aos8.parserindex import CommandEntry, Family, parser_index
from wifiops.errors import UnsupportedCommand

# TTP keeps the table of its own functions as a pickle beside its package, shared by every process of the install,
# read at each parser built and rewritten by whichever process finds it missing or unreadable. Processes starting
# together on a fresh install (the lab, a backup, a check) read it half written; one written without its
# `utils` broke every later parse of that install until deleted (a suite saw 181 failures); the rebuild runs
# `ast.parse`, which CPython 3.11 refuses from several threads at once. So the table is built in a private folder
# and kept in wifiops' own cache (written whole, per user: wifiops.datacache), since building it takes 17 ms of
# every `wifiops parse`; each parser gets its own copy from memory (0.1 ms, not TTP's 16 ms read).
_TTP: Any = sys.modules["ttp.ttp"]
_TTP_BUILD = _TTP.lazy_import_functions
_TABLE_LOCK = threading.Lock()
_table: bytes | None = None


def _built_table() -> bytes:
    """TTP's table, built by TTP itself with its cache pointed at a private folder."""
    saved = os.environ.get("TTPCACHEFOLDER")
    with tempfile.TemporaryDirectory(prefix="wifiops-ttp-") as private:
        os.environ["TTPCACHEFOLDER"] = private  # TTP's documented knob for where its cache goes
        try:
            return pickle.dumps(_TTP_BUILD())
        finally:
            if saved is None:
                os.environ.pop("TTPCACHEFOLDER", None)
            else:
                os.environ["TTPCACHEFOLDER"] = saved


def _function_table() -> Any:
    """TTP's function table for one parser: read or built once per process (see above), then copied."""
    global _table
    with _TABLE_LOCK:
        if _table is None:
            home = Path(_TTP.__file__).parent
            signature = f"ttp {_TTP.__version__}\n" + datacache.files_signature(
                p for p in datacache.tree(home) if p.suffix == ".py")
            _table = datacache.cached("ttp-functions", signature, _built_table, expect=bytes)
        return pickle.loads(_table)  # our own bytes, of this process or of this user's cache


_TTP.lazy_import_functions = _function_table  # what every `ttp(...)` calls for its table

__all__ = ["Parsed", "Unparsed", "parse", "supported_commands"]


@dataclass(frozen=True)
class Unparsed:
    """A line of the output that should have been a row (or a trailer) and could not be read."""

    line: int          # 1-based, in the text given to parse()
    text: str
    why: str


@dataclass(frozen=True)
class Parsed:
    """What parse() read: the command in full (`sh ap data l` -> `show ap database long`), its records
    (each with `fields`, in that order), and the lines that could not be read."""

    command: str
    fields: list[str]
    records: list[dict[str, Any]] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    # What a person should know but that loses no row: the trailer that counts the rows is missing (the
    # output may have been cut short, or the trailer left out when it was saved).
    warnings: list[Unparsed] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unparsed

    def to_dict(self) -> dict[str, Any]:
        return {"command": self.command, "records": self.records,
                "unparsed": [asdict(u) for u in self.unparsed],
                "warnings": [asdict(w) for w in self.warnings]}


def supported_commands() -> list[str]:
    return parser_index().supported


def parse(command: str, text: str) -> Parsed:
    """The records of `text`, the output of `command` (abbreviations allowed: `sh ap data l`)."""
    entry = parser_index().lookup(command)
    if entry is None:
        raise UnsupportedCommand(f"wifiops has no parser for {command!r}; it parses: "
                                 + ", ".join(supported_commands()))
    reader = _reader(entry.name)
    lines = text.replace("\r", "").split("\n")
    if reader.family.block:
        return reader.blocks(lines)
    return reader.table(lines) if reader.family.table else reader.single(lines)


@cache
def _reader(name: str) -> "_Reader":
    index = parser_index()
    entry = next(e for e in index.commands if e.name == name)
    return _Reader(entry, index.families[entry.family])


class _Reader:
    """Everything one command needs, compiled once: skip lines, fields, column specs."""

    def __init__(self, entry: CommandEntry, family: Family) -> None:
        index = parser_index()
        self.entry, self.family = entry, family
        self.skip = re.compile("|".join(f"(?:{p})" for p in [*index.skip, *family.skip]))
        self.count = re.compile(family.count) if family.count else None
        self.fields = Fields(family, entry.fields, index.durations)
        shapes = {name: re.compile(pattern) for name, pattern in index.shapes.items()}
        self.specs = {" ".join(c.header.lower().split()): (c.cell, shapes[c.shape] if c.shape else None, c.required)
                      for c in family.columns}
        self.max_drift, self.margin = index.max_drift, index.ambiguity_margin
        self.glue = [re.compile(pattern) for pattern in family.glue]

    # --- a table -----------------------------------------------------------------------------------------
    def table(self, lines: list[str], head: dict[str, str] | None = None) -> Parsed:
        """`head`: raw cells every row carries (a block's, see blocks())."""
        parsed = Parsed(self.entry.name, list(self.entry.fields))
        if self.family.header is not None:  # no row of dashes (show ip interface brief): the header itself
            header = re.compile(self.family.header)
            dash_at = next((i for i, line in enumerate(lines) if header.search(line)), None)
        else:
            dash_at = next((i for i, line in enumerate(lines)
                            if i > 0 and lines[i - 1].strip() and is_dash_row(line)), None)
        if dash_at is None:
            self._no_header(lines, parsed)
            return parsed
        self._preamble(lines[:dash_at - 1] if self.family.header is None else lines[:dash_at], parsed)
        rows: list[tuple[int, str]] = []
        counted: tuple[int, str, int] | None = None
        ended = False
        for number, line in enumerate(lines[dash_at + 1:], start=dash_at + 2):
            if not line.strip():
                ended = ended or bool(rows)  # rows stand together: a blank line after them ends the table
                continue
            found = self.count.match(line) if self.count else None
            if found:
                counted, ended = (number, line, int(found["n"])), True
            elif self.skip.search(line):
                continue
            elif ended:  # a note or another command's text: never read as a row, never dropped
                parsed.unparsed.append(Unparsed(number, line, "after the table: not a row (a blank line or "
                                                              "the trailer ended the rows), nor a known "
                                                              "legend or trailer"))
            else:
                rows.append((number, line))
        if self.family.engine == "columns":
            self._by_column(lines[dash_at - 1], lines[dash_at], rows, parsed, head or {})
        else:
            self._by_ttp(rows, parsed, head or {})
        self._check_count(counted, len(rows), rows[-1][0] if rows else dash_at + 1, parsed)
        return parsed

    # --- blocks of one table each (show ap arm state: one block per AP radio) ------------------------------
    def blocks(self, lines: list[str]) -> Parsed:
        """Each block's head (its lines before the table's title) gives raw cells every row of its table
        carries; a block whose table has no row is one record with the row fields null, so an AP that hears
        nobody is still there. A line before the first block, or a head line no `block_head` regex reads,
        is unparsed."""
        parsed = Parsed(self.entry.name, list(self.entry.fields))
        start = re.compile(self.family.block or "")
        heads = [re.compile(p) for p in self.family.block_head]
        starts = [i for i, line in enumerate(lines) if start.match(line)]
        for number, line in enumerate(lines[:starts[0]] if starts else lines, start=1):
            if line.strip() and not self.skip.search(line):
                parsed.unparsed.append(Unparsed(number, line, "before the first block: not a known line"))
        for at, end in zip(starts, [*starts[1:], len(lines)]):
            block = lines[at:end]
            title = next((i for i in range(1, len(block) - 1)
                          if block[i].strip() and set(block[i + 1].strip()) == {"-"}), len(block))
            raw: dict[str, str] = {}
            for i, line in enumerate(block[:title]):
                found = [m for m in (h.search(line) for h in heads) if m]
                if not found and line.strip() and not self.skip.search(line):
                    parsed.unparsed.append(Unparsed(at + i + 1, line, "a block's head line wifiops does not read"))
                for m in found:
                    raw.update({k: v for k, v in m.groupdict().items() if v is not None})
            sub = self.table(block[title:], raw) if title < len(block) else None
            offset = at + title
            if sub is not None:
                parsed.unparsed.extend(Unparsed(u.line + offset, u.text, u.why) for u in sub.unparsed)
                parsed.warnings.extend(Unparsed(u.line + offset, u.text, u.why) for u in sub.warnings)
                parsed.records.extend(sub.records)
            if sub is None or not (sub.records or sub.unparsed):
                try:
                    parsed.records.append(self.fields.record(dict(raw)))
                except RowError as exc:
                    parsed.unparsed.append(Unparsed(at + 1, block[0], str(exc)))
        return parsed

    def _no_header(self, lines: list[str], parsed: Parsed) -> None:
        why = f"no table header (column names over a row of dashes): not `{self.entry.name}` output"
        content = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not self.skip.search(line)]
        for number, line in content or [(1, "")]:
            parsed.unparsed.append(Unparsed(number, line, why if content else "the output is empty"))

    def _preamble(self, lines: list[str], parsed: Parsed) -> None:
        """Before the header: blank lines, legends, and the title over its single run of dashes."""
        for i, line in enumerate(lines):
            dashes = line.strip()
            if not dashes or self.skip.search(line):
                continue
            if set(dashes) == {"-"} or (i + 1 < len(lines) and set(lines[i + 1].strip()) == {"-"}):
                continue  # the title and its underline
            parsed.unparsed.append(Unparsed(i + 1, line, "before the table: not a title or a known legend"))

    def _by_column(self, header: str, dashes: str, rows: list[tuple[int, str]], parsed: Parsed,
                   head: dict[str, str]) -> None:
        layout, missing = build_layout(header, dashes, self.specs, self.max_drift, self.margin, self.glue)
        if missing:
            why = f"the header has no {missing[0]!r} column: not the `{self.entry.name}` table wifiops reads"
            parsed.unparsed.extend(Unparsed(number, line, why) for number, line in rows)
            return
        for number, line in rows:
            try:
                parsed.records.append(self.fields.record({**head, **layout.split(line)}))
            except RowError as exc:
                parsed.unparsed.append(Unparsed(number, line, str(exc)))

    def _by_ttp(self, rows: list[tuple[int, str]], parsed: Parsed, head: dict[str, str]) -> None:
        """Rows numbered for TTP (`line_no`), so that a row no template line matches is known."""
        data = "\n".join(f"{number}\t{line}" for number, line in rows)
        matched: dict[int, dict[str, str]] = {}
        for found in _ttp_groups(self.family.text, data, "rows"):
            matched[int(found.pop("line_no"))] = found
        for number, line in rows:
            raw = matched.get(number)
            if raw is None:
                parsed.unparsed.append(Unparsed(number, line, f"no row of {self.family.template} matches it"))
                continue
            try:
                parsed.records.append(self.fields.record({**head, **raw}))
            except RowError as exc:
                parsed.unparsed.append(Unparsed(number, line, str(exc)))

    def _check_count(self, counted: tuple[int, str, int] | None, rows: int, last: int, parsed: Parsed) -> None:
        """The trailer's count against the rows read; without the trailer the output may be cut short."""
        if self.count is None:
            return
        if counted is None:
            parsed.warnings.append(Unparsed(last, "", "no trailer counting the rows after this last row: the "
                                                      "output may have been cut short"))
        elif counted[2] != rows:
            number, line, total = counted
            parsed.unparsed.append(Unparsed(number, line, f"the device counts {total} rows, the output "
                                                          f"holds {rows}"))

    # --- one record ----------------------------------------------------------------------------------------
    def single(self, lines: list[str]) -> Parsed:
        parsed = Parsed(self.entry.name, list(self.entry.fields))
        # TABs as the terminal shows them: `show inventory` pads its labels with spaces and TABs alike
        groups = _ttp_groups(self.family.text, "\n".join(line.expandtabs() for line in lines), None)
        raw = groups[0] if groups else {}
        missing = [name for name in self.family.required if not raw.get(name)]
        first = next(((n, line) for n, line in enumerate(lines, start=1) if line.strip()), (1, ""))
        if missing:
            parsed.unparsed.append(Unparsed(*first, f"no {', '.join(missing)} found: not `{self.entry.name}` "
                                                    "output as wifiops reads it"))
            return parsed
        try:
            parsed.records.append(self.fields.record(raw))
        except RowError as exc:
            parsed.unparsed.append(Unparsed(*first, str(exc)))
        return parsed


def _ttp_groups(template: str, data: str, group: str | None) -> list[dict[str, str]]:
    """The matches of a TTP template, as a flat list of dicts (TTP nests one match as a dict)."""
    parser = ttp(data=data + "\n", template=template)
    parser.parse(one=True)
    found: list[dict[str, str]] = []
    for result in parser.result(structure="flat_list"):
        for name, value in (result or {}).items():
            if group is not None and name != group:
                continue
            found.extend(value if isinstance(value, list) else [value])
    return found
