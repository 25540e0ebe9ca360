"""How the lab lays out configuration text: the indentation of block bodies, per command.

Why a choice: real captures disagree (docs/lab.md, "Configuration layout"). The `real` layout follows the
best evidence per command: `show running-config` of 8.10 indents block bodies by 3 spaces (netutils'
8.10+ controller, 1,500 lines), `show configuration committed` / `effective` by 4 (mm-differ's untouched
MM output). The others print every command one way, so that the toolkit can be run against each layout a
real device might print: `flush` (oxidized's 8.10.0.7 7210, probably re-typed), `indent3`, `indent4` (what
the lab printed everywhere before).

Chosen with `wifiops lab up --config-layout NAME`, or in tests with $WIFIOPS_LAB_LAYOUT (read by the
in-process lab, wifiops.lab.testing), or `RunningLab.set_layout(NAME)`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ENV = "WIFIOPS_LAB_LAYOUT"
INDENTS = {"flush": "", "indent3": "   ", "indent4": "    "}
# per command under the `real` layout (the command's action name in grammar.yaml)
REAL = {"running-config": "indent3", "committed": "indent4", "effective": "indent4"}
NAMES = ("real", *INDENTS)


class LayoutError(ValueError):
    """An unknown layout name."""


@dataclass(frozen=True)
class Layout:
    name: str = "real"

    def __post_init__(self) -> None:
        if self.name not in NAMES:
            raise LayoutError(f"unknown configuration layout {self.name!r}; expected one of {', '.join(NAMES)}")

    def indent(self, command: str) -> str:
        """The indentation of block bodies in what `command` prints (running-config, committed, effective)."""
        return INDENTS[REAL.get(command, "indent4") if self.name == "real" else self.name]


def from_env(default: str = "real") -> Layout:
    """The layout $WIFIOPS_LAB_LAYOUT names (the test lab's), else `default`."""
    return Layout(os.environ.get(ENV) or default)
