"""`wifiops mail-test`: send one message through the mail settings of wifiops.yaml, before an alert needs them."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from wifiops.face.options import JsonOption, settings
from wifiops.face.output import console, emit_json, errors, warnings

ToOption = Annotated[Optional[list[str]], typer.Option(
    "--to", help="Send to this address (repeatable; default: mail.recipients of wifiops.yaml).")]


def mail_test_command(to: ToOption = None, json: JsonOption = False) -> None:
    """Send "wifiops: test message" to the configured recipients (or --to) and say where it went.
    Exit 0 sent, 2 not sent."""
    from wifiops.estate import Estate
    from wifiops.notify import TEST_SUBJECT, NotifyError, send_test_mail, server_of

    chosen = settings()
    store = Estate.open(chosen).store
    warnings(store.warnings)
    server = server_of(chosen)
    try:
        sent = send_test_mail(chosen, redact=store.redact, recipients=to)
    except NotifyError as exc:
        if json:
            emit_json({"sent": False, "server": server, "error": str(exc)})
        errors.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    refused = [r for r in (to or chosen.mail.recipients) if r not in sent]
    if json:
        emit_json({"sent": True, "server": server, "subject": TEST_SUBJECT, "sender": chosen.mail.sender,
                   "recipients": sent, "refused": refused})
    else:
        console.print(f"sent {TEST_SUBJECT!r} through {server} to {', '.join(sent)}", markup=False,
                      highlight=False, soft_wrap=True)
        if refused:
            warnings([f"the mail server refused {', '.join(refused)}: check mail.recipients in wifiops.yaml"])
    raise typer.Exit(0)
