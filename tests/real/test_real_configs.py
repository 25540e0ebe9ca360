"""The configuration model on every real ArubaOS 8 configuration of the corpus (tests/real/configs, sources in
tests/real/README.md): read without loss, the same configuration whether its bodies are flush-left or indented
by any amount, compared with itself as compliant through `wifiops config diff`, and a repeated line read as
the device holds it (never a crash, never a secret printed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.aos8.configtext import BODY, TOP, read, sections, write_lines
from wifiops.aos8.hconfig import normalise
from wifiops.cli import app

runner = CliRunner()
CONFIGS = sorted((Path(__file__).parent / "configs").glob("*.cfg"))
LAYOUTS = {"flush-left": "", "by-3": "   ", "by-4": "    ", "by-tab": "\t"}


def structure(text: str) -> list[tuple[str, list[str]]]:
    return [(block.header, block.body) for block in sections(read(text))]


def flattened(text: str) -> str:
    """Every line flush-left, as the public 7210 capture prints its bodies."""
    return "\n".join(line.strip() for line in text.split("\n"))


def diff(repo: Path, running: Path, intended: Path, *extra: str):
    return runner.invoke(app, ["--config", str(repo / "wifiops.yaml"), "config", "diff", str(running), str(intended),
                               *extra])


def test_the_corpus_holds_every_layout_real_8x_prints() -> None:
    """Flush-left, by 3 and by 4 are each in the corpus: a test that read only one layout could not fail."""
    widths = set()
    for path in CONFIGS:
        lines = read(path.read_text("utf-8"))
        widths |= {len(line.raw) - len(line.raw.lstrip()) for line in lines if line.role == BODY}
    assert {0, 3, 4} <= widths


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_read_then_written_is_the_file_byte_for_byte(path: Path) -> None:
    text = path.read_text("utf-8")
    assert write_lines(read(text)) == text


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_flush_left_and_indented_read_the_same(path: Path) -> None:
    text = path.read_text("utf-8")
    expected = structure(text)
    assert structure(flattened(text)) == expected  # for an indented file: keywords and `!` agree with indentation
    for indent in LAYOUTS.values():
        again = write_lines(read(text), indent)
        assert structure(again) == expected, repr(indent)
        assert normalise(again) == normalise(text), repr(indent)


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_config_diff_of_a_file_with_itself_relaid_is_compliant(repo: Path, tmp_path: Path, path: Path,
                                                               layout: str) -> None:
    relaid = tmp_path / f"{layout}.cfg"
    relaid.write_text(write_lines(read(path.read_text("utf-8")), LAYOUTS[layout]), "utf-8")
    for running, intended in ((path, path), (path, relaid), (relaid, path)):
        result = diff(repo, running, intended)
        assert result.exit_code == 0, result.output
        assert "compliant: no difference" in result.stdout


def test_the_7210_blocks_are_read_as_blocks() -> None:
    """Issue 22: the public 7210 running-config prints its bodies flush-left; `vpn-dialer`, `crypto isakmp policy`,
    `vrrp` and the `ha` block whose header the capture lost are blocks, the SNMP and user lines top-level."""
    found = dict(structure((Path(__file__).parent / "configs" / "oxidized-7210-8.10.0.7-running-config.cfg")
                           .read_text("utf-8")))
    assert found["vpn-dialer default-dialer"] == ["ike authentication pre-share AAAAAAAAAABBBBBBBBBB"]
    assert found["crypto isakmp policy 20"] == ["encryption AES256", "authentication pre-share"]
    assert found["vrrp 254"][0] == "priority 110" and found["vrrp 254"][-1] == "no shutdown"
    assert found["preemption"] == ["state-sync", 'pre-shared-key "AAAAAAAAAABBBBBBBBBBCCCCCCCCCCC"',
                                   "controller 10.42.0.2 role active", "controller 10.42.0.3 role standby"]
    assert found["conductor-redundancy"][0] == "conductor-vrrp 255"
    assert found['ap system-profile "AP-PROFILE"'][:2] == ['session-acl ""', "lms-ip 10.42.0.52"]
    for line in ('snmp-server community "AAAAAAAAAABBBBBBBBBB"', "mgmt-user oxidized root ********************",
                 "snmp-server host 10.42.1.6 version 2c AAAAAAAAAABBBBBBBBBB udp-port 162", "country DE"):
        assert found[line] == [], line


def test_a_banner_is_text_never_reindented() -> None:
    text = (Path(__file__).parent / "configs" / "netutils-aruba_os-full.cfg").read_text("utf-8")
    assert "*   LOG OFF IMMEDIATELY if you do not belong here                   *" in write_lines(read(text), "    ")
    roles = {line.text: line.role for line in read(text)}
    assert roles["banner motd ~"] == TOP and roles["lc-cluster group-membership STATIONS_CLUSTER"] == TOP


RADIUS = 'aaa authentication-server radius "radius1" \nhost "10.42.0.14" \nkey "AAAAAAAAAABBBBBBBBBBB" \n'


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_every_line_repeated_reads_as_the_same_configuration(repo: Path, tmp_path: Path, path: Path) -> None:
    """Issue 24: a repeated line crashed `config diff`. Typed twice, a line sets the same thing once."""
    text = path.read_text("utf-8")
    doubled = tmp_path / "doubled.cfg"
    doubled.write_text(write_lines([line for line in read(text) for _ in range(2 if line.role == BODY else 1)]),
                       "utf-8")
    assert diff(repo, doubled, path).exit_code == 0
    assert diff(repo, path, doubled).exit_code == 0


def test_a_repeated_key_keeps_the_last_and_no_secret_is_printed(repo: Path, tmp_path: Path) -> None:
    """A single-value command given twice holds its last value, as the device would after reading both lines;
    whatever the plan, no key reaches the output, in text or JSON."""
    real = (Path(__file__).parent / "configs" / "oxidized-7210-8.10.0.7-running-config.cfg").read_text("utf-8")
    assert RADIUS in real
    running = tmp_path / "running.cfg"
    running.write_text(real.replace(RADIUS, RADIUS.replace('key "', 'key "first-typed-secret" \nkey "', 1)), "utf-8")
    intended = tmp_path / "intended.cfg"
    intended.write_text(real, "utf-8")
    assert diff(repo, running, intended).exit_code == 0  # the last key is the intended one
    intended.write_text(real.replace('key "AAAAAAAAAABBBBBBBBBBB" \nnas', 'key "new-secret-typed" \nnas'), "utf-8")
    for extra in ((), ("--json",)):
        result = diff(repo, running, intended, *extra)
        assert result.exit_code == 1, result.output
        for secret in ("first-typed-secret", "new-secret-typed", "AAAAAAAAAABBBBBBBBBBB"):
            assert secret not in result.output
    plan = json.loads(diff(repo, running, intended, "--json").stdout)
    assert plan["remediation"].count("key ") == 1 and plan["rollback"].count("key ") == 1


def test_a_body_line_is_never_taken_for_the_version_line() -> None:
    """`version v1` inside a crypto policy is configuration (the `version 8.10` line at the top is not)."""
    found = dict(structure((Path(__file__).parent / "configs" / "netutils-aruba_os-full.cfg").read_text("utf-8")))
    assert found["crypto isakmp policy 10002"][0] == "version v1"
    assert found["crypto dynamic-map default-rap-ipsecmap-gcm 10001"] == ["set transform-set default-gcm256 "
                                                                          "default-gcm128", "version v2"]
    assert not any(header.startswith("version 8") for header in
                   dict(structure((Path(__file__).parent / "configs" / "oxidized-7210-8.10.0.7-running-config.cfg")
                                  .read_text("utf-8"))))
