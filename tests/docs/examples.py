"""The examples of the guides and procedures, read from their Markdown: what tests/docs runs.

An example is a fenced block marked `sh`. Each line is one `wifiops` command, run as the engineer types it; a
trailing `# exit N` is the exit code it must end with (0 when not said); other trailing comments are for the
reader. A block whose first line is `# not run: <why>` is shown and not run, and says why in the page itself.
Synopses (`[--json]`, `ID`, `...`) belong in ```text blocks, which are not run.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
# The pages whose commands are examples to run: the guides, the French procedures, the home page, upgrades.
PAGES = ("index.md", "guides/*.md", "procedures/*.md", "upgrade.md")
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```\s*$", re.M | re.S)
NOT_RUN = re.compile(r"#\s*not run:\s*(?P<why>.*\S)")
EXIT = re.compile(r"#\s*exit\s+(?P<code>[0-2])\b")


@dataclass
class Command:
    line: int  # in the page, for the failure message
    text: str
    argv: list[str]
    exit_code: int


@dataclass
class Block:
    page: str
    line: int
    commands: list[Command]
    not_run: str | None  # the reason, shown in the page


def pages() -> list[Path]:
    found: list[Path] = []
    for pattern in PAGES:
        found += sorted(DOCS.glob(pattern))
    return found


def blocks(page: Path, root: Path = DOCS) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    name = page.relative_to(root).as_posix()
    found = []
    for match in FENCE.finditer(text):
        language = match["info"].strip().split(" ")[0]
        if language != "sh":
            continue
        start = text.count("\n", 0, match.start("body")) + 1
        lines = match["body"].splitlines()
        first = lines[0].strip() if lines else ""
        skipped = NOT_RUN.fullmatch(first)
        if skipped is None and re.match(r"#\s*not\s*run", first, re.I):
            raise ValueError(f"{name}:{start}: write `# not run: <why>` to leave an example out, not {first!r}")
        commands = []
        pending, pending_line = "", 0
        for offset, raw in enumerate(lines):
            stripped = raw.strip()
            if not pending and (not stripped or stripped.startswith("#")):
                continue
            if not pending:
                pending_line = start + offset
            if stripped.endswith("\\"):
                pending += stripped[:-1] + " "
                continue
            full = pending + stripped
            pending = ""
            code = EXIT.search(full)
            commands.append(Command(pending_line, full, shlex.split(full, comments=True),
                                    int(code["code"]) if code else 0))
        found.append(Block(name, start, commands, skipped["why"] if skipped else None))
    return found
