"""The same estate read over SSH and over REST gives the same records, record for record (issue 30):
wifiops/aos8/restjson.py reads the showcommand JSON into the records parse() makes of the screen."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import httpx
import pytest
from netmiko import ConnectHandler

from wifiops.tasks.check import CONDUCTOR, EVERY_HOST
from wifiops.aos8.parse import parse
from wifiops.aos8.restjson import parse_json
from wifiops.lab.testing import RunningLab


@pytest.fixture
def held(fresh_lab: RunningLab) -> Iterator[RunningLab]:
    """The lab clock standing still: uptimes and ages read the same on both faces."""
    fresh_lab._sync(fresh_lab.core.clock.hold)
    try:
        yield fresh_lab
    finally:
        fresh_lab._sync(fresh_lab.core.clock.release)


@pytest.mark.parametrize("host, commands", [("mm-1", EVERY_HOST + CONDUCTOR),
                                            ("mc-1", EVERY_HOST + ("show user-table", "show ap database"))])
def test_check_commands_read_the_same_records_over_ssh_and_rest(held: RunningLab, host: str,
                                                                commands: tuple[str, ...]) -> None:
    user, password = held.credentials
    verify = ssl.create_default_context(cafile=str(held.rest_ca))
    with httpx.Client(base_url=held.rest_url(host), verify=verify, timeout=30) as api, \
            ConnectHandler(**held.device_params(host)) as conn:
        uid = api.post("/v1/api/login", data={"username": user, "password": password}).json()[
            "_global_result"]["UIDARUBA"]
        for command in commands:
            over_ssh = parse(command, conn.send_command(command))
            answer = api.get("/v1/configuration/showcommand", params={"command": command, "UIDARUBA": uid})
            over_rest = parse_json(command, answer.json())
            assert over_ssh.complete and over_rest.complete, (command, over_ssh.unparsed[:2], over_rest.unparsed[:2])
            assert over_rest.records == over_ssh.records, command
            assert over_rest.records, command


def test_a_row_missing_a_needed_column_is_reported_not_dropped() -> None:
    body = {"All Switches": [{"Name": "mm-1"}], "_meta": ["Name"], "_data": []}
    parsed = parse_json("show switches", body)
    assert not parsed.records and parsed.unparsed and "column" in parsed.unparsed[0].why
