"""A playbook step's summary said in the report's language: the runbook report, the change report, the run's mail.

The steps write their summary in English for the engineer's console, the journal and `--json`
(wifiops/playbooks/steps.py); a French report read them as they were. Each part of a summary (the steps join
them with "; ") that has a known shape is said with its catalogue sentence; a part of no known shape (a device's
own error, a playbook's words) is kept as written, so nothing is ever lost or garbled, only left in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Words = Callable[[str], str]


def _(message: str) -> str:
    """Marks a msgid for the catalogue check (tests/doe); the words come from the report's catalogue when said."""
    return message


def _shape(pattern: str, message: str) -> tuple[re.Pattern[str], str]:
    return re.compile(pattern, re.S), message


_HOSTS = r"(?P<nodes>[^:;]+)"
_SHAPES: list[tuple[re.Pattern[str], str]] = [
    _shape(r"(?P<ok>\d+) of (?P<total>\d+) host\(s\) backed up, revision unchanged \(still (?P<head>\w+)\)",
           _("%(ok)s of %(total)s host(s) backed up, revision unchanged (still %(head)s)")),
    _shape(r"(?P<ok>\d+) of (?P<total>\d+) host\(s\) backed up, revision unchanged",
           _("%(ok)s of %(total)s host(s) backed up, revision unchanged")),
    _shape(r"(?P<ok>\d+) of (?P<total>\d+) host\(s\) backed up, revision (?P<revision>\w+)",
           _("%(ok)s of %(total)s host(s) backed up, revision %(revision)s")),
    _shape(r"failed: (?P<hosts>.+)", _("failed: %(hosts)s")),
    _shape(r"push failed: (?P<why>.+)", _("push failed: %(why)s")),
    _shape(r"would back up every managed host", _("would back up every managed host")),
    _shape(r"would back up (?P<hosts>.+)", _("would back up %(hosts)s")),
    _shape(r"(?P<nodes>\d+) node\(s\) rendered, (?P<lines>\d+) line\(s\)",
           _("%(nodes)s node(s) rendered, %(lines)s line(s)")),
    _shape(r"(?P<ok>\d+) of (?P<total>\d+) node\(s\) compliant", _("%(ok)s of %(total)s node(s) compliant")),
    _shape(r"not: (?P<nodes>.+)", _("not: %(nodes)s")),
    _shape(r"(?P<segment>\S+) pending on the firewall", _("%(segment)s pending on the firewall")),
    _shape(rf"refused: {_HOSTS} changed since the plan was made",
           _("refused: %(nodes)s changed since the plan was made")),
    _shape(r"nothing was sent", _("nothing was sent")),
    _shape(rf"FAILED on {_HOSTS}: (?P<rest>.+)", _("FAILED on %(nodes)s: %(rest)s")),
    _shape(rf"rolled back with {_HOSTS}", _("rolled back with %(nodes)s")),
    _shape(r"nothing of this step stays", _("nothing of this step stays")),
    _shape(rf"applied to {_HOSTS}", _("applied to %(nodes)s")),
    _shape(r"nothing to send", _("nothing to send")),
    _shape(r"would send: (?P<lines>\d+) line\(s\) to (?P<nodes>\d+) node\(s\)",
           _("would send: %(lines)s line(s) to %(nodes)s node(s)")),
    _shape(r"(?P<up>\d+) of (?P<seen>\d+) APs up, (?P<clients>\d+) clients, (?P<findings>\d+) finding\(s\), "
           r"(?P<unreachable>\d+) host\(s\) unreachable",
           _("%(up)s of %(seen)s APs up, %(clients)s clients, %(findings)s finding(s), %(unreachable)s host(s) "
             "unreachable")),
    _shape(r"(?P<up>\d+) of (?P<seen>\d+) APs up, (?P<clients>\d+) clients, (?P<findings>\d+) finding\(s\)",
           _("%(up)s of %(seen)s APs up, %(clients)s clients, %(findings)s finding(s)")),
    _shape(r"since (?P<step>'[^']*'): no AP went down", _("since %(step)s: no AP went down")),
    _shape(r"since (?P<step>'[^']*'): (?P<count>\d+) AP\(s\) went down \((?P<names>.+)\)",
           _("since %(step)s: %(count)s AP(s) went down (%(names)s)")),
    _shape(r"clients did not come back to (?P<what>.+)", _("clients did not come back to %(what)s")),
    _shape(r"all (?P<count>\d+) AP\(s\) of (?P<group>\S+) up on (?P<switches>.+)",
           _("all %(count)s AP(s) of %(group)s up on %(switches)s")),
    _shape(r"(?P<astray>\d+) of (?P<count>\d+) AP\(s\) of (?P<group>\S+) not up on (?P<switches>[^(]+?)"
           r"(?P<names> \(.+\))?",
           _("%(astray)s of %(count)s AP(s) of %(group)s not up on %(switches)s%(names)s")),
    _shape(r"settled after (?P<took>\d+) s \((?P<checks>\d+) check\(s\), deadline (?P<deadline>\d+) s\): (?P<what>.+)",
           _("settled after %(took)s s (%(checks)s check(s), deadline %(deadline)s s): %(what)s")),
    _shape(r"NOT settled after (?P<took>\d+) s \((?P<checks>\d+) check\(s\), deadline (?P<deadline>\d+) s\): "
           r"(?P<what>.+)",
           _("NOT settled after %(took)s s (%(checks)s check(s), deadline %(deadline)s s): %(what)s")),
    _shape(r"(?P<out>\S+): (?P<nodes>\d+) node\(s\), (?P<added>\d+) line\(s\) added, (?P<removed>\d+) removed",
           _("%(out)s: %(nodes)s node(s), %(added)s line(s) added, %(removed)s removed")),
    _shape(r"(?P<path>\S+): (?P<nodes>\d+) node\(s\) changed then reverted",
           _("%(path)s: %(nodes)s node(s) changed then reverted")),
    _shape(r"mailed (?P<to>[^:]+): (?P<subject>.+)", _("mailed %(to)s: %(subject)s")),
    _shape(r"NOT mailed: (?P<subject>.+)", _("NOT mailed: %(subject)s")),
    _shape(r"DOE version (?P<number>\d+) \(nothing new\): (?P<files>.+)",
           _("DOE version %(number)s (nothing new): %(files)s")),
    _shape(r"DOE version (?P<number>\d+): (?P<files>.+)", _("DOE version %(number)s: %(files)s")),
    _shape(r"DOE NOT updated: (?P<why>.+)", _("DOE NOT updated: %(why)s")),
    _shape(r"NOT undone: (?P<why>.+)", _("NOT undone: %(why)s")),
    _shape(r"copied (?P<count>\d+) network device\(s\) from (?P<a>\S+) to (?P<b>\S+)",
           _("copied %(count)s network device(s) from %(a)s to %(b)s")),
    _shape(r"would copy (?P<count>\d+) network device\(s\) from (?P<a>\S+) to (?P<b>\S+)",
           _("would copy %(count)s network device(s) from %(a)s to %(b)s")),
    _shape(r"added (?P<count>\d+) network device\(s\) to (?P<b>[^:]+): (?P<names>.+)",
           _("added %(count)s network device(s) to %(b)s: %(names)s")),
    _shape(r"added (?P<count>\d+) network device\(s\) to (?P<b>\S+)", _("added %(count)s network device(s) to %(b)s")),
    _shape(r"deleted (?P<count>\d+) network device\(s\) from (?P<b>\S+)",
           _("deleted %(count)s network device(s) from %(b)s")),
    _shape(r"(?P<a>\S+) and (?P<b>\S+): the same network devices", _("%(a)s and %(b)s: the same network devices")),
    _shape(r"stopped: (?P<why>.+)", _("stopped: %(why)s")),
    _shape(r"APs after: (?P<releases>.+)", _("APs after: %(releases)s")),
    _shape(r"(?P<samples>\d+) AP samples, longest AP group down: none",
           _("%(samples)s AP samples, longest AP group down: none")),
    _shape(r"(?P<samples>\d+) AP samples, longest AP group down: (?P<group>\S+) (?P<seconds>[\d.]+) s",
           _("%(samples)s AP samples, longest AP group down: %(group)s %(seconds)s s")),
]


def said(summary: str, words: Words) -> str:
    """`summary` in the language of `words`: each part of a known shape translated, the others as written."""
    parts = [_part(part, words) for part in str(summary).split("; ")]
    return words(_("; ")).join(parts)


def _part(part: str, words: Words) -> str:
    for pattern, message in _SHAPES:
        found = pattern.fullmatch(part)
        if found:
            return words(message) % {k: v or "" for k, v in found.groupdict().items()}
    return part
