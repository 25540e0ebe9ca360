"""`wifiops serve`: the read-only page for the Louvre's staff, from the store `wifiops watch` fills."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from wifiops.face.options import InventoryOption, settings
from wifiops.face.output import errors


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on. On 127.0.0.1 (::1, localhost) no login "
                                      "is asked: only this machine reaches it; on any other, a login.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8080,
    refresh: Annotated[float, typer.Option("--refresh", min=1.0, max=3600.0, help="Seconds between two refreshes of an open "
                                           "page.")] = 30.0,
    login: Annotated[bool, typer.Option("--login", help="Ask for the login on 127.0.0.1 too (behind a reverse "
                                        "proxy on this machine, every visitor comes from 127.0.0.1).")] = False,
    cert: Annotated[Optional[Path], typer.Option("--cert", help="TLS certificate (PEM): serve HTTPS.")] = None,
    key: Annotated[Optional[Path], typer.Option("--key", help="The certificate's private key (PEM).")] = None,
    name: Annotated[Optional[list[str]], typer.Option("--name", help="A host name the page is reached by (its DNS "
                                                      "name, a proxy's): requests for any other name are refused. "
                                                      "This machine's names and localhost are always served.")] = None,
    inventory: InventoryOption = None,
) -> None:
    """The page: connections now by site, zone and SSID; access points by site and group (up, down, priority);
    open incidents and their deadlines; availability this month against the target. Figures only, from the
    watch's latest cycle and statistics sample, refreshed in the open page. The login (off 127.0.0.1) is the
    secrets `staff_page_user` and `staff_page_password` (WIFIOPS_SECRET_STAFF_PAGE_PASSWORD or the secrets file)."""
    import ssl

    from aiohttp import web

    from wifiops.errors import WifiopsError
    from wifiops.estate import Estate
    from wifiops.face.web.app import Login, make_app, needs_login, password_problem, served_names
    from wifiops.readers import read_bytes

    chosen = settings()
    directory = chosen.inventory_dir(inventory)
    account = None
    if needs_login(host, login):
        store = Estate.open(chosen, directory).store
        user, password = store.get("staff_page_user"), store.get("staff_page_password")
        if not user.strip():
            raise WifiopsError("staff_page_user is empty: set it in the secrets store; nothing was served")
        weak = password_problem(user, password)
        if weak is not None:
            raise WifiopsError(f"staff_page_password {weak}: the page is reached from the network off 127.0.0.1, "
                               "so it needs a strong password (set it in the secrets store); nothing was served")
        account = Login(user, password)
    context = None
    if cert or key:
        if not (cert and key):
            raise typer.BadParameter("--cert and --key go together")
        for pem in (cert, key):
            read_bytes(pem, 1 << 20, "PEM file")  # a FIFO or a device would hang ssl: refused here, in one line
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            context.load_cert_chain(cert, key)
        except (OSError, ssl.SSLError) as exc:
            reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or type(exc).__name__
            raise WifiopsError(f"--cert {cert} --key {key}: not a certificate and its private key in PEM ({reason}); "
                               "nothing was served") from None
    elif account is not None:
        errors.print("warning: the login travels in clear without --cert/--key: serve HTTPS, or put a TLS proxy in "
                     "front", markup=False, highlight=False)
    _log_to_stderr()
    app = make_app(chosen, directory, refresh_s=refresh, login=account, secure=context is not None,
                   names=served_names(host, name or ()))
    scheme = "https" if context else "http"

    def listening(_: object) -> None:  # called by run_app once the port is bound, not before
        errors.print(f"serving the staff page on {scheme}://{host}:{port}/ "
                     f"({'login required' if account else 'no login'}); Ctrl-C stops it", markup=False, highlight=False)
    try:
        web.run_app(app, host=host, port=port, ssl_context=context, print=listening, access_log=None)
    except OSError as exc:  # a taken port, an address not of this machine, a name that does not resolve
        import errno

        if exc.errno == errno.EADDRINUSE:
            reason = "the port is taken by another server: choose another --port, or stop that server"
        elif exc.errno == errno.EADDRNOTAVAIL:
            reason = "the address is not one of this machine's: give one of its addresses, or 0.0.0.0"
        else:
            reason = f"{exc.strerror or exc}: give one of this machine's addresses (or 0.0.0.0) as --host"
        raise WifiopsError(f"cannot listen on {host} port {port}: {reason}") from None


def _log_to_stderr() -> None:
    """The page's log (logins, lockouts, refused requests) on stderr, one dated line each."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    for logger_name in ("wifiops.serve", "aiohttp"):
        logger = logging.getLogger(logger_name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
