"""The AOS 8 session layer against recorded device answers (tests/recorded/, from the lab), over real SSH: the
prompts that trip naive netmiko calls (`^`, node changes, write memory), a refusal halfway, a `write memory`
that does not save, a line that gets no answer. Moved here from tests/aos8/test_session*.py, which needed the
whole lab for what is request and response; the scenarios are tests/replay/scenarios.py, recorded by
scripts/record_transcripts.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenarios import BAD as SCENARIOS_BAD
from scenarios import SCENARIOS

from wifiops.aos8.session import ConfigRejected
from wifiops.errors import CommandRefused, NoAnswer
from wifiops.secrets import SecretStore

REPO = Path(__file__).resolve().parents[2]


def test_multi_profile_push_with_cd_and_write_memory(replay) -> None:
    seen = SCENARIOS["push"](replay("push"))
    assert seen["first_prompt"].node == "mynode" and not seen["first_prompt"].unsaved
    assert seen["after_change"].node == "Louvre" and seen["after_change"].unsaved  # `^` after the change
    assert "staff-wpa3" not in seen["committed_before"]
    assert not seen["after_commit"].unsaved
    assert 'wlan ssid-profile "staff-wpa3"' in seen["committed_after"]
    assert "opmode wpa3-aes-ccm-128" in seen["committed_after"]
    assert 'essid "Staff_Louvre"' in seen["md_running"]  # the MD runs what its conductor committed
    assert 'virtual-ap "staff-wpa3"' in seen["md_running"]


def test_transcript_records_every_line_and_scrubs_secrets(replay) -> None:
    store = SecretStore.for_inventory(REPO / "inventory" / "lab" / "secrets.yaml", None)
    transcript = SCENARIOS["push"](replay("push"))["transcript"]
    raw, text = transcript.text(), transcript.text(store.redact)
    assert 'key "lab-radius-key"' in raw  # what was really sent...
    assert "lab-radius-key" not in text  # ...is never what the per-host log shows
    assert '>>> key "******"' in text
    assert ">>> cd /md/Louvre" in text
    assert '>>> essid "Staff_Louvre"' in text
    assert ">>> write memory" in text and "Configuration Saved." in text
    assert "<<< (mm-1) [Louvre] #" in text


def test_refused_line_stops_the_push_and_purges_pending(replay) -> None:
    seen = SCENARIOS["refused"](replay("refused"))
    refused = seen["error"]
    assert isinstance(refused, ConfigRejected)
    assert refused.line == "opmode wpa4-quantum"
    assert "Invalid input" in refused.answer
    assert 'essid "Staff_Louvre"' in refused.applied
    assert "virtual-ap" not in " ".join(refused.applied)  # nothing after the refusal was sent
    assert not seen["after_refusal"].unsaved  # the MM's pending changes were purged: no half-configured node
    assert "cppm-new" not in seen["committed"]


def test_managed_device_refuses_configuration(replay) -> None:
    seen = SCENARIOS["md-refuses"](replay("md-refuses"))
    assert seen["first_prompt"].node is None
    assert isinstance(seen["error"], ConfigRejected)
    assert "managed by a Mobility Conductor" in seen["error"].answer


@pytest.mark.parametrize(("scenario", "said"), [
    ("write-memory-error", "write memory did not save: Saving Configuration... Error: Configuration could not be "
                           "saved"),
    ("write-memory-pending", "Configuration Saved.' but did not save: the changes are still pending (the prompt "
                             "kept its ^)"),
])
def test_a_write_memory_that_does_not_save_is_refused_with_the_devices_words(replay, scenario: str, said: str) -> None:
    seen = SCENARIOS[scenario](replay(scenario))
    refused = seen["error"]
    assert isinstance(refused, CommandRefused)
    assert said in str(refused) and refused.command == "write memory"
    assert seen["after_commit"].unsaved
    assert seen["pending"] == {"/md": ["vlan-name unsaved"]}
    assert not seen["after_purge"].unsaved and seen["pending_after_purge"] == {}


def test_a_line_without_an_answer_is_named_once_and_config_mode_is_not_left_on_a_silent_device(replay) -> None:
    seen = SCENARIOS["silent"](replay("silent"))
    assert isinstance(seen["error"], NoAnswer)
    assert "the echo of 'vlan-name silent'" in str(seen["error"])
    sent = [e.sent for e in seen["exchanges"]]
    assert sent == ["cd /md", "configure terminal", "vlan-name silent"]  # no `end` asked of a silent device
    last = seen["exchanges"][-1]
    assert last.lost and not last.refused
    assert "[NO ANSWER]" in seen["transcript"] and "[REFUSED]" not in seen["transcript"]


def test_a_runs_per_host_log_is_a_transcript_the_server_replays(replay) -> None:
    """The per-host log (time stamps, [REFUSED] marks) reads as the recording it was made from: a log from a
    real run can be replayed as it is."""
    from server import Transcript

    recorded = Transcript.read(REPO / "tests" / "recorded" / "refused-mm-1.txt")
    device = replay("refused")
    with device.session("mm-1") as mm:
        try:
            mm.push("/md/Louvre", SCENARIOS_BAD)
        except ConfigRejected:
            pass
        mm.commit()
        mm.show("show configuration committed /md/Louvre")
        text = mm.transcript.text()
    assert "[REFUSED]" in text and "ms]" in text  # the log's own marks and stamps
    from_log = Transcript.parse("<<< (mm-1) [mynode] #\n" + text, "per-host log")
    assert from_log.steps == recorded.steps
