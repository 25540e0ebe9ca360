"""Arrows one way (docs/architecture.md): the imports that ran back up once, read from the code (every import,
at the top of a module or inside a function), so a move that brings one back fails here with its file and line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "wifiops"


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found += [(node.lineno, node.module)] + [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


# (the files, the modules they must never import, why)
RULES = [
    ("supervision/*.py", ("wifiops.engine", "wifiops.estate", "netmiko", "paramiko", "nornir_netmiko"),
     "the rules layer opens no session: its health model is wifiops/model/health.py"),
    ("model/*.py", ("wifiops.engine", "wifiops.reports", "wifiops.face", "wifiops.estate", "wifiops.supervision"),
     "the models sit below the engine, supervision and the renderers"),
    ("engine/*.py", ("wifiops.reports",), "the report model is wifiops/model/report.py; the renderers sit above"),
    ("secrets.py", ("wifiops.inventory",), "the YAML reader is wifiops/yamlsource.py, below both"),
    ("yamlsource.py", ("wifiops.inventory", "wifiops.engine", "wifiops.face", "wifiops.aos8", "wifiops.secrets",
                       "wifiops.settings", "wifiops.playbooks", "wifiops.supervision", "wifiops.reports",
                       "wifiops.store", "wifiops.lab", "wifiops.model"),
     "the bottom utility imports only the other bottom ones (wifiops.readers, wifiops.errors)"),
    ("readers.py", ("wifiops.inventory", "wifiops.engine", "wifiops.face", "wifiops.aos8", "wifiops.secrets",
                    "wifiops.settings", "wifiops.yamlsource"), "the bounded readers sit at the bottom"),
]


@pytest.mark.parametrize("pattern, forbidden, why", RULES, ids=[r[0] for r in RULES])
def test_no_import_runs_back_up(pattern: str, forbidden: tuple[str, ...], why: str) -> None:
    broken = [f"{path.relative_to(PACKAGE.parent)}:{line}: imports {name}"
              for path in sorted(PACKAGE.glob(pattern)) for line, name in imports(path)
              if any(name == f.rstrip(".") or name.startswith(f.rstrip(".") + ".") or
                     (f.endswith(".") and name.startswith(f)) for f in forbidden)]
    assert not broken, f"{why}:\n" + "\n".join(broken)
