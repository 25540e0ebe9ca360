"""TTP's table of its functions, which it keeps as a pickle shared by every process of the install: a broken one
(half written by a process that started beside another, or written without a part) must not break wifiops'
parsers, and wifiops never writes it. Each case runs in a fresh interpreter, as a new command would."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

REAL = Path(__file__).parents[1] / "real" / "shows"
PROBE = """
import json, sys
from wifiops.aos8.parse import parse
parsed = parse("show version", open(sys.argv[1], encoding="utf-8").read())
print(json.dumps({"records": len(parsed.records), "unparsed": len(parsed.unparsed)}))
"""


def _parse_in_a_new_process(cache: Path) -> dict[str, int]:
    env = {**os.environ, "TTPCACHEFOLDER": str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE, str(REAL / "show-version.oxidized-7210-8.10.txt")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(json.loads(done.stdout))


def test_a_broken_shared_table_neither_breaks_parsing_nor_is_written(tmp_path: Path) -> None:
    import ttp  # noqa: F401  (loads the module ttp.ttp)

    version = sys.modules["ttp.ttp"].__version__  # a table TTP takes as its own, lacking a part
    for name, content in (("without-utils", pickle.dumps({"python_major_version": sys.version_info.major,
                                                          "__version__": version, "macro": {}, "global_vars": {},
                                                          "template_obj": {}, "vars": {}})),
                          ("half-written", b"\x80\x04\x95"), ("absent", None)):
        cache = tmp_path / name
        cache.mkdir()
        table = cache / "ttp_dict_cache.pickle"
        if content is not None:
            table.write_bytes(content)
        assert _parse_in_a_new_process(cache) == {"records": 1, "unparsed": 0}, name
        assert (table.read_bytes() if table.exists() else None) == content, f"{name}: TTP's shared table rewritten"
