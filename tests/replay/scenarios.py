"""The device conversations of the replay tier, written once: scripts/record_transcripts.py plays each against
the lab and saves what every host answered (tests/recorded/<scenario>-<host>.txt); the tests play the same
function against the replay server and assert on what it returns. So a recording and its test cannot drift
apart: they are one sequence of calls to wifiops' own session.

Each scenario takes a `Device` (opens a session to a host; injects a lab fault, a no-op when replaying: the
recording already holds the faulty answers) and returns what the test looks at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from wifiops.aos8.session import Aos8Session
from wifiops.errors import WifiopsError


class Device(Protocol):
    def session(self, host: str, *, timeout: float = 30.0) -> Aos8Session: ...
    def fault(self, host: str, kind: str) -> None: ...
    def clear(self, host: str) -> None: ...


# A multi-profile change at /md/Louvre: RADIUS server, server group, 802.1X, AAA, SSID, VAP, AP group (the lab's
# own published RADIUS key: inventory/lab/secrets.yaml).
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
BAD = CHANGE[:16] + ["    opmode wpa4-quantum"] + CHANGE[16:]  # after essid, inside the SSID profile


def push(device: Device) -> dict[str, Any]:
    """cd, a multi-profile change, write memory on the conductor; the MD then runs it."""
    seen: dict[str, Any] = {}
    with device.session("mm-1") as mm:
        seen["first_prompt"] = mm.prompt
        mm.configure(CHANGE, node="/md/Louvre")
        seen["after_change"] = mm.prompt
        seen["committed_before"] = mm.show("show configuration committed /md/Louvre")
        mm.commit()
        seen["after_commit"] = mm.prompt
        seen["committed_after"] = mm.show("show configuration committed /md/Louvre")
        seen["transcript"] = mm.transcript
    with device.session("mc-2") as md:
        seen["md_running"] = md.show("show running-config")
    return seen


def refused(device: Device) -> dict[str, Any]:
    """A line refused halfway: the push stops there and the MM's pending changes are purged."""
    seen: dict[str, Any] = {}
    with device.session("mm-1") as mm:
        try:
            mm.push("/md/Louvre", BAD)
        except WifiopsError as exc:
            seen["error"] = exc
        seen["after_refusal"] = mm.prompt
        mm.commit()
        seen["committed"] = mm.show("show configuration committed /md/Louvre")
    return seen


def md_refuses(device: Device) -> dict[str, Any]:
    """A managed device refuses configuration of its own."""
    seen: dict[str, Any] = {}
    with device.session("mc-1") as md:
        seen["first_prompt"] = md.prompt
        try:
            md.configure(["hostname x"])
        except WifiopsError as exc:
            seen["error"] = exc
    return seen


def _unsaved(kind: str) -> Callable[[Device], dict[str, Any]]:
    def scenario(device: Device) -> dict[str, Any]:
        """A `write memory` that does not save, then the pending lines read back and purged."""
        seen: dict[str, Any] = {}
        with device.session("mm-1") as mm:
            mm.configure(["vlan-name unsaved"], node="/md")
            device.fault("mm-1", kind)
            try:
                mm.commit()
            except WifiopsError as exc:
                seen["error"] = exc
            seen["after_commit"] = mm.prompt
            seen["pending"] = mm.pending_changes()
            device.clear("mm-1")
            mm.purge_pending()
            seen["after_purge"] = mm.prompt
            seen["pending_after_purge"] = mm.pending_changes()
        return seen
    return scenario


def silent(device: Device) -> dict[str, Any]:
    """The device goes silent once config mode is entered: the line without an answer is named once."""
    seen: dict[str, Any] = {}
    with device.session("mm-1", timeout=1) as mm:
        mark = len(mm.transcript.exchanges)
        try:
            mm.configure(["vlan-name silent", "vlan-name never"], node="/md",
                         checkpoint=lambda: device.fault("mm-1", "hang"))
        except WifiopsError as exc:
            seen["error"] = exc
        device.clear("mm-1")
        seen["exchanges"] = mm.transcript.exchanges[mark:]
        seen["transcript"] = mm.transcript.text()
    return seen


SCENARIOS: dict[str, Callable[[Device], dict[str, Any]]] = {
    "push": push,
    "refused": refused,
    "md-refuses": md_refuses,
    "write-memory-error": _unsaved("write-memory-error"),
    "write-memory-pending": _unsaved("write-memory-pending"),
    "silent": silent,
}
