"""The documentation site builds with no warning (`mkdocs build --strict`, as CI runs it through this test), and
its references come from the code: every CLI command is in the generated command reference, and a help text
changed in the code is changed in the reference with no hand edit."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import typer

from wifiops.cli import app

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import gen_reference  # noqa: E402  (scripts/ is not a package: the MkDocs hook is a file)


def _untracked_or_changed() -> tuple[str, list[str]]:
    """git's view of the checkout, and the files of the folders a command writes by default (git ignores them)."""
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO,
                            capture_output=True, text=True).stdout
    written = sorted(str(p) for folder in ("rendered", "runs", "backups", "reports", "site")
                     for p in (REPO / folder).rglob("*"))
    return status, written


def test_the_site_builds_with_no_warning(tmp_path: Path) -> None:
    """Into a folder of its own, leaving the checkout as it was (the JSON shapes run commands that write files)."""
    before = _untracked_or_changed()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir",
                             str(tmp_path / "site")], cwd=REPO, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert _untracked_or_changed() == before, "the build wrote into the checkout"
    page = (tmp_path / "site" / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    assert "wifiops backup history" in page and "wifiops lab fault" in page
    assert (tmp_path / "site" / "procedures" / "sauvegardes-nocturnes" / "index.html").is_file()
    shapes = html.unescape((tmp_path / "site" / "reference" / "json" / "index.html").read_text(encoding="utf-8"))
    for said, _argv in gen_reference.JSON_COMMANDS:  # each ran on the build's lab and printed JSON (else no site)
        assert f"<code>{said}</code>" in shapes, said
    assert "snapshot_file" in shapes and "plan_file" in shapes


def _leaves(command: object, path: list[str]) -> list[str]:
    found = [" ".join(path)]
    for name, sub in sorted(getattr(gen_reference._built(command), "commands", {}).items()):
        found += _leaves(sub, [*path, name])
    return found


def test_every_command_and_option_is_in_the_reference() -> None:
    page = gen_reference.cli_page()
    root = typer.main.get_command(app)
    commands = _leaves(root, ["wifiops"])
    assert len(commands) > 50
    for command in commands:
        assert f"## {command} {{ #" in page, f"{command} is missing from the generated command reference"
    for path in commands:  # and every option's help, as the code says it
        command = root
        for name in path.split()[1:]:
            command = gen_reference._built(command.commands[name])  # type: ignore[attr-defined]
        for param in command.params:
            if getattr(param, "help", None) and not param.hidden:
                assert gen_reference._cell(param.help) in page, f"{path} {param.opts}: help text missing"
    assert "`--approved-on`" in page and "`--stop-after`" in page and "`--free-ports`" in page


def test_a_help_text_changed_in_the_code_changes_the_reference() -> None:
    """The reference is read from the Typer app: a new app with another help text gives another page."""
    small = typer.Typer()

    @small.command("backup")
    def backup(timeout: float = typer.Option(30.0, "--timeout", help="Seconds to wait, said once.")) -> None:
        """Back up every device."""

    @small.command("diff")
    def diff() -> None:
        """Compare."""

    before = gen_reference.cli_page(small)
    assert "Seconds to wait, said once." in before and "`30.0`" in before
    small.registered_commands[0].callback.__defaults__[0].help = "Seconds to wait, said twice."  # type: ignore
    after = gen_reference.cli_page(small)
    assert "Seconds to wait, said twice." in after and "said once" not in after


def test_schema_pages_carry_the_codes_comments() -> None:
    """A field's meaning is the comment the code gives it: change the comment, the page follows."""
    inventory = gen_reference.inventory_page()
    assert "| `rest_port` |" in inventory and "the REST API's port, 4343 if unset" in inventory
    settings = gen_reference.settings_page()
    assert "a git remote (URL or path) each backup run pushes to" in settings
    playbook = gen_reference.playbook_page()
    assert "| `on_failure` |" in playbook and "`playbooks/nightly-backup.yaml`" in playbook
    assert "`uptime_s`" in gen_reference.parsers_page()
    assert "`get_facts`" in gen_reference.napalm_page()


def test_every_schema_field_has_its_meaning_on_its_page() -> None:
    """Each field of the inventory, wifiops.yaml and playbook models is described in the code (its docstring, or a
    comment beside it), and its page says that description: a new field without one fails here."""
    pages = {"reference/inventory.md": gen_reference.inventory_page(),
             "reference/settings.md": gen_reference.settings_page(),
             "reference/playbook.md": gen_reference.playbook_page()}
    undescribed, unsaid, counted = [], [], 0
    for page, models in gen_reference.schema_models().items():
        sections = {part.split(" ", 1)[0]: part for part in pages[page].split("\n### ")[1:]}
        for model in models:
            meanings = gen_reference.field_meanings(model)
            for name, field in model.model_fields.items():
                if name == "root":  # a RootModel's value, not a key of the file (the page leaves it out too)
                    continue
                counted += 1
                meaning = meanings.get(name, "")
                row = next((line for line in sections[model.__name__].splitlines()
                            if line.startswith(f"| `{field.alias or name}` |")), "")
                if not meaning:
                    undescribed.append(f"{model.__module__}.{model.__name__}.{name}")
                elif gen_reference._cell(meaning) not in row or "(shipped file)" in row:
                    unsaid.append(f"{page}: {model.__name__}.{name}")
    assert counted > 280  # the three schemas, every model they reach
    assert not undescribed, "fields with no description (a docstring under the field): " + ", ".join(undescribed)
    assert not unsaid, "descriptions missing from the generated pages: " + ", ".join(unsaid)
    inventory = pages["reference/inventory.md"]
    assert "A priority (accessible) AP: a 1-day restoration deadline instead of 5 working days." in inventory
