"""The migration runbooks (issue 15) on the lab: end to end from the current estate to the new one with a clean
health check at the end; stopped in the middle and rolled back to the estate as it was; a fault injected
mid-runbook stopping it at that step and running its rollback; no secret in the journal or the report."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from wifiops.aos8.session import Aos8Session
from wifiops.engine.apply import apply
from wifiops.engine.check import run_check
from wifiops.playbooks.runner import JOURNAL, run_playbook
from wifiops.settings import Settings
from wifiops.estate import Estate

REPO = Path(__file__).resolve().parents[2]
TUESDAY_MORNING = datetime(2026, 12, 8, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
APPROVAL = {"change": "CHG-3001", "approver": "N. Engineer", "approved_on": "2026-11-16"}
SECRETS = ("lab-radius-key", "lab-multimedia-psk", "lab-ipsec-key", "lab-admin")


def settings(tmp_path: Path) -> Settings:
    return Settings(root=tmp_path, run_dir=tmp_path / "runs", secrets_file=tmp_path / "none.yaml",
                    backup_dir=tmp_path / "backups", templates=REPO / "templates" / "aruba_os")


def at_intent(lab, tmp_path: Path) -> dict[str, str]:
    """The lab brought to today's intent (its seed differs), then /md as committed."""
    apply(Estate.open(settings(tmp_path / "seed"), lab.inventory_dir), live=True, commit=True)
    return {"/md": md(lab)}


def md(lab) -> str:
    user, password = lab.credentials
    with Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password, name="mm-1",
                             known_hosts=lab.known_hosts) as mm:
        mm.send("encrypt disable")
        return mm.show("show configuration committed /md")


def run(tmp_path: Path, lab, name: str, confirm=lambda _: True):
    return run_playbook(settings(tmp_path), REPO / "playbooks" / name, inventory=lab.inventory_dir,
                        now=TUESDAY_MORNING, variables=APPROVAL, confirm=confirm)


def no_secret_in(tmp_path: Path, report) -> None:
    texts = [(tmp_path / "runs" / JOURNAL).read_text(), *(Path(f).read_text() for f in report.reports)]
    texts += [p.read_text() for p in (tmp_path / "runs").rglob("*.log")]
    for text in texts:
        assert not any(secret in text for secret in SECRETS)


def test_migrate_clearpass_end_to_end(fresh_lab, tmp_path: Path) -> None:
    at_intent(fresh_lab, tmp_path)
    report = run(tmp_path, fresh_lab, "migrate-clearpass.yaml")
    assert report.result == "ok", [(s.name, s.summary) for s in report.steps]
    assert {d["name"] for d in fresh_lab.clearpass_stored("cppm-3")} == \
        {d["name"] for d in fresh_lab.clearpass_stored("cppm-1")}
    committed = md(fresh_lab)
    assert 'aaa authentication-server radius "cppm-3"' in committed and "cppm-1" not in committed
    group = committed[committed.index('aaa server-group "sg-clearpass"'):].split("!")[0]
    assert group.index("cppm-3") < group.index("cppm-4")
    assert run_check(Estate.open(settings(tmp_path), fresh_lab.inventory_dir)).exit_code == 0  # clean at the end
    assert [Path(f).suffix for f in report.reports] == [".md", ".html"]
    text = Path(report.reports[0]).read_text()
    assert "Procédure migrate-clearpass : réussie" in text and "copy the network devices" in text
    # each step's summary in French, as the rest of the report (the step names are the playbook's own words)
    assert "bornes en service sur" in text and "équipement(s) réseau copié(s) de cppm-1 vers cppm-3" in text
    assert "APs up" not in text and "host(s) backed up" not in text
    no_secret_in(tmp_path, report)


def test_migrate_clearpass_stopped_in_the_middle_rolls_back_to_the_estate_as_it_was(fresh_lab,
                                                                                  tmp_path: Path) -> None:
    before = at_intent(fresh_lab, tmp_path)
    report = run(tmp_path, fresh_lab, "migrate-clearpass.yaml", confirm=lambda _: False)  # "no" at step 6
    assert report.result == "rolled back", [(s.name, s.summary) for s in report.steps[5:]]
    undone = [s.name for s in report.steps if s.action == "rollback"]
    assert undone == ["undo new servers behind the old", "undo copy the network devices"]
    assert sorted(md(fresh_lab).splitlines()) == sorted(before["/md"].splitlines())
    assert fresh_lab.clearpass_stored("cppm-3") == []  # the copy undone
    record = json.loads((tmp_path / "runs" / JOURNAL).read_text().splitlines()[-1])
    assert record["result"] == "rolled back"


def test_a_clearpass_refusing_a_device_stops_the_runbook_at_that_step(fresh_lab, tmp_path: Path) -> None:
    before = at_intent(fresh_lab, tmp_path)
    fresh_lab.fault("cppm-3", "reject-device", "^mc-2$")
    report = run(tmp_path, fresh_lab, "migrate-clearpass.yaml")
    assert report.result in ("rolled back", "failed")
    failed = [s for s in report.steps if not s.ok]
    assert failed[0].name == "copy the network devices"
    assert "new servers behind the old" not in [s.name for s in report.steps]
    assert fresh_lab.clearpass_stored("cppm-3") == []  # the copy deleted what it had made
    assert sorted(md(fresh_lab).splitlines()) == sorted(before["/md"].splitlines())
    no_secret_in(tmp_path, report)


def test_a_rehearsal_changes_nothing(fresh_lab, tmp_path: Path) -> None:
    before = at_intent(fresh_lab, tmp_path)
    report = run_playbook(settings(tmp_path), REPO / "playbooks" / "migrate-clearpass.yaml",
                          inventory=fresh_lab.inventory_dir, now=TUESDAY_MORNING, variables=APPROVAL, check=True)
    assert report.result == "ok", [(s.name, s.summary) for s in report.steps]
    assert fresh_lab.clearpass_stored("cppm-3") == [] and md(fresh_lab) == before["/md"]


def racked(lab):
    """The engineer's answers: the successors are installed when asked; mc-1 and mc-2 retired when asked."""
    def answer(question: str) -> bool:
        if "racked" in question:
            lab.install("mc-3")
            lab.install("mc-4")
        elif "Delete mc-1 and mc-2" in question:
            lab.retire("mc-1")
            lab.retire("mc-2")
        return True
    return answer


def end_state(lab, tmp_path: Path) -> Path:
    """The inventory as an engineer writes it after the runbook: the 9240s in service, the 7210s gone."""
    import shutil

    import yaml

    from wifiops.lab.testing import write_inventory_copy

    inventory = write_inventory_copy(lab.estate, tmp_path / "end-state", {**lab.ports, **lab.clearpass_ports})
    shutil.copyfile(lab.known_hosts, inventory / "known_hosts")
    shutil.copyfile(lab.clearpass_ca, inventory / "clearpass-ca.pem")  # ClearPass is backed up too
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    for name in ("mc-1", "mc-2"):
        hosts.pop(name)
    for name in ("mc-3", "mc-4"):
        hosts[name]["data"]["lifecycle"] = "in-service"
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    groups["/md/Louvre"]["data"]["cluster"] = {"name": "cluster-louvre-9240", "members": ["mc-3", "mc-4"],
                                               "ap_system_profile": "louvre-aps-9240"}
    (inventory / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    return inventory


def lab_clock(lab):
    """Settling waits on the lab's clock: each sleep moves it on instead of sleeping."""
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds
        lab.advance(seconds)
    return (lambda: now[0]), sleep


def test_migrate_7210_waits_for_moved_aps_to_rejoin(fresh_lab, tmp_path: Path) -> None:
    at_intent(fresh_lab, tmp_path)
    fresh_lab.settle(rejoin=20)  # a moved AP shows Up 20 s after its move
    clock, sleep = lab_clock(fresh_lab)
    said: list[str] = []
    report = run_playbook(settings(tmp_path), REPO / "playbooks" / "migrate-7210.yaml",
                          inventory=fresh_lab.inventory_dir, now=TUESDAY_MORNING, variables=APPROVAL,
                          confirm=racked(fresh_lab), clock=clock, sleep=sleep, progress=said.append)
    assert report.result == "ok", [(s.name, s.summary) for s in report.steps if not s.ok]
    moved = [s for s in report.steps if s.name.startswith("the AP group is on the new controllers")]
    assert len(moved) == 4 and all(s.waited and s.waited.startswith("settled after 20 s") for s in moved), \
        [s.waited for s in moved]
    assert any(line.strip().startswith("waiting for every AP of the group up") for line in said)  # progress


def test_migrate_7210_end_to_end(fresh_lab, tmp_path: Path) -> None:
    at_intent(fresh_lab, tmp_path)
    report = run(tmp_path, fresh_lab, "migrate-7210.yaml", confirm=racked(fresh_lab))
    assert report.result == "ok", [(s.name, s.summary, s.hosts) for s in report.steps if not s.ok]
    placed = fresh_lab.placements()
    assert all(set(mds) <= {"mc-3", "mc-4"} for mds in placed.values()), placed
    moved = [s for s in report.steps if s.name.startswith("the AP group is on the new controllers")]
    assert len(moved) == 4 and all("up on 10.150.1.13, 10.150.1.14" in s.summary for s in moved)
    assert {"mc-3", "mc-4"} <= {d["name"] for d in fresh_lab.clearpass_stored("cppm-1")}
    end = run_check(Estate.open(settings(tmp_path), end_state(fresh_lab, tmp_path)))  # the inventory at its end state
    assert end.exit_code == 0, [f.message for f in end.findings[:3]] + end.errors
    no_secret_in(tmp_path, report)


def test_an_ap_group_that_does_not_come_back_is_moved_back_and_everything_undone(fresh_lab,
                                                                               tmp_path: Path) -> None:
    before = at_intent(fresh_lab, tmp_path)
    placed = fresh_lab.placements()
    fresh_lab.fault("mm-1", "ap-group-stuck", "LIEVIN")  # the second group moved
    clock, sleep = lab_clock(fresh_lab)
    report = run_playbook(settings(tmp_path), REPO / "playbooks" / "migrate-7210.yaml",
                          inventory=fresh_lab.inventory_dir, now=TUESDAY_MORNING,
                          variables={**APPROVAL, "rejoin_deadline": "60"}, confirm=racked(fresh_lab),
                          clock=clock, sleep=sleep)
    assert report.result == "rolled back", [(s.name, s.summary) for s in report.steps if not s.ok]
    failed = [s for s in report.steps if not s.ok]
    assert failed[0].name == "the AP group is on the new controllers [LIEVIN]" and "not up" in failed[0].summary
    assert "NOT settled after 60 s" in failed[0].summary and "deadline 60 s" in failed[0].summary  # it waited first
    assert failed[0].waited and failed[0].waited.startswith("NOT settled")
    assert report.why and report.why.startswith("the AP group is on the new controllers [LIEVIN]")
    after = [s.name for s in report.steps if s.section == "after rollback"]
    assert after == ["health after the rollback", "backup after the rollback", "DOE report of the rollback",
                     "DOE update after the rollback"]
    runbook = Path(report.reports[0]).read_text()
    assert "Procédure migrate-7210 : annulée (retour arrière)" in runbook and "NON stabilisé après 60 s" in runbook
    undone = [s.name for s in report.steps if s.action == "rollback"]
    assert undone == ["undo move the AP group [LIEVIN]", "undo move the AP group [DELACROIX]",
                      "undo RADIUS clients for the new controllers", "undo the new controllers and their cluster"]
    fresh_lab.clear("mm-1")
    assert fresh_lab.placements() == placed  # every AP group back on mc-1 and mc-2
    assert sorted(md(fresh_lab).splitlines()) == sorted(before["/md"].splitlines())
    assert not {"mc-3", "mc-4"} & {d["name"] for d in fresh_lab.clearpass_stored("cppm-1")}


SHIPPED = sorted(p.name for p in (REPO / "playbooks").glob("*.yaml"))


def test_every_shipped_playbook_rehearses_cleanly_before_and_after_racking(fresh_lab, tmp_path: Path) -> None:
    """`--check` exits 0 on a healthy lab whether the successors are racked or not: an absent node is planned as
    empty, and a check after a move the rehearsal did not make says what it would wait for."""
    at_intent(fresh_lab, tmp_path)
    since = fresh_lab.received_count("mm-1")
    for racked_now in (False, True):
        if racked_now:
            fresh_lab.install("mc-3")
            fresh_lab.install("mc-4")
        for name in SHIPPED:
            given = dict(APPROVAL)
            if name == "upgrade.yaml":  # the firmware runbook names its release in a target file (docs/upgrade.md)
                from tests.upgrade.test_upgrade import target
                images = tmp_path / f"images-{racked_now}"
                images.mkdir()
                given["target"] = str(target(images))
            report = run_playbook(settings(tmp_path / name), REPO / "playbooks" / name, inventory=fresh_lab.inventory_dir,
                                  now=TUESDAY_MORNING, variables=given, check=True)
            assert report.exit_code == 0, (name, racked_now, [(s.name, s.summary) for s in report.steps if not s.ok])
    received = fresh_lab.received("mm-1", since)
    assert "configure terminal" not in received and "write memory" not in received
