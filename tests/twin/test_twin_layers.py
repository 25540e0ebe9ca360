"""The twin keeps the layers (docs/architecture.md): the engine, the tasks and the playbooks never import the lab
(a rehearsal is started by the face); the twin's seeding is lab-pure; the lab never imports the platform."""

from __future__ import annotations

from pathlib import Path

from tests.test_layers import imports

PACKAGE = Path(__file__).resolve().parents[2] / "wifiops"


def found(pattern: str, bad) -> list[str]:
    return [f"{p.relative_to(PACKAGE.parent)}:{line}: imports {name}" for p in sorted(PACKAGE.glob(pattern))
            for line, name in imports(p) if bad(name)]


def test_the_engine_tasks_and_playbooks_never_import_the_lab() -> None:
    lab = (lambda name: name == "wifiops.lab" or name.startswith("wifiops.lab."))
    assert not found("engine/*.py", lab) + found("tasks/*.py", lab) + found("playbooks/*.py", lab)


def test_the_seeding_is_lab_pure_and_the_lab_never_imports_the_platform() -> None:
    assert not found("lab/twinseed.py", lambda n: n.startswith("wifiops") and not n.startswith("wifiops.lab"))
    assert not found("lab/**/*.py", lambda n: n == "wifiops.aos8" or n.startswith("wifiops.aos8."))
