"""`wifiops config scrub` on every real configuration of the corpus (tests/real/README.md): every secret
gone, every non-secret that shares a keyword with one kept, nothing left to the second line of defence."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wifiops.cli import app

CONFIGS = Path(__file__).resolve().parent / "configs"
runner = CliRunner()

# The secrets each file holds (as published; see the README), and lines sharing a keyword with a secret
# that must come out unchanged.
SECRETS = {
    "oxidized-7210-8.10.0.7-running-config.cfg": [
        "AAAAAAAAAABBBBBBBBBB", "AAAAAAAAAABBBBBBBBBBB", "AAAAAAAAAABBBBBBBBBBCCCCCCCCCC",
        "AAAAAAAAAABBBBBBBBBBBCCCCCCCCCCC", "AAAAAAAAAABBBBBBBBBBCCCCCCCCCCC"],
    "netutils-aruba_os-full.cfg": [
        " PUBLIC", " PRIVATE", "version 1 pass", "version 2c pass", "key password", "pass1", "pass2",
        "passdefault", "wpa-passphrase passphrase"],
    "mm-differ-mm1-committed-mynode.cfg": ["[redacted]"],
    "mm-differ-mm2-committed-mynode.cfg": ["[redacted]"],
    "netutils-issue795-8.10-md-running-config-head.cfg": [],  # masked by the device (encrypt enable)
}
KEPT = {
    "oxidized-7210-8.10.0.7-running-config.cfg": [
        "vpn-dialer default-dialer \n", "ike authentication pre-share ****** \n", "authentication pre-share \n",
        'aaa authentication-server tacacs "tacacs1" \n', "mgmt-user admin root ******************** node / \n",
        "snmp-server host 10.42.1.5 version 2c ****** udp-port 162 \n", "authentication ****** \n",
        "peer-ip-address 10.42.0.3 ipsec ****** \n"],
    "netutils-aruba_os-full.cfg": [
        "   authentication pre-share \n", "   authentication rsa-sig \n", 'aaa authentication dot1x ".vlan1315" \n',
        "crypto ipsec transform-set default-aes esp-aes256 esp-sha-hmac \n", "ssh mgmt-auth public-key \n",
        '   controller-ip "conductorip" 6633 \n', "mgmt-user admin root ******************** \n",
        "mgmt-user ssh-pubkey client-cert master-ssh-pub-cert seamless-logon read-only \n",
        "   authentication ****** \n", "   key ****** \n", "aaa password-policy mgmt \n"],
    "mm-differ-mm1-committed-mynode.cfg": [
        "    l3-peer-ip-address 192.168.2.30 ipsec ******  \n", "mgmt-user admin root ******  \n",
        "    authentication ******  \n"],
    "mm-differ-mm2-committed-mynode.cfg": ["mgmt-user admin root ****** \n"],
    "netutils-issue795-8.10-md-running-config-head.cfg": ["conductorip 1.1.1.1 ipsec ****** interface vlan 1801 \n",
                                                          'hostname "hostname ommitted" \n'],
}


def test_the_corpus_is_the_one_the_readme_lists() -> None:
    readme = (CONFIGS.parent / "README.md").read_text()
    assert sorted(p.name for p in CONFIGS.glob("*.cfg")) == sorted(SECRETS)
    assert all(f"`{name}`" in readme for name in SECRETS)


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_config_scrub_leaves_no_secret_of_a_real_configuration(name: str, repo: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    path = CONFIGS / name
    original = path.read_text()
    assert all(secret in original for secret in SECRETS[name])  # the test would prove nothing otherwise
    with caplog.at_level(logging.WARNING, logger="wifiops.secrets"):
        result = runner.invoke(app, ["--config", str(repo / "wifiops.yaml"), "config", "scrub", str(path)])
    assert result.exit_code == 0, result.output
    scrubbed = result.stdout
    for secret in SECRETS[name]:
        assert secret not in scrubbed, f"{secret!r} left in clear in {name}"
    lines = scrubbed.splitlines()  # trailing spaces are noise to a backup (dropped)
    for line in KEPT[name]:
        assert line.rstrip() in lines, f"{line!r} changed in {name}"
    # Same lines but the header noise; every secret is a catalogue entry's, none left to the second line.
    body = [line for line in original.splitlines() if line.strip() and line != "Building Configuration..."]
    assert len([line for line in scrubbed.splitlines() if line.strip()]) == len(body)
    assert not [r for r in caplog.records if "unrecognised" in r.getMessage()]
