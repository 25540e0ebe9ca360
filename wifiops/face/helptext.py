"""`--help` as people read it: a flag shows no `<bool>` type, and a command's line in a group's list is its
first paragraph joined, wrapped by the terminal, not the docstring's hard line breaks. And one error style:
a usage error (a bad option value) is one line, `error: ... (see `wifiops stats --help`)`, as every other
error of wifiops, not a boxed panel.

Typer 0.29 shows `<bool>` beside every flag and, in its "rich" markup mode, keeps a docstring's single line
breaks in the commands list; both are fixed here once for every command (the face modules import this)
rather than in each of the dozens of options and docstrings. Idempotent.

Typer's rich renderer (typer.rich_utils: rich's markdown, traceback and pretty, about a third of a bare
start) is only needed to print help or a usage error: it is patched when Typer first imports it, never
imported here, so a command that succeeds never loads it.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

from typer import core

_DONE = "_wifiops_clean_help"
RICH_UTILS = "typer.rich_utils"


def clean_help() -> None:
    if getattr(core.TyperOption, _DONE, False):
        return
    shown = core.TyperOption.display_type_rich

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if self.is_flag and self.metavar is None else shown(self, ctx)

    core.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]
    setattr(core.TyperOption, _DONE, True)
    if RICH_UTILS in sys.modules:
        _patch_rich_utils(sys.modules[RICH_UTILS])
    else:
        sys.meta_path.insert(0, _PatchOnImport())


class _PatchOnImport:
    """A finder for typer.rich_utils alone: the module loads as usual, then gets our two patches."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name != RICH_UTILS:
            return None
        sys.meta_path.remove(self)  # once: the real finders find it now
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader, execute = spec.loader, spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            _patch_rich_utils(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _patch_rich_utils(rich_utils: Any) -> None:
    made = rich_utils._make_command_help

    def make_command_help(*, help_text: str, markup_mode: Any) -> Any:
        first, _, rest = inspect.cleandoc(help_text).partition("\n\n")
        joined = first if first.startswith("\b") else " ".join(first.split("\n"))
        return made(help_text=joined + ("\n\n" + rest if rest else ""), markup_mode=markup_mode)

    def format_error(self: Any) -> None:
        from wifiops.aos8.masking import redact_anywhere  # the platform's catalogue: only for an error

        if type(self).__name__ == "NoArgsIsHelpError":
            return
        ctx = getattr(self, "ctx", None)
        see = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        print(redact_anywhere(f"error: {self.format_message()}{see}"), file=sys.stderr)

    rich_utils._make_command_help = make_command_help
    rich_utils.rich_format_error = format_error
