"""What the supervision mails say, in the language of wifiops.yaml (French by default, `language: en`): the
alerts raised and cleared, the incidents' reminders and missed deadlines (`wifiops watch`), and the watchdog's
findings (`wifiops watchdog`). Pure: (subject, body) from the store's records and the moment; words from the
reports' gettext catalogue (wifiops/i18n.py), moments in Paris time.

The engine's sentences about a condition (an alert's message, an incident's summary) are English text built from
a few known shapes; `said` puts those shapes into the language at the moment they are read, and leaves any other
sentence as the engine wrote it. The store and the journal keep the English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_datetime
from babel.numbers import format_decimal

from wifiops.i18n import PARIS, Localised
from wifiops.store.base import Alert, Incident
from wifiops.windows import describe

WATCHER = "wifiops watch"  # who acts when the watch opens, restores or reminds
Words = Callable[[str], str]


def _(message: str) -> str:
    """Marks a msgid for the catalogue check (tests/doe); the words come from `Localised.gettext` when said."""
    return message


def moment(local: Localised, at: datetime | None) -> str:
    """A moment for people: English as the reasons say it ('Monday 2026-03-16 11:10 (Europe/Paris)'), French in
    its own form ('lundi 16 mars 2026 à 11:10 (heure de Paris)')."""
    if at is None:
        return "—"
    if local.language == "en":
        return describe(at)
    return format_datetime(at.astimezone(PARIS), "EEEE d MMMM y 'à' HH:mm", locale=local.locale) + " (heure de Paris)"


def duration(local: Localised, span: timedelta) -> str:
    words = local.gettext
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    units = ((days, words(_("d"))), (hours, "h"), (minutes, "min"))
    return " ".join(f"{n} {unit}" for n, unit in units if n) or words(_("under a minute"))


def hours(local: Localised, span: timedelta) -> str:
    """A long span in hours, or days past two ('26.5 h', '3.2 days'; '26,5 h', '3,2 jours')."""
    count = span.total_seconds() / 3600
    if count < 48:
        return f"{format_decimal(count, '0.0', locale=local.locale)} h"
    return local.gettext(_("%(count)s days")) % {"count": format_decimal(count / 24, "0.0", locale=local.locale)}


# --- the engine's sentences, said in the language ---------------------------------------------------------------

_AP = re.compile(r"^(?P<name>[^ ()]+) \((?P<site>[^,()]*), group (?P<group>[^,()]*), (?P<model>[^,()]*)"
                 r"(?P<priority>, PRIORITY)?\): (?P<rest>.*)$", re.S)
_HOST = re.compile(r"^(?P<name>[^ :()]+): (?P<rest>.*)$", re.S)
_SHAPES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^AP group (?P<group>.+) \((?P<site>[^()]*)\): (?P<down>\d+) of (?P<total>\d+) APs down "
                r"\((?P<share>\d+) %, alert at (?P<limit>[^()]+)\)(?P<named>: .*)?$", re.S),
     _("AP group %(group)s (%(site)s): %(down)s of %(total)s APs down (%(share)s %%, alert at %(limit)s)%(named)s")),
    (re.compile(r"^SSID (?P<ssid>.+): (?P<clients>\d+) clients \(limit (?P<limit>\d+)\)$", re.S),
     _("SSID %(ssid)s: %(clients)s clients (limit %(limit)s)")),
    (re.compile(r"^AP licences for (?P<capacity>\d+) APs, (?P<count>\d+) in the inventory: (?P<spare>-?\d+) spare "
                r"\((?P<share>-?\d+) %\)$", re.S),
     _("AP licences for %(capacity)s APs, %(count)s in the inventory: %(spare)s spare (%(share)s %%)")),
]
_TAILS: list[tuple[re.Pattern[str], str]] = [  # what follows "<name>: " or "<AP> (<where>): "
    (re.compile(r"^CPU (?P<value>\S+) % \(limit (?P<limit>\S+) %\)$"), _("CPU %(value)s %% (limit %(limit)s %%)")),
    (re.compile(r"^memory (?P<value>\S+) % \(limit (?P<limit>\S+) %\)$"),
     _("memory %(value)s %% (limit %(limit)s %%)")),
    (re.compile(r"^(?P<clients>\S+) clients \(limit (?P<limit>\d+)\)$"), _("%(clients)s clients (limit %(limit)s)")),
    (re.compile(r"^rebooted since the last check \(up (?P<now>\d+) s, was (?P<was>\d+) s\)$"),
     _("rebooted since the last check (up %(now)s s, was %(was)s s)")),
]
_PLAIN = (_("did not answer"), _("answers"), _("up and in sync"), _("no change left pending"),
          _("no reboot since the last check"), _("not in the conductor's AP database"), _("no longer pending"),
          _("not up"), _("Down"))
_LIMIT = re.compile(r"(\d+) APs")


def said(sentence: str, words: Words) -> str:
    """The engine's sentence about a condition in the language of `words` when it has a known shape, else as is."""
    for pattern, message in _SHAPES:
        found = pattern.match(sentence)
        if found:
            parts = {k: v or "" for k, v in found.groupdict().items()}
            if "limit" in parts and "APs" in parts["limit"]:
                parts["limit"] = _LIMIT.sub(lambda m: words(_("%(count)s APs")) % {"count": m[1]},
                                            parts["limit"]).replace(" or ", words(_(" or ")))
            if parts.get("named"):
                parts["named"] = words(_(": %(names)s")) % {"names": parts["named"].removeprefix(": ")}
            return words(message) % parts
    found = _AP.match(sentence)
    if found:
        parts = {k: v or "" for k, v in found.groupdict().items()}
        parts["priority"] = words(_(", PRIORITY")) if parts["priority"] else ""
        parts["rest"] = _tail(parts["rest"], words)
        return words(_("%(name)s (%(site)s, group %(group)s, %(model)s%(priority)s): %(rest)s")) % parts
    found = _HOST.match(sentence)
    if found and _tail(found["rest"], words) != found["rest"]:
        return words(_("%(name)s: %(rest)s")) % {"name": found["name"], "rest": _tail(found["rest"], words)}
    return sentence


def _tail(rest: str, words: Words) -> str:
    for pattern, message in _TAILS:
        found = pattern.match(rest)
        if found:
            return words(message) % found.groupdict()
    return words(rest) if rest in _PLAIN else rest


# --- the watch's mails ---------------------------------------------------------------------------------------------

def raised_mail(alert: Alert, incident: Incident | None, language: str = "fr") -> tuple[str, str]:
    local = Localised(language)
    w = local.gettext
    planned = alert.facts.get("planned")
    tag = (" " + w(_("[%(severity)s incident #%(id)s]")) % {"severity": w(incident.severity), "id": incident.id}
           if incident else (" " + w(_("[planned]")) if planned else ""))
    lines = [said(alert.message, w), "", w(_("Alert %(key)s raised %(when)s by %(who)s.")) % {
        "key": alert.key, "when": moment(local, alert.raised_at), "who": WATCHER}]
    if planned:
        reference = alert.facts.get("planned_reference")
        lines.append((w(_("Planned: inside the approved maintenance window of %(what)s (approval %(reference)s)."))
                      if reference else w(_("Planned: inside the approved maintenance window of %(what)s.")))
                     % {"what": planned, "reference": reference}
                     + " " + w(_("No incident is opened and the time is not counted as an outage.")))
    elif incident is not None:
        lines += _incident_lines(incident, local)
    else:
        lines.append(w(_("No incident rule matches it: an alert only.")))
    subject = w(_("wifiops ALERT %(kind)s %(subject)s")) % {"kind": alert.kind, "subject": alert.subject}
    return subject + tag, "\n".join(lines) + "\n"


def cleared_mail(alert: Alert, incident: Incident | None, language: str = "fr") -> tuple[str, str]:
    local = Localised(language)
    w = local.gettext
    lasted = (alert.cleared_at - alert.raised_at) if alert.cleared_at else timedelta(0)
    lines = [said(alert.clear_message or "", w), "", w(_("Alert %(key)s raised %(raised)s, cleared %(cleared)s "
                                                         "(after %(lasted)s).")) % {
        "key": alert.key, "raised": moment(local, alert.raised_at),
        "cleared": moment(local, alert.cleared_at or alert.raised_at), "lasted": duration(local, lasted)}]
    if incident is not None:
        restore = f'`wifiops incident restore {incident.id} --note "..."`'
        if incident.deadline is not None and incident.restored_at is not None:
            met = (_("Incident #%(id)s %(state)s within its deadline: say what was done with %(command)s.")
                   if incident.restored_at <= incident.deadline else
                   _("Incident #%(id)s %(state)s AFTER its deadline: say what was done with %(command)s."))
        else:
            met = _("Incident #%(id)s %(state)s: say what was done with %(command)s.")
        lines.append(w(met) % {"id": incident.id, "state": w(incident.state), "command": restore})
    if alert.facts.get("planned"):
        lines.append(w(_("Planned: inside the approved maintenance window of %(what)s.")) % {
            "what": alert.facts["planned"]})
    tag = " " + w(_("[planned]")) if alert.facts.get("planned") else ""
    subject = w(_("wifiops CLEARED %(kind)s %(subject)s")) % {"kind": alert.kind, "subject": alert.subject}
    return subject + tag, "\n".join(lines) + "\n"


def reminder_mail(incident: Incident, at: datetime, language: str = "fr") -> tuple[str, str]:
    assert incident.deadline is not None
    local = Localised(language)
    w = local.gettext
    left = incident.deadline - at
    when = (w(_("in %(span)s")) % {"span": duration(local, left)} if left > timedelta(0)
            else w(_("%(span)s ago")) % {"span": duration(local, -left)})
    facts = {"id": incident.id, "severity": w(incident.severity), "state": w(incident.state),
             "deadline": moment(local, incident.deadline), "when": when, "kind": incident.kind,
             "subject": incident.subject}
    lines = [w(_("Incident #%(id)s (%(severity)s, %(state)s) is not restored, and its restoration deadline is "
                 "%(deadline)s: %(when)s.")) % facts, "", said(incident.summary, w), ""]
    lines += _incident_lines(incident, local)
    return w(_("wifiops REMINDER incident #%(id)s %(kind)s %(subject)s: deadline %(when)s")) % facts, \
        "\n".join(lines) + "\n"


def overdue_mail(incident: Incident, at: datetime, language: str = "fr") -> tuple[str, str]:
    assert incident.deadline is not None
    local = Localised(language)
    w = local.gettext
    facts = {"id": incident.id, "severity": w(incident.severity), "state": w(incident.state),
             "deadline": moment(local, incident.deadline), "late": duration(local, at - incident.deadline),
             "kind": incident.kind, "subject": incident.subject}
    lines = [w(_("Incident #%(id)s (%(severity)s, %(state)s) passed its restoration deadline (%(deadline)s) "
                 "%(late)s ago without being restored: the contract's GTR is missed.")) % facts,
             "", said(incident.summary, w), ""]
    lines += _incident_lines(incident, local)
    return w(_("wifiops OVERDUE incident #%(id)s %(kind)s %(subject)s: deadline passed")) % facts, \
        "\n".join(lines) + "\n"


def _incident_lines(incident: Incident, local: Localised) -> list[str]:
    w = local.gettext
    due = (w(_("GTR %(gtr)s: restore by %(deadline)s.")) % {"gtr": incident.gtr,
                                                             "deadline": moment(local, incident.deadline)}
           if incident.deadline else w(_("No restoration deadline (a planned fix).")))
    return [w(_("Incident #%(id)s: %(severity)s, opened %(opened)s.")) % {
                "id": incident.id, "severity": w(incident.severity), "opened": moment(local, incident.opened_at)}
            + f" {due}",
            w(_('Acknowledge: wifiops incident ack %(id)s --note "..."')) % {"id": incident.id},
            w(_('Restored:    wifiops incident restore %(id)s --note "what was done"')) % {"id": incident.id}]


# --- the watchdog's mails ------------------------------------------------------------------------------------------

def watchdog_mail(key: str, template: str, facts: Mapping[str, Any], language: str = "fr") -> tuple[str, str]:
    """A watchdog finding (wifiops.supervision.watchdog.Finding: its English template and its facts, moments
    given as datetimes) said in the language."""
    local = Localised(language)
    w = local.gettext
    shown = {k: moment(local, v) if isinstance(v, datetime) else hours(local, v) if isinstance(v, timedelta)
             else w(v) if k == "severity" else v for k, v in facts.items()}
    return w(_("wifiops WATCHDOG %(key)s")) % {"key": key}, w(template) % shown + "\n"


def watchdog_cleared_mail(key: str, at: datetime, language: str = "fr") -> tuple[str, str]:
    local = Localised(language)
    w = local.gettext
    return (w(_("wifiops WATCHDOG %(key)s cleared")) % {"key": key},
            w(_("%(key)s: back to normal at %(when)s.")) % {"key": key, "when": moment(local, at)} + "\n")
