"""`wifiops serve`: the read-only page for the Louvre's staff, from the store `wifiops watch` fills."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wifiops.face.options import InventoryOption, settings
from wifiops.face.output import errors


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on. On 127.0.0.1 (::1, localhost) no login "
                                      "is asked: only this machine reaches it; on any other, a login.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8080,
    refresh: Annotated[float, typer.Option("--refresh", min=1.0, help="Seconds between two refreshes of an open "
                                           "page.")] = 30.0,
    login: Annotated[bool, typer.Option("--login", help="Ask for the login on 127.0.0.1 too (behind a reverse "
                                        "proxy on this machine, every visitor comes from 127.0.0.1).")] = False,
    cert: Annotated[Optional[Path], typer.Option("--cert", help="TLS certificate (PEM): serve HTTPS.")] = None,
    key: Annotated[Optional[Path], typer.Option("--key", help="The certificate's private key (PEM).")] = None,
    inventory: InventoryOption = None,
) -> None:
    """The page: connections now by site, zone and SSID; access points by site and group (up, down, priority);
    open incidents and their deadlines; availability this month against the target. Figures only, from the
    watch's latest cycle and statistics sample, refreshed in the open page. The login (off 127.0.0.1) is the
    secrets `staff_page_user` and `staff_page_password` (WIFIOPS_SECRET_STAFF_PAGE_PASSWORD or the secrets file)."""
    import ssl

    from aiohttp import web

    from wifiops.estate import secret_store
    from wifiops.face.web.app import Login, make_app, needs_login

    chosen = settings()
    directory = chosen.inventory_dir(inventory)
    account = None
    if needs_login(host, login):
        store = secret_store(chosen, directory)
        account = Login(store.get("staff_page_user"), store.get("staff_page_password"))
    context = None
    if cert or key:
        if not (cert and key):
            raise typer.BadParameter("--cert and --key go together")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
    elif account is not None:
        errors.print("warning: the login travels in clear without --cert/--key: serve HTTPS, or put a TLS proxy in "
                     "front", markup=False, highlight=False)
    app = make_app(chosen, directory, refresh_s=refresh, login=account, secure=context is not None)
    scheme = "https" if context else "http"
    errors.print(f"serving the staff page on {scheme}://{host}:{port}/ ({'login required' if account else 'no login'}); "
                 "Ctrl-C stops it", markup=False, highlight=False)
    web.run_app(app, host=host, port=port, ssl_context=context, print=None, access_log=None)
