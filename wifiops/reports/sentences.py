"""A changed configuration object said in sentences for the project manager: one sentence per setting that
changed ("In segment "regie-auditorium", mbits changes from 250 to 500."), never the raw CLI lines.

A setting is a line less its last word, its value is that word: lines before and after with the same setting
are one change of value; a setting only after is set, only before is removed. The object is named by its kind
and name (wifiops/aos8/objects.yaml); an object that appears or disappears whole is said created or deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from wifiops.aos8.configtext import objects

ONE_LINE_VALUE = 2  # "setting value": shorter lines are flags (`enable`), said set or removed


def object_name(header: str, _: Callable[[str], str]) -> str:
    found = objects().kind_of(header.strip())
    if not found:
        return f"« {header.strip()} »" if _("yes") == "oui" else f'"{header.strip()}"'
    kind, name = _(found[1].replace("-", " ")), found[2].strip('"')
    return f"{kind} « {name} »" if _("yes") == "oui" else f'{kind} "{name}"'


def _prefix(line: str) -> int:
    """How much of a top-level line names its object (`aaa bandwidth-contract "x" `), 0 for none."""
    for _kind, pattern in objects().kinds:
        found = pattern.match(line)
        if found:
            return found.end()
    return 0


def _setting(line: str) -> tuple[str, str]:
    """(setting, value) of a line; a one-line object's line less its own kind and name."""
    text = line.strip()
    text = text[_prefix(text):].strip() or text
    words = text.split()
    if len(words) < ONE_LINE_VALUE:
        return text, ""
    return " ".join(words[:-1]), words[-1].strip('"')


def sentences(change: dict[str, Any] | Any, _: Callable[[str], str]) -> list[str]:
    """One sentence per changed setting of one object change (object, before, after)."""
    def get(key: str) -> Any:
        return change[key] if isinstance(change, dict) else getattr(change, key)

    header = str(get("object"))
    before: Sequence[str] = [str(x) for x in get("before")]
    after: Sequence[str] = [str(x) for x in get("after")]
    name = object_name(header, _)
    inner_before = [x for x in before if x.strip() != header.strip()]
    inner_after = [x for x in after if x.strip() != header.strip()]
    found = objects().kind_of(header.strip())
    one_line = found is not None and not found[3]
    if one_line and not (before and after):
        line = (after or before)[0].strip()
        rest = line[_prefix(line):].strip() if _prefix(line) else ""
        last = line.split()[-1]
        if not rest and found is not None and last.strip('"') != found[2]:  # the pattern took the value too
            rest = last
        if after and rest:
            return [_("%(object)s created: %(what)s.") % {"object": name, "what": rest}]
        return [(_("%(object)s created.") if after else _("%(object)s deleted.")) % {"object": name}]
    if not one_line and header.strip() in [x.strip() for x in after] and not before:
        return [_("%(object)s created.") % {"object": name}] + [
            _("In %(object)s, %(setting)s set to %(value)s.") % {"object": name, "setting": s, "value": v} if v else
            _("In %(object)s, %(setting)s turned on.") % {"object": name, "setting": s}
            for s, v in (_setting(x) for x in inner_after)]
    if not one_line and header.strip() in [x.strip() for x in before] and not after:
        return [_("%(object)s deleted.") % {"object": name}]
    old = dict(_setting(x) for x in (before if one_line else inner_before))
    new = dict(_setting(x) for x in (after if one_line else inner_after))
    said = []
    for setting in [*old, *(s for s in new if s not in old)]:
        values = {"object": name, "setting": setting or _("its value"), "old": old.get(setting, ""),
                  "value": new.get(setting, "")}
        if setting in old and setting in new:
            said.append(_("In %(object)s, %(setting)s changes from %(old)s to %(value)s.") % values)
        elif setting in new:
            said.append((_("In %(object)s, %(setting)s set to %(value)s.") if values["value"] else
                         _("In %(object)s, %(setting)s turned on.")) % values)
        else:
            said.append((_("In %(object)s, %(setting)s removed (it was %(old)s).") if values["old"] else
                         _("In %(object)s, %(setting)s turned off.")) % values)
    return said
