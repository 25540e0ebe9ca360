"""`--help` is clean (issue 31): no `<bool>` beside a flag, and a command's line in a list is its whole first
paragraph, not the docstring's hard line breaks."""

from __future__ import annotations

from typer.testing import CliRunner

from wifiops.cli import app

runner = CliRunner()
WIDE = {"COLUMNS": "250"}


def test_no_bool_metavar_anywhere_people_look() -> None:
    for args in ([], ["run"], ["check"], ["hosts", "trust"], ["stats"], ["lab", "up"], ["backup"], ["incident", "list"]):
        shown = runner.invoke(app, [*args, "--help"], env=WIDE)
        assert shown.exit_code == 0, shown.output
        assert "<bool>" not in shown.stdout, (args, shown.stdout)


def test_a_commands_description_is_one_line_when_the_terminal_is_wide() -> None:
    shown = runner.invoke(app, ["--help"], env=WIDE).stdout
    [diff] = [line for line in shown.splitlines() if line.startswith("│ diff ")]
    assert "(left alone, never changed), then each node's remediation" in diff, shown
    [mail] = [line for line in shown.splitlines() if line.startswith("│ mail-test ")]
    assert mail.rstrip(" │").endswith("say where it went. Exit 0 sent, 2 not sent."), shown


def test_a_usage_error_is_one_line_like_every_other_error() -> None:
    bad = runner.invoke(app, ["stats", "--from", "last week"], env=WIDE)
    assert bad.exit_code == 2
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: Invalid value") and "╭" not in bad.stderr, bad.stderr
    assert "stats --help`)" in lines[0]
