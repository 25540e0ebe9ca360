"""`wifiops parse "COMMAND" FILE [--json]`: tables or JSON, unread rows on stderr, exit 0, 1 or 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from parsersamples import SAMPLES
from wifiops.cli import main


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["wifiops", "parse", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    out = capsys.readouterr()
    return exited.value.code or 0, out.out, out.err


def test_every_row_read_is_exit_0_and_json_holds_the_records(monkeypatch, capsys) -> None:
    code, out, err = run(monkeypatch, capsys, "sh ap data", str(SAMPLES / "ap_database_8.6.txt"), "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == ["command", "records", "unparsed", "warnings"]
    assert data["command"] == "show ap database" and data["unparsed"] == []
    assert data["records"][0]["name"] == "ap01" and data["records"][0]["uptime_s"] == 523
    assert data["records"][0]["up"] is True and data["records"][0]["standby_ip"] is None


def test_the_table_for_people(monkeypatch, capsys) -> None:
    code, out, err = run(monkeypatch, capsys, "show switches", str(SAMPLES / "switches_8.6.txt"))
    assert (code, err) == (0, "")
    assert "show switches: 2 record(s)" in out and "config_state" in out and "UPDATE SUCCESSFUL" in out


def test_rows_not_read_are_warnings_with_file_and_line_and_exit_1(monkeypatch, capsys) -> None:
    path = SAMPLES / "user_table.txt"
    code, out, err = run(monkeypatch, capsys, "show user-table", str(path))
    assert code == 1 and "7 record(s)" in out
    warnings = err.splitlines()
    assert len(warnings) == 2
    assert warnings[0].startswith(f"warning: {path}:14: ambiguous")
    assert warnings[1].startswith(f"warning: {path}:15: '4a:03:0c:b0:33' under 'MAC'")
    code, out, _ = run(monkeypatch, capsys, "show user-table", str(path), "--json")
    assert code == 1
    assert [u["line"] for u in json.loads(out)["unparsed"]] == [14, 15]


def test_an_unknown_command_is_exit_2_and_names_the_known_ones(monkeypatch, capsys) -> None:
    code, out, err = run(monkeypatch, capsys, "show run", str(SAMPLES / "memory.txt"))
    assert code == 2 and out == ""
    assert "no parser for 'show run'" in err and "show ap database long" in err


@pytest.mark.parametrize("content", [None, b"\xff\xfe not UTF-8 \x00"])
def test_an_unreadable_file_is_exit_2_and_named(monkeypatch, capsys, tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "saved output.txt"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(monkeypatch, capsys, "show memory", str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"error: {path}")
    assert ("file not found" if content is None else ":1: not UTF-8 text: byte 0xff") in err
