"""Masking for text with no store at hand (a crash, an error line, a warning): the secrets every store of this
process read or handed out, the environment's, and the platform's catalogue with its second line of defence.

It lives with the platform, above the secrets store it composes: the store (data) knows values, the platform
knows which ArubaOS 8 commands carry a secret; one function over both keeps the arrows pointing down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wifiops.aos8.platform import aos8
from wifiops.secrets import SecretStore, process_known

if TYPE_CHECKING:
    pass


def redact_anywhere(text: str) -> str:
    """Mask `text` with every secret this process knows and the platform's catalogue: for what reaches the
    console or a crash log outside any command's own store (a crash, an error line)."""
    store = SecretStore({}, patterns=aos8().secret_patterns, guard=aos8().secret_guard)
    store.remember(*process_known())
    return store.redact(text)
