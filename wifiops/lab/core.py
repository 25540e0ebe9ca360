"""The lab core: what every session of every lab device shares.

One `LabCore` holds the estate (from the inventory), the grammar, the config DB (the conductor's; standby
MMs are synced copies), the operational data every device reads, the ClearPass servers' state, and each
host's faults. It knows no SSH and no HTTP: ssh.py and clearpass/api.py serve it, server.py runs it as a
background process, testing.py in a test's thread.

Which devices are there (`present`): every SSH device of the inventory but the `lifecycle: planned` ones,
until `install` stands in for racking and cabling one (it joins the conductor: `show switches`, a device
node in the hierarchy) and `retire` takes one out (its node deleted, no longer served). Where the APs
terminate follows the committed configuration, as a real MM pushes it to the APs (`rehome`, after each
`write memory`, install and retire; arubaos8.md §8.1): an AP group's AP system profile names the
controller its APs join (lms-ip, else bkup-lms-ip), and the cluster that controller is a member of
(`lc-cluster group-membership` on its device node, its address a `controller` of that group profile)
shares them.
"""

from __future__ import annotations

import copy
import json
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wifiops.lab import shows
from wifiops.lab.clearpass.state import ClearPassLab
from wifiops.lab.configdb import (SYSTEM_USER, ConfigDB, Entry, MYNODE, NodeConfig, apply_script, build_db, chain_of,
                                  join_script, local_node)
from wifiops.lab.estate import BUILD, LAB_VERSION, Estate, LabDeviceSpec
from wifiops.lab.faults import CLEARPASS_KINDS, EVENTS, SETTINGS, SSH_KINDS, FaultError, HostFaults, parse_delay
from wifiops.lab.files import private_dir, write_atomically
from wifiops.lab.grammar import load_grammar
from wifiops.lab.layouts import Layout, LayoutError
from wifiops.lab.opdata import LabAp, LabClock, LabDevice, LabSsid, Operations
from wifiops.lab.upgrade import BOOT_FAIL_S, UpgradeLab
from wifiops.lab import upgrade as firmware

STATE_FILE = "state.json"
BEHIND_USER = "admin2"  # the other administrator a change-behind fault stands for
# `wifiops lab up` on a fresh state: how long things take on real hardware (docs/lab.md, "Settling"); the
# in-process test lab starts at 0 (instant) and a test sets what it needs
REALISTIC_REJOIN_S = 120.0
REALISTIC_RELOAD_S = 300.0
RECEIVED_MAX = 200_000  # lines kept per host in the record of what the lab received


class LabCore:
    """Everything the sessions share: estate, grammar, config DB, operational data, faults.

    `clock` is the lab's time (real time by default); a test passes its own or advances this one."""

    def __init__(self, estate: Estate, state: dict[str, Any] | None = None, *,
                 clock: LabClock | None = None, rejoin_delay: float | None = None,
                 reload_delay: float | None = None, layout: str | None = None) -> None:
        self.estate = estate
        self.clock = clock or LabClock()
        self.grammar = load_grammar()
        state = state or {}
        # the SSH devices there now, by name (a planned one is not, until installed)
        self.present: set[str] = (set(state["present"]) if "present" in state
                                  else {d.name for d in estate.devices if not d.planned})
        self.db = ConfigDB.from_dict(state["db"], self.grammar) if "db" in state else build_db(estate, self.grammar)
        self._pristine: dict[str, Any] | None = None
        self._pristine_present = set(self.present)
        self.faults: dict[str, HostFaults] = {name: HostFaults() for name in estate.served}
        for name, f in (state.get("faults") or {}).items():
            if name in self.faults:
                self.faults[name] = HostFaults.from_dict(f)
        self.clearpass = ClearPassLab(estate, state.get("clearpass"), faults=self.faults_of)
        self._twin: dict[str, Any] = dict(state.get("twin") or {})  # a twin's APs and clients (twin.py)
        self.ops: Operations = (Operations.from_dict(state["ops"], self.clock) if "ops" in state
                                else self._build_ops())
        if rejoin_delay is not None:
            self.ops.rejoin_delay = float(rejoin_delay)
        if reload_delay is not None:
            self.ops.reload_delay = float(reload_delay)
        self._pristine_settle = (self.ops.rejoin_delay, self.ops.reload_delay)
        # each device's boot partitions and the release it runs (upgrade.py)
        self.images = (UpgradeLab.from_dict(state["images"]) if "images" in state
                       else UpgradeLab.build([d.name for d in estate.devices]))
        self._pristine_images = json.dumps(self.images.to_dict())
        # how configuration text is laid out (layouts.py): as given, else as saved, else the evidence's
        try:
            self.layout = Layout(layout or state.get("layout") or "real")
        except LayoutError as exc:
            raise FaultError(str(exc)) from None
        self._pristine_layout = self.layout
        self._sync_down_groups()
        if "twin" in state and "ops" not in state:  # a twin's first start: the APs broadcast what its config says
            self._follow_broadcasts()
        # told the host's name after its faults change (the SSH face swaps keys for `new-host-key`)
        self.fault_watchers: list[Callable[[str], None]] = []
        # every line each host received, in order, from every session: the proof a dry run sent nothing
        # and what a push really sent (in memory only: it can hold secrets, and it is not device state)
        self.received: dict[str, deque[dict[str, Any]]] = {d.name: deque(maxlen=RECEIVED_MAX)
                                                            for d in estate.devices}
        self._received_total: dict[str, int] = {d.name: 0 for d in estate.devices}
        self._sessions = 0

    def present_devices(self) -> list[LabDeviceSpec]:
        """The SSH devices there now, in the inventory's order."""
        return [d for d in self.estate.devices if d.name in self.present]

    def _build_ops(self) -> Operations:
        e = self.estate
        devices = [self.lab_device(d) for d in self.present_devices()]
        aps = [LabAp(name=a["name"], model=a["model"], mac=a["mac"], serial=a.get("serial", ""),
                     ap_group=a["ap_group"], site=a.get("site", ""), zone=a.get("zone", ""),
                     priority=bool(a.get("priority"))) for a in e.aps]
        seen = self._twin.get("aps")  # a twin: the APs production's last `check` saw, in their groups
        if seen:
            known = {a.name: a for a in aps}
            aps = [LabAp(name=a["name"], model=a.get("model") or getattr(known.get(a["name"]), "model", "AP-535"),
                         mac=getattr(known.get(a["name"]), "mac", "") or _ap_mac(i), serial=getattr(
                             known.get(a["name"]), "serial", ""), ap_group=a["ap_group"],
                         site=getattr(known.get(a["name"]), "site", ""), zone=getattr(known.get(a["name"]), "zone", ""),
                         priority=bool(getattr(known.get(a["name"]), "priority", False)))
                   for i, a in enumerate(seen)]
        ssids = [LabSsid(name=s["name"], profile=s["profile"], opmode=s["opmode"], vlan=int(s["vlan"]))
                 for s in e.intent("ssids")]
        ops = Operations.build(devices, aps, ssids, {g.name: list(g.ssids) for g in e.ap_groups},
                               clusters=self.clusters(), clock=self.clock,
                               **({"clients": int(self._twin["clients"])} if seen and "clients" in self._twin else {}))
        for a in seen or []:
            if a.get("down") and a["name"] in ops.ap_state:  # Down in production: no controller in the twin either
                ops.ap_state[a["name"]].switch = ops.ap_state[a["name"]].standby = ""
        return ops

    def clusters(self) -> dict[str, list[str]]:
        """AP group -> the MDs of the cluster serving it: the `cluster` intent (`members`) of the AP
        group's node or of the nearest node above it. An AP group with none is left out (every MD then
        serves it as one cluster, see Operations.build)."""
        e = self.estate
        mds = {d.name for d in self.present_devices() if d.role == "md"}
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
        running = self.images.of(d.name).version() if hasattr(self, "images") else None
        return LabDevice(name=d.name, role=d.role, model=d.model, mac=d.mac, mgmt_ip=d.mgmt_ip,
                         version=running.version if running else LAB_VERSION,
                         build=running.build if running else BUILD)

    def reload_device(self, host: str, by_hand: bool = False) -> None:
        """`reload` confirmed on `host` (an MM or an MD): down for reload-delay, back on its default boot
        partition; a `boot-fail` device whose release changed stays down (at its boot loader, console.py) until
        booted `by_hand` from there onto another partition; `aps-no-rejoin` (upgrade.py)."""
        running = self.images.of(host).version()
        # cluster members on different releases form no cluster [R, docs/upgrade.md]: the APs active here
        # have no hitless standby; they re-home to their backup controller and bootstrap there (an AP image
        # download, rejoin-delay), as the last member of a rolling upgrade without Live Upgrade sees
        apart = {n for n, st in self.ops.ap_state.items() if st.switch == host and st.standby
                 and not self.ops.is_reloading(st.standby) and self.images.of(st.standby).version() != running}
        for name in apart:
            st = self.ops.ap_state[name]
            st.switch, st.standby = st.standby, host
        now = self.ops.now()
        for peer in {self.ops.ap_state[n].switch for n in apart}:
            self._join({n for n in apart if self.ops.ap_state[n].switch == peer}, peer, now)
        changed, back = self.images.reload(host, now, by_hand)
        self.ops.reload(host)
        if not back:
            self.ops.reloading[host] = self.ops.now() + BOOT_FAIL_S
        # the APs that had no standby come up on it once it is back, on its (new) release
        alone = {n for n, st in self.ops.ap_state.items() if st.switch == host and n not in apart}
        self._join(alone, host, self.ops.reloading.get(host, now))
        kept = self.images.no_rejoin.pop(host, None)
        if kept:  # the way back: the APs it lost rejoin it now
            for name in kept:
                st = self.ops.ap_state[name]
                peers = [m for m in self.clusters_of(name) if m != host]
                st.switch, st.standby = host, (peers[0] if peers else "")
            self._join(set(kept), host, self.ops.reloading.get(host, now))
        elif changed and self.images.has(host, "aps-no-rejoin"):
            lost = [n for n, st in self.ops.ap_state.items() if host in (st.switch, st.standby)]
            for name in lost:
                self.ops.ap_state[name].switch = self.ops.ap_state[name].standby = ""
            self.images.no_rejoin[host] = sorted(lost)
        for watcher in self.fault_watchers:  # the SSH face cuts its open sessions
            watcher(host)

    def _join(self, aps: set[str], controller: str, at: float) -> None:
        """These APs boot and join `controller` at `at`: Up rejoin-delay later, less the image download for
        those that preloaded its release (upgrade.DOWNLOAD_SHARE); they run its release from then on."""
        release = self.images.of(controller).version()
        fast = {n for n in aps if self.images.has_preloaded(n, release, at)}
        self.ops._came_up(aps - fast, at=at)
        self.ops._came_up(fast, at=at - self.ops.rejoin_delay * firmware.DOWNLOAD_SHARE)
        self.images.follow(aps, release)

    def conductor_release(self) -> firmware.Partition | None:
        """What the conductor runs (the ceiling of every MD's release), None in an MM-less lab."""
        mm = next((d for d in self.estate.devices if d.role == "mm" and d.conductor), None)
        return self.images.of(mm.name).version() if mm else None

    def clusters_of(self, ap: str) -> list[str]:
        """The MDs serving an AP's group (its cluster; every MD when the inventory names none)."""
        group = next((a.ap_group for a in self.ops.aps if a.name == ap), "")
        return self.clusters().get(group) or [d.name for d in self.present_devices() if d.role == "md"]

    def _sync_down_groups(self) -> None:
        self.ops.set_down_groups(g for f in self.faults.values() for g in f.ap_groups_down)
        self.ops.set_stuck_groups(g for f in self.faults.values() for g in f.ap_groups_stuck)

    def write_memory(self, host: str, user: str) -> list[str]:
        """`write memory` typed by `user` on the MM `host`: what it answers. Commits the user's pending changes
        (then the APs follow, `on_commit`) unless a write-memory fault of `host` says otherwise; then fires the
        change-behind faults of any host (another administrator's commit right after this one)."""
        faults = self.faults[host]
        messages = self.grammar.messages
        if faults.write_memory_error:
            return list(messages["write_memory_error"])
        if not faults.write_memory_pending and self.db.commit(user):
            self.on_commit()
        self._changes_behind()
        return list(messages["write_memory"])

    def _changes_behind(self) -> None:
        fired = False
        for faults in self.faults.values():
            for node, lines in faults.change_behind:
                self.db.purge(BEHIND_USER)
                apply_script(self.db, node, "", lines, user=BEHIND_USER)
                fired = self.db.commit(BEHIND_USER) or fired
            faults.change_behind = []
        if fired:
            self.on_commit()

    def _check_change_behind(self, node: str, lines: list[str]) -> None:
        """A change-behind that would not apply (unknown node, a line refused) is refused when set."""
        if node not in self.db.nodes:
            raise FaultError(f"unknown node {node!r}; the hierarchy's: {', '.join(sorted(self.db.nodes))}")
        trial = ConfigDB.from_dict(copy.deepcopy(self.db.to_dict()), self.grammar)
        try:
            apply_script(trial, node, "", lines, user=BEHIND_USER)
        except ValueError as exc:
            raise FaultError(f"change-behind at {node}: {exc}") from None

    def settings(self) -> list[str]:
        """The lab-wide settling settings, as typed to `wifiops lab fault`."""
        return [f"rejoin-delay {self.ops.rejoin_delay:g}", f"reload-delay {self.ops.reload_delay:g}"]

    def on_commit(self) -> None:
        """After `write memory`: what the APs broadcast follows the committed config (SSIDs, opmodes,
        AP group virtual APs), and so does where they terminate (`rehome`), so operational shows see a
        pushed change."""
        self._follow_broadcasts()
        self.rehome()

    def _follow_broadcasts(self) -> None:
        md = next((d for d in self.present_devices() if d.role == "md"), None)
        if md is None:
            return
        cfg = self.db.effective(self.device_chain(md))
        blocks = {(e["kind"], e["name"]): e for e in cfg.values() if e.get("kind")}

        ssids: dict[str, Any] = {}
        vap_essid: dict[str, str] = {}
        for (kind, name), vap in blocks.items():
            if kind != "virtual-ap":
                continue
            profile = _value(vap, "ssid-profile")
            ssid_profile = blocks.get(("ssid-profile", profile or ""))
            essid = _value(ssid_profile, "essid")
            if not profile or not essid:
                continue
            vlan = _value(vap, "vlan") or "1"
            vap_essid[name] = essid
            ssids.setdefault(essid, LabSsid(name=essid, profile=profile,
                                            opmode=_value(ssid_profile, "opmode") or "opensystem",
                                            vlan=int(vlan) if vlan.isdigit() else 1))
        self.ops.ssids = list(ssids.values())
        self.ops.ap_group_ssids = {
            name: [vap_essid[v] for v in (l["parts"][-1][0] for l in grp["lines"] if l["cmd"] == "virtual-ap")
                   if v in vap_essid]
            for (kind, name), grp in blocks.items() if kind == "ap-group"}

    # --- where the APs terminate: the committed configuration ----------------------------------------
    def placements(self) -> dict[str, list[str]]:
        """AP group -> the MDs its APs terminate on, as the committed configuration places them.

        The AP group (at its node) names an AP system profile; its `lms-ip` is the controller the APs
        join, its `bkup-lms-ip` the one they join when no MD there answers; the MDs of that controller's
        cluster share them (in the group profile's `controller` order), or it alone when it is in no
        cluster. A group whose configuration names no lms-ip is left out (left where it is); one whose
        addresses name no MD there maps to [] (its APs find no controller: Down)."""
        mds = [d for d in self.present_devices() if d.role == "md"]
        by_ip = {d.mgmt_ip: d.name for d in mds}
        cluster_of = self._clusters(mds)
        found: dict[str, list[str]] = {}
        for group in self.estate.ap_groups:
            cfg = self.db.effective(chain_of(group.node))
            profile = _value(_block(cfg, "ap-group", group.name), "ap-system-profile")
            system = _block(cfg, "ap-system-profile", profile) if profile else None
            lms, backup = _value(system, "lms-ip"), _value(system, "bkup-lms-ip")
            if lms is None and backup is None:
                continue
            joined = by_ip.get(lms or "") or by_ip.get(backup or "")
            found[group.name] = cluster_of.get(joined, [joined]) if joined else []
        return found

    def _clusters(self, mds: list[LabDeviceSpec]) -> dict[str, list[str]]:
        """MD -> the members of its cluster (itself included), from each MD's effective configuration: its
        `lc-cluster group-membership`, and its address among that group profile's `controller` lines."""
        members: dict[str, list[tuple[int, str]]] = {}
        for d in mds:
            cfg = self.db.effective(self.device_chain(d))
            membership = cfg.get("lc-cluster group-membership")
            if membership is None:
                continue
            name = membership["parts"][-1][0]
            controllers = [line["parts"][1][0] for line in (_block(cfg, "cluster-profile", name) or {}).get("lines") or []
                           if line["cmd"] == "controller"]
            if d.mgmt_ip in controllers:
                members.setdefault(name, []).append((controllers.index(d.mgmt_ip), d.name))
        return {md: [m for _, m in sorted(found)] for found in members.values() for _, md in found}

    def rehome(self) -> list[str]:
        """The APs re-homed where the committed configuration puts them now; returns those that moved."""
        return self.ops.rehome(self.placements())

    # --- devices racked and taken out ----------------------------------------------------------------
    def check_install(self, host: str) -> LabDeviceSpec:
        """The MD `install` would bring in, or FaultError saying why not."""
        d = self._spec(host)
        if d.role != "md":
            raise FaultError(f"{host} is a Mobility Conductor; install and retire stand for racking and removing a "
                             "managed device (MD)")
        if host in self.present:
            raise FaultError(f"{host} is already installed")
        if not d.config_path:
            raise FaultError(f"{host} has no device node (config_path) in the inventory: the MM could not place it")
        return d

    def install(self, host: str) -> None:
        """The MD racked, cabled and joined: its installer typed `conductorip` at its console, the MM shows it
        (`show switches`) and has its device node (under /md/..., named by its MAC), empty until configuration
        is pushed there. APs come to it once the committed configuration sends them (`rehome`)."""
        d = self.check_install(host)
        self.present.add(host)
        self.db.add_node(d.config_path, "Device", d.name)
        config_id = self.db.config_id  # the MD's own line, not a change the MM pushed: its Config ID stays
        apply_script(self.db, local_node(d.name), d.name, join_script(self.estate, d))
        self.db.commit(SYSTEM_USER)
        self.db.config_id = config_id
        self.ops.add_device(self.lab_device(d))
        self.rehome()

    def retire(self, host: str) -> None:
        """The MD deleted from the hierarchy and unplugged: its device node and its configuration gone, no longer
        in `show switches`; APs still on it go where the configuration sends them next (its cluster's other
        members, the bkup-lms-ip), or Down."""
        d = self._spec(host)
        if d.role != "md":
            raise FaultError(f"{host} is a Mobility Conductor; install and retire stand for racking and removing a "
                             "managed device (MD)")
        if host not in self.present:
            raise FaultError(f"{host} is not installed")
        self.present.discard(host)
        if d.config_path:
            self.db.remove_node(d.config_path)
        self.db.committed.pop(local_node(d.name), None)
        self.ops.remove_device(host)
        self.rehome()

    def _spec(self, host: str) -> LabDeviceSpec:
        try:
            return self.estate.device(host)
        except KeyError:
            raise FaultError(f"unknown host {host!r}; lab SSH hosts: "
                             f"{', '.join(d.name for d in self.estate.devices)}") from None

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
        for d in self.present_devices():
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
        groups = [g.name for g in self.estate.ap_groups]
        if kind == "ap-group-stuck" and arg not in groups:
            raise FaultError(f"unknown AP group {arg!r}; the estate's: {', '.join(groups)}")
        if kind in firmware.FAULTS:
            self.images.set_fault(host, kind)
            return
        if kind in SETTINGS:
            if not arg:
                raise FaultError(f"fault {kind} needs an argument")
            try:
                seconds = parse_delay(arg or "")
            except ValueError as exc:
                raise FaultError(f"bad argument for {kind}: {arg!r} ({exc})") from None
            if kind == "rejoin-delay":
                self.ops.rejoin_delay = seconds
            else:
                self.ops.reload_delay = seconds
            return
        if kind == "reload" and self.estate.device(host).role != "md":
            raise FaultError(f"{host} is a Mobility Conductor; reload stands for a managed device (MD) reloading")
        if kind == "change-behind":
            probe = HostFaults()
            probe.set(kind, arg)
            self._check_change_behind(*probe.change_behind[0])
        if kind == "clear":
            self.faults[host] = HostFaults()
            self.images.clear(host)
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
        elif kind == "reload":
            self.ops.reload(host)
            for watcher in self.fault_watchers:  # the SSH face cuts its open sessions
                watcher(host)

    def clear_all(self) -> None:
        for host in self.faults:
            self.faults[host] = HostFaults()
            self.images.clear(host)
        self._faults_changed(list(self.faults))

    def _faults_changed(self, hosts: list[str]) -> None:
        self._sync_down_groups()
        for host in hosts:
            for watcher in self.fault_watchers:
                watcher(host)

    # --- state -------------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {"db": self.db.to_dict(), "faults": {h: f.to_dict() for h, f in self.faults.items()},
                "ops": self.ops.to_dict(), "clearpass": self.clearpass.snapshot(),
                "present": [d.name for d in self.present_devices()], "layout": self.layout.name,
                "images": self.images.to_dict(), **({"twin": self._twin} if self._twin else {})}  # a twin's login kept

    def save(self, state_dir: Path) -> None:
        """state.json, 0600 in a 0700 dir: it holds the config with its keys and passphrases."""
        private_dir(state_dir)
        write_atomically(state_dir / STATE_FILE, json.dumps(self.snapshot()).encode("utf-8"))

    def mark_pristine(self) -> None:
        self._pristine = json.loads(json.dumps(self.db.to_dict()))
        self._pristine_present = set(self.present)
        self._pristine_homes = {n: (st.switch, st.standby) for n, st in self.ops.ap_state.items()}
        self._pristine_boots = {n: st.boot for n, st in self.ops.device_state.items()}  # a reload undone too
        self._pristine_ap_boots = {n: st.boot for n, st in self.ops.ap_state.items()}  # and the APs it rebooted
        # what the APs broadcast, as at start (a commit makes it follow the configuration: a reset undoes that)
        self._pristine_broadcasts = (list(self.ops.ssids), {g: list(s) for g, s in self.ops.ap_group_ssids.items()})

    def reset_config(self) -> None:
        """Back to the configuration (and the ClearPass servers' network devices) as the lab started, with the
        devices it started with (those installed since taken out, those retired back) and the APs where that
        configuration puts them (tests call this between cases)."""
        if self._pristine is not None:
            self.db = ConfigDB.from_dict(json.loads(json.dumps(self._pristine)), self.grammar)
        for d in self.estate.devices:
            if d.name in self._pristine_present and d.name not in self.present:
                self.ops.add_device(self.lab_device(d))
            elif d.name in self.present and d.name not in self._pristine_present:
                self.ops.remove_device(d.name)
        self.present = set(self._pristine_present)
        self.ops.rejoin_delay, self.ops.reload_delay = self._pristine_settle
        self.layout = self._pristine_layout
        self.ops.reloading.clear()
        self.images = UpgradeLab.from_dict(json.loads(self._pristine_images))
        for name, (switch, standby) in getattr(self, "_pristine_homes", {}).items():  # a failover undone
            self.ops.ap_state[name].switch, self.ops.ap_state[name].standby = switch, standby
        now = int(self.ops.now())
        ap_boots = getattr(self, "_pristine_ap_boots", {})
        for name, st in self.ops.ap_state.items():  # settling cut short: up now, since the lab started
            if st.ready > now:
                st.boot = st.ready = now
            st.ready = 0.0
            st.boot, st.reboots = min(ap_boots.get(name, st.boot), now), 0
        boots = getattr(self, "_pristine_boots", {})
        for name, state in self.ops.device_state.items():
            state.boot = min(boots.get(name, state.boot), now)
        self.ops.clients = [c._replace(since=now) if c.since > now else c for c in self.ops.clients]
        if hasattr(self, "_pristine_broadcasts"):
            ssids, groups = self._pristine_broadcasts
            self.ops.ssids, self.ops.ap_group_ssids = list(ssids), {g: list(s) for g, s in groups.items()}
        self.rehome()
        self.clearpass.reset()


def _ap_mac(n: int) -> str:
    """A MAC for an AP a twin has from production's check but the lab inventory lacks."""
    return "00:1a:1e:ff:%02x:%02x" % ((n >> 8) & 0xFF, n & 0xFF)


def _block(cfg: NodeConfig, kind: str, name: str | None) -> Entry | None:
    """The profile `kind` named `name` in an effective configuration."""
    return next((e for e in cfg.values() if e.get("kind") == kind and e.get("name") == name), None)


def _value(entry: Entry | None, cmd: str) -> str | None:
    """The last value of a profile's line `cmd` (`lms-ip 10.150.1.11` -> 10.150.1.11)."""
    for line in (entry or {}).get("lines") or []:
        if line["cmd"] == cmd:
            return str(line["parts"][-1][0])
    return None


def load_state(state_dir: Path | None) -> dict[str, Any]:
    if state_dir and (state_dir / STATE_FILE).exists():
        return json.loads((state_dir / STATE_FILE).read_text(encoding="utf-8"))
    return {}
