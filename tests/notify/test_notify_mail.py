"""Mail (issue 13) through a real SMTP server on 127.0.0.1 (wifiops.testing_smtp): what arrives, what never
does (secrets), and the one-line refusals when there is nobody to send to or no server to send through."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.aos8.platform import aos8
from wifiops.cli import app
from wifiops.notify import NotifyError, send_mail
from wifiops.secrets import MASK, SecretStore
from wifiops.settings import Settings
from wifiops.testing_smtp import SmtpServer

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
KNOWN = "s3cr3t-value"  # a value the store knows by name
PSK = "foo-psk-0815"  # a value it never knew, found by the platform's `wpa-passphrase <secret>` pattern
NOC = ["noc@louvre.test", "wifi-team@louvre.test"]


def store() -> SecretStore:
    return SecretStore({"radius_key": KNOWN}, env={}, patterns=aos8().secret_patterns)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A 127.0.0.1 port nothing listens on (the kernel's pick, released): connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield port


def test_a_mail_reaches_the_server_with_subject_body_sender_and_recipients(smtp_server: SmtpServer) -> None:
    settings = smtp_server.settings_for(recipients=NOC, sender="wifiops@louvre.test")
    sent = send_mail(settings, "wifiops: nightly backup failed — mm-1", "mm-1: no answer within 30 s\nÉchec.\n",
                     redact=store().redact)
    assert sent == NOC
    [mail] = smtp_server.messages
    assert mail.sender == "wifiops@louvre.test" and mail.recipients == NOC
    assert mail.subject == "wifiops: nightly backup failed — mm-1"
    assert mail.body == "mm-1: no answer within 30 s\nÉchec.\n"
    assert mail.message["From"] == "wifiops@louvre.test"
    assert [a.strip() for a in str(mail.message["To"]).split(",")] == NOC
    assert mail.message["Date"] and str(mail.message["Message-ID"]).endswith("@louvre.test>")
    assert mail.message.get_content_type() == "text/plain"
    assert mail.message.get_content_charset() == "utf-8"


def test_given_recipients_replace_the_configured_ones(smtp_server: SmtpServer) -> None:
    settings = smtp_server.settings_for(recipients=NOC)
    assert send_mail(settings, "s", "b", redact=store().redact, recipients=["oncall@louvre.test"]) == [
        "oncall@louvre.test"]
    assert smtp_server.messages[0].recipients == ["oncall@louvre.test"]


def test_no_secret_reaches_the_server_known_or_after_a_keyword(smtp_server: SmtpServer) -> None:
    settings = smtp_server.settings_for(recipients=NOC)
    subject = f"apply failed on mm-1 ({KNOWN} refused)\nwlan ssid-profile Louvre-Staff\n wpa-passphrase {PSK}"
    body = (f"mm-1 refused a line:\r\nwlan ssid-profile Louvre-Staff\r\n  wpa-passphrase {PSK}\r\n"
            f'  wpa-passphrase "{PSK} quoted"\n'
            f"aaa authentication-server radius ClearPass\n  key {KNOWN}\n\nthe radius key was {KNOWN}.\n")
    send_mail(settings, subject, body, redact=store().redact)
    [mail] = smtp_server.messages
    assert mail.message["Content-Transfer-Encoding"] == "7bit"  # so the raw bytes below are the text itself
    for secret in (KNOWN, PSK, "quoted"):
        assert secret.encode() not in mail.raw
        assert secret not in mail.subject and secret not in mail.body
    assert mail.subject == f"apply failed on mm-1 ({MASK} refused) wlan ssid-profile Louvre-Staff wpa-passphrase {MASK}"
    assert f"  wpa-passphrase {MASK}\n" in mail.body and f'  wpa-passphrase "{MASK}"\n' in mail.body
    assert f"the radius key was {MASK}." in mail.body


def test_no_recipient_is_refused_with_where_to_set_them(smtp_server: SmtpServer) -> None:
    settings = smtp_server.settings_for(recipients=[])
    with pytest.raises(NotifyError, match=r"set `mail\.recipients` in wifiops\.yaml"):
        send_mail(settings, "s", "b", redact=store().redact)
    assert smtp_server.messages == []


def test_an_address_with_a_line_break_is_refused_before_anything_leaves(smtp_server: SmtpServer) -> None:
    settings = smtp_server.settings_for(recipients=["noc@louvre.test\nBcc: someone@else.test"])
    with pytest.raises(NotifyError, match=r"mail\.recipients: .* is not one email address"):
        send_mail(settings, "s", "b", redact=store().redact)
    assert smtp_server.messages == []


def test_a_closed_port_is_named_at_once(closed_port: int) -> None:
    settings = Settings(mail={"smtp_host": "127.0.0.1", "smtp_port": closed_port, "recipients": NOC})
    started = time.monotonic()
    with pytest.raises(NotifyError) as caught:
        send_mail(settings, "s", "b", redact=store().redact, timeout=30)
    assert time.monotonic() - started < 15  # refused at once, not after the 30 s timeout (bound generous for load)
    message = str(caught.value)
    assert f"127.0.0.1:{closed_port}" in message and "connection refused" in message
    assert "mail.smtp_host and mail.smtp_port" in message and "\n" not in message


def test_a_server_that_never_answers_fails_within_the_timeout() -> None:
    """A port that accepts TCP but never greets (a firewall's black hole, a non-SMTP service): bounded."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        settings = Settings(mail={"smtp_host": "127.0.0.1", "smtp_port": port, "recipients": NOC})
        started = time.monotonic()
        with pytest.raises(NotifyError, match=rf"127\.0\.0\.1:{port}.*0\.3 s"):
            send_mail(settings, "s", "b", redact=store().redact, timeout=0.3)
        assert time.monotonic() - started < 15  # bounded by the timeout (none would hang), generous for load


# --- wifiops mail-test ----------------------------------------------------------------------------------------

def config(tmp_path: Path, mail: str) -> Path:
    path = tmp_path / "wifiops.yaml"
    path.write_text("\n".join([f"inventory: {REPO / 'inventory' / 'lab'}", f"run_dir: {tmp_path / 'runs'}",
                               f"secrets_file: {tmp_path / 'none.yaml'}"]) + "\n" + mail)
    return path


def test_mail_test_sends_to_the_configured_recipients_and_says_where(smtp_server: SmtpServer,
                                                                     tmp_path: Path) -> None:
    cfg = config(tmp_path, smtp_server.yaml(NOC, sender="wifiops@louvre.test"))
    result = runner.invoke(app, ["--config", str(cfg), "mail-test"])
    assert result.exit_code == 0, result.output
    assert f"127.0.0.1:{smtp_server.port}" in result.stdout and all(r in result.stdout for r in NOC)
    [mail] = smtp_server.messages
    assert mail.subject == "wifiops: test message" and mail.recipients == NOC
    assert mail.sender == "wifiops@louvre.test" and "test message from wifiops" in mail.body
    assert "lab-radius-key" not in mail.body  # the lab inventory's store scrubs; nothing of it belongs here


def test_mail_test_to_given_addresses_as_json(smtp_server: SmtpServer, tmp_path: Path) -> None:
    cfg = config(tmp_path, smtp_server.yaml(NOC))
    result = runner.invoke(app, ["--config", str(cfg), "mail-test", "--to", "a@louvre.test", "--to", "b@louvre.test",
                                 "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["sent"] is True and report["recipients"] == ["a@louvre.test", "b@louvre.test"]
    assert report["server"] == f"127.0.0.1:{smtp_server.port}" and report["refused"] == []
    assert smtp_server.messages[0].recipients == ["a@louvre.test", "b@louvre.test"]


def test_mail_test_without_recipients_exits_2_with_one_line(smtp_server: SmtpServer, tmp_path: Path) -> None:
    cfg = config(tmp_path, smtp_server.yaml([]))
    result = runner.invoke(app, ["--config", str(cfg), "mail-test"])
    assert result.exit_code == 2
    assert result.stdout == "" and result.stderr.count("\n") == 1 and "mail.recipients" in result.stderr
    assert smtp_server.messages == []


def test_mail_test_to_a_closed_port_exits_2_and_says_so_in_json(closed_port: int, tmp_path: Path) -> None:
    cfg = config(tmp_path, f"mail:\n  smtp_port: {closed_port}\n  recipients: [noc@louvre.test]\n")
    result = runner.invoke(app, ["--config", str(cfg), "mail-test", "--json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["sent"] is False and f"127.0.0.1:{closed_port}" in report["error"]
    assert result.stderr.startswith("error: cannot reach the mail server") and result.stderr.count("\n") == 1
