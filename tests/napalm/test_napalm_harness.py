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


NTP_SERVER = "10.150.0.1"  # the estate's inventory names none; a real estate has some, and get_ntp_servers reads them


@pytest.fixture(scope="module")
def estate_with_ntp(lab):
    """The lab with an NTP server committed at / (every MM and controller inherits it), the seed again after."""
    with _open(lab, "mm-1", config_node="/") as mm:
        mm.load_merge_candidate(config=f"ntp server {NTP_SERVER}\n")
        mm.commit_config()
    yield lab
    lab.reset()


def _open(lab, host: str, **options) -> Aos8Driver:
    user, password = lab.credentials
    device = Aos8Driver("127.0.0.1", user, password, timeout=20,
                        optional_args={"port": lab.port(host), "known_hosts": str(lab.known_hosts), "name": host,
                                       **options})
    device.open()
    return device


class TestHarnessOnTheMM(BaseTestGetters):
    driver = Aos8Driver

    @pytest.fixture(autouse=True, scope="class")
    def _device(self, request, estate_with_ntp):
        request.cls.device = _open(estate_with_ntp, "mm-1")
        yield
        request.cls.device.close()


class TestHarnessOnA7210(BaseTestGetters):
    driver = Aos8Driver

    @pytest.fixture(autouse=True, scope="class")
    def _device(self, request, estate_with_ntp):
        request.cls.device = _open(estate_with_ntp, "mc-1")
        yield
        request.cls.device.close()


def test_the_ntp_servers_are_the_configured_ones(estate_with_ntp) -> None:
    for host in ("mm-1", "mc-1"):
        with _open(estate_with_ntp, host) as device:
            assert device.get_ntp_servers() == {NTP_SERVER: {}}
