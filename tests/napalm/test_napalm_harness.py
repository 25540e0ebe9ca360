"""NAPALM's own driver test harness (napalm.base.test.getters.BaseTestGetters), live on the lab's MM and a
7210 over real SSH: every getter the driver implements passes NAPALM's checks, the others are skipped
(NotImplementedError) as the harness itself decides. The harness reads NAPALM_TEST_MOCK when its module is
imported: it is switched to live before that import."""

from __future__ import annotations

import pytest
from napalm.base.test import conftest as napalm_test_conftest

napalm_test_conftest.NAPALM_TEST_MOCK = False
from napalm.base.test.getters import BaseTestGetters  # noqa: E402  (after the switch to live)

from napalm_aos8 import Aos8Driver  # noqa: E402


@pytest.fixture
def test_case() -> str:
    """The harness parametrises mocked cases; live, there is one case: the lab device."""
    return "live"


def _open(lab, host: str) -> Aos8Driver:
    user, password = lab.credentials
    device = Aos8Driver("127.0.0.1", user, password, timeout=20,
                        optional_args={"port": lab.port(host), "known_hosts": str(lab.known_hosts), "name": host})
    device.open()
    return device


class TestHarnessOnTheMM(BaseTestGetters):
    driver = Aos8Driver

    @pytest.fixture(autouse=True, scope="class")
    def _device(self, request, lab):
        request.cls.device = _open(lab, "mm-1")
        yield
        request.cls.device.close()


class TestHarnessOnA7210(BaseTestGetters):
    driver = Aos8Driver

    @pytest.fixture(autouse=True, scope="class")
    def _device(self, request, lab):
        request.cls.device = _open(lab, "mc-1")
        yield
        request.cls.device.close()
