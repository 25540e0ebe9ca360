"""Record the replay tier's transcripts from the lab: tests/recorded/<scenario>-<host>.txt.

Each scenario of tests/replay/scenarios.py runs against a fresh in-process lab (free 127.0.0.1 ports, the lab's
inventory copy in a temporary folder) through wifiops' own session; every host's login and exchanges are
written in the per-host log's shape (`>>>` line sent, its output, `<<<` prompt; `<<< [NO ANSWER]`), which
tests/replay/server.py replays. Run it again when the lab's answers change (the lab is a model of reality:
a real capture, tests/real/, is replayed as it is and never re-recorded).

Only the lab is recorded here: the values in the transcripts are the lab's own, published in
inventory/lab/. Run: .venv/bin/python scripts/record_transcripts.py [SCENARIO ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "replay"))

from scenarios import SCENARIOS  # noqa: E402

from wifiops.aos8.session import Aos8Session, Transcript  # noqa: E402
from wifiops.aos8.hostkeys import KnownHosts  # noqa: E402
from wifiops.aos8.transport import Endpoint, open_transport  # noqa: E402
from wifiops.lab.testing import LAB_INVENTORY, RunningLab  # noqa: E402

RECORDED = REPO / "tests" / "recorded"


class LabDevice:
    """The scenarios' Device on the lab: sessions whose login is kept, faults injected for real."""

    def __init__(self, lab: RunningLab) -> None:
        self.lab = lab
        self.recorded: list[tuple[str, str, Transcript]] = []  # (host, login text, transcript)

    def session(self, host: str, *, timeout: float = 30.0) -> Aos8Session:
        user, password = self.lab.credentials
        connection = open_transport(Endpoint(host, "127.0.0.1", self.lab.port(host)), username=user,
                                    password=password, timeout=timeout, known_hosts=KnownHosts(self.lab.known_hosts))
        login: list[str] = []
        read, write = connection.read_channel, connection.write_channel

        def reading() -> str:  # what came before the first line typed: the banner and the first prompt
            chunk = read()
            if not sent:
                login.append(chunk)
            return chunk

        sent: list[str] = []

        def writing(data: str) -> None:
            sent.append(data)
            write(data)

        connection.read_channel = reading  # type: ignore[method-assign]
        connection.write_channel = writing  # type: ignore[method-assign]
        session = Aos8Session(connection, name=host, read_timeout=timeout)
        self.recorded.append((host, "".join(login), session.transcript))
        return session

    def fault(self, host: str, kind: str) -> None:
        self.lab.fault(host, kind)

    def clear(self, host: str) -> None:
        self.lab.clear(host)


def render(login: str, transcript: Transcript, source: str) -> str:
    """The per-host log's shape, without its time stamps: what the replay server reads."""
    lines = [f"# {source}", "# recorded from the lab by scripts/record_transcripts.py; replayed by tests/replay/"]
    head = [line for line in login.replace("\r", "").split("\n") if line.strip()]
    lines += head[:-1] + [f"<<< {head[-1].strip()}"]
    for exchange in transcript.exchanges:
        lines.append(f">>> {exchange.sent}")
        if exchange.lost:
            lines.append("<<< [NO ANSWER]")
            continue
        if exchange.answer:
            lines += exchange.answer.split("\n")
        lines.append(f"<<< {exchange.prompt}")
    return "\n".join(lines) + "\n"


@contextmanager
def running_lab() -> Iterator[RunningLab]:
    with tempfile.TemporaryDirectory(prefix="wifiops-record-") as work:
        lab = RunningLab(LAB_INVENTORY, Path(work))
        try:
            yield lab
        finally:
            lab.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", choices=[[], *SCENARIOS], help="default: every scenario")
    args = parser.parse_args()
    RECORDED.mkdir(exist_ok=True)
    with running_lab() as lab:
        for name in args.scenarios or SCENARIOS:
            lab.reset()
            device = LabDevice(lab)
            SCENARIOS[name](device)
            seen: dict[str, int] = {}
            for host, login, transcript in device.recorded:
                seen[host] = seen.get(host, 0) + 1
                suffix = "" if seen[host] == 1 else f"-{seen[host]}"
                path = RECORDED / f"{name}-{host}{suffix}.txt"
                path.write_text(render(login, transcript, f"scenario {name!r} of tests/replay/scenarios.py, "
                                       f"host {host}"), encoding="utf-8")
                print(f"{path.relative_to(REPO)}: {len(transcript.exchanges)} exchanges")


if __name__ == "__main__":
    main()
