"""wifiops' prompt grammar against the verbatim prompts of arubaos8.md §2 (real devices, not the lab)."""

from __future__ import annotations

import pytest

from wifiops.aos8.platform import aos8

VERBATIM = [
    ("(ArubaMC-VA) [mynode] #", "ArubaMC-VA", "mynode", None, False),
    ("(ArubaMC-VA) [mynode] (config-submode)#", "ArubaMC-VA", "mynode", "config-submode", False),
    ("(ArubaMC-VA) ^[mynode] (config) #", "ArubaMC-VA", "mynode", "config", True),
    ('(mm00) ^[md] (RADIUS Server "clearpass") #', "mm00", "md", 'RADIUS Server "clearpass"', True),
    ("(mm00) [20:4c:03:05:01:e0] (config) #", "mm00", "20:4c:03:05:01:e0", "config", False),
    ("(mc00) [MDC] #", "mc00", "MDC", None, False),
    ("(MM-03) *[mynode] #", "MM-03", "mynode", None, False),
    ("(AAAA-WLC42) *[/] #", "AAAA-WLC42", "/", None, False),
    ("(hostname) *#", "hostname", None, None, False),
    ("(MC1) ^#", "MC1", None, None, True),
]


@pytest.mark.parametrize(("text", "host", "node", "context", "unsaved"), VERBATIM, ids=[v[0] for v in VERBATIM])
def test_verbatim_prompts_parse(text: str, host: str, node: str | None, context: str | None, unsaved: bool) -> None:
    prompt = aos8().parse_prompt(f"some output\n{text}")
    assert prompt is not None
    assert (prompt.host, prompt.node, prompt.context, prompt.unsaved) == (host, node, context, unsaved)


def test_prompt_after_newline_carriage_return() -> None:
    # oxidized capture: `no paging\n\r(OXID-IZE01) [mynode] #` once line endings are normalised
    assert aos8().parse_prompt("no paging\n\n(OXID-IZE01) [mynode] #").node == "mynode"


def test_output_lines_are_not_prompts() -> None:
    assert aos8().parse_prompt('wlan ssid-profile "x"\n    essid "y"\n!') is None


@pytest.mark.parametrize("answer", [
    "% Invalid input detected at '^' marker.",
    "This controller is managed by a Mobility Conductor.",
    'Error: SSID Profile "x" is referenced by Virtual AP profile "y" on node /md',
    "Command is not supported for this platform",
])
def test_device_refusals_are_recognised(answer: str) -> None:
    assert aos8().refusal(f"                ^\n{answer}") == answer


def test_ordinary_answers_are_not_refusals() -> None:
    assert aos8().refusal("\nSaving Configuration...\n\nConfiguration Saved.") is None


def test_error_words_inside_an_answer_are_not_a_refusal() -> None:
    """A banner or a description deep in a running-config is configuration, not the device refusing."""
    running = ("version 8.10\nhostname \"mm-1\"\nbanner motd \"If you do not have permission, disconnect\"\n"
               "interface gigabitethernet 0/0/1\n    description \"Error: uplink to core\"\n!\nend")
    assert aos8().refusal(running) is None


@pytest.mark.parametrize(("line", "masked"), [
    ('conductorip 10.150.0.11 ipsec "lab-ipsec-key" interface vlan 150',
     'conductorip 10.150.0.11 ipsec "******" interface vlan 150'),
    ("masterip 10.1.11.61 ipsec Aruba123", "masterip 10.1.11.61 ipsec ******"),
    ('    key "s3cret with space"', '    key "******"'),
    ("   wpa-passphrase hunter22 ", "   wpa-passphrase ****** "),
    ("mgmt-user admin root 3a4b5c6d7e8f", "mgmt-user admin root ******"),
    ("snmp-server user ops auth-prot sha authpass priv-prot aes privpass",
     "snmp-server user ops auth-prot sha ****** priv-prot aes ******"),
])
def test_secret_keywords_are_masked_whoever_set_them(line: str, masked: str) -> None:
    from wifiops.secrets import SecretStore

    assert SecretStore({}, env={}, patterns=aos8().secret_patterns).redact(line) == masked


@pytest.mark.parametrize("text", [
    "Key  Installed  Expires(Grace period expiry)  Flags  Service Type",  # show license header
    "AP-535-0042  LOUVRE-AILE-DENON  535  10.150.10.42  Up 61d:22h:33m:23s",
    'wlan ssid-profile "Louvre_WiFi_Gratuit"',
])
def test_ordinary_output_is_left_alone(text: str) -> None:
    from wifiops.secrets import SecretStore

    assert SecretStore({}, env={}, patterns=aos8().secret_patterns).redact(text) == text


@pytest.mark.parametrize(("line", "bad"), [("show clock\nwrite memory", "\n"), ("show\tclock", "\t"),
                                          ("exit\x1a", "\x1a"), ("show clock\u2028", "\u2028")])
def test_control_characters_are_found(line: str, bad: str) -> None:
    assert aos8().unsafe_character(line) == bad
    assert aos8().unsafe_character('essid "Louvre_WiFi_Gratuit"') is None
