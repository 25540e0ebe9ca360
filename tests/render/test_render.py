"""`wifiops render` (issue 8): golden files per feature, lint rules with file/line/item, the data changes
the contract asks for, and the whole intent pushed to the lab over SSH with no refusal."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from wifiops.aos8.session import Aos8Session
from wifiops.cli import app
from wifiops.engine.render import FEATURES, RenderError, render_intent
from wifiops.errors import InventoryError, WifiopsError
from wifiops.lab.testing import write_inventory_copy
from wifiops.settings import Settings
from wifiops.estate import Estate

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden")
runner = CliRunner()


def settings(tmp_path: Path, templates: Path | None = None) -> Settings:
    return Settings(root=REPO, run_dir=tmp_path / "runs", secrets_file=tmp_path / "none.yaml",
                    templates=templates or REPO / "templates" / "aruba_os")


def inventory_with(lab, tmp_path: Path, change) -> Path:
    """A copy of the lab inventory whose groups.yaml `change(groups)` edited."""
    inventory = write_inventory_copy(lab.estate, tmp_path / "inventory", lab.ports)
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    change(groups)
    (inventory / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    return inventory


def ssid(groups: dict, name: str) -> dict:
    return next(s for s in groups["/md"]["data"]["ssids"] if s["name"] == name)


def rendered(report, node: str) -> str:
    return next(n.text for n in report.nodes if n.node == node)


@pytest.mark.parametrize("feature", FEATURES)
def test_each_feature_matches_its_golden_file(lab, tmp_path: Path, feature: str) -> None:
    report = render_intent(Estate.open(settings(tmp_path), lab.inventory_dir), features=[feature])
    text = "".join(f"## {n.node}\n{n.scrubbed}" for n in report.nodes)
    golden = GOLDEN / f"{feature}.cfg"
    if os.environ.get("WIFIOPS_GOLDEN") == "update":
        golden.write_text(text)
    assert text == golden.read_text(), f"{feature}: rendering differs from {golden} (WIFIOPS_GOLDEN=update to accept)"
    assert "lab-radius-key" not in text and "lab-multimedia-psk" not in text


def test_output_is_byte_identical_between_runs_and_holds_no_secret(lab, tmp_path: Path) -> None:
    config = tmp_path / "wifiops.yaml"
    config.write_text(f"inventory: {lab.inventory_dir}\nrun_dir: {tmp_path / 'runs'}\n"
                      f"secrets_file: {tmp_path / 'none.yaml'}\ntemplates: {REPO / 'templates' / 'aruba_os'}\n")
    outputs = []
    for run in ("a", "b"):
        result = runner.invoke(app, ["--config", str(config), "render", "--out", str(tmp_path / run), "--json"])
        assert result.exit_code == 0, result.output
        outputs.append({p.relative_to(tmp_path / run): p.read_bytes() for p in (tmp_path / run).rglob("*.cfg")})
    assert outputs[0] == outputs[1]
    assert sorted(str(p) for p in outputs[0]) == ["md.cfg", "md/Louvre.cfg", "md/Louvre/00:1a:1e:72:10:01.cfg",
                                                  "md/Louvre/00:1a:1e:72:10:02.cfg"]
    assert not any(b"lab-radius-key" in data for data in outputs[0].values())
    nodes = json.loads(result.stdout)["nodes"]
    assert {n["node"]: n["file"].endswith(".cfg") for n in nodes}["/md/Louvre"]


def test_the_whole_intent_is_accepted_by_the_lab_and_reaches_the_controllers(fresh_lab, tmp_path: Path) -> None:
    report = render_intent(Estate.open(settings(tmp_path), fresh_lab.inventory_dir))
    user, password = fresh_lab.credentials
    with Aos8Session.connect("127.0.0.1", port=fresh_lab.port("mm-1"), username=user, password=password,
                             name="mm-1", known_hosts=fresh_lab.known_hosts) as mm:
        for node in report.nodes:
            mm.push(node.node, node.text.splitlines())  # ConfigRejected on any refusal; commits each node
        committed = {n.node: mm.show(f"show configuration committed {n.node}") for n in report.nodes}
    for node in report.nodes:
        held = {_plain(line) for line in committed[node.node].splitlines()}
        missing = [line for line in node.text.splitlines() if line.strip() != "!" and _plain(line) not in held]
        assert not missing, f"{node.node}: committed config lacks {missing[:5]}"
    with Aos8Session.connect("127.0.0.1", port=fresh_lab.port("mc-2"), username=user, password=password,
                             name="mc-2", known_hosts=fresh_lab.known_hosts) as md:
        running = {_plain(line) for line in md.show("show running-config").splitlines()}
    for node in ("/md", "/md/Louvre", "/md/Louvre/00:1a:1e:72:10:02"):
        missing = [line for line in rendered(report, node).splitlines()
                   if line.strip() != "!" and _plain(line) not in running]
        assert not missing, f"mc-2's running-config lacks what {node} committed: {missing[:5]}"


def _plain(line: str) -> str:
    """A config line modulo the device's formatting: indentation, quotes, trailing spaces, masked secrets."""
    text = re.sub(r"\s+", " ", line.replace('"', "")).strip()
    return re.sub(r"^(key|wpa-passphrase) .*", r"\1", text)


# --- lint: each rule refuses, naming the inventory file, line and intent item -------------------------------

def _refused(lab, tmp_path: Path, change, templates: Path | None = None) -> str:
    inventory = inventory_with(lab, tmp_path, change)
    with pytest.raises(WifiopsError) as refused:
        render_intent(Estate.open(settings(tmp_path, templates), inventory))
    return str(refused.value)


def test_lint_an_essid_over_32_bytes(lab, tmp_path: Path) -> None:
    message = _refused(lab, tmp_path, lambda g: ssid(g, "Intra_Louvre").update(name="Intra_Louvre_" + "x" * 25))
    assert re.search(r"groups\.yaml:\d+: /md\.data\.ssids\[2\]\.name: an ESSID is 1 to 32 bytes", message)


def test_lint_a_wpa3_mode_without_the_pmf_it_requires(lab, tmp_path: Path) -> None:
    message = _refused(lab, tmp_path, lambda g: ssid(g, "Intra_Louvre").update(
        opmode="wpa3-aes-ccm-128", transition=False, pmf="capable"))
    assert re.search(r"groups\.yaml:\d+: /md\.data\.ssids\[2\]\.pmf: wpa3-aes-ccm-128 requires PMF required, "
                     r"not capable", message)


def test_lint_a_vlan_referenced_but_not_defined(lab, tmp_path: Path) -> None:
    message = _refused(lab, tmp_path, lambda g: ssid(g, "Bill_Louvre").update(vlan=999))
    assert re.search(r"groups\.yaml:\d+: /md\.data\.ssids\[4\]\.vlan: VLAN 999 is referenced but not defined",
                     message)


def test_lint_a_qos_rate_above_the_contract_maximum(lab, tmp_path: Path) -> None:
    message = _refused(lab, tmp_path, lambda g: g["/md"]["data"]["segments"][0].update(qos_mbps=1200))
    assert re.search(r"groups\.yaml:\d+: /md\.data\.segments\[0\]\.qos_mbps: 1200 Mbps is above the "
                     r"bandwidth-contract maximum of 1000 Mbps", message)


def test_lint_a_public_ssid_open_without_a_captive_portal(lab, tmp_path: Path) -> None:
    def open_multimedia(groups: dict) -> None:
        ssid(groups, "Multimedia_Louvre").update(auth="open", opmode="opensystem", psk=None, target_opmode=None)
    message = _refused(lab, tmp_path, open_multimedia)
    assert re.search(r"groups\.yaml:\d+: LOUVRE-PALAIS\.data\.broadcasts\[4\]: public site louvre-palais "
                     r"broadcasts 'Multimedia_Louvre', open without a captive portal", message)


def templates_with(tmp_path: Path, name: str, old: str, new: str) -> tuple[Path, Path]:
    """A copy of the templates with one edit (a template mistake the lint must catch)."""
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates" / "aruba_os", templates)
    path = templates / name
    path.write_text(path.read_text().replace(old, new))
    return templates, path


def test_lint_a_profile_referenced_but_not_rendered(lab, tmp_path: Path) -> None:
    templates, _ = templates_with(tmp_path, "ap_groups.j2", '    virtual-ap "{{ ssid.profile }}"',
                                  '    virtual-ap "{{ ssid.profile }}-x"')
    message = _refused(lab, tmp_path, lambda g: None, templates)
    assert re.search(r"groups\.yaml:\d+: /md/Louvre: /md/Louvre: 'ap-group \"LOUVRE-PALAIS\"' references "
                     r"virtual-ap 'louvre-wifi-gratuit-x'", message)


def test_lint_an_undefined_template_variable(lab, tmp_path: Path) -> None:
    templates, path = templates_with(tmp_path, "ssid.j2", "forward-mode tunnel", "forward-mode {{ ssid.forward_mode }}")
    message = _refused(lab, tmp_path, lambda g: None, templates)
    assert f"{path}:10: 'dict object' has no attribute 'forward_mode', rendering /md ssid" in message


def test_lint_findings_are_inventory_errors_with_every_finding(lab, tmp_path: Path) -> None:
    inventory = inventory_with(lab, tmp_path, lambda g: (ssid(g, "Bill_Louvre").update(vlan=998),
                                                         ssid(g, "Mobil_Louvre").update(vlan=997)))
    with pytest.raises(RenderError) as refused:
        render_intent(Estate.open(settings(tmp_path), inventory))
    assert isinstance(refused.value, InventoryError) and len(refused.value.findings) == 2


# --- the contract's changes are data changes ---------------------------------------------------------------

def test_moving_an_ssid_to_its_wpa3_target_is_a_data_change(fresh_lab, tmp_path: Path) -> None:
    def to_target(groups: dict) -> None:
        item = ssid(groups, "Intra_Louvre")
        item["opmode"] = item["target_opmode"]
    inventory = inventory_with(fresh_lab, tmp_path, to_target)
    report = render_intent(Estate.open(settings(tmp_path), inventory))
    profile = rendered(report, "/md").split('wlan ssid-profile "intra-louvre"\n')[1].split("!")[0]
    assert profile.split() == ["essid", '"Intra_Louvre"', "opmode", "wpa3-aes-ccm-128", "wpa3-transition",
                               "mfp-capable"]
    user, password = fresh_lab.credentials
    with Aos8Session.connect("127.0.0.1", port=fresh_lab.port("mm-1"), username=user, password=password,
                             name="mm-1", known_hosts=fresh_lab.known_hosts) as mm:
        mm.push("/md", rendered(report, "/md").splitlines())
        assert "opmode wpa3-aes-ccm-128" in mm.show("show configuration committed /md")


def test_a_sixth_internet_segment_is_a_data_change(lab, tmp_path: Path) -> None:
    inventory = inventory_with(lab, tmp_path, lambda g: g["/md"]["data"]["segments"].append(
        {"name": "expo-temporaire", "vlan": 222, "addressing": "private", "prefix": "172.22.0.0/24",
         "dhcp": True, "qos_mbps": 100}))
    report = render_intent(Estate.open(settings(tmp_path), inventory), out=tmp_path / "out")
    assert "vlan-name expo-temporaire" in rendered(report, "/md")
    assert "bandwidth-contract" not in rendered(report, "/md")  # its rate is the firewall's (issue 34)
    assert "vlan 222\n!\n" in rendered(report, "/md/Louvre")
    assert "vlan expo-temporaire 222" in rendered(report, "/md/Louvre")
    sheet = json.loads((tmp_path / "out" / "firewall" / "expo-temporaire.json").read_text())
    assert (sheet["fields"]["vlan"], sheet["fields"]["rate_mbps"], sheet["status"]) == (222, 100, "pending on the firewall")


def test_raising_the_auditorium_rate_is_a_data_change_of_the_firewall_sheet(lab, tmp_path: Path) -> None:
    before = render_intent(Estate.open(settings(tmp_path), lab.inventory_dir))
    inventory = inventory_with(lab, tmp_path, lambda g: g["/md"]["data"]["segments"][0].update(qos_mbps=1000))
    report = render_intent(Estate.open(settings(tmp_path), inventory), out=tmp_path / "out")
    assert [n.text for n in report.nodes] == [n.text for n in before.nodes]  # no controller shapes it
    sheet = (tmp_path / "out" / "firewall" / "regie-auditorium.md").read_text()
    assert "| Rate (Mbps) | 1000 |" in sheet and "pending on the firewall" in sheet


def test_limit_and_feature_choose_what_is_written(lab, tmp_path: Path) -> None:
    report = render_intent(Estate.open(settings(tmp_path), lab.inventory_dir), limit=["mc-1"], features=["cluster"],
                           out=tmp_path / "out")
    assert [(n.node, n.text) for n in report.nodes] == [
        ("/md/Louvre/00:1a:1e:72:10:01", 'lc-cluster group-membership "cluster-louvre"\n')]
    assert report.nodes[0].file == tmp_path / "out" / "md" / "Louvre" / "00:1a:1e:72:10:01.cluster.cfg"
    with pytest.raises(WifiopsError, match="not a configuration node or managed device"):
        render_intent(Estate.open(settings(tmp_path), lab.inventory_dir), limit=["/md/Nowhere"])
    with pytest.raises(WifiopsError, match="unknown feature"):
        render_intent(Estate.open(settings(tmp_path), lab.inventory_dir), features=["wifi7"])


WPA3_ERA = {  # SSID -> (opmode, transition): every security mode of arubaos8.md §7 the estate may use
    "Louvre_WiFi_Gratuit": ("enhanced-open", True), "Delacroix_WiFi_Gratuit": ("enhanced-open", False),
    "Intra_Louvre": ("wpa3-aes-ccm-128", True), "Mobil_Louvre": ("wpa3-aes-ccm-128", False),
    "Bill_Louvre": ("wpa2-aes", False), "Multimedia_Louvre": ("wpa3-sae-aes", False),
}


def test_security_modes_render_their_pmf_and_transition_and_the_lab_accepts_them(fresh_lab, tmp_path: Path) -> None:
    def wpa3_era(groups: dict) -> None:
        for name, (opmode, transition) in WPA3_ERA.items():
            ssid(groups, name).update(opmode=opmode, transition=transition)
    inventory = inventory_with(fresh_lab, tmp_path, wpa3_era)
    report = render_intent(Estate.open(settings(tmp_path), inventory), features=["security"])
    text = "".join(f"## {n.node}\n{n.scrubbed}" for n in report.nodes)
    golden = GOLDEN / "security-wpa3-era.cfg"
    if os.environ.get("WIFIOPS_GOLDEN") == "update":
        golden.write_text(text)
    assert text == golden.read_text()
    whole = render_intent(Estate.open(settings(tmp_path), inventory))
    user, password = fresh_lab.credentials
    with Aos8Session.connect("127.0.0.1", port=fresh_lab.port("mm-1"), username=user, password=password,
                             name="mm-1", known_hosts=fresh_lab.known_hosts) as mm:
        mm.push("/md", rendered(whole, "/md").splitlines())
        committed = mm.show("show configuration committed /md")
    assert "opmode enhanced-open" in committed and "mfp-required" in committed and "wpa3-transition" in committed
