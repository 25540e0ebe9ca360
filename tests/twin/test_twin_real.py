"""Real configurations (tests/real/configs) through the twin's seeding: every line of production is either modelled
or carried verbatim, none lost, and the fidelity says which (issue 32). Reality is the reference: a real 8.10
controller's configuration is mostly lines the lab's grammar does not model; the twin must say so, not hide it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from wifiops.lab.configdb import ConfigDB
from wifiops.lab.twinseed import TWIN_USER, NodeFidelity, seed_text

REAL = Path(__file__).resolve().parents[1] / "real" / "configs"
CAPTURES = sorted(p.name for p in REAL.glob("*.cfg"))


def lines(text: list[str]) -> Counter[str]:
    """A configuration's lines as a multiset, without the frame and the `!` separators."""
    return Counter(line.strip() for line in text if line.strip() and line.strip() != "!"
                   and not line.startswith(("Building Configuration", "version ", "end")))


@pytest.mark.parametrize("name", CAPTURES)
def test_nothing_of_a_real_configuration_is_lost_by_the_twin(name: str) -> None:
    text = (REAL / name).read_text(encoding="utf-8")
    db = ConfigDB()
    db.add_node("/", "System")
    found = NodeFidelity(name)
    seed_text(db, "/", "", text, found)
    db.commit(TWIN_USER)
    served = db.render(db.committed["/"], encrypt=False, indent="   ")
    assert lines(served) == lines(text.splitlines())  # modelled or carried, each line printed back as it was
    assert found.modelled + found.carried == sum(lines(text.splitlines()).values())


def test_the_fidelity_of_a_real_8_10_controller_is_said_not_hidden() -> None:
    text = (REAL / "netutils-aruba_os-full.cfg").read_text(encoding="utf-8")
    db = ConfigDB()
    db.add_node("/", "System")
    found = NodeFidelity("/")
    seed_text(db, "/", "", text, found)
    assert found.modelled > 0 and found.carried > found.modelled  # most of a real controller is not modelled
    assert {"snmp-server", "netservice", "ipv6"} <= set(found.kinds)
