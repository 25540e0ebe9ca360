"""The replay tier: wifiops' session and parsers against recorded device answers, over real SSH, no lab.

`replay(scenario)` serves every tests/recorded/<scenario>-<host>.txt on a ReplayServer (server.py) and gives the
scenarios' Device on it; a line the code under test sends that the recording did not expect fails the test.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # server.py and scenarios.py, beside this file

from server import ReplayServer, Transcript  # noqa: E402

from wifiops.aos8.session import Aos8Session  # noqa: E402

RECORDED = HERE.parent / "recorded"


class ReplayDevice:
    """The scenarios' Device on the replay server: faults are already in the recorded answers."""

    def __init__(self, server: ReplayServer, known_hosts: Path) -> None:
        self.server, self.known_hosts = server, known_hosts

    def session(self, host: str, *, timeout: float = 30.0) -> Aos8Session:
        return Aos8Session.connect("127.0.0.1", port=self.server.ports[host], username=self.server.username,
                                   password=self.server.password, name=host, known_hosts=self.known_hosts,
                                   timeout=timeout)

    def fault(self, host: str, kind: str) -> None:
        pass

    def clear(self, host: str) -> None:
        pass


@pytest.fixture
def replay(tmp_path: Path) -> Iterator[Callable[..., ReplayDevice]]:
    servers: list[ReplayServer] = []

    def serve(scenario: str | None = None, **transcripts: Transcript) -> ReplayDevice:
        server = ReplayServer()
        servers.append(server)
        recorded = sorted(RECORDED.glob(f"{scenario}-*.txt")) if scenario else []
        assert recorded or transcripts, f"no recording of {scenario!r} in {RECORDED}"
        for path in recorded:
            server.serve(path.stem.removeprefix(f"{scenario}-"), Transcript.read(path))
        for host, transcript in transcripts.items():
            server.serve(host, transcript)
        return ReplayDevice(server, server.write_known_hosts(tmp_path / f"known_hosts-{len(servers)}"))

    yield serve
    unexpected = {}
    for server in servers:
        server.close()
        unexpected.update(server.unexpected())
    assert not unexpected, f"lines the recording did not expect (sent, expected): {unexpected}"
