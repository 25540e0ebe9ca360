"""The AOS 8 session layer against the lab over real SSH: the prompts that trip naive netmiko calls
(`^`, node changes, write memory) are what this layer is for."""

from __future__ import annotations

import pytest

from wifiops.aos8.session import Aos8Session, ConfigRejected
from wifiops.secrets import SecretStore

# A multi-profile change at /md/Louvre: RADIUS server, server group, 802.1X, AAA, SSID, VAP, AP group.
CHANGE = """\
aaa authentication-server radius "cppm-new"
    host "10.150.2.21"
    key "lab-radius-key"
!
aaa server-group "sg-cppm-new"
    auth-server cppm-new position 1
!
aaa authentication dot1x "dot1x-staff"
!
aaa profile "aaa-staff"
    authentication-dot1x "dot1x-staff"
    dot1x-default-role "authenticated"
    dot1x-server-group "sg-cppm-new"
!
wlan ssid-profile "staff-wpa3"
    essid "Staff_Louvre"
    opmode wpa3-aes-ccm-128
!
wlan virtual-ap "staff-wpa3"
    aaa-profile "aaa-staff"
    ssid-profile "staff-wpa3"
    vlan 100
!
ap-group "LIEVIN"
    virtual-ap "staff-wpa3"
!
""".splitlines()


def session(lab, host: str = "mm-1") -> Aos8Session:
    user, password = lab.credentials
    return Aos8Session.connect("127.0.0.1", port=lab.port(host), username=user, password=password, name=host,
                               known_hosts=lab.known_hosts)


def test_multi_profile_push_with_cd_and_write_memory(fresh_lab) -> None:
    with session(fresh_lab) as mm:
        assert mm.prompt.node == "mynode" and not mm.prompt.unsaved
        mm.configure(CHANGE, node="/md/Louvre")
        assert mm.prompt.node == "Louvre" and mm.prompt.unsaved  # `^` after the change
        assert "staff-wpa3" not in mm.show("show configuration committed /md/Louvre")
        mm.commit()
        assert not mm.prompt.unsaved
        committed = mm.show("show configuration committed /md/Louvre")
    assert 'wlan ssid-profile "staff-wpa3"' in committed
    assert "opmode wpa3-aes-ccm-128" in committed
    with session(fresh_lab, "mc-2") as md:
        running = md.show("show running-config")
    assert 'essid "Staff_Louvre"' in running
    assert 'virtual-ap "staff-wpa3"' in running


def test_refused_line_stops_the_push_and_purges_pending(fresh_lab) -> None:
    bad = CHANGE[:16] + ["    opmode wpa4-quantum"] + CHANGE[16:]  # after essid, inside the SSID profile
    with session(fresh_lab) as mm:
        with pytest.raises(ConfigRejected) as refused:
            mm.push("/md/Louvre", bad)
        assert refused.value.line == "opmode wpa4-quantum"
        assert "Invalid input" in refused.value.answer
        assert 'essid "Staff_Louvre"' in refused.value.applied
        assert "virtual-ap" not in " ".join(refused.value.applied)  # nothing after the refusal was sent
        assert not mm.prompt.unsaved  # the MM's pending changes were purged: no half-configured node
        mm.commit()
        assert "cppm-new" not in mm.show("show configuration committed /md/Louvre")


def test_transcript_records_every_line_and_scrubs_secrets(fresh_lab, repo) -> None:
    store = SecretStore.for_inventory(repo / "inventory" / "lab" / "secrets.yaml", None)
    with session(fresh_lab) as mm:
        mm.push("/md/Louvre", CHANGE)
        raw = mm.transcript.text()
        text = mm.transcript.text(store.redact)
    assert 'key "lab-radius-key"' in raw  # what was really sent...
    assert "lab-radius-key" not in text  # ...is never what the per-host log shows
    assert '>>> key "******"' in text
    assert ">>> cd /md/Louvre" in text
    assert '>>> essid "Staff_Louvre"' in text
    assert ">>> write memory" in text and "Configuration Saved." in text
    assert "<<< (mm-1) [Louvre] #" in text


def test_managed_device_refuses_configuration(fresh_lab) -> None:
    with session(fresh_lab, "mc-1") as md:
        assert md.prompt.node is None
        with pytest.raises(ConfigRejected) as refused:
            md.configure(["hostname x"])
    assert "managed by a Mobility Conductor" in refused.value.answer
