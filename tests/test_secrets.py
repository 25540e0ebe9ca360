"""The secrets store: ssh's rule for the user's secrets file, malformed files said with their line, and
redaction of known values and of secrets found by pattern (issue 6, item 7)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from wifiops.errors import SecretError
from wifiops.estate import Estate
from wifiops.secrets import MASK, SecretStore
from wifiops.settings import Settings

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "fixtures" / "inventories" / "base"


def secrets_file(tmp_path: Path, text: str = "password: from-the-file\nradius_key: k3y\n", mode: int = 0o600) -> Path:
    path = tmp_path / "secrets.yaml"
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.mark.parametrize(("mode", "who"), [(0o620, "its group"), (0o602, "every user"),
                                           (0o666, "its group and every user")])
def test_secrets_file_others_can_write_is_refused(tmp_path: Path, mode: int, who: str) -> None:
    path = secrets_file(tmp_path, mode=mode)
    with pytest.raises(SecretError) as raised:
        SecretStore.for_inventory(None, path)
    message = str(raised.value)
    assert str(path) in message and f"writable by {who}" in message
    assert f"chmod 600 {path}" in message


def test_secrets_file_everyone_can_read_is_used_with_a_warning(tmp_path: Path) -> None:
    path = secrets_file(tmp_path, mode=0o644)
    store = SecretStore.for_inventory(None, path)
    assert store.get("radius_key") == "k3y"
    [warning] = store.warnings
    assert str(path) in warning and "readable by every user" in warning and f"chmod 600 {path}" in warning


def test_private_secrets_file_gives_no_warning(tmp_path: Path) -> None:
    store = SecretStore.for_inventory(None, secrets_file(tmp_path, mode=0o600))
    assert store.warnings == [] and store.login_password() == "from-the-file"


def test_lab_secrets_file_is_not_permission_checked(tmp_path: Path) -> None:
    # In git, checked out 0644 (git keeps no other mode): lab values only.
    lab = secrets_file(tmp_path, "password: lab-admin\n", mode=0o664)
    store = SecretStore.for_inventory(lab, None)
    assert store.login_password() == "lab-admin" and store.warnings == []


def test_missing_user_file_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIFIOPS_PASSWORD", raising=False)
    store = SecretStore.for_inventory(None, tmp_path / "absent.yaml", patterns=())
    assert store.login_password() is None and store.warnings == []
    with pytest.raises(SecretError, match="export WIFIOPS_SECRET_RADIUS_KEY"):
        store.get("radius_key")


@pytest.mark.parametrize(("text", "line", "words"), [
    (b"password: ok\nradius_key: [unclosed\n", 3, "malformed YAML"),
    (b"- password\n- radius_key\n", 1, "maps secret names to values"),
    (b"password: ok\nradius_key: 12345678\n", 2, "radius_key: a secret value must be text"),
    (b"password: ok\nradius_key:\n  nested: value\n", 2, "radius_key: a secret value must be text"),
    (b"password: ok\nradius_key: caf\xe9\n", 2, "not UTF-8"),
])
def test_malformed_secrets_file_names_file_and_line(tmp_path: Path, text: bytes, line: int, words: str) -> None:
    path = tmp_path / "secrets.yaml"
    path.write_bytes(text)
    path.chmod(0o600)
    with pytest.raises(SecretError) as raised:
        SecretStore.for_inventory(None, path)
    message = str(raised.value)
    assert f"{path}:{line}:" in message and words in message
    assert "12345678" not in message  # a value, even a wrong one, is never echoed


@pytest.mark.parametrize("kind", ["fifo", "oversized", "link-loop"])
def test_secrets_file_that_is_no_plain_small_file_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "secrets.yaml"
    if kind == "fifo":
        os.mkfifo(path, 0o600)
    elif kind == "oversized":
        with path.open("wb") as handle:
            handle.truncate(64 * 2**20)
        path.chmod(0o600)
    else:
        path.symlink_to(path.name)
    with pytest.raises(SecretError) as raised:
        SecretStore.for_inventory(None, path)
    expected = {"fifo": "named pipe", "oversized": "over the 16 MiB limit", "link-loop": "symbolic link loop"}
    assert str(path) in str(raised.value) and expected[kind] in str(raised.value)


def test_nornir_refuses_a_secrets_file_others_can_write(tmp_path: Path) -> None:
    inventory = tmp_path / "inv"
    shutil.copytree(BASE, inventory)
    (inventory / "inventory.yaml").unlink()  # no lab secrets file: the user's is read
    path = secrets_file(tmp_path, mode=0o660)
    with pytest.raises(SecretError, match="chmod 600"):
        Estate.open(Settings(root=REPO, secrets_file=path), inventory).nornir


# Patterns of the kind the platform layer passes: the secret is the named group, the keyword stays.
PATTERNS = [re.compile(r"(?m)^(\s*wpa-passphrase\s+)(?P<secret>\S+)"),
            re.compile(r"\bkey\s+(?P<secret>\S+)"),
            re.compile(r"ipsec\s+(?:(?P<secret>[0-9a-f]{16,})|\*+)")]


def test_redact_masks_what_patterns_find_and_keeps_the_rest() -> None:
    store = SecretStore({}, env={}, patterns=PATTERNS)
    text = ('wlan ssid-profile "Intra"\n   wpa-passphrase 0123abcd-never-seen\n'
            "aaa authentication-server radius rad1\n   key Sh4red!Secret\n"
            "masterip 10.0.0.1 ipsec 00112233445566778899 interface vlan 1\n"
            "masterip 10.0.0.2 ipsec ********\n")
    redacted = store.redact(text)
    assert "0123abcd-never-seen" not in redacted and "Sh4red!Secret" not in redacted
    assert "00112233445566778899" not in redacted
    assert f"   wpa-passphrase {MASK}\n" in redacted
    assert f"   key {MASK}\n" in redacted
    assert f"masterip 10.0.0.1 ipsec {MASK} interface vlan 1\n" in redacted
    assert "masterip 10.0.0.2 ipsec ********\n" in redacted  # the group took no part: left as it was
    assert redacted.count("\n") == text.count("\n")


def test_redact_masks_known_values_then_patterns(tmp_path: Path) -> None:
    store = SecretStore.for_inventory(secrets_file(tmp_path), None, patterns=PATTERNS)
    text = "login password from-the-file\n   key k3y\nhostname mm-1\n" * 4000  # 12,000 lines
    redacted = store.redact(text)
    assert "from-the-file" not in redacted and "k3y" not in redacted
    assert redacted == f"login password {MASK}\n   key {MASK}\nhostname mm-1\n" * 4000


def test_pattern_without_a_secret_group_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no \\(\\?P<secret>"):
        SecretStore({}, patterns=[re.compile(r"key \S+")])
