"""The ArubaOS 8 secrets catalogue (wifiops/aos8/secretcommands.yaml), its second line of defence, and the one
masking path of every console error and crash log (issue 22 item 1, issue 24 first bullet)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from wifiops import cli
from wifiops.aos8.platform import aos8
from wifiops.aos8.secretcommands import Entry, Example, catalogue
from wifiops.backups.scrub import Scrubber, offline
from wifiops.face import options
from wifiops.aos8.masking import redact_anywhere
from wifiops.secrets import MASK, SCRUBBED, SecretStore
from wifiops.settings import Settings


def platform_store(**values: str) -> SecretStore:
    return SecretStore(values, env={}, patterns=aos8().secret_patterns, guard=aos8().secret_guard)


CASES = [pytest.param(entry, example, id=f"{entry.name} / {form} / {example.line.strip()[:40]}")
         for entry in catalogue().entries for form in ("clear", "encrypted")
         for example in getattr(entry, form)]


@pytest.mark.parametrize(("entry", "example"), CASES)
def test_each_entry_masks_its_secret_in_clear_and_encrypted_form(entry: Entry, example: Example) -> None:
    """The entry alone masks the secret and keeps the rest of the line; a value the device printed as stars
    stays as printed (a diff still shows a secret is there)."""
    alone = SecretStore({}, env={}, patterns=[catalogue().pattern(entry)])
    masked = alone.redact(example.line)
    if set(example.secret) == {"*"}:
        assert masked == example.line
    else:
        assert masked == example.line.replace(example.secret, MASK, 1)
        assert example.secret not in masked
    found: list = []
    assert example.secret not in platform_store().redact(example.line, found=found) or set(example.secret) == {"*"}
    assert found == []  # a catalogued secret never reaches the second line of defence


def test_every_entry_says_where_it_comes_from_and_has_both_forms() -> None:
    for entry in catalogue().entries:
        assert entry.source.strip() and entry.clear and entry.encrypted, entry.name


@pytest.mark.parametrize("name", ["mgmt-user", "enable secret", "snmp-server community", "snmp-server host community",
                                  "snmp-server user auth-prot", "snmp-server user priv-prot", "vrrp authentication",
                                  "ike authentication pre-share (vpn-dialer)", "crypto isakmp key",
                                  "crypto-local isakmp key", "RADIUS/TACACS/RFC 3576 server key", "LDAP admin-passwd",
                                  "wpa-passphrase", "wep-key", "pre-shared-key (ha)", "ap-console-password",
                                  "bkup-passwords", "ntp authentication-key", "OSPF message-digest-key",
                                  "PPPoE password", "password (PPP, upgrade-profile, cppm username)"])
def test_the_issue_list_is_in_the_catalogue(name: str) -> None:
    assert name in {entry.name for entry in catalogue().entries}
    assert any(e.name.startswith("controller ipsec key (conductorip, masterip") for e in catalogue().entries)


def test_second_line_of_defence_masks_an_unknown_secret_and_the_log_names_the_line(
        caplog: pytest.LogCaptureFixture) -> None:
    text = ('hostname "mm-1"\n'
            'aaa frobnicate-server "f1"\n'
            '    host 10.150.1.40\n'
            '    radius-coa-key Zq7UnknownValue\n'
            '    tunnel secret 7 Wx8AnotherValue\n'
            '!\n')
    with caplog.at_level(logging.WARNING, logger="wifiops.secrets"):
        out = offline(platform_store())(text)
    assert "Zq7UnknownValue" not in out and "Wx8AnotherValue" not in out
    assert f"    radius-coa-key {MASK}\n" in out and f"    tunnel secret 7 {MASK}\n" in out
    assert out.count("\n") == text.count("\n")
    said = [r.getMessage() for r in caplog.records]
    assert any("unrecognised secret-like value masked: line 4, after `radius-coa-key`" in m for m in said)
    assert any("unrecognised secret-like value masked: line 5, after `secret`" in m for m in said)
    assert not any("Zq7UnknownValue" in m or "Wx8AnotherValue" in m for m in said)


def test_backups_mask_an_unknown_secret_with_the_same_keyed_hash_and_say_which_file(tmp_path: Path) -> None:
    scrub = Scrubber(platform_store(), b"k" * 32)
    said: list[str] = []
    text = "hostname mm-1\n    radius-coa-key Zq7UnknownValue\n"
    once, twice = scrub(text, where="louvre/mm-1/running-config.cfg", said=said), scrub(text)
    assert "Zq7UnknownValue" not in once and SCRUBBED in once and once == twice
    assert said == ["unrecognised secret-like value masked: louvre/mm-1/running-config.cfg:2, after "
                    "`radius-coa-key` (wifiops/aos8/secretcommands.yaml has no entry for it)"]


@pytest.mark.parametrize("line", [
    "   authentication pre-share ",                          # crypto isakmp policy: a method
    "authentication rsa-sig",
    'aaa authentication dot1x ".vlan1315" ',                 # a profile kind and its name
    'aaa authentication-server tacacs "TACACS_SERVER1" ',
    '   authentication-dot1x "default-psk" ',
    "crypto ipsec transform-set default-aes esp-aes256 esp-sha-hmac ",
    "ssh mgmt-auth public-key ",
    "aaa password-policy mgmt ",
    '   controller-ip "conductorip" 6633 ',
    "mgmt-user ssh-pubkey client-cert master-ssh-pub-cert seamless-logon read-only ",
    "  ppp authentication PAP",
    "   opmode wpa2-psk-aes ",
    "user-role authenticated ",
    "ntp server 10.150.0.1 key 1",                           # a key number
    "    ip ospf authentication message-digest",
    "    key-attribute \"sAMAccountName\"",                 # LDAP: an attribute name
    "Key  Installed  Expires(Grace period expiry)  Flags  Service Type",
    "secret 'radius_key' is not set: export WIFIOPS_SECRET_RADIUS_KEY or `radius_key:` in secrets.yaml",
])
def test_names_and_methods_that_look_like_secrets_are_left_alone(line: str) -> None:
    found: list = []
    assert platform_store().redact(line, found=found) == line and found == []


def test_an_error_quoting_configuration_lines_is_masked() -> None:
    """Issue 24: DuplicateChildError showed ('aaa authentication-server radius "x"', 'key <the key>')."""
    error = ("unexpected DuplicateChildError: Found a duplicate section: ('aaa authentication-server radius "
             "\"x\"', 'key Sup3rS3cret-k3y')")
    masked = platform_store().redact(error)
    assert "Sup3rS3cret-k3y" not in masked and f"'key {MASK}'" in masked


def test_console_error_and_crash_log_are_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Every console error line and the crash log go through the same masking: the values of every store
    of the run (here one holding a RADIUS key) and the catalogue (here a key quoted in an exception)."""
    platform_store(radius_key="Kn0wn-radius-value").get("radius_key")  # the command's store, gone when it fails

    def crash() -> None:
        raise KeyError("('aaa authentication-server radius \"x\"', 'key Cat4logued-value') with Kn0wn-radius-value")

    monkeypatch.setitem(options._state, "config", None)  # as a command's callback leaves it
    monkeypatch.setitem(options._loaded, "settings", Settings(root=tmp_path))
    monkeypatch.setattr(cli, "app", crash)
    with pytest.raises(SystemExit) as raised:
        cli.main()
    assert raised.value.code == 2
    console = capsys.readouterr().err
    [log] = list((tmp_path / "runs").rglob("run.log"))
    for text in (console, log.read_text()):
        assert "Cat4logued-value" not in text and "Kn0wn-radius-value" not in text
        assert MASK in text
    assert "unexpected KeyError" in console and "run.log" in console


def test_a_known_error_line_is_masked_too(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from wifiops.errors import WifiopsError

    def refuse() -> None:
        raise WifiopsError("mm-1 refused line 'wpa-passphrase Sh0wnOnce-psk': fix the inventory")

    monkeypatch.setattr(cli, "app", refuse)
    with pytest.raises(SystemExit):
        cli.main()
    err = capsys.readouterr().err
    assert "Sh0wnOnce-psk" not in err and f"'wpa-passphrase {MASK}" in err


def test_redact_anywhere_knows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIFIOPS_SECRET_SMTP_PASSWORD", "Env-only-value9")
    assert "Env-only-value9" not in redact_anywhere("smtp login refused for Env-only-value9")
