"""QoS where it takes effect (issue 34), on the lab over real SSH: a segment's rate is the firewall's (a change
sheet, a physical confirmation in the change window, pending in compliance until then, listed in the DOE
report with who confirmed it); a portal's per-user limit is the controllers' (its contract and the role's
`bw-contract` lines together, refused by the lint when no role names the contract)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import git
import pytest
import yaml
from typer.testing import CliRunner

from wifiops.aos8.session import Aos8Session
from wifiops.cli import app
from wifiops.engine import firewall
from wifiops.engine.diff import compliance
from wifiops.engine.render import RenderError, render_intent
from wifiops.lab.testing import write_inventory_copy
from wifiops.playbooks.runner import JOURNAL, run_playbook
from wifiops.settings import Settings
from wifiops.estate import Estate

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates" / "aruba_os"
TUESDAY_MORNING = datetime(2026, 12, 8, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))  # both museums closed
APPROVAL = {"change": "CHG-34", "approver": "N. Approver", "approved_on": "2026-11-16"}
ENGINEER = "Nadia Engineer"
runner = CliRunner()


def settings(tmp_path: Path, templates: Path = TEMPLATES) -> Settings:
    return Settings(root=tmp_path, run_dir=tmp_path / "runs", secrets_file=tmp_path / "none.yaml",
                    backup_dir=tmp_path / "backups", templates=templates, engineer=ENGINEER)


def inventory(lab, tmp_path: Path, change=lambda groups: None, name: str = "inventory") -> Path:
    folder = write_inventory_copy(lab.estate, tmp_path / name, lab.ports)
    shutil.copyfile(lab.known_hosts, folder / "known_hosts")
    groups = yaml.safe_load((folder / "groups.yaml").read_text())
    change(groups)
    (folder / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    return folder


def auditorium(mbps: int):
    return lambda groups: groups["/md"]["data"]["segments"][0].update(qos_mbps=mbps)


def portal_limit(groups: dict) -> None:
    groups["/md"]["data"]["captive_portals"][0]["bandwidth_limit_mbps"] = 10


def confirm_today(tmp_path: Path, folder: Path) -> None:
    """An earlier change window confirmed what the firewall holds today (the five segments at their rates)."""
    chosen = settings(tmp_path)
    firewall.confirm(chosen, render_intent(Estate.open(chosen, folder)).sheets, who="A. Earlier", reference="CHG-0")


# --- a segment's rate: the firewall's -------------------------------------------------------------------------

def test_auditorium_250_to_500_changes_no_controller_line_and_is_the_firewall_sheet(lab, tmp_path: Path) -> None:
    today = inventory(lab, tmp_path, name="today")
    confirm_today(tmp_path, today)
    before = render_intent(Estate.open(settings(tmp_path), today))
    raised = inventory(lab, tmp_path, auditorium(500))
    out = tmp_path / "rendered"
    after = render_intent(Estate.open(settings(tmp_path), raised), out=out)
    assert [(n.node, n.text) for n in after.nodes] == [(n.node, n.text) for n in before.nodes]
    assert not any("bandwidth-contract" in n.text for n in after.nodes)
    sheet = (out / "firewall" / "regie-auditorium.md").read_text()
    assert "| VLAN | 210 | 210 |" in sheet and "| Prefix | 203.0.113.0/29 | 203.0.113.0/29 |" in sheet
    assert "| Rate (Mbps) | 500 | 250 |" in sheet and "Rate (Mbps) 250 -> 500" in sheet
    assert "**pending on the firewall**" in sheet and "by A. Earlier, CHG-0" in sheet
    data = json.loads((out / "firewall" / "regie-auditorium.json").read_text())
    assert data["changes"] == [{"field": "rate_mbps", "before": 250, "after": 500}]
    assert {s.segment: s.status for s in after.sheets} == {
        "regie-auditorium": "pending on the firewall", "webcasting": "confirmed", "clearpass-reroute": "confirmed",
        "internet-temporaire": "confirmed", "mediation": "confirmed"}


def test_compliance_says_pending_on_the_firewall_never_applied(fresh_lab, tmp_path: Path) -> None:
    today = inventory(fresh_lab, tmp_path, name="today")
    confirm_today(tmp_path, today)
    raised = inventory(fresh_lab, tmp_path, auditorium(500))
    cfg = tmp_path / "wifiops.yaml"
    cfg.write_text(f"inventory: {raised}\nrun_dir: {tmp_path / 'runs'}\nbackup_dir: {tmp_path / 'backups'}\n"
                   f"secrets_file: {tmp_path / 'none.yaml'}\ntemplates: {TEMPLATES}\n")
    result = runner.invoke(app, ["--config", str(cfg), "diff", "--live", "--json"])
    found = json.loads(result.stdout)
    assert result.exit_code == 1 and not found["compliant"]
    by_segment = {s["segment"]: s for s in found["firewall"]}
    assert by_segment["regie-auditorium"]["status"] == "pending on the firewall"
    assert by_segment["webcasting"]["status"] == "confirmed"
    # the lab, like an MM the old template configured, still holds the contracts that shaped nothing
    assert by_segment["regie-auditorium"]["stray_on"] == ["/md"]
    shown = runner.invoke(app, ["--config", str(cfg), "diff", "--live"])
    assert "PENDING on the firewall" in shown.stdout and "Rate (Mbps) 250 -> 500" in shown.stdout
    assert not any('aaa bandwidth-contract "regie-auditorium"' in n.remediation
                   for n in compliance(Estate.open(settings(tmp_path), raised), live=True).nodes)


def test_the_change_window_asks_for_the_firewall_step_and_the_doe_records_who(fresh_lab, tmp_path: Path) -> None:
    today = inventory(fresh_lab, tmp_path, name="today")
    confirm_today(tmp_path, today)
    raised = inventory(fresh_lab, tmp_path, auditorium(500))
    asked: list[str] = []
    report = run_playbook(settings(tmp_path), REPO / "playbooks" / "change-window.yaml", inventory=raised,
                          now=TUESDAY_MORNING, variables=APPROVAL, confirm=lambda q: asked.append(q) or True)
    steps = {s.name: s for s in report.steps}
    assert report.result == "ok", [(s.name, s.summary) for s in report.steps]
    question = next(q for q in asked if "firewall" in q)
    assert "regie-auditorium: Rate (Mbps) 250 -> 500" in question
    assert str(tmp_path / "rendered" / "firewall" / "regie-auditorium.md") in question
    assert "webcasting" not in question  # confirmed before and unchanged: not asked again
    assert steps["firewall change"].ok and steps["firewall change"].summary.startswith(f"confirmed by {ENGINEER}")
    assert "pending on the firewall" in steps["plan"].summary
    assert "pending on the firewall" not in steps["verify"].summary
    record = [json.loads(line) for line in (tmp_path / "runs" / JOURNAL).read_text().splitlines()][-1]
    step = next(s for s in record["steps"] if s["name"] == "firewall change")
    assert step["ok"] and ENGINEER in step["summary"] and step["hosts"] == {"firewall regie-auditorium": "confirmed"}
    kept = json.loads((tmp_path / "backups" / "firewall" / "regie-auditorium.json").read_text())
    assert (kept["fields"]["rate_mbps"], kept["confirmed_by"], kept["reference"]) == (500, ENGINEER, "CHG-34")
    commit = git.Repo(tmp_path / "backups").head.commit
    assert any("firewall confirmed" in c.message and c.author.name == ENGINEER
               for c in git.Repo(tmp_path / "backups").iter_commits(max_count=5)), commit.message
    doe = (tmp_path / "reports" / "CHG-34.html").read_text()
    row = re.search(r'<tr><td class="code">regie-auditorium</td>.*?</tr>', doe)
    assert row and "Rate (Mbps) 250 -&gt; 500" in row.group(0) and ENGINEER in row.group(0) \
        and "CHG-34" in row.group(0)
    after = compliance(Estate.open(settings(tmp_path), raised), live=True)
    assert not any(s.pending for s in after.firewall)


def test_a_firewall_step_not_confirmed_stays_pending_and_is_recorded(fresh_lab, tmp_path: Path) -> None:
    raised = inventory(fresh_lab, tmp_path, auditorium(500))
    report = run_playbook(settings(tmp_path), REPO / "playbooks" / "change-window.yaml", inventory=raised,
                          now=TUESDAY_MORNING, variables=APPROVAL, confirm=lambda q: "firewall" not in q)
    steps = {s.name: s for s in report.steps}
    assert report.result == "failed" and not steps["firewall change"].ok
    assert steps["firewall change"].summary.startswith("NOT confirmed: still pending on the firewall")
    assert "DOE report" in steps  # the rest of the window went on (`on_failure: continue`)
    assert not (tmp_path / "backups" / "firewall").exists()
    assert all(s.pending for s in compliance(Estate.open(settings(tmp_path), raised), live=True).firewall)


def test_a_segment_gone_from_the_intent_is_a_removal_sheet(lab, tmp_path: Path) -> None:
    confirm_today(tmp_path, inventory(lab, tmp_path, name="today"))
    fewer = inventory(lab, tmp_path, lambda g: g["/md"]["data"]["segments"].pop(4))
    found = {s.segment: s for s in render_intent(Estate.open(settings(tmp_path), fewer), out=tmp_path / "out").sheets}
    assert found["mediation"].action == "remove" and found["mediation"].pending
    assert "**Remove**" in (tmp_path / "out" / "firewall" / "mediation.md").read_text()


# --- a controller's limit: attached where it acts --------------------------------------------------------------

def test_a_portal_per_user_limit_renders_its_contract_and_role_lines_the_lab_holds(fresh_lab, tmp_path: Path) -> None:
    limited = inventory(fresh_lab, tmp_path, portal_limit)
    md = next(n.text for n in render_intent(Estate.open(settings(tmp_path), limited)).nodes if n.node == "/md")
    assert 'aaa bandwidth-contract "cp-louvre-per-user" mbits 10\n' in md
    role = md.split('user-role "guest-internet"\n')[1].split("!")[0]
    assert '    bw-contract "cp-louvre-per-user" per-user upstream\n' in role
    assert '    bw-contract "cp-louvre-per-user" per-user downstream\n' in role
    user, password = fresh_lab.credentials
    with Aos8Session.connect("127.0.0.1", port=fresh_lab.port("mm-1"), username=user, password=password,
                             name="mm-1", known_hosts=fresh_lab.known_hosts) as mm:
        mm.push("/md", md.splitlines())
        held = mm.show("show configuration committed /md")
    assert 'bw-contract "cp-louvre-per-user" per-user upstream' in held
    assert 'bw-contract "cp-louvre-per-user" per-user downstream' in held


def test_removing_the_role_reference_fails_the_lint_naming_the_contract(lab, tmp_path: Path) -> None:
    limited = inventory(lab, tmp_path, portal_limit)
    good = next(n.text for n in render_intent(Estate.open(settings(tmp_path), limited)).nodes if n.node == "/md")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    qos = templates / "qos.j2"
    qos.write_text(qos.read_text().replace('    bw-contract "{{ portal.name }}-per-user" per-user {{ way }}\n', ""))
    out = tmp_path / "out"
    with pytest.raises(RenderError) as refused:
        render_intent(Estate.open(settings(tmp_path, templates), limited), out=out)
    found = re.search(rf"{re.escape(str(out / 'md.cfg'))}:(\d+): bandwidth contract 'cp-louvre-per-user' is named "
                      r"by no user role", str(refused.value))
    assert found, str(refused.value)
    assert good.splitlines()[int(found.group(1)) - 1] == 'aaa bandwidth-contract "cp-louvre-per-user" mbits 10'
    assert not out.exists()  # nothing written


def test_a_segment_the_controllers_enforce_is_attached_to_its_roles(lab, tmp_path: Path) -> None:
    def controller(groups: dict) -> None:
        groups["/md"]["data"]["segments"][3].update(enforced_by="controller", roles=["guest-internet"])
    ruled = inventory(lab, tmp_path, controller)
    report = render_intent(Estate.open(settings(tmp_path), ruled))
    md = next(n.text for n in report.nodes if n.node == "/md")
    assert 'aaa bandwidth-contract "internet-temporaire" mbits 150\n' in md
    role = md.split('user-role "guest-internet"\n')[1].split("!")[0]
    assert '    bw-contract "internet-temporaire" upstream\n    bw-contract "internet-temporaire" downstream\n' in role
    assert "internet-temporaire" not in {s.segment for s in report.sheets}
    roleless = inventory(lab, tmp_path, lambda g: g["/md"]["data"]["segments"][3].update(enforced_by="controller"),
                         name="roleless")
    with pytest.raises(RenderError) as refused:
        render_intent(Estate.open(settings(tmp_path), roleless))
    assert re.search(r"groups\.yaml:\d+: /md\.data\.segments\[3\]\.roles: segment 'internet-temporaire' is "
                     r"enforced by the controllers but names no user role", str(refused.value))


def test_two_portals_limiting_one_role_are_refused(lab, tmp_path: Path) -> None:
    def both(groups: dict) -> None:
        for portal in groups["/md"]["data"]["captive_portals"]:
            portal["bandwidth_limit_mbps"] = 10
    with pytest.raises(RenderError) as refused:
        render_intent(Estate.open(settings(tmp_path), inventory(lab, tmp_path, both)))
    assert re.search(r"groups\.yaml:\d+: /md\.data\.captive_portals\[1\]\.bandwidth_limit_mbps: role "
                     r"'guest-internet' already carries the per-user limit of portal 'cp-louvre'", str(refused.value))


def test_the_doe_report_against_the_intent_lists_every_firewall_sheet(fresh_lab, tmp_path: Path) -> None:
    today = inventory(fresh_lab, tmp_path, name="today")
    confirm_today(tmp_path, today)
    raised = inventory(fresh_lab, tmp_path, auditorium(500))
    cfg = tmp_path / "wifiops.yaml"
    cfg.write_text(f"inventory: {raised}\nrun_dir: {tmp_path / 'runs'}\nbackup_dir: {tmp_path / 'backups'}\n"
                   f"secrets_file: {tmp_path / 'none.yaml'}\ntemplates: {TEMPLATES}\nlanguage: en\n")
    out = tmp_path / "doe.md"
    result = runner.invoke(app, ["--config", str(cfg), "report", "diff", "--out", str(out), "--format", "md",
                                 "--intended", "--live", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["segment"]: r for r in json.loads(result.stdout)["report"]["firewall"]}
    assert (rows["regie-auditorium"]["status"], rows["regie-auditorium"]["confirmed_by"]) == (
        "pending on the firewall", "")
    assert (rows["webcasting"]["status"], rows["webcasting"]["confirmed_by"]) == ("confirmed", "A. Earlier")
    text = out.read_text()
    assert "## Firewall: QoS of the internet segments" in text
    assert "| regie-auditorium | Rate (Mbps) 250 -&gt; 500 | **pending on the firewall** |" in text
