"""The session's checks that report a failure, made to fail over real SSH (issue 33): a `write memory` that answers
an error or keeps the `^`, the lines left pending read back by node, and a line that gets no answer named once
(no `end` sent after it, no [REFUSED] for it)."""

from __future__ import annotations

import pytest

from wifiops.aos8.session import Aos8Session
from wifiops.errors import CommandRefused, NoAnswer


def mm1(lab, timeout: float = 30.0) -> Aos8Session:
    user, password = lab.credentials
    return Aos8Session.connect("127.0.0.1", port=lab.port("mm-1"), username=user, password=password, name="mm-1",
                               known_hosts=lab.known_hosts, timeout=timeout)


@pytest.mark.parametrize(("fault", "said"), [
    ("write-memory-error", "write memory did not save: Saving Configuration... Error: Configuration could not be saved"),
    ("write-memory-pending", "Configuration Saved.' but did not save: the changes are still pending (the prompt "
                             "kept its ^)"),
])
def test_a_write_memory_that_does_not_save_is_refused_with_the_devices_words(fresh_lab, fault: str, said: str) -> None:
    with mm1(fresh_lab) as mm:
        mm.configure(["vlan-name unsaved"], node="/md")
        fresh_lab.fault("mm-1", fault)
        with pytest.raises(CommandRefused) as refused:
            mm.commit()
        assert said in str(refused.value) and refused.value.command == "write memory"
        assert mm.prompt.unsaved
        assert mm.pending_changes() == {"/md": ["vlan-name unsaved"]}
        fresh_lab.clear("mm-1")
        mm.purge_pending()
        assert not mm.prompt.unsaved and mm.pending_changes() == {}
    assert fresh_lab.pending() == {}


def test_a_line_without_an_answer_is_named_once_and_config_mode_is_not_left_on_a_silent_device(fresh_lab) -> None:
    with mm1(fresh_lab, timeout=1) as mm:
        mark = len(mm.transcript.exchanges)
        with pytest.raises(NoAnswer) as silent:  # the device goes silent once config mode is entered
            mm.configure(["vlan-name silent", "vlan-name never"], node="/md",
                         checkpoint=lambda: fresh_lab.fault("mm-1", "hang"))
        fresh_lab.clear("mm-1")
        assert "the echo of 'vlan-name silent'" in str(silent.value)
        sent = [e.sent for e in mm.transcript.exchanges[mark:]]
        assert sent == ["cd /md", "configure terminal", "vlan-name silent"]  # no `end` asked of a silent device
        last = mm.transcript.exchanges[-1]
        assert last.lost and not last.refused
        assert "[NO ANSWER]" in mm.transcript.text() and "[REFUSED]" not in mm.transcript.text()
