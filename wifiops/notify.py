"""Mail to the engineers: a failed nightly backup must reach them even when nobody reads the run journal.

Sent with the standard library alone (smtplib, EmailMessage) through the SMTP server of `wifiops.yaml`
(`mail:` smtp_host, smtp_port, sender, recipients). Subject and body pass through the caller's `redact`
(the run's SecretStore) before a message is even built, so no secret can reach a server, a queue or an
inbox. Left out for now: STARTTLS and SMTP login. They belong in `_open` (after EHLO: `starttls()` then
`login()` with a password from the SecretStore), with their settings under `mail:`; nothing else changes.
"""

from __future__ import annotations

import getpass
import smtplib
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from wifiops.errors import WifiopsError
from wifiops.settings import Settings

HINT_RECIPIENTS = ("mail is off: set `mail.recipients` in wifiops.yaml (a list of addresses) to turn it on, "
                   "then `wifiops mail-test`")
TEST_SUBJECT = "wifiops: test message"


class NotifyError(WifiopsError):
    """A mail was not sent: no recipient, the server unreachable, or the server refused it. One line, with
    what to do."""


@dataclass(frozen=True)
class Message:
    """What a mail says once scrubbed: the only form `compose` takes, so an unscrubbed text cannot be sent."""

    subject: str
    body: str

    @classmethod
    def scrubbed(cls, subject: str, body: str, redact: Callable[[str], str]) -> Message:
        """Redact line by line as written (the platform's secret patterns end at a line's end), then fold
        the subject to one line: a header cannot carry a line break."""
        subject = redact(_lines(subject))
        return cls(subject=" ".join(subject.split()), body=redact(_lines(body)))


def send_mail(settings: Settings, subject: str, body: str, *, redact: Callable[[str], str],
              recipients: Sequence[str] | None = None, timeout: float = 10.0,
              attachments: Sequence[tuple[str, bytes, str]] = ()) -> list[str]:
    """Send one plain-text UTF-8 mail to `recipients` (default: mail.recipients of wifiops.yaml), with
    `attachments` (file name, content, MIME type such as application/pdf: the DOE) when given.

    Returns the recipients the server accepted; raises NotifyError when it accepted none, or when there is
    nobody to send to. `timeout` bounds the connection and each answer of the server, in seconds.
    """
    to = list(recipients or settings.mail.recipients)
    if not to:
        raise NotifyError(HINT_RECIPIENTS)
    message = compose(settings, Message.scrubbed(subject, body, redact), to)
    for name, content, kind in attachments:
        main, _, sub = kind.partition("/")
        message.add_attachment(content, maintype=main, subtype=sub, filename=name)
    where = server_of(settings)
    try:
        client = _open(settings, timeout)
        try:
            refused = client.send_message(message, from_addr=settings.mail.sender, to_addrs=to)
        finally:
            _close(client)
    except smtplib.SMTPRecipientsRefused as exc:
        raise NotifyError(f"the mail server {where} refused every recipient ({', '.join(exc.recipients)}): "
                          f"check mail.recipients in wifiops.yaml") from None
    except smtplib.SMTPSenderRefused as exc:
        raise NotifyError(f"the mail server {where} refused the sender {exc.sender!r} ({_said(exc)}): "
                          "set mail.sender in wifiops.yaml to an address it accepts") from None
    except smtplib.SMTPServerDisconnected as exc:
        raise NotifyError(f"the mail server {where} closed the connection or did not answer within "
                          f"{timeout:g} s ({exc}): check that {where} is an SMTP server "
                          "(mail.smtp_host, mail.smtp_port in wifiops.yaml) and that it is running") from None
    except smtplib.SMTPResponseException as exc:
        raise NotifyError(f"the mail server {where} refused the mail ({_said(exc)}): ask its administrator "
                          "what it expects from wifiops") from None
    except smtplib.SMTPException as exc:
        raise NotifyError(f"the mail server {where} could not take the mail ({exc}): ask its administrator "
                          "what it expects from wifiops") from None
    except OSError as exc:  # refused, timed out, no route, unknown host
        raise NotifyError(f"cannot reach the mail server {where} ({_reason(exc, timeout)}): check "
                          "mail.smtp_host and mail.smtp_port in wifiops.yaml and that the server is running"
                          ) from None
    return [r for r in to if r not in refused]


def send_test_mail(settings: Settings, *, redact: Callable[[str], str], recipients: Sequence[str] | None = None,
                   timeout: float = 10.0) -> list[str]:
    """The message `wifiops mail-test` sends: says who sent it, from where, and through which settings, so a
    recipient can tell a test from an alert."""
    body = (f"This is a test message from wifiops, sent by {_user()} on {socket.gethostname()} through the mail "
            f"server {server_of(settings)}, to check the mail settings of wifiops.yaml ({settings.root}).\n"
            "Nothing to do: alerts (a failed nightly backup, a failed playbook step) will come the same way.\n")
    return send_mail(settings, TEST_SUBJECT, body, redact=redact, recipients=recipients, timeout=timeout)


def compose(settings: Settings, message: Message, recipients: Sequence[str]) -> EmailMessage:
    """The mail as it will leave: From, To, Subject, Date, Message-ID, text/plain in UTF-8."""
    for role, address in [("mail.sender", settings.mail.sender), *(("mail.recipients", r) for r in recipients)]:
        if not address or any(c.isspace() or not c.isprintable() for c in address) or "," in address:
            raise NotifyError(f"{role}: {address!r} is not one email address: fix it in wifiops.yaml")
    mail = EmailMessage()
    mail["From"] = settings.mail.sender
    mail["To"] = ", ".join(recipients)
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=True)
    # The sender's domain, not socket.getfqdn(): that asks DNS, which a lab or a closed network may not answer.
    mail["Message-ID"] = make_msgid("wifiops", domain=settings.mail.sender.rpartition("@")[2] or "localhost")
    mail.set_content(message.body, charset="utf-8")
    return mail


def server_of(settings: Settings) -> str:
    """host:port as people write it ([::1]:25 for an IPv6 address)."""
    host = settings.mail.smtp_host
    return f"[{host}]:{settings.mail.smtp_port}" if ":" in host else f"{host}:{settings.mail.smtp_port}"


def _open(settings: Settings, timeout: float) -> smtplib.SMTP:
    """A connected client, EHLO done by smtplib on first use. STARTTLS and login would go here."""
    # EHLO with the machine's own name: smtplib's default (getfqdn) asks DNS and can hang where there is none.
    return smtplib.SMTP(settings.mail.smtp_host, settings.mail.smtp_port, timeout=timeout,
                        local_hostname=socket.gethostname() or "localhost")


def _close(client: smtplib.SMTP) -> None:
    """QUIT politely; a mail already accepted stays sent whatever the server says to QUIT."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _lines(text: str) -> str:
    """One kind of line end: the secret patterns end at `$`, which a stray \\r would hide a secret from."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _said(exc: smtplib.SMTPResponseException) -> str:
    said = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(said.split())}"


def _reason(exc: OSError, timeout: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return f"unknown host: {exc.strerror or exc}"
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "an unnamed user"
