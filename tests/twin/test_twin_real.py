"""Real configurations (tests/real/configs) through the twin's seeding: every line of production is either modelled
or carried verbatim, none lost, and the fidelity says which (issue 32). Reality is the reference: a real 8.10
controller's configuration is mostly lines the lab's grammar does not model; the twin must say so, not hide it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from wifiops.lab.configdb import ConfigDB
from wifiops.lab.twinseed import TWIN_USER, NodeFidelity, seed_text

REAL = Path(__file__).resolve().parents[1] / "real" / "configs"
CAPTURES = sorted(p.name for p in REAL.glob("*.cfg"))


def lines(text: list[str]) -> Counter[str]:
    """A configuration's lines as a multiset, without the frame and the `!` separators."""
    return Counter(line.strip() for line in text if line.strip() and line.strip() != "!"
                   and not line.startswith(("Building Configuration", "version ", "end")))


@pytest.mark.parametrize("name", CAPTURES)
def test_nothing_of_a_real_configuration_is_lost_by_the_twin(name: str) -> None:
    text = (REAL / name).read_text(encoding="utf-8")
    db = ConfigDB()
    db.add_node("/", "System")
    found = NodeFidelity(name)
    seed_text(db, "/", "", text, found)
    db.commit(TWIN_USER)
    served = db.render(db.committed["/"], encrypt=False, indent="   ")
    assert lines(served) == lines(text.splitlines())  # modelled or carried, each line printed back as it was
    assert found.modelled + found.carried == sum(lines(text.splitlines()).values())


def test_the_fidelity_of_a_real_8_10_controller_is_said_not_hidden() -> None:
    text = (REAL / "netutils-aruba_os-full.cfg").read_text(encoding="utf-8")
    db = ConfigDB()
    db.add_node("/", "System")
    found = NodeFidelity("/")
    seed_text(db, "/", "", text, found)
    assert found.modelled > 0 and found.carried > found.modelled  # most of a real controller is not modelled
    assert {"snmp-server", "netservice", "ipv6"} <= set(found.kinds)


def test_each_device_runs_the_release_its_backup_says() -> None:
    from wifiops.lab.core import LabCore
    from wifiops.lab.estate import load_estate
    from wifiops.lab.twin import BackupSource, seed_state

    inventory = Path(__file__).resolve().parents[2] / "inventory" / "lab"
    source = BackupSource("0" * 40, nodes={"/md": 'vlan-name expo\n'},
                          versions={"mc-1": ("8.10.0.7", "86231"), "mm-1": ("8.10.0.12", "89321")})
    state, fidelity = seed_state(inventory, source)
    core = LabCore(load_estate(inventory), state)
    said = {d.name: core.render_show(d, "show version") or "" for d in core.present_devices()}
    assert "Version 8.10.0.7" in said["mc-1"] and "86231" in said["mc-1"]
    assert "Version 8.10.0.12" in said["mm-1"]
    assert fidelity.modelled == 1 and fidelity.aps_from.startswith("the lab's own APs")


def test_a_refusal_of_a_kind_the_twin_only_carries_is_doubted_in_the_report() -> None:
    from types import SimpleNamespace

    from wifiops.face.rehearse import Rehearsal, carried_refusal
    from wifiops.lab.twinseed import Fidelity

    carried = NodeFidelity("/md", modelled=200, carried=2, kinds={"ntp": 2})
    refused = SimpleNamespace(why="apply: FAILED on /md: failed (/md refused 'no ntp server 10.0.0.1': % Invalid input)")
    said = carried_refusal(Rehearsal(refused, Fidelity([carried]), None, Path(".")))
    assert said and "a kind the twin carries but does not model (ntp, 2 line(s) carried)" in said
    modelled = SimpleNamespace(why="apply: FAILED on /md/Louvre: failed (/md/Louvre refused 'vlan bill 111': % Invalid")
    assert carried_refusal(Rehearsal(modelled, Fidelity([carried]), None, Path("."))) is None


def test_a_line_twice_or_a_profile_opened_twice_is_carried_not_lost() -> None:
    text = "\n".join(['vlan-name expo', 'vlan-name expo', 'wlan ssid-profile "x"', '    essid "X"', '!',
                      'wlan ssid-profile "x"', '    opmode wpa2-aes', '    opmode wpa2-aes', '!']) + "\n"
    db = ConfigDB()
    db.add_node("/", "System")
    found = NodeFidelity("/")
    seed_text(db, "/", "", text, found)
    db.commit(TWIN_USER)
    assert lines(db.render(db.committed["/"], encrypt=False)) == lines(text.splitlines())
    assert (found.modelled, found.carried) == (3, 4)


def test_a_flush_left_capture_has_its_bodies_in_their_blocks() -> None:
    """oxidized's 8.10.0.7 7210 prints every block body at column 0: each body line belongs to its block (as the
    toolkit reads it), so the radius server and the SSID are modelled whole and the blocks the lab does not
    model carry their bodies, instead of every body line being a carried top-level line."""
    text = (REAL / "oxidized-7210-8.10.0.7-running-config.cfg").read_text(encoding="utf-8")
    db = ConfigDB()
    db.add_node("/", "System")
    found = NodeFidelity("/")
    seed_text(db, "/", "", text, found)
    db.commit(TWIN_USER)
    entries = list(db.committed["/"].values())

    def header(entry: dict) -> str:
        return " ".join(p[0] for p in entry["parts"])

    def body(start: str) -> list[str]:
        entry = next(e for e in entries if header(e).startswith(start))
        return [header(s) for s in entry.get("lines") or []]

    assert body("aaa authentication-server radius") == ["host 10.42.0.14", "key AAAAAAAAAABBBBBBBBBBB",
                                                        "nas-identifier OXID-IZE01", "nas-ip 10.42.0.5"]
    assert body("wlan ssid-profile")[0] == "essid PSK-SSID"
    assert body("vpn-dialer") == ["ike authentication pre-share AAAAAAAAAABBBBBBBBBB"]  # carried with its body
    assert body('aaa authentication-server tacacs "tacacs1"') == ['host "10.42.0.12"', 'key "AAAAAAAAAABBBBBBBBBBB"']
    assert body("preemption")[-1] == "controller 10.42.0.3 role standby"  # a block whose header the capture lost
    assert not any(header(e).split()[0] in ("essid", "host", "key", "encryption") for e in entries)  # none on top
    assert found.modelled > found.carried - 1 and found.modelled >= 27  # was 13 of 54 read as separate lines
