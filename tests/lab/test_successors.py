"""The 7210s' successors (issue 15) in the inventory and in the lab, over real SSH.

mc-3 and mc-4 are two 9240s the inventory says are `lifecycle: planned`: the toolkit reaches no planned host and
renders no node for it, and the lab does not serve one until `install` stands in for racking and cabling it.
Then the conductor sees it join (`show switches`, its device node), and the APs follow the committed configuration
as a real MM sends them (arubaos8.md §8.1): a cluster of the new controllers (`lc-cluster group-profile`, and
`group-membership` on their device nodes) and an AP group whose AP system profile points at them (lms-ip,
bkup-lms-ip) moves that group's APs, and its users, and nothing else. `retire` deletes an old controller.

Each test runs its own lab (a tenth of a second to start), so that no move or retirement leaks into another test.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tests.ports import named_port
from wifiops.aos8.parse import parse
from wifiops.aos8.session import Aos8Session
from wifiops.cli import app
from wifiops.face.lab import app as lab_app
from wifiops.lab.core import LabCore
from wifiops.lab.estate import load_estate
from wifiops.lab.testing import LAB_INVENTORY, RunningLab, write_inventory_copy

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
OLD, NEW = ("mc-1", "mc-2"), ("mc-3", "mc-4")
IN_SERVICE = ["mc-1", "mc-2", "mm-1", "mm-2", "mm-3", "mm-4"]
GROUP = "DELACROIX"
CLUSTER = "cluster-louvre-9240"
PROFILE = "louvre-aps-9240"

# The configuration that moves the cluster and one AP group, per node, as the toolkit pushes it (its templates'
# style: quoted names, 4-space bodies, `!`). Parents first: a membership names a profile that must exist.
NEW_CLUSTER = ("/md/Louvre", [
    f'lc-cluster group-profile "{CLUSTER}"',
    "    controller 10.150.1.13 priority 128 mcast-vlan 0 vrrp-ip 0.0.0.0 vrrp-vlan 0 group 0",
    "    controller 10.150.1.14 priority 128 mcast-vlan 0 vrrp-ip 0.0.0.0 vrrp-vlan 0 group 0",
    "!"])
MEMBERSHIPS = [
    ("/md/Louvre/00:1a:1e:92:40:03", [f'lc-cluster group-membership "{CLUSTER}"', "ip radius nas-ip 10.150.1.13"]),
    ("/md/Louvre/00:1a:1e:92:40:04", [f'lc-cluster group-membership "{CLUSTER}"', "ip radius nas-ip 10.150.1.14"]),
]
MOVE_GROUP = ("/md/Louvre", [
    f'ap system-profile "{PROFILE}"',
    "    lms-ip 10.150.1.13",
    "    bkup-lms-ip 10.150.1.14",
    "!",
    f'ap-group "{GROUP}"',
    f'    ap-system-profile "{PROFILE}"',
    "!"])
MOVE_GROUP_BACK = ("/md/Louvre", [f'ap-group "{GROUP}"', '    ap-system-profile "louvre-aps"', "!",
                                  f'no ap system-profile "{PROFILE}"'])
MOVE_ALL = ("/md/Louvre", ['ap system-profile "louvre-aps"', "    lms-ip 10.150.1.13", "    bkup-lms-ip 10.150.1.14",
                           "!"])


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[RunningLab]:
    """A lab of its own (it shadows the session's): moves and retirements stay in this test."""
    running = RunningLab(LAB_INVENTORY, tmp_path / "lab-inventory")
    try:
        yield running
    finally:
        running.close()


def session(lab: RunningLab, host: str) -> Aos8Session:
    user, password = lab.credentials
    return Aos8Session.connect("127.0.0.1", port=lab.port(host), username=user, password=password, name=host,
                               known_hosts=lab.known_hosts)


def push(lab: RunningLab, *changes: tuple[str, list[str]]) -> None:
    with session(lab, "mm-1") as mm:
        for node, lines in changes:
            mm.push(node, lines)


def shows(lab: RunningLab, host: str, *commands: str) -> list[str]:
    with session(lab, host) as s:
        return [s.show(c) for c in commands]


def records(lab: RunningLab, host: str, command: str) -> list[dict]:
    (out,) = shows(lab, host, command)
    parsed = parse(command, out)
    assert parsed.complete, parsed.unparsed[:3]
    return parsed.records


def ip(lab: RunningLab, host: str) -> str:
    return lab.estate.device(host).mgmt_ip


def group_aps(lab: RunningLab, group: str) -> set[str]:
    return {a["name"] for a in lab.estate.aps if a["ap_group"] == group}


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def config(tmp_path: Path, inventory: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {inventory}", f"run_dir: {tmp_path / 'runs'}",
                               f"backup_dir: {tmp_path / 'backups'}", f"secrets_file: {tmp_path / 'none.yaml'}",
                               f"templates: {REPO / 'templates' / 'aruba_os'}", "timeout: 5"]) + "\n")
    return path


def in_service_copy(lab: RunningLab, tmp_path: Path, *hosts: str) -> Path:
    """The lab's inventory as it reads once `hosts` are racked: their lifecycle `in-service`."""
    inventory = write_inventory_copy(lab.estate, tmp_path / "in-service", lab.ports)
    shutil.copyfile(lab.known_hosts, inventory / "known_hosts")
    doc = yaml.safe_load((inventory / "hosts.yaml").read_text())
    for host in hosts:
        doc[host]["data"]["lifecycle"] = "in-service"
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return inventory


def wifiops(cfg: Path, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["--config", str(cfg), *args, "--json"])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}


def install_and_cluster(lab: RunningLab) -> None:
    for host in NEW:
        lab.install(host)
    push(lab, NEW_CLUSTER, *MEMBERSHIPS)


# --- planned: neither served nor reached ----------------------------------------------------------------------

def test_planned_hosts_are_not_served_nor_reached(lab, tmp_path: Path) -> None:
    assert [d.name for d in lab.estate.devices if d.planned] == list(NEW)
    assert not set(NEW) & set(lab.ports)
    switches, hierarchy = shows(lab, "mm-1", "show switches", "show configuration node-hierarchy")
    assert "Total Switches:6" in switches and "Aruba9240" not in switches
    assert "92:40" not in hierarchy
    cfg = config(tmp_path, lab.inventory_dir)
    code, report = wifiops(cfg, "show", "show version")
    assert code == 0 and [r["host"] for r in report["results"]] == IN_SERVICE
    assert all(lab.received_count(host) == 0 for host in NEW)
    named = runner.invoke(app, ["--config", str(cfg), "show", "show version", "--host", "mc-3"])
    assert str(named.exception).startswith("mc-3: planned (`lifecycle: planned` in the inventory)")  # exit 2
    # nor expected by the health check, nor given a node to render (so the intent stays what the lab has)
    code, health = wifiops(cfg, "check")
    assert code == 0 and set(health["summary"]["hosts"]) == set(IN_SERVICE), health["findings"]
    result = runner.invoke(app, ["--config", str(cfg), "render", "--json", "--out", str(tmp_path / "rendered")])
    assert result.exit_code == 0 and "92:40" not in result.output


def test_the_intent_of_the_healthy_lab_is_unaffected(lab, tmp_path: Path) -> None:
    """`wifiops diff --live` plans the same thing whether the inventory holds the planned pair or not."""
    cfg = config(tmp_path, lab.inventory_dir)
    without = write_inventory_copy(lab.estate, tmp_path / "without", lab.ports)
    shutil.copyfile(lab.known_hosts, without / "known_hosts")
    hosts = yaml.safe_load((without / "hosts.yaml").read_text())
    (without / "hosts.yaml").write_text(yaml.safe_dump({n: h for n, h in hosts.items() if n not in NEW}))
    code, planned = wifiops(cfg, "diff", "--live")
    other, baseline = wifiops(config(tmp_path / "b", without), "diff", "--live")
    assert (code, planned["nodes"]) == (other, baseline["nodes"])
    assert all("92:40" not in node["node"] for node in planned["nodes"])


# --- install: the conductor sees them join --------------------------------------------------------------------

def test_install_makes_them_join_and_reachable(lab, tmp_path: Path) -> None:
    for host in NEW:
        lab.install(host)
    by_name = {r["name"]: r for r in records(lab, "mm-1", "show switches")}
    for host in NEW:
        assert by_name[host]["ip"] == ip(lab, host) and by_name[host]["type"] == "MD"
        assert (by_name[host]["model"], by_name[host]["status"]) == ("Aruba9240", "up")
        assert by_name[host]["config_state"] == "UPDATE SUCCESSFUL"
    (hierarchy,) = shows(lab, "mm-1", "show configuration node-hierarchy")
    for host in NEW:
        assert f"{lab.estate.device(host).config_path}  Device  {host}" in hierarchy
    # served over SSH with its own key, written into known_hosts like the others'
    version, aps = shows(lab, "mc-3", "show version", "show ap database")
    assert "MODEL: Aruba9240" in version and aps.endswith("Total APs:0")  # no AP is sent there yet
    assert len({lab.fingerprint(h) for h in lab.ports}) == len(lab.ports) == 8
    # the MM can push configuration to its node at once
    push(lab, NEW_CLUSTER, *MEMBERSHIPS)
    (committed,) = shows(lab, "mm-1", "show configuration committed /md/Louvre/00:1a:1e:92:40:03")
    assert f'lc-cluster group-membership "{CLUSTER}"' in committed
    # and the toolkit reaches it once the inventory says it is in service
    cfg = config(tmp_path, in_service_copy(lab, tmp_path, *NEW))
    code, report = wifiops(cfg, "show", "show version", "--host", "mc-3")
    assert code == 0 and "Aruba9240" in report["results"][0]["output"]
    code, health = wifiops(cfg, "check")
    assert code == 0 and {"mc-3", "mc-4"} <= set(health["summary"]["hosts"]), health["findings"]


def test_install_refuses_what_cannot_be_racked(lab) -> None:
    for host, why in (("mm-1", "Mobility Conductor"), ("mc-1", "already installed"), ("mc-9", "unknown host")):
        with pytest.raises(ValueError, match=why):
            lab.install(host)
    with pytest.raises(ValueError, match="not installed"):
        lab.retire("mc-3")


# --- the APs follow the committed configuration ---------------------------------------------------------------

def test_a_cluster_alone_moves_no_ap(lab) -> None:
    before = {r["name"]: r for r in records(lab, "mm-1", "show ap database")}
    install_and_cluster(lab)
    after = {r["name"]: r for r in records(lab, "mm-1", "show ap database")}
    assert {n: (r["switch_ip"], r["standby_ip"]) for n, r in after.items()} == \
        {n: (r["switch_ip"], r["standby_ip"]) for n, r in before.items()}
    assert all(r["up"] and r["uptime_s"] >= before[n]["uptime_s"] for n, r in after.items())  # none re-joined


def test_moving_one_ap_group_moves_exactly_its_aps_and_their_clients(lab) -> None:
    install_and_cluster(lab)
    moved = group_aps(lab, GROUP)
    before = {r["name"]: r for r in records(lab, "mm-1", "show ap database")}
    users_before = [u for md in OLD for u in records(lab, md, "show user-table") if u["ap_name"] in moved]
    push(lab, MOVE_GROUP)

    after = {r["name"]: r for r in records(lab, "mm-1", "show ap database")}
    new_ips, old_ips = {ip(lab, h) for h in NEW}, {ip(lab, h) for h in OLD}
    for name, row in after.items():
        assert row["up"], row
        if name in moved:
            assert {row["switch_ip"], row["standby_ip"]} == new_ips and row["uptime_s"] < 60
        else:  # every other AP where it was, not even re-joined
            assert (row["switch_ip"], row["standby_ip"]) == (before[name]["switch_ip"], before[name]["standby_ip"])
            assert row["uptime_s"] >= before[name]["uptime_s"]
    # the new controllers list exactly that group's APs as active, the old ones none of them
    active = {md: {r["name"] for r in records(lab, md, "show ap active")} for md in OLD + NEW}
    assert active["mc-3"] | active["mc-4"] == moved and not active["mc-3"] & active["mc-4"]
    assert not (active["mc-1"] | active["mc-2"]) & moved
    assert active["mc-1"] | active["mc-2"] == set(after) - moved
    # their users too, back on the same SSIDs, in the same numbers
    users = {md: [u for u in records(lab, md, "show user-table") if u["roaming"] == "Wireless"] for md in OLD + NEW}
    assert not [u for md in OLD for u in users[md] if u["ap_name"] in moved]
    on_new = [u for md in NEW for u in users[md]]
    assert {u["ap_name"] for u in on_new} <= moved
    assert Counter(u["essid"] for u in on_new) == Counter(u["essid"] for u in users_before) != Counter()
    assert {u["mac"] for u in on_new} == {u["mac"] for u in users_before}
    for u in on_new:
        assert u["age_s"] < 60  # associated again when their AP came up there
    # moved back, they go back (a runbook's rollback), and the rest still does not move
    push(lab, MOVE_GROUP_BACK)
    back = {r["name"]: r for r in records(lab, "mm-1", "show ap database")}
    assert {back[n]["switch_ip"] for n in moved} == old_ips and all(back[n]["up"] for n in moved)
    assert all(back[n]["uptime_s"] >= before[n]["uptime_s"] for n in set(back) - moved)


def test_an_ap_group_stuck_stays_down_on_its_new_controllers(lab, tmp_path: Path) -> None:
    install_and_cluster(lab)
    with pytest.raises(ValueError, match="unknown AP group"):
        lab.fault("mm-1", "ap-group-stuck", "NOWHERE")
    lab.fault("mm-1", "ap-group-stuck", GROUP)
    push(lab, MOVE_GROUP)
    moved = group_aps(lab, GROUP)
    rows = {r["name"]: r for r in records(lab, "mm-1", "show ap database")}
    for name in moved:
        assert rows[name]["status"] == "Down" and rows[name]["switch_ip"] in {ip(lab, h) for h in NEW}
    assert all(r["up"] for n, r in rows.items() if n not in moved)
    assert not [u for md in NEW for u in records(lab, md, "show user-table") if u["roaming"] == "Wireless"]
    cfg = config(tmp_path, lab.inventory_dir)
    code, health = wifiops(cfg, "check")
    assert code == 1 and {f["subject"] for f in health["findings"] if f["check"] == "ap-down"} == moved
    assert {f["check"] for f in health["findings"]} == {"ap-down"}
    # `clear`: they come up where they were sent
    lab.clear("mm-1")
    rows = {r["name"]: r for r in records(lab, "mm-1", "show ap database")}
    assert all(rows[n]["up"] and rows[n]["switch_ip"] in {ip(lab, h) for h in NEW} for n in moved)
    assert {u["ap_name"] for md in NEW for u in records(lab, md, "show user-table")
            if u["roaming"] == "Wireless"} <= moved


def test_a_stuck_group_moved_back_comes_up_on_its_old_controllers(lab) -> None:
    install_and_cluster(lab)
    lab.fault("mm-1", "ap-group-stuck", GROUP)
    push(lab, MOVE_GROUP)
    push(lab, MOVE_GROUP_BACK)  # the runbook's rollback, the fault still on
    rows = {r["name"]: r for r in records(lab, "mm-1", "show ap database")}
    assert all(rows[n]["up"] and rows[n]["switch_ip"] in {ip(lab, h) for h in OLD} for n in group_aps(lab, GROUP))


def test_moved_aps_are_down_for_the_rejoin_delay_then_up_on_their_new_controllers(lab) -> None:
    """Settling (issue 23): a moved AP group's APs take the lab's rejoin-delay to come up on the new cluster
    (Down meanwhile, no users), then are Up there, their uptimes counted from then; the others never blink."""
    install_and_cluster(lab)
    lab.core.clock.hold()
    lab.settle(rejoin=20)
    push(lab, MOVE_GROUP)
    moved = group_aps(lab, GROUP)
    rows = {r["name"]: r for r in records(lab, "mm-1", "show ap database")}
    assert all(rows[n]["status"] == "Down" for n in moved)
    assert all(r["up"] for n, r in rows.items() if n not in moved)
    assert not [u for md in NEW for u in records(lab, md, "show user-table") if u["roaming"] == "Wireless"]
    lab.advance(19)
    assert not [r for r in records(lab, "mm-1", "show ap database") if r["name"] in moved and r["up"]]
    lab.advance(11)
    rows = {r["name"]: r for r in records(lab, "mm-1", "show ap database")}
    assert all(rows[n]["up"] and rows[n]["switch_ip"] in {ip(lab, h) for h in NEW} for n in moved)
    assert {rows[n]["uptime_s"] for n in moved} == {10}
    assert {u["ap_name"] for md in NEW for u in records(lab, md, "show user-table")
            if u["roaming"] == "Wireless"} == moved


def test_a_stuck_group_never_comes_up_whatever_the_wait(lab) -> None:
    install_and_cluster(lab)
    lab.settle(rejoin=20)
    lab.fault("mm-1", "ap-group-stuck", GROUP)
    push(lab, MOVE_GROUP)
    lab.advance(3600)
    rows = {r["name"]: r for r in records(lab, "mm-1", "show ap database")}
    assert all(rows[n]["status"] == "Down" for n in group_aps(lab, GROUP))


# --- retire: the old controllers go -------------------------------------------------------------------------

def test_retire_removes_the_old_controllers(lab) -> None:
    install_and_cluster(lab)
    clients = len(lab.core.ops.live_clients())
    push(lab, MOVE_ALL)  # every AP group's profile points at the new cluster
    assert set(map(tuple, lab.placements().values())) == {NEW}
    ports = {host: lab.port(host) for host in OLD}
    for host in OLD:
        lab.retire(host)
        assert not port_open(ports[host])
    by_name = {r["name"]: r for r in records(lab, "mm-1", "show switches")}
    assert not set(OLD) & set(by_name) and set(NEW) <= set(by_name)
    (hierarchy,) = shows(lab, "mm-1", "show configuration node-hierarchy")
    assert "72:10" not in hierarchy and "92:40:03" in hierarchy
    rows = records(lab, "mm-1", "show ap database")
    assert len(rows) == 358 and all(r["up"] for r in rows)
    assert {r["switch_ip"] for r in rows} == {ip(lab, h) for h in NEW}
    assert len(lab.core.ops.live_clients()) == clients


def test_retiring_a_controller_that_still_serves_aps_fails_them_over(lab) -> None:
    lab.retire("mc-1")
    rows = records(lab, "mm-1", "show ap database")
    assert all(r["up"] for r in rows)
    assert {(r["switch_ip"], r["standby_ip"]) for r in rows} == {(ip(lab, "mc-2"), None)}  # 0.0.0.0: no standby
    lab.retire("mc-2")  # nothing answers at lms-ip nor bkup-lms-ip: every AP Down
    assert not [r for r in records(lab, "mm-1", "show ap database") if r["up"]]
    lab.reset()  # the lab as it started: both back, on their ports, the APs up on them
    rows = records(lab, "mm-1", "show ap database")
    assert all(r["up"] for r in rows) and {r["switch_ip"] for r in rows} == {ip(lab, h) for h in OLD}


# --- state -----------------------------------------------------------------------------------------------------

def test_installed_hosts_moves_and_faults_are_saved_with_the_lab_state(lab) -> None:
    install_and_cluster(lab)
    lab.fault("mm-1", "ap-group-stuck", GROUP)
    push(lab, MOVE_GROUP)
    lab.retire("mc-2")
    state = lab._sync(lab.core.snapshot)
    resumed = LabCore(lab.estate, json.loads(json.dumps(state)))
    assert [d.name for d in resumed.present_devices()] == ["mm-1", "mm-2", "mm-3", "mm-4", "mc-1", "mc-3", "mc-4"]
    assert resumed.placements() == lab.placements() and resumed.placements()[GROUP] == list(NEW)
    assert resumed.ops.stuck == {GROUP: ["mc-1", "mc-2"]}
    ap = sorted(group_aps(lab, GROUP))[0]
    assert not resumed.ops.is_up(next(a for a in resumed.ops.aps if a.name == ap))
    database = resumed.render_show(lab.estate.device("mm-1"), "show ap database")
    assert parse("show ap database", database).records[0]["switch_ip"] in {ip(lab, h) for h in NEW}


def test_wifiops_lab_install_and_retire_a_background_lab(tmp_path: Path, monkeypatch) -> None:
    """`wifiops lab install|retire` on the lab process: served on its hosts.yaml port with its own key written
    into the inventory's known_hosts, kept across `down` and `up` with the state."""
    estate = load_estate(LAB_INVENTORY)
    ports = {name: named_port() for name in estate.served}  # outside the ephemeral range: kept until `up`
    inventory = write_inventory_copy(estate, tmp_path / "inv", ports)
    state = tmp_path / "state"
    monkeypatch.setenv("WIFIOPS_LAB_DIR", str(tmp_path / "run"))

    def ssh_hosts() -> dict[str, dict]:
        result = runner.invoke(lab_app, ["status", "--json"])
        assert result.exit_code == 0, result.output
        return {h["name"]: h for h in json.loads(result.output)["hosts"] if h["protocol"] == "ssh"}

    try:
        assert runner.invoke(lab_app, ["up", "--inventory", str(inventory), "--state", str(state)]).exit_code == 0
        assert set(ssh_hosts()) == set(IN_SERVICE) and not port_open(ports["mc-3"])
        installed = runner.invoke(lab_app, ["install", "mc-3"])
        assert installed.exit_code == 0 and f"127.0.0.1:{ports['mc-3']}" in installed.output
        hosts = ssh_hosts()
        assert hosts["mc-3"]["port"] == ports["mc-3"]
        assert f"[127.0.0.1]:{ports['mc-3']} ssh-ed25519 " in (inventory / "known_hosts").read_text()
        with Aos8Session.connect("127.0.0.1", port=ports["mc-3"], username=hosts["mc-3"]["username"],
                                 password=hosts["mc-3"]["password"], name="mc-3",
                                 known_hosts=inventory / "known_hosts") as md:
            assert "Aruba9240" in md.show("show version")
        again = runner.invoke(lab_app, ["install", "mc-3"])
        assert again.exit_code == 2 and "already installed" in again.output
        assert runner.invoke(lab_app, ["retire", "mc-1"]).exit_code == 0
        assert "mc-1" not in ssh_hosts() and not port_open(ports["mc-1"])
        assert runner.invoke(lab_app, ["down"]).exit_code == 0
        assert runner.invoke(lab_app, ["up", "--inventory", str(inventory), "--state", str(state)]).exit_code == 0
        assert set(ssh_hosts()) == set(IN_SERVICE) - {"mc-1"} | {"mc-3"}
    finally:
        runner.invoke(lab_app, ["down"])
