"""`wifiops audit rf`: what the controllers know of each room's radio, for the yearly coverage audit (CCTP:
the engineer walks the exhibition rooms with it).

Read from the conductor, nothing changed, four commands whatever the number of APs: `show ap
radio-database` (every AP, up or not, each radio's band, channel and EIRP), `show ap active` (each radio's
clients), `show ap radio-summary` (each radio's noise floor and channel utilisation, as the AP measures
them) and `show ap arm state` (the neighbours each radio hears), all parsed by wifiops/aos8's parsers, and
the inventory's `aps.yaml` (each AP's site and zone: `"<area> <room>"`, the first word the area as the
visits read it). Rows are sorted by site, area, room and AP, so the table follows the walk.

A radio's ARM block is matched by AP and channel (the real capture prints no band), its neighbours
counted as its head counts them (`Valid neighbors`), and those listed on its own channel named: the
co-channel radios the engineer checks in the room.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from wifiops.aos8.parse import parse
from wifiops.engine.show import collect
from wifiops.errors import WifiopsError
from wifiops.estate import Estate

RADIO_DATABASE = "show ap radio-database"
ACTIVE = "show ap active"
RADIO_SUMMARY = "show ap radio-summary"
ARM_STATE = "show ap arm state"
RADIOS = 3


@dataclass(frozen=True)
class Radio:
    band: str
    channel: str
    eirp: float | None
    clients: int | None  # None: the AP is not active (no client count)
    noise: int | None = None  # dBm, the noise floor; None: not in `show ap radio-summary`
    utilisation: int | None = None  # % of the channel busy
    neighbours: int | None = None  # radios it hears (ARM's valid neighbours); None: no ARM block for it
    co_channel: list[str] = field(default_factory=list)  # the listed neighbours on its own channel


@dataclass
class ApRf:
    site: str
    area: str
    room: str
    ap: str
    priority: bool
    status: str  # up, down, or not seen (not in the conductor's database)
    radios: list[Radio] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RfAudit:
    conductor: str
    rows: list[ApRf]
    errors: list[str]
    log_dir: Path | None = None

    @property
    def exit_code(self) -> int:
        """2 the conductor did not answer, 1 an AP is down or not seen, 0 every AP's radio read."""
        if self.errors:
            return 2
        return 1 if any(r.status != "up" for r in self.rows) else 0

    def to_dict(self) -> dict[str, Any]:
        return {"conductor": self.conductor, "aps": [r.to_dict() for r in self.rows], "errors": self.errors,
                "log_dir": str(self.log_dir or "")}


def area_and_room(zone: str) -> tuple[str, str]:
    """`"Denon salle 3"` -> (`Denon`, `salle 3`); a zone of one word is an area without a room."""
    area, _, room = zone.strip().partition(" ")
    return area or "?", room.strip()


def _in_zone(zone: str, chosen: str) -> bool:
    """An area (`Denon`) or a room (`Denon salle 3`), whole words: `Denon salle 3` is not `Denon salle 34`."""
    zone, chosen = " ".join(zone.lower().split()), " ".join(chosen.lower().split())
    return zone == chosen or zone.startswith(chosen + " ")


def audit_rf(estate: Estate, *, sites: Iterable[str] = (), zone: str | None = None) -> RfAudit:
    nr = estate.nornir
    every = [h for h in nr.inventory.hosts.values() if h.get("role") == "ap"]
    known = sorted({str(h.get("site")) for h in every})
    unknown = [s for s in sites if s not in known]
    if unknown:  # a typo selects nothing: said before anything is asked of a device
        raise WifiopsError(f"--site {unknown[0]}: no AP of the inventory is at that site (sites: {', '.join(known)})")
    aps = [h for h in every if (not sites or h.get("site") in set(sites))
           and (zone is None or _in_zone(str(h.get("zone") or ""), zone))]
    if not aps:
        areas = sorted({area_and_room(str(h.get("zone") or ""))[0] for h in every if not sites or h.get("site") in sites})
        raise WifiopsError(f"--zone {zone!r}: no AP's zone starts with it (areas: {', '.join(areas)}; a room: "
                           "'Denon salle 3')")
    conductor = estate.conductor.name
    outputs: dict[str, str] = {}
    errors: list[str] = []
    log_dir = None
    for command in (RADIO_DATABASE, ACTIVE, RADIO_SUMMARY, ARM_STATE):
        report = collect(estate, command, names=[conductor])
        log_dir = report.log_dir
        [result] = report.results
        if not result.ok:
            errors.append(result.error or f"{conductor}: {command} failed")
        else:
            outputs[command] = result.output
    if errors:
        return RfAudit(conductor, [], errors, log_dir)
    database = {r["name"]: r for r in _records(RADIO_DATABASE, outputs[RADIO_DATABASE], conductor)}
    active = {r["name"]: r for r in _records(ACTIVE, outputs[ACTIVE], conductor)}
    measured = {(r["name"], r["band"]): r for r in _records(RADIO_SUMMARY, outputs[RADIO_SUMMARY], conductor)}
    heard: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for r in _records(ARM_STATE, outputs[ARM_STATE], conductor):
        heard.setdefault((r["ap"], _base(r["channel"])), []).append(r)
    rows = []
    for host in aps:
        area, room = area_and_room(str(host.get("zone") or ""))
        seen, live = database.get(host.name), active.get(host.name)
        status = "not seen" if seen is None else ("up" if seen.get("up") else "down")
        rows.append(ApRf(str(host.get("site") or "?"), area, room, host.name, bool(host.get("priority")), status,
                         _radios(seen, live, measured, heard, host.name) if status == "up" else []))
    rows.sort(key=lambda r: (r.site, r.area, _room_key(r.room), r.ap))
    return RfAudit(conductor, rows, [], log_dir)


def _records(command: str, text: str, conductor: str) -> list[Mapping[str, Any]]:
    parsed = parse(command, text)
    if not parsed.complete:
        raise WifiopsError(f"{conductor}: `{command}` answered a table wifiops could not read whole "
                           f"({'; '.join(u.why for u in parsed.unparsed) or 'incomplete'}): see the run log")
    return list(parsed.records)


def _radios(seen: Mapping[str, Any] | None, live: Mapping[str, Any] | None,
            measured: Mapping[tuple[str, str], Mapping[str, Any]],
            heard: Mapping[tuple[str, str], list[Mapping[str, Any]]], name: str) -> list[Radio]:
    found = []
    for i in range(RADIOS):
        band = (seen or {}).get(f"radio{i}_band")
        if not band:
            continue
        clients = None
        if live is not None:  # the same radio in `show ap active`, by band
            for j in range(RADIOS):
                if live.get(f"radio{j}_band") == band:
                    clients = live.get(f"radio{j}_clients")
        busy = measured.get((name, str(band)), {})  # the same radio in `show ap radio-summary`, by band
        channel = str((seen or {}).get(f"radio{i}_channel") or "?")
        arm = heard.get((name, _base(channel)), [])  # its ARM block, by channel
        found.append(Radio(str(band), channel, (seen or {}).get(f"radio{i}_eirp"), clients, busy.get("noise"),
                           busy.get("utilisation"), arm[0]["valid_neighbours"] if arm else None,
                           sorted({n["neighbour"] for n in arm if n["neighbour"]
                                   and _base(n["neighbour_channel"] or "") == _base(channel)})))
    return found


def _base(channel: str) -> str:
    """`52+`, `116E`, `36-` -> the primary channel number, as both commands agree on it."""
    return channel.rstrip("+-ESs*^")


def _room_key(room: str) -> tuple[int, str]:
    digits = "".join(c for c in room if c.isdigit())
    return (int(digits) if digits else 1 << 30, room)


def markdown(audit: RfAudit, title: str = "RF audit") -> str:
    """The report the engineer takes on site: one section per site and area, one line per AP and radio, with
    space to note what is measured in the room."""
    lines = [f"# {title}", "",
             f"From the conductor {audit.conductor}: `{RADIO_DATABASE}`, `{ACTIVE}`, `{RADIO_SUMMARY}`, "
             f"`{ARM_STATE}`.",
             "Noise floor and utilisation as each AP measures them; neighbours: how many radios it hears, and "
             "those on its own channel.", ""]
    current: tuple[str, str] | None = None
    for row in audit.rows:
        if (row.site, row.area) != current:
            current = (row.site, row.area)
            lines += ["", f"## {row.site}: {row.area}", "",
                      "| Room | AP | Status | Band | Channel | EIRP (dBm) | Clients | Noise (dBm) | Utilisation (%) "
                      "| Neighbours heard | Measured on site |",
                      "|---|---|---|---|---|---|---|---|---|---|---|"]
        ap = row.ap + (" (priority)" if row.priority else "")
        if not row.radios:
            lines.append(f"| {row.room or '-'} | {ap} | {row.status} | | | | | | | | |")
        for radio in row.radios:
            eirp = "" if radio.eirp is None else f"{radio.eirp:g}"
            clients = "" if radio.clients is None else str(radio.clients)
            noise = "" if radio.noise is None else str(radio.noise)
            busy = "" if radio.utilisation is None else str(radio.utilisation)
            lines.append(f"| {row.room or '-'} | {ap} | {row.status} | {radio.band} | {radio.channel} | {eirp} | "
                         f"{clients} | {noise} | {busy} | {neighbours_cell(radio)} | |")
    return "\n".join(lines) + "\n"


def neighbours_cell(radio: Radio) -> str:
    """`4 (co-channel: DLX-AP010)`, `4`, or "" when the controller has no ARM block for the radio."""
    if radio.neighbours is None:
        return ""
    return f"{radio.neighbours}" + (f" (co-channel: {', '.join(radio.co_channel)})" if radio.co_channel else "")
