"""The `wifiops` program (and `python -m wifiops`): the command line's modules loaded with the cyclic garbage
collector paused, then frozen, before the command runs.

Why: loading Typer, rich and pydantic makes some hundred thousand objects that live as long as the process; the
collector scanned them some sixty times while they loaded, about 11 ms of every start (issue 26). Paused, then
`gc.freeze()` (they move to the generation no collection scans), the collector is back on for the command with
only its own objects to watch: a `watch` or `serve` that runs for days collects as before. A test that imports
wifiops.cli without this entry leaves the collector as it found it.
"""

from __future__ import annotations

import gc

_paused = False


def main() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True
    from wifiops import cli

    cli.STARTING.append(resume)
    cli.main()


def resume() -> None:
    """The collector back on, what loaded so far frozen: run as the command starts (the root's callback)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
