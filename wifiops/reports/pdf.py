"""HTML to an A4 PDF through headless Chromium, as the diff report's print test does: the page's own
`@page { size: A4 }` decides the paper, Chromium's header and footer are left out.

Chromium is a system package (`scripts/install-chromium`); without it a PDF cannot be made and the command
says so, the Markdown and HTML are still written.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from wifiops.errors import WifiopsError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html: Path, pdf: Path, *, timeout: float = 180) -> None:
    """Print `html` (a file, so relative images resolve) to `pdf`."""
    chromium = browser()
    if chromium is None:
        raise WifiopsError("no Chromium to print the PDF with: run scripts/install-chromium (as root), or use "
                           "--format md or html")
    with tempfile.TemporaryDirectory(prefix="wifiops-chromium-") as profile:
        try:
            subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                            "--no-first-run", "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
                            "--no-pdf-header-footer", html.resolve().as_uri()],
                           check=True, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise WifiopsError(f"Chromium did not print {html} within {timeout:g} s") from None
        except subprocess.CalledProcessError as exc:
            last = (exc.stderr or b"").decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
            raise WifiopsError(f"Chromium could not print {html}: {last[0]}") from None
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise WifiopsError(f"Chromium printed nothing from {html}")
