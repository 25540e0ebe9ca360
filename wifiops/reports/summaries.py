"""A playbook step's summary said in the report's language: the runbook report, the change report, the run's mail.

The steps write their summary in English for the engineer's console, the journal and `--json`
(wifiops/playbooks/steps.py); a French report read them as they were. Each part of a summary (the steps join
them with "; ") that has a known shape is said with its catalogue sentence; a part of no known shape (a device's
own error, a playbook's words) is kept as written, so nothing is ever lost or garbled, only left in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

Words = Callable[[str], str]


def _(message: str) -> str:
    """Marks a msgid for the catalogue check (tests/doe); the words come from the report's catalogue when said."""
    return message


# The English sentences the steps write (wifiops/playbooks/steps.py, runner.py), each also the key of its
# translation: a %(name)s stands for what the step filled in, and the same name is filled in the translation. A
# more particular sentence comes before a more general one that would also read it.
_SENTENCES: tuple[str, ...] = (
    _("%(ok)s of %(total)s host(s) backed up, revision unchanged (still %(head)s)"),
    _("%(ok)s of %(total)s host(s) backed up, revision unchanged"),
    _("%(ok)s of %(total)s host(s) backed up, revision %(revision)s"),
    _("failed: %(hosts)s"),
    _("push failed: %(why)s"),
    _("would back up every managed host"),
    _("would back up %(hosts)s"),
    _("%(nodes)s node(s) rendered, %(lines)s line(s)"),
    _("%(ok)s of %(total)s node(s) compliant"),
    _("not: %(nodes)s"),
    _("%(segment)s pending on the firewall"),
    _("refused: %(nodes)s changed since the plan was made"),
    _("nothing was sent"),
    _("FAILED on %(nodes)s: %(rest)s"),
    _("rolled back with %(nodes)s"),
    _("nothing of this step stays"),
    _("applied to %(nodes)s"),
    _("nothing to send"),
    _("would send: %(lines)s line(s) to %(nodes)s node(s)"),
    _("%(up)s of %(seen)s APs up, %(clients)s clients, %(findings)s finding(s), %(unreachable)s host(s) unreachable"),
    _("%(up)s of %(seen)s APs up, %(clients)s clients, %(findings)s finding(s)"),
    _("since %(step)s: no AP went down"),
    _("since %(step)s: %(count)s AP(s) went down (%(names)s)"),
    _("clients did not come back to %(what)s"),
    _("all %(count)s AP(s) of %(group)s up on %(switches)s"),
    _("%(astray)s of %(count)s AP(s) of %(group)s not up on %(switches)s"),
    _("settled after %(took)s s (%(checks)s check(s), deadline %(deadline)s s): %(what)s"),
    _("NOT settled after %(took)s s (%(checks)s check(s), deadline %(deadline)s s): %(what)s"),
    _("%(out)s: %(nodes)s node(s), %(added)s line(s) added, %(removed)s removed"),
    _("%(path)s: %(nodes)s node(s) changed then reverted"),
    _("mailed %(to)s: %(subject)s"),
    _("NOT mailed: %(subject)s"),
    _("DOE version %(number)s (nothing new): %(files)s"),
    _("DOE version %(number)s: %(files)s"),
    _("DOE NOT updated: %(why)s"),
    _("NOT undone: %(why)s"),
    _("copied %(count)s network device(s) from %(a)s to %(b)s"),
    _("would copy %(count)s network device(s) from %(a)s to %(b)s"),
    _("added %(count)s network device(s) to %(b)s: %(names)s"),
    _("added %(count)s network device(s) to %(b)s"),
    _("deleted %(count)s network device(s) from %(b)s"),
    _("%(a)s and %(b)s: the same network devices"),
    _("stopped: %(why)s"),
    _("APs after: %(releases)s"),
    _("%(samples)s AP samples, longest AP group down: none"),
    _("%(samples)s AP samples, longest AP group down: %(group)s %(seconds)s s"),
)


_FILLED = re.compile(r"%\((\w+)\)s")


@cache
def _shapes() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each sentence as the pattern that reads it back: its words as written, each %(name)s any text."""
    return tuple((re.compile("".join(re.escape(piece) if n % 2 == 0 else f"(?P<{piece}>.+?)"
                                     for n, piece in enumerate(_FILLED.split(sentence))), re.S), sentence)
                 for sentence in _SENTENCES)



def said(summary: str, words: Words) -> str:
    """`summary` in the language of `words`: each part of a known shape translated, the others as written."""
    parts = [_part(part, words) for part in str(summary).split("; ")]
    return words(_("; ")).join(parts)


def _part(part: str, words: Words) -> str:
    for pattern, sentence in _shapes():
        found = pattern.fullmatch(part)
        if found:
            return words(sentence) % found.groupdict()
    return part
