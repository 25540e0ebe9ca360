"""The inventory as the engineers meet it: `wifiops inventory check|show`, and Nornir loading it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.errors import InventoryError
from wifiops.estate import Estate
from wifiops.settings import Settings

REPO = Path(__file__).resolve().parents[2]
BROKEN = REPO / "tests" / "fixtures" / "inventories"
runner = CliRunner()

# CCTP: 358 APs, IAP-305 x59, IAP-345 x28, IAP-514 x32, IAP-515 x29, IAP-535 x210.
SPEC_MODELS = {"IAP-305": 59, "IAP-345": 28, "IAP-514": 32, "IAP-515": 29, "IAP-535": 210}


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("inventory", ["inventory", "inventory/lab"])
def test_shipped_inventories_are_valid(inventory: str) -> None:
    result = run("inventory", "check", "--inventory", str(REPO / inventory))
    assert result.exit_code == 0, result.output
    assert "inventory is valid" in result.output


@pytest.mark.parametrize("inventory", ["inventory", "inventory/lab"])
def test_show_json_counts_the_specification_aps(inventory: str) -> None:
    result = run("inventory", "show", "--json", "--inventory", str(REPO / inventory))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["aps"]["total"] == 358
    assert summary["aps"]["by_model"] == SPEC_MODELS
    assert sum(g["count"] for g in summary["aps"]["by_group"].values()) == 358
    roles = sorted(h["role"] for h in summary["hosts"])
    clearpass = ["clearpass"] * (4 if inventory == "inventory/lab" else 2)  # the lab has the successor pair too
    assert roles == ["airwave", *clearpass, "md", "md", "md", "md", "mm", "mm", "mm", "mm"]
    # the 7210s' successors (issue 15) are there, planned
    assert {h["name"]: h["lifecycle"] for h in summary["hosts"] if h["role"] == "md"} == {
        "mc-1": "in-service", "mc-2": "in-service", "mc-3": "planned", "mc-4": "planned"}
    paths = [n["path"] for n in summary["nodes"]]
    assert {"/md", "/md/Louvre", "/md/Louvre/00:1a:1e:72:10:01", "/md/Louvre/00:1a:1e:72:10:02"} <= set(paths)
    louvre = next(n for n in summary["nodes"] if n["path"] == "/md/Louvre")
    assert louvre["devices"] == ["mc-1", "mc-2", "mc-3", "mc-4"]
    assert set(louvre["ap_groups"]) == set(summary["aps"]["by_group"])


def test_show_table_is_readable() -> None:
    result = run("inventory", "show", "--inventory", str(REPO / "inventory"))
    assert result.exit_code == 0, result.output
    for expected in ("mm-1", "/md/Louvre", "LOUVRE-PALAIS", "IAP-535", "210"):
        assert expected in result.output


# One mistake per broken inventory: (case, file the error names, field it names, words of the message).
BROKEN_CASES = [
    ("malformed-yaml", "aps.yaml", "", "malformed YAML"),
    ("duplicate-ap-name", "aps.yaml", "aps[2].name", "duplicate AP name 'LVR-PAL-AP001'"),
    ("duplicate-ap-mac", "aps.yaml", "aps[2].mac", "duplicate AP MAC 'cc:88:c7:00:00:01'"),
    ("undefined-ap-group", "aps.yaml", "aps[1].ap_group", "AP group 'LOUVRE-PALIAS' is not defined"),
    ("undefined-node", "hosts.yaml", "mc-1.data.config_path", "parent node /md/Delacroix is not defined"),
    ("vlan-out-of-range", "groups.yaml", "/md.data.segments[1].vlan", "less than or equal to 4094"),
    ("duplicate-segment-vlan", "groups.yaml", "/md.data.segments[1].vlan", "VLAN 211 is already used"),
    ("ssid-too-long", "groups.yaml", "/md.data.ssids[0].name", "1 to 32 bytes, this one is 36"),
    ("qos-not-a-number", "groups.yaml", "/md.data.segments[1].qos_mbps", "valid number"),
    ("qos-negative", "groups.yaml", "/md.data.segments[0].qos_mbps", "greater than 0"),
    ("host-without-address", "hosts.yaml", "mm-1", "no management address"),
    ("host-without-platform", "hosts.yaml", "mc-1", "no platform"),
    ("unknown-key", "groups.yaml", "/md.data.segments[1].vlna", "unknown key"),
    ("duplicate-host", "hosts.yaml", "mm-1", "defined twice (first at line 1)"),
    ("secret-in-clear", "groups.yaml", "/md.data.radius_servers[0].key", "a secret is never written"),
    ("ap-named-like-a-host", "aps.yaml", "aps[1].name", "'mc-1' is already a host in hosts.yaml"),
    ("undefined-ssid", "groups.yaml", "LOUVRE-PALAIS.data.broadcasts[1]", "SSID 'Guest_Louvre' is not defined"),
    ("password-in-clear", "hosts.yaml", "mc-1.password", "a login password is never written in the inventory"),
    ("host-name-with-slash", "hosts.yaml", "a/b", "a host name is 1 to 64 letters, digits"),
    ("host-name-leaving-its-folder", "hosts.yaml", "../../../escaped", "a host name is 1 to 64 letters, digits"),
    ("ap-name-hidden-file", "aps.yaml", "aps[1].name", "an AP name is 1 to 64 letters, digits"),
]


def test_every_broken_inventory_has_an_expectation() -> None:
    on_disk = {p.name for p in BROKEN.iterdir() if p.is_dir()} - {"base"}
    assert on_disk == {case for case, *_ in BROKEN_CASES}
    assert run("inventory", "check", "--inventory", str(BROKEN / "base")).exit_code == 0


@pytest.mark.parametrize(("case", "file", "field", "message"), BROKEN_CASES, ids=[c[0] for c in BROKEN_CASES])
def test_broken_inventory_names_file_line_and_field(case: str, file: str, field: str, message: str) -> None:
    result = run("inventory", "check", "--json", "--inventory", str(BROKEN / case))
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert not report["ok"]
    matching = [f for f in report["findings"]
                if Path(f["file"]).name == file and f["field"] == field and message in f["message"]]
    assert matching, report["findings"]
    assert all(f["line"] for f in matching)


def test_broken_inventory_human_output_and_exit_code() -> None:
    result = run("inventory", "check", "--inventory", str(BROKEN / "vlan-out-of-range"))
    assert result.exit_code == 2
    assert "vlan-out-of-range/groups.yaml:17: /md.data.segments[1].vlan:" in result.output


@pytest.mark.parametrize(("case", "value"), [("secret-in-clear", "S3cr3t-Radius"), ("password-in-clear", "S3cr3t-Login")])
def test_secret_typed_in_clear_is_never_echoed(case: str, value: str) -> None:
    result = run("inventory", "check", "--inventory", str(BROKEN / case))
    assert result.exit_code == 2
    assert value not in result.output


@pytest.mark.parametrize(("file", "entity", "field"), [
    ("defaults.yaml", None, "password"),
    ("groups.yaml", "md", "md.password"),
    ("hosts.yaml", "mm-1", "mm-1.connection_options.aos8.password"),
])
def test_login_password_in_clear_is_refused_everywhere(tmp_path: Path, file: str, entity: str | None,
                                                       field: str) -> None:
    inventory = tmp_path / "inv"
    shutil.copytree(BROKEN / "base", inventory)
    path = inventory / file
    lines = path.read_text().splitlines()
    if entity is None:
        lines.append("password: Typed-In-Clear")
        line = len(lines)
    else:
        line = lines.index(f"{entity}:") + 2  # just below the entity's name
        lines.insert(line - 1, "  connection_options: {aos8: {password: Typed-In-Clear}}" if "connection_options" in field
                     else "  password: Typed-In-Clear")
    path.write_text("\n".join(lines) + "\n")
    result = run("inventory", "check", "--json", "--inventory", str(inventory))
    assert result.exit_code == 2
    assert "Typed-In-Clear" not in result.output
    [finding] = json.loads(result.output)["findings"]
    assert (Path(finding["file"]).name, finding["field"]) == (file, field)
    assert finding["line"] == line
    assert "set WIFIOPS_PASSWORD or `password:` in the secrets file" in finding["message"]


def _nornir(inventory: Path):
    return Estate.open(Settings(root=REPO, secrets_file=Path("/nonexistent/secrets.yaml")), inventory).nornir


def test_nornir_loads_estate_with_node_inheritance() -> None:
    nr = _nornir(REPO / "inventory" / "lab")
    mc1 = nr.inventory.hosts["mc-1"]
    # The device node is the host; its parents are the MM nodes, in hierarchy order.
    assert mc1["config_path"] == "/md/Louvre/00:1a:1e:72:10:01"
    assert [g.name for g in mc1.groups] == ["/md/Louvre", "md"]
    assert mc1.groups[0].groups[0].name == "/md"
    # What /md sets applies below: the SSIDs and segments reach the device node and its cluster node.
    assert {s["name"] for s in mc1["ssids"]} >= {"Louvre_WiFi_Gratuit", "Intra_Louvre"}
    assert mc1["cluster"]["name"] == "cluster-louvre"
    assert mc1["role"] == "md"
    # An AP is a host of its AP group, itself on /md/Louvre.
    ap = nr.inventory.hosts["LVR-PAL-AP001"]
    assert ap["role"] == "ap" and ap["config_path"] == "/md/Louvre"
    assert ap["broadcasts"][0] == "Louvre_WiFi_Gratuit"
    assert len(nr.filter(role="ap").inventory.hosts) == 358


def test_lower_node_overrides_what_md_sets(tmp_path: Path) -> None:
    inventory = tmp_path / "inv"
    shutil.copytree(BROKEN / "base", inventory)
    groups = inventory / "groups.yaml"
    groups.write_text(groups.read_text().replace(
        "  data: {group_kind: node, config_path: /md/Louvre, node_type: Group}",
        "  data:\n    group_kind: node\n    config_path: /md/Louvre\n    node_type: Group\n"
        "    segments:\n      - {name: regie-auditorium, vlan: 210, addressing: public-pool,"
        " prefix: 203.0.113.0/29, dhcp: false, qos_mbps: 1000}\n"))
    nr = _nornir(inventory)
    assert [s["name"] for s in nr.inventory.hosts["mc-1"]["segments"]] == ["regie-auditorium"]
    assert nr.inventory.groups["/md"]["segments"][0]["name"] == "webcasting"


def test_new_group_node_and_controller_are_a_data_change(tmp_path: Path) -> None:
    inventory = tmp_path / "inv"
    shutil.copytree(BROKEN / "base", inventory)
    with (inventory / "groups.yaml").open("a") as groups:
        groups.write("/md/Delacroix:\n  groups: [/md]\n"
                     "  data: {group_kind: node, config_path: /md/Delacroix, node_type: Group}\n")
    with (inventory / "hosts.yaml").open("a") as hosts:
        hosts.write("mc-3:\n  hostname: 127.0.0.1\n  groups: [/md/Delacroix, md]\n"
                    "  data: {site: louvre-palais, model: Aruba9240, mac: \"00:1a:1e:92:40:01\",\n"
                    "         config_path: /md/Delacroix/00:1a:1e:92:40:01, node_type: Device}\n")
    result = run("inventory", "show", "--json", "--inventory", str(inventory))
    assert result.exit_code == 0, result.output
    nodes = {n["path"]: n for n in json.loads(result.output)["nodes"]}
    assert nodes["/md/Delacroix"]["devices"] == ["mc-3"]
    assert nodes["/md/Delacroix"]["parent"] == "/md"


def test_nornir_refuses_an_invalid_inventory() -> None:
    with pytest.raises(InventoryError) as raised:
        _nornir(BROKEN / "duplicate-ap-mac")
    assert "aps.yaml:4" in str(raised.value)


def test_production_inventory_carries_no_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIFIOPS_PASSWORD", raising=False)
    nr = _nornir(REPO / "inventory")
    assert nr.inventory.hosts["mm-1"].password is None
    monkeypatch.setenv("WIFIOPS_PASSWORD", "from-the-environment")
    nr = _nornir(REPO / "inventory")
    assert nr.inventory.hosts["mm-1"].password == "from-the-environment"


def test_a_planned_host_is_no_cluster_member_and_lifecycle_is_checked(tmp_path: Path) -> None:
    """The 7210s' successors are planned: naming one in a cluster's members, or a lifecycle the schema does not
    know, is a finding with its file, line and field."""
    inventory = tmp_path / "inv"
    shutil.copytree(REPO / "inventory", inventory)
    groups = inventory / "groups.yaml"
    groups.write_text(groups.read_text().replace("members: [mc-1, mc-2]", "members: [mc-1, mc-2, mc-3]"))
    hosts = inventory / "hosts.yaml"
    hosts.write_text(hosts.read_text().replace("    lifecycle: planned", "    lifecycle: racked", 1))
    result = run("inventory", "check", "--json", "--inventory", str(inventory))
    assert result.exit_code == 2
    findings = {(Path(f["file"]).name, f["field"]): f for f in json.loads(result.output)["findings"]}
    assert "'planned', 'in-service' or 'retiring'" in findings[("hosts.yaml", "mc-3.data.lifecycle")]["message"]
    hosts.write_text(hosts.read_text().replace("    lifecycle: racked", "    lifecycle: planned"))
    result = run("inventory", "check", "--json", "--inventory", str(inventory))
    found = json.loads(result.output)["findings"]
    assert [(f["field"], f["message"]) for f in found] == [
        ("/md/Louvre.data.cluster.members[2]", "host 'mc-3' is planned: it joins a cluster once in service "
                                               "(its device node is not rendered before)")]
    assert all(f["line"] for f in found)
