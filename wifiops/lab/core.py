"""The lab core: what every session of every lab device shares.

One `LabCore` holds the estate (from the inventory), the grammar, the config DB (the conductor's; standby
MMs are synced copies), the operational data every device reads, the ClearPass servers' state, and each
host's faults. It knows no SSH and no HTTP: ssh.py and clearpass/api.py serve it, server.py runs it as a
background process, testing.py in a test's thread.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wifiops.lab import shows
from wifiops.lab.clearpass.state import ClearPassLab
from wifiops.lab.configdb import ConfigDB, MYNODE, build_db, chain_of, local_node
from wifiops.lab.estate import Estate, LabDeviceSpec
from wifiops.lab.faults import CLEARPASS_KINDS, EVENTS, SSH_KINDS, FaultError, HostFaults
from wifiops.lab.files import private_dir, write_atomically
from wifiops.lab.grammar import load_grammar
from wifiops.lab.opdata import LabAp, LabClock, LabDevice, LabSsid, Operations
from wifiops.lab.shell import BUILD, LAB_VERSION

STATE_FILE = "state.json"
RECEIVED_MAX = 200_000  # lines kept per host in the record of what the lab received


class LabCore:
    """Everything the sessions share: estate, grammar, config DB, operational data, faults.

    `clock` is the lab's time (real time by default); a test passes its own or advances this one."""

    def __init__(self, estate: Estate, state: dict[str, Any] | None = None, *,
                 clock: LabClock | None = None) -> None:
        self.estate = estate
        self.clock = clock or LabClock()
        self.grammar = load_grammar()
        state = state or {}
        self.db = ConfigDB.from_dict(state["db"], self.grammar) if "db" in state else build_db(estate, self.grammar)
        self._pristine: dict[str, Any] | None = None
        self.faults: dict[str, HostFaults] = {name: HostFaults() for name in estate.served}
        for name, f in (state.get("faults") or {}).items():
            if name in self.faults:
                self.faults[name] = HostFaults.from_dict(f)
        self.clearpass = ClearPassLab(estate, state.get("clearpass"), faults=self.faults_of)
        self.ops: Operations = (Operations.from_dict(state["ops"], self.clock) if "ops" in state
                                else self._build_ops())
        self._sync_down_groups()
        # told the host's name after its faults change (the SSH face swaps keys for `new-host-key`)
        self.fault_watchers: list[Callable[[str], None]] = []
        # every line each host received, in order, from every session: the proof a dry run sent nothing
        # and what a push really sent (in memory only: it can hold secrets, and it is not device state)
        self.received: dict[str, deque[dict[str, Any]]] = {d.name: deque(maxlen=RECEIVED_MAX)
                                                            for d in estate.devices}
        self._received_total: dict[str, int] = {d.name: 0 for d in estate.devices}
        self._sessions = 0

    def _build_ops(self) -> Operations:
        e = self.estate
        devices = [self.lab_device(d) for d in e.devices]
        aps = [LabAp(name=a["name"], model=a["model"], mac=a["mac"], serial=a.get("serial", ""),
                     ap_group=a["ap_group"], site=a.get("site", ""), zone=a.get("zone", ""),
                     priority=bool(a.get("priority"))) for a in e.aps]
        ssids = [LabSsid(name=s["name"], profile=s["profile"], opmode=s["opmode"], vlan=int(s["vlan"]))
                 for s in e.intent("ssids")]
        return Operations.build(devices, aps, ssids, {g.name: list(g.ssids) for g in e.ap_groups},
                                clusters=self.clusters(), clock=self.clock)

    def clusters(self) -> dict[str, list[str]]:
        """AP group -> the MDs of the cluster serving it: the `cluster` intent (`members`) of the AP
        group's node or of the nearest node above it. An AP group with none is left out (every MD then
        serves it as one cluster, see Operations.build)."""
        e = self.estate
        mds = {d.name for d in e.devices if d.role == "md"}
        found: dict[str, list[str]] = {}
        for group in e.ap_groups:
            node = group.node
            while True:
                members = [m for m in ((e.node_data.get(node) or {}).get("cluster") or {}).get("members") or []
                           if m in mds]
                if members or node in ("", "/"):
                    break
                node = node.rsplit("/", 1)[0] or "/"
            if members:
                found[group.name] = members
        return found

    def lab_device(self, d: LabDeviceSpec) -> LabDevice:
        return LabDevice(name=d.name, role=d.role, model=d.model, mac=d.mac, mgmt_ip=d.mgmt_ip, version=LAB_VERSION,
                         build=BUILD)

    def _sync_down_groups(self) -> None:
        self.ops.set_down_groups(g for f in self.faults.values() for g in f.ap_groups_down)

    def on_commit(self) -> None:
        """After `write memory`: what the APs broadcast follows the committed config (SSIDs, opmodes,
        AP group virtual APs), so operational shows see a pushed change."""
        md = next((d for d in self.estate.devices if d.role == "md"), None)
        if md is None:
            return
        cfg = self.db.effective(self.device_chain(md))
        blocks = {(e["kind"], e["name"]): e for e in cfg.values() if e.get("kind")}

        def value(entry: dict[str, Any] | None, cmd: str) -> str | None:
            for line in (entry or {}).get("lines") or []:
                if line["cmd"] == cmd:
                    return line["parts"][-1][0]
            return None

        ssids: dict[str, Any] = {}
        vap_essid: dict[str, str] = {}
        for (kind, name), vap in blocks.items():
            if kind != "virtual-ap":
                continue
            profile = value(vap, "ssid-profile")
            ssid_profile = blocks.get(("ssid-profile", profile or ""))
            essid = value(ssid_profile, "essid")
            if not profile or not essid:
                continue
            vlan = value(vap, "vlan") or "1"
            vap_essid[name] = essid
            ssids.setdefault(essid, LabSsid(name=essid, profile=profile,
                                            opmode=value(ssid_profile, "opmode") or "opensystem",
                                            vlan=int(vlan) if vlan.isdigit() else 1))
        self.ops.ssids = list(ssids.values())
        self.ops.ap_group_ssids = {
            name: [vap_essid[v] for v in (l["parts"][-1][0] for l in grp["lines"] if l["cmd"] == "virtual-ap")
                   if v in vap_essid]
            for (kind, name), grp in blocks.items() if kind == "ap-group"}

    # --- queries used by Shell ---------------------------------------------------------------------
    def device_chain(self, d: LabDeviceSpec) -> list[str]:
        if d.role == "mm":
            return self.db.storage_chain(MYNODE, d.name)
        return [local_node(d.name)] + chain_of(d.config_path)

    def hostname(self, d: LabDeviceSpec) -> str:
        """Committed hostname: a pending `hostname` shows only after `write memory` (netmiko#1252)."""
        for stored in reversed(self.device_chain(d)):
            entry = self.db.committed.get(stored, {}).get("hostname")
            if entry:
                return entry["parts"][-1][0]
        return d.name

    def md_alias(self, name: str) -> str | None:
        for d in self.estate.devices:
            if d.role == "md" and name in (d.name, self.hostname(d), d.mac):
                return d.config_path
        return None

    def faults_of(self, host: str) -> HostFaults:
        return self.faults[host]

    def render_show(self, d: LabDeviceSpec, command: str) -> str | None:
        return shows.render_show(self.ops, self.lab_device(d), command)

    # --- what each host received --------------------------------------------------------------------
    def next_session(self) -> int:
        self._sessions += 1
        return self._sessions

    def record(self, host: str, session: int, line: str) -> None:
        self._received_total[host] += 1
        self.received[host].append({"seq": self._received_total[host], "time": time.time(),
                                    "session": session, "line": line})

    def received_lines(self, host: str, since: int = 0) -> list[dict[str, Any]]:
        """The lines `host` received after sequence number `since` (the first line is 1)."""
        if host not in self.received:
            raise FaultError(f"unknown host {host!r}; lab hosts: {', '.join(self.received)}")
        return [r for r in self.received[host] if r["seq"] > since]

    def received_count(self, host: str) -> int:
        return self._received_total[host]

    # --- faults ------------------------------------------------------------------------------------
    def set_fault(self, host: str, kind: str, arg: str | None = None) -> None:
        if host not in self.faults:
            raise FaultError(f"unknown host {host!r}; lab hosts: {', '.join(self.faults)}")
        kinds = CLEARPASS_KINDS if host in self.clearpass.servers else SSH_KINDS
        if kind != "clear" and kind not in kinds and kind in SSH_KINDS + CLEARPASS_KINDS:
            what = "a ClearPass server" if host in self.clearpass.servers else "an SSH device"
            raise FaultError(f"{kind} is not a fault of {host}, {what}; its faults: {', '.join(kinds)}")
        if kind == "clear":
            self.faults[host] = HostFaults()
        else:
            self.faults[host].set(kind, arg)
            if kind in EVENTS:
                self._event(host, kind, arg or "")
                return
        self._faults_changed([host])

    def _event(self, host: str, kind: str, arg: str) -> None:
        """A one-off fault: it changes the estate's state (saved with it), nothing stays switched on."""
        if kind == "reboot-ap":
            state = self.ops.ap_state.get(arg)
            if state is None:
                raise FaultError(f"unknown AP {arg!r}")
            role = self.estate.device(host).role
            if role == "md" and host not in (state.switch, state.standby):
                raise FaultError(f"{host} does not serve AP {arg} (its controllers: "
                                 f"{', '.join(n for n in (state.switch, state.standby) if n)})")
            self.ops.reboot_ap(arg)

    def clear_all(self) -> None:
        for host in self.faults:
            self.faults[host] = HostFaults()
        self._faults_changed(list(self.faults))

    def _faults_changed(self, hosts: list[str]) -> None:
        self._sync_down_groups()
        for host in hosts:
            for watcher in self.fault_watchers:
                watcher(host)

    # --- state -------------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {"db": self.db.to_dict(), "faults": {h: f.to_dict() for h, f in self.faults.items()},
                "ops": self.ops.to_dict(), "clearpass": self.clearpass.snapshot()}

    def save(self, state_dir: Path) -> None:
        """state.json, 0600 in a 0700 dir: it holds the config with its keys and passphrases."""
        private_dir(state_dir)
        write_atomically(state_dir / STATE_FILE, json.dumps(self.snapshot()).encode("utf-8"))

    def mark_pristine(self) -> None:
        self._pristine = json.loads(json.dumps(self.db.to_dict()))

    def reset_config(self) -> None:
        """Back to the configuration (and the ClearPass servers' network devices) as the lab started (tests
        call this between cases)."""
        if self._pristine is not None:
            self.db = ConfigDB.from_dict(json.loads(json.dumps(self._pristine)), self.grammar)
        self.clearpass.reset()


def load_state(state_dir: Path | None) -> dict[str, Any]:
    if state_dir and (state_dir / STATE_FILE).exists():
        return json.loads((state_dir / STATE_FILE).read_text(encoding="utf-8"))
    return {}
