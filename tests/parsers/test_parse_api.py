"""parse() itself: commands and abbreviations, outputs that are not tables, the index's own checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from parsersamples import sample
from wifiops.aos8.parse import Parsed, Unparsed, parse, supported_commands
from wifiops.aos8.parserindex import PARSERS, ParserIndex
from wifiops.errors import UnsupportedCommand, WifiopsError

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("typed", "full"), [
    ("show ap database", "show ap database"), ("sh ap data", "show ap database"),
    ("sho  ap   database   l", "show ap database long"), ("SH AP DATABASE LONG", "show ap database long"),
    ("show ap act", "show ap active"), ("sh ap bss", "show ap bss-table"),
    ("show ap bss-table det", "show ap bss-table details"), ("sh ap ess", "show ap essid"),
    ("sh user", "show user-table"), ("show user-table verb", "show user-table verbose"),
    ("sh switches", "show switches"), ("sh ver", "show version"), ("sh lic", "show license"),
    ("sh cpu", "show cpuload"), ("sh mem", "show memory"), ("sh clo", "show clock"),
    ("sh inv", "show inventory"), ("sh ap radio-d", "show ap radio-database"),
    ("sh ip int b", "show ip interface brief"), ("sh arp", "show arp"), ("sh vl", "show vlan"),
])
def test_commands_in_full_or_abbreviated(typed: str, full: str) -> None:
    assert parse(typed, "").command == full


@pytest.mark.parametrize("typed", ["show ap d", "show ap database longer", "show running-config",
                                   "show ap database | include Down", "", "show user-table extra"])
def test_an_unknown_command_is_an_error_that_lists_the_known_ones(typed: str) -> None:
    with pytest.raises(UnsupportedCommand) as raised:
        parse(typed, "whatever")
    assert isinstance(raised.value, WifiopsError) and raised.value.exit_code == 2
    assert repr(typed) in str(raised.value)
    for command in supported_commands():
        assert command in str(raised.value)
    assert {"show ap database long", "show user-table verbose", "show switches", "show clock", "show arp",
            "show ip interface brief", "show vlan"} <= set(supported_commands())


def test_an_empty_output_is_reported() -> None:
    assert parse("show ap database", "").unparsed == [Unparsed(1, "", "the output is empty")]
    [empty] = parse("show memory", "\n\n").unparsed
    assert empty.line == 1 and "total_kb" in empty.why


def test_an_output_with_no_table_reports_each_of_its_lines() -> None:
    text = "(mm-1) [mynode] #show ap database\n\n% Invalid input detected at '^' marker.\nsecond line\n"
    parsed = parse("show ap database", text)
    assert parsed.records == []
    assert [(u.line, u.text) for u in parsed.unparsed] == [(3, "% Invalid input detected at '^' marker."),
                                                           (4, "second line")]   # the prompt line is not one
    assert all("no table header" in u.why for u in parsed.unparsed)


def test_unknown_lines_before_the_table_are_unparsed_and_a_missing_trailer_is_a_warning() -> None:
    """A missing trailer loses no row (real captures are often saved without it): a warning, not unparsed.
    This test used to expect it unparsed (exit 1), which failed every real capture saved without it."""
    lines = sample("ap_essid_8.6.txt").splitlines()
    lines.insert(1, "Some banner the parser does not know")
    text = "\n".join(line for line in lines if not line.startswith("Num ESSID"))
    parsed = parse("show ap essid", text)
    assert len(parsed.records) == 1
    [banner] = parsed.unparsed
    assert (banner.line, banner.text) == (2, "Some banner the parser does not know") and "before the table" in banner.why
    [trailer] = parsed.warnings
    assert (trailer.line, trailer.text) == (8, "") and "cut short" in trailer.why   # after the last row


def test_a_record_as_json_for_scripts() -> None:
    parsed = parse("show cpuload", "user 4.7%, system 10.9%, idle 84.4%\n")
    assert isinstance(parsed, Parsed) and parsed.complete
    assert parsed.to_dict() == {"command": "show cpuload", "records": [{"user": 4.7, "system": 10.9, "idle": 84.4}],
                                "unparsed": [], "warnings": []}
    broken = parse("show ap essid", sample("ap_essid_irregular.txt")).to_dict()
    assert broken["unparsed"] == [{"line": 9, "text": "Bill_Louvre          172  many     111      WPA2 8021X AES",
                                   "why": "no row of ap_essid.ttp matches it"}]


def _index() -> dict:
    return yaml.safe_load((PARSERS / "index.yaml").read_text(encoding="utf-8"))


def test_the_index_rejects_a_field_that_nothing_makes() -> None:
    raw = _index()
    raw["families"]["ap_database"]["fields"]["uptime_s"] = {"from": "uptme", "type": "duration"}
    with pytest.raises(ValidationError, match="uptime_s.*uptme"):
        ParserIndex.model_validate(raw)


def test_the_index_rejects_a_command_field_its_family_does_not_have() -> None:
    raw = _index()
    raw["commands"][0]["fields"].append("serial_number")
    with pytest.raises(ValidationError, match="serial_number"):
        ParserIndex.model_validate(raw)


def test_the_index_rejects_a_missing_template_and_an_unknown_shape(tmp_path: Path) -> None:
    raw = _index()
    raw["families"]["version"]["template"] = "versoin.ttp"
    with pytest.raises(ValidationError, match="versoin.ttp"):
        ParserIndex.model_validate(raw)
    raw = _index()
    raw["shapes"].pop("mac")
    with pytest.raises(ValidationError, match="unknown shape 'mac'"):
        ParserIndex.model_validate(raw)


def test_the_toolkits_parsers_share_no_code_with_the_lab() -> None:
    """A format mistake made in both the lab and the parsers would pass every test (style.md)."""
    for path in [*(REPO / "wifiops" / "aos8").glob("*.py"), *PARSERS.iterdir()]:
        assert not re.search(r"wifiops\.lab|from \.\.lab", path.read_text(encoding="utf-8")), path
