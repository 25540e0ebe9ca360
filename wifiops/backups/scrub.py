"""What a backup holds instead of a secret, and without the noise: before anything touches disk.

A secret becomes `<scrubbed:1a2b3c4d5e6f>`: a keyed hash (HMAC-SHA256 with a key kept in the backup
repository's .git, never committed), so the same secret always reads the same (no noisy diffs) and a
changed secret shows as a change, while the file never holds anything that gives the secret back.
Which secrets: every value the secrets store knows, and whatever follows ArubaOS 8's secret keywords
(the catalogue, wifiops/aos8/secretcommands.yaml), through the store's one `redact`. A value the catalogue
does not know but that follows a secret-looking word is masked too (the second line of defence), and
the run log names its line so that the catalogue can be completed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wifiops.aos8.backup import drop_noise
from wifiops.secrets import SCRUBBED, SecretStore, Unrecognised

KEY_FILE = "wifiops-scrub.key"
log = logging.getLogger("wifiops.secrets")


def load_key(git_dir: Path) -> bytes:
    """The repository's scrub key, made on first use (0600, inside .git: never committed or pushed)."""
    path = git_dir / KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


@dataclass(frozen=True)
class Scrubber:
    store: SecretStore
    key: bytes

    def mask(self, secret: str) -> str:
        digest = hmac.new(self.key, secret.encode("utf-8"), hashlib.sha256).hexdigest()[:12]
        return f"{SCRUBBED}{digest}>"

    def __call__(self, text: str, where: str = "", said: list[str] | None = None) -> str:
        """`text` scrubbed; `where` (the file) names it in what the second line of defence says, which is
        logged and, with `said`, added to it (the report's warnings)."""
        return drop_noise(_reported(self.store, text, self.mask, where, said))

    def secrets(self, text: str, where: str = "", said: list[str] | None = None) -> str:
        """`text` scrubbed of its secrets only, every line kept (JSON has no device noise)."""
        return _reported(self.store, text, self.mask, where, said)

    def tokens(self, text: str) -> dict[str, str]:
        """{keyed hash: secret} for every secret in `text`: what turns a plan's `<scrubbed:...>` back into the
        value to send (kept in memory by the apply, never written)."""
        found: dict[str, str] = {}

        def remember(secret: str) -> str:
            token = self.mask(secret)
            found[token] = secret
            return token

        self.store.redact(text, mask=remember)
        return found


def offline(store: SecretStore, where: str = "") -> Callable[[str], str]:
    """`wifiops config scrub`: no repository at hand, so secrets read as ****** (nothing to compare with)."""
    return lambda text: drop_noise(_reported(store, text, None, where, None))


def _reported(store: SecretStore, text: str, mask: Callable[[str], str] | None, where: str,
              said: list[str] | None) -> str:
    """The store's masking, each value only the second line of defence caught said in the log by its line
    number and the word before it (never the value): the catalogue lacks an entry there."""
    found: list[Unrecognised] = []
    text = store.redact(text, mask=mask, found=found)
    for hit in found:
        line = (f"{where}:{hit.line}" if where else f"line {hit.line}")
        message = (f"unrecognised secret-like value masked: {line}, after `{hit.word}` "
                   f"(wifiops/aos8/secretcommands.yaml has no entry for it)")
        log.warning("%s", message)
        if said is not None:
            said.append(message)
    return text
