"""The offline commands start without the SSH stack (issue 26): `--help`, `window check`, `inventory check`,
`parse` and `config diff` open no session, so none may load netmiko, paramiko or Nornir, nor the lab.

Read from a fresh interpreter's sys.modules after the command ran (an import anywhere, at the top of a module or
inside a function, counts); the speed itself is benchmarks/bench_start.py's, never a timed assert here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "tests" / "real"
CONFIG = REAL / "configs" / "netutils-issue795-8.10-md-running-config-head.cfg"
OTHER = REAL / "configs" / "oxidized-7210-8.10.0.7-running-config.cfg"
SHOW = REAL / "shows" / "show-ap-database.ntc.txt"

# Runs the command as `wifiops` would, then prints its exit code and the loaded modules it must not hold.
PROBE = """
import json, sys
from wifiops.cli import main
watched = sys.argv[1].split(",")
sys.argv = ["wifiops", *sys.argv[2:]]
try:
    main()
    code = 0
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 0
loaded = sorted({w for w in watched for m in sys.modules if m == w or m.startswith(w.rstrip(".") + ".")})
print("PROBE " + json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""

# "wifiops.lab.": any module of the lab (its empty package is found, not run, to list `lab` in --help)
SSH_STACK = ["netmiko", "paramiko", "nornir", "asyncssh", "wifiops.estate", "wifiops.lab."]
HEAVY = ["holidays", "jinja2", "git"]  # each loaded only by commands that use it

OFFLINE = [
    ("--help", ["--help"], 0),
    ("window check", ["window", "check", "2026-12-08 22:00", "--approved-on", "2026-11-02"], 0),
    ("inventory check", ["inventory", "check"], 0),
    ("parse", ["parse", "show ap database", str(SHOW)], 0),
    ("config diff", ["config", "diff", str(CONFIG), str(OTHER)], 1),
]


def probe(args: list[str], watched: list[str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, ",".join(watched), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    line = [x for x in done.stderr.splitlines() if x.startswith("PROBE ")]
    assert line, done.stderr
    return dict(json.loads(line[-1].removeprefix("PROBE ")))


@pytest.mark.parametrize(("label", "args", "code"), OFFLINE, ids=[c[0] for c in OFFLINE])
def test_an_offline_command_loads_no_ssh_library(label: str, args: list[str], code: int) -> None:
    found = probe(args, SSH_STACK + HEAVY)
    assert found["code"] == code, f"`wifiops {label}` exited {found['code']}, not {code}: it did not run"
    assert found["loaded"] == [], f"`wifiops {label}` loaded {found['loaded']}"


def test_a_command_that_succeeds_loads_no_help_renderer() -> None:
    """Typer's rich help (markdown, tracebacks) is for --help and usage errors only."""
    found = probe(["window", "check", "2026-12-08 22:00", "--approved-on", "2026-11-02"], ["typer.rich_utils"])
    assert found == {"code": 0, "loaded": []}


def test_a_window_check_builds_only_the_sites_models() -> None:
    """`window check` validates the sites (wifiops/inventory/sites.py), not the inventory's whole schema."""
    found = probe(["window", "check", "2026-12-08 22:00", "--approved-on", "2026-11-02"],
                  ["wifiops.inventory.schema", "wifiops.inventory.check"])
    assert found == {"code": 0, "loaded": []}


def test_no_command_scans_the_installed_packages_for_pydantic_plugins() -> None:
    """pydantic's plugin search reads every installed package's entry points at its first validator; wifiops
    has no plugin, and turns the search off unless PYDANTIC_DISABLE_PLUGINS says otherwise."""
    run = PROBE.replace('print("PROBE "', 'from pydantic.plugin import _loader; loaded.append(str(_loader._plugins)); '
                        'print("PROBE "')
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run([sys.executable, "-c", run, "", "inventory", "check"], cwd=REPO, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL, env=env)
    assert 'PROBE {"code": 0, "loaded": ["None"]}' in done.stderr, done.stderr


def test_the_lab_loads_when_named() -> None:
    """`wifiops lab ...` still finds the lab's commands: the lazy entry is no dead end."""
    found = probe(["lab", "--help"], ["wifiops.face.lab"])
    assert found == {"code": 0, "loaded": ["wifiops.face.lab"]}


def test_the_platforms_data_reads_the_same_with_libyaml() -> None:
    """load_shipped (libyaml when PyYAML has it, for speed) gives each shipped platform file's data exactly as
    the pure-Python safe loader does."""
    import yaml

    from wifiops.yamlsource import load_shipped

    shipped = sorted((REPO / "wifiops" / "aos8").rglob("*.yaml"))
    assert len(shipped) > 10
    for path in shipped:
        text = path.read_text(encoding="utf-8")
        assert load_shipped(text) == yaml.safe_load(text), path


def test_a_command_imports_only_its_own_face() -> None:
    """`parse` imports wifiops/face/parse.py, not the sixty other commands' modules (the page server's, the
    availability's, the apply's); `--help` imports them all, to list each with its help."""
    others = ["wifiops.face.apply", "wifiops.face.web", "wifiops.face.availability", "wifiops.face.incident",
              "wifiops.face.upgrade"]
    assert probe(["parse", "show ap database", str(SHOW)], [*others, "wifiops.face.parse"]) == {
        "code": 0, "loaded": ["wifiops.face.parse"]}
    assert probe(["--help"], others)["loaded"] == sorted(others)


# The program's entry (wifiops/entry.py) runs `window check`; each collection notes whether the command had
# started (what loaded before it was frozen then) or the command line had not begun to load (Typer), and the
# collector's state is read once the command is done.
GC_PROBE = """
import gc, json, sys
started = []
gc.callbacks.append(lambda phase, info: phase == "start" and started.append(gc.get_freeze_count() > 0 or "typer" not in sys.modules))
sys.argv = ["wifiops", *sys.argv[1:]]
from wifiops.entry import main
try:
    main()
except SystemExit:
    pass
print("PROBE " + json.dumps({"before_the_command": started.count(False), "enabled": gc.isenabled(),
                             "frozen": gc.get_freeze_count()}), file=sys.stderr)
"""


def test_the_collector_waits_for_the_command_then_watches_only_its_objects() -> None:
    """No collection scans the modules as they load (11 ms of every start); once the command runs, the collector
    is on again (a `watch` runs for days) and what loaded before is frozen, never scanned again."""
    done = subprocess.run([sys.executable, "-c", GC_PROBE, "window", "check", "2026-12-08 22:00", "--approved-on",
                           "2026-11-02"], cwd=REPO, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    found = json.loads(next(x for x in done.stderr.splitlines() if x.startswith("PROBE ")).removeprefix("PROBE "))
    assert found["before_the_command"] == 0 and found["enabled"] is True and found["frozen"] > 10_000, found


def test_importing_the_command_line_leaves_the_collector_alone() -> None:
    """A test or a script importing wifiops.cli (not through the entry) keeps its collector as it was."""
    done = subprocess.run([sys.executable, "-c", "import gc, wifiops.cli; print(gc.isenabled(), gc.get_freeze_count())"],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["True", "0"]
