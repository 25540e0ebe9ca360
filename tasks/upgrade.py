"""Firmware steps on one MM or controller through its AOS 8 session: read its partitions, copy an image
to a partition, set the boot partition, reload. The engine (wifiops/engine/upgrade.py) orders them."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from wifiops.aos8.parse import parse
from wifiops.aos8.session import Aos8Session, Exchange
from wifiops.aos8.upgrade import Partitions, read_free_mb, read_partitions, upgrade_facts
from wifiops.errors import NoAnswer, SessionLost, WifiopsError


@dataclass(frozen=True)
class Survey:
    """What a device runs and holds: the running release, its partitions, the default boot partition."""

    host: str
    model: str
    version: str
    build: str
    partitions: Partitions
    free_mb: float | None = None

    @property
    def running_partition(self) -> int | None:
        """The partition holding the running release (the default one when both do)."""
        found = [n for n, image in self.partitions.images.items() if image == (self.version, self.build)]
        if self.partitions.default in found:
            return self.partitions.default
        return found[0] if found else None


def survey(session: Aos8Session, host: str) -> Survey:
    facts = upgrade_facts()
    version = parse("show version", session.show(facts.command("version")))
    record = version.records[0] if version.records else {}
    running = str(record.get("version") or "")
    parts = read_partitions(session.show(facts.command("image_version")), session.show(facts.command("boot")))
    free = read_free_mb(session.show(facts.command("storage")))
    return Survey(host, str(record.get("model") or ""), running.split()[0] if running else "",
                  str(record.get("build") or ""), parts, free)


def ask(session: Aos8Session, line: str, question: re.Pattern[str], timeout: float, *,
        secret: bool = False) -> str:
    """Send `line` and read until the device asks `question` or shows its prompt; the text read. A `secret`
    line (a password: the device does not echo it) is kept in the transcript as `<password>`."""
    started = time.time()
    session.connection.write_channel(line + session.connection.RETURN)
    text, deadline = "", time.monotonic() + timeout
    while time.monotonic() < deadline:
        chunk = session.connection.read_channel()
        text += chunk
        tail = text.rsplit("\n", 1)[-1]
        if question.search(text) or (chunk == "" and session.platform.is_prompt(tail.strip("\r"))):
            break
        if chunk == "" and session._channel_closed():  # the device went (a reload)
            break
        time.sleep(0.02)
    session.transcript.exchanges.append(Exchange("<password>" if secret else line, text.strip(), "", False, started,
                                                 time.time() - started))
    return text


def stage(session: Aos8Session, *, protocol: str, server: str, file: str, partition: int, user: str | None,
          password: str | None, timeout: float) -> str:
    """Copy `file` to `partition`; the device's answer. WifiopsError when the device does not say it succeeded
    (a signature that fails, another platform's image, a file the server lacks): the partition is not trusted."""
    facts = upgrade_facts()
    line = facts.copy(protocol, server=server, file=file, partition=partition, user=user or "")
    if protocol == "tftp":
        answer = session.send(line, read_timeout=timeout).answer
    else:
        asked = ask(session, line, facts.patterns["password_prompt"], timeout)
        if not facts.patterns["password_prompt"].search(asked):
            raise WifiopsError(f"{session.name}: the copy did not ask the file server's password: {asked.strip()[-200:]}")
        answer = ask(session, password or "", facts.patterns["copy_ok"], timeout, secret=True)
        answer += session.send("", read_timeout=timeout).answer  # up to the prompt, in step again
    if not facts.patterns["copy_ok"].search(answer) or facts.patterns["copy_failed"].search(answer):
        said = next((ln.strip() for ln in answer.splitlines() if facts.patterns["copy_failed"].search(ln)),
                    answer.strip()[-200:])
        raise WifiopsError(f"{session.name}: the image copy to partition {partition} failed: {said}; "
                           "nothing was rebooted")
    return answer


def set_boot(session: Aos8Session, partition: int) -> None:
    line = upgrade_facts().command("set_boot", partition=partition)
    exchange = session.send(line)
    parts = read_partitions("", session.show(upgrade_facts().command("boot")))
    if exchange.refused or exchange.answer.strip() or parts.default != partition:
        raise WifiopsError(f"{session.name}: `{line}` was not taken ({exchange.answer.strip() or 'boot unchanged'})")


def reload(session: Aos8Session, timeout: float) -> None:
    """`reload`, confirmed: the device goes. A session cut right after is what a reload does."""
    facts = upgrade_facts()
    asked = ask(session, facts.command("reload"), facts.patterns["reload_question"], timeout)
    if not facts.patterns["reload_question"].search(asked):
        raise WifiopsError(f"{session.name}: `reload` did not ask for confirmation: {asked.strip()[-200:]}")
    try:
        ask(session, facts.command("reload_confirm"), facts.patterns["reload_said"], timeout)
    except (OSError, EOFError, SessionLost, NoAnswer, AttributeError):
        pass
