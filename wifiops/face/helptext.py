"""`--help` as people read it: a flag shows no `<bool>` type, and a command's line in a group's list is its
first paragraph joined, wrapped by the terminal, not the docstring's hard line breaks. And one error style:
a usage error (a bad option value) is one line, `error: ... (see `wifiops stats --help`)`, as every other
error of wifiops, not a boxed panel.

Typer 0.29 shows `<bool>` beside every flag and, in its "rich" markup mode, keeps a docstring's single line
breaks in the commands list; both are fixed here once for every command (the face modules import this)
rather than in each of the dozens of options and docstrings. Idempotent.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

from typer import core, rich_utils

from wifiops.aos8.masking import redact_anywhere

_DONE = "_wifiops_clean_help"


def clean_help() -> None:
    if getattr(core.TyperOption, _DONE, False):
        return
    shown = core.TyperOption.display_type_rich

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if self.is_flag and self.metavar is None else shown(self, ctx)

    made = rich_utils._make_command_help

    def make_command_help(*, help_text: str, markup_mode: Any) -> Any:
        first, _, rest = inspect.cleandoc(help_text).partition("\n\n")
        joined = first if first.startswith("\b") else " ".join(first.split("\n"))
        return made(help_text=joined + ("\n\n" + rest if rest else ""), markup_mode=markup_mode)

    def format_error(self: Any) -> None:
        if type(self).__name__ == "NoArgsIsHelpError":
            return
        ctx = getattr(self, "ctx", None)
        see = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        print(redact_anywhere(f"error: {self.format_message()}{see}"), file=sys.stderr)

    core.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]
    rich_utils._make_command_help = make_command_help
    rich_utils.rich_format_error = format_error
    setattr(core.TyperOption, _DONE, True)
