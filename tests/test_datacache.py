"""What a start keeps for the next one (wifiops/datacache.py): the platform's validated data and TTP's function
table, read back while nothing they were built from changed, rebuilt when something did, never read when
another user could have written it, and never in the way when the cache folder cannot be used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wifiops import datacache

REPO = Path(__file__).resolve().parents[1]
SHOW = REPO / "tests" / "real" / "shows" / "show-ap-database.ntc.txt"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(datacache.ENV, str(where))
    return where


class Builds:
    def __init__(self, value: object) -> None:
        self.value, self.count = value, 0

    def __call__(self) -> object:
        self.count += 1
        return self.value


def test_what_was_built_is_read_back_while_its_signature_holds(folder: Path) -> None:
    build = Builds({"families": ["ap_database"]})
    assert datacache.cached("index", "files v1", build) == {"families": ["ap_database"]}
    assert datacache.cached("index", "files v1", build) == {"families": ["ap_database"]}
    assert build.count == 1
    assert [p.suffix for p in folder.iterdir()] == [".pickle"]
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_a_changed_file_is_rebuilt_and_old_versions_do_not_pile_up(folder: Path) -> None:
    build = Builds(1)
    for version in range(datacache.KEEP + 3):
        datacache.cached("index", f"files v{version}", build)
    assert build.count == datacache.KEEP + 3
    assert len(list(folder.glob("index-*.pickle"))) == datacache.KEEP


def test_a_file_others_may_write_is_never_unpickled(folder: Path) -> None:
    build = Builds("ours")
    datacache.cached("index", "sig", build)
    kept = next(folder.glob("index-*.pickle"))
    kept.chmod(0o666)
    assert datacache.cached("index", "sig", build) == "ours"
    assert build.count == 2  # rebuilt, not read


def test_a_truncated_or_foreign_file_is_rebuilt(folder: Path) -> None:
    build = Builds([1, 2, 3])
    datacache.cached("index", "sig", build)
    kept = next(folder.glob("index-*.pickle"))
    kept.write_bytes(kept.read_bytes()[:5])
    assert datacache.cached("index", "sig", build) == [1, 2, 3]
    assert datacache.cached("index", "sig", build, expect=list) == [1, 2, 3]
    assert build.count == 2  # the rebuilt one was written whole and read the third time
    assert datacache.cached("index", "sig", Builds({"a": 1}), expect=dict) == {"a": 1}  # not of the type asked


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(datacache.ENV, str(blocked / "cache"))
    build = Builds("value")
    assert datacache.cached("index", "sig", build) == "value"
    assert datacache.cached("index", "sig", build) == "value"
    assert build.count == 2


# A fresh interpreter: parse a saved output, then say whether the parser index's validator was ever built and
# whether TTP's own (ast-reading) builder of its function table ran.
PROBE = """
import json, sys
from wifiops.aos8 import parse as module
from wifiops.aos8.parserindex import ParserIndex
built = []
real = module._TTP_BUILD
module._TTP_BUILD = lambda: built.append(1) or real()
parsed = module.parse("show ap database", open(sys.argv[1], encoding="utf-8").read())
print(json.dumps({"records": len(parsed.records), "index_validator_built": ParserIndex.__pydantic_complete__,
                  "ttp_table_built": bool(built)}))
"""


def probe(cache: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, str(SHOW)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, datacache.ENV: str(cache)}, cwd=REPO, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_the_second_start_neither_validates_the_index_nor_rebuilds_ttps_table(tmp_path: Path) -> None:
    first, second = probe(tmp_path), probe(tmp_path)
    assert first == {"records": 3, "index_validator_built": True, "ttp_table_built": True}
    assert second == {"records": 3, "index_validator_built": False, "ttp_table_built": False}
    names = sorted(p.name.rsplit("-", 1)[0] for p in tmp_path.glob("*.pickle"))
    assert "aos8-parsers-index-ParserIndex" in names and "ttp-functions" in names


def test_the_folder_follows_the_xdg_rule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(datacache.ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert datacache.folder() == tmp_path / "xdg" / "wifiops"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # not absolute: ignored, as the spec says
    assert datacache.folder() == tmp_path / ".cache" / "wifiops"
    monkeypatch.setenv(datacache.ENV, str(tmp_path / "mine"))
    assert datacache.folder() == tmp_path / "mine"
