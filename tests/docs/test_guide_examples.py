"""Every example of the guides and the French procedures runs, as written, against one lab: a guide cannot drift
from the code. The lab is started the way a guide says (`wifiops lab up --free-ports`), once for all the pages;
each page runs in its own folder (its own runs/, backups/, reports/), its blocks in order, and the faults a page
switched on are cleared after it."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.cli import app
from wifiops.errors import WifiopsError

from tests.docs.examples import DOCS, Block, blocks, pages

REPO = DOCS.parent
runner = CliRunner()


def _config(folder: Path, lab_dir: Path) -> Path:
    path = folder / "wifiops.yaml"
    path.write_text("\n".join([
        f"inventory: {lab_dir / 'inventory'}", "backup_dir: backups", "run_dir: runs", "secrets_file: none.yaml",
        f"templates: {REPO / 'templates' / 'aruba_os'}", "timeout: 20",
        "lab:", f"  inventory: {REPO / 'inventory' / 'lab'}", f"  run_dir: {lab_dir}", ""]), encoding="utf-8")
    return path


def wifiops(config: Path, lab_dir: Path, argv: list[str]) -> tuple[int, str]:
    """The command as `wifiops` runs it: an error of wifiops' own ends with its exit code, as main() says."""
    result = runner.invoke(app, ["--config", str(config), *argv], env={"WIFIOPS_LAB_DIR": str(lab_dir)})
    output = result.output
    if isinstance(result.exception, WifiopsError):
        return result.exception.exit_code, f"{output}error: {result.exception}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        return 2, f"{output}unexpected {type(result.exception).__name__}:\n{trace}"
    return result.exit_code, output


@pytest.fixture(scope="module")
def docs_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One background lab for every page, on free ports, as docs/guides/lab.md starts it; APs rejoin at once, so a
    page that took an AP group down and cleared it leaves the next page a whole estate."""
    home = tmp_path_factory.mktemp("docs-lab")
    lab_dir = home / ".lab"
    config = _config(home, lab_dir)
    code, output = wifiops(config, lab_dir, ["lab", "up", "--free-ports", "--rejoin-delay", "0"])
    assert code == 0, output
    try:
        yield lab_dir
    finally:
        wifiops(config, lab_dir, ["lab", "down"])


def _pages() -> list[str]:
    return [page.relative_to(DOCS).as_posix() for page in pages() if blocks(page)]


def test_the_guides_have_examples() -> None:
    """The collection itself: a marker typo would silently run nothing."""
    names = _pages()
    assert {"guides/nightly-backup.md", "guides/change-window.md", "guides/doe.md", "guides/lab.md",
            "guides/supervision.md", "guides/runbooks.md", "procedures/sauvegardes-nocturnes.md"} <= set(names)
    for name in names:
        for block in blocks(DOCS / name):
            assert block.not_run or block.commands, f"{name}:{block.line}: an empty example"
            for command in block.commands:
                assert command.argv[0] == "wifiops", f"{name}:{command.line}: an example is a wifiops command"


@pytest.mark.parametrize("page", _pages())
def test_page_examples_run(page: str, docs_lab: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "playbooks").symlink_to(REPO / "playbooks")
    config = _config(tmp_path, docs_lab)
    faulted: set[str] = set()
    ran = 0
    try:
        for block in blocks(DOCS / page):
            ran += _run(block, config, docs_lab, faulted)
    finally:
        for host in sorted(faulted):
            wifiops(config, docs_lab, ["lab", "fault", host, "clear"])
    assert ran or all(b.not_run for b in blocks(DOCS / page))


def _run(block: Block, config: Path, lab_dir: Path, faulted: set[str]) -> int:
    if block.not_run:
        return 0
    for command in block.commands:
        argv = command.argv[1:]
        if argv[:2] == ["lab", "fault"] and len(argv) > 2:
            faulted.add(argv[2])
        code, output = wifiops(config, lab_dir, argv)
        assert code == command.exit_code, (
            f"docs/{block.page}:{command.line}: `{command.text}` exited {code}, the page says "
            f"{command.exit_code}:\n{output[-3000:]}")
    return len(block.commands)


def test_a_broken_example_fails(tmp_path: Path) -> None:
    """A page whose example no longer does what it says fails, naming the page, the line and the command."""
    page = tmp_path / "broken.md"
    page.write_text("# A guide\n\n```sh\nwifiops window check \"2026-12-02 10:00\" --approved-on 2026-11-30\n```\n\n"
                    "```sh\n# not run: it needs a device\nwifiops apply --commit\n```\n", encoding="utf-8")
    found = blocks(page, tmp_path)
    assert [b.not_run for b in found] == [None, "it needs a device"]
    (tmp_path / ".lab").mkdir()
    (tmp_path / ".lab" / "inventory").symlink_to(REPO / "inventory" / "lab")  # the window reads the sites' hours
    config = _config(tmp_path, tmp_path / ".lab")
    with pytest.raises(AssertionError, match=r"docs/broken.md:4: `wifiops window check .*` exited 1, the page says 0"):
        _run(found[0], config, tmp_path / ".lab", set())
    assert _run(found[1], config, tmp_path / ".lab", set()) == 0
