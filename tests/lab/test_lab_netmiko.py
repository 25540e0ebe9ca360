"""The lab as netmiko's aruba_os driver and other clients meet it: real SSH, real netmiko, no mocks."""

from __future__ import annotations

import re
import time

import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import ReadTimeout

# Ansible's aruba terminal plugin (arubaos8.md §1.5), verbatim.
ANSIBLE_STDOUT_RE = [
    re.compile(rb"[\r\n]?[\w]*\(.+\)\s*[\^\*]?(?:\[.+\])? ?#(?:\s*)$"),
    re.compile(rb"[pP]assword:$"),
    re.compile(rb"(?<=\s)[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\s*#\s*$"),
    re.compile(rb"[\r\n]?[\w\+\-\.:\/\[\]]+(?:\([^\)]+\)){0,3}(?:[>#]) ?$"),
    re.compile(rb"[\r\n]?[\w]*(.+)?#(?:\s*)$"),
    re.compile(rb"\[([yY]|[yY]es)/([nN]|[nN]o)\]:$"),
]
ANSIBLE_STDERR_RE = [
    re.compile(rb"% ?Error"), re.compile(rb"Error:", re.M), re.compile(rb"^% \w+", re.M),
    re.compile(rb"% ?Bad secret"), re.compile(rb"invalid input", re.I),
    re.compile(rb"(?:incomplete|ambiguous) command", re.I),
    re.compile(rb"connection timed out", re.I), re.compile(rb"[^\r\n]+ not found", re.I),
]
# Oxidized aosw model prompt (arubaos8.md §1.5), verbatim.
OXIDIZED_PROMPT = re.compile(r"^\(?[\w:.@-]+\)? ?[*^]?(\[[\w\/]+\] ?)?[#>] ?$")
ALL_HOSTS = ["mm-1", "mm-2", "mm-3", "mm-4", "mc-1", "mc-2"]


def cli(conn, line: str) -> str:
    """One line, read up to the next prompt whatever it has become; returns the output without it."""
    out = conn.send_command(line, expect_string=r"#", read_timeout=5, strip_prompt=False)
    return out.rsplit("\n", 1)[0] if "\n" in out else ""


def ansible_prompt(prompt: str) -> bool:
    return any(r.search(prompt.encode()) for r in ANSIBLE_STDOUT_RE)


@pytest.fixture
def mm1(fresh_lab):
    conn = ConnectHandler(**fresh_lab.device_params("mm-1"))
    yield conn
    conn.disconnect()


@pytest.mark.parametrize("host", ALL_HOSTS)
def test_default_netmiko_reaches_every_host(lab, host):
    with ConnectHandler(**lab.device_params(host)) as conn:
        prompt = conn.find_prompt()
        assert prompt == (f"({host}) [mynode] #" if host.startswith("mm") else f"({host}) #")
        out = conn.send_command("show running-config")
        assert out.startswith("Building Configuration...") and out.rstrip().endswith("end")
        assert "Hostname is " + host in conn.send_command("show hostname")
        assert ansible_prompt(prompt) and OXIDIZED_PROMPT.match(prompt)


def test_prompts_match_ansible_and_oxidized(mm1):
    seen = [mm1.find_prompt()]
    mm1.write_channel("cd /md/Louvre\r")
    seen.append(mm1.read_until_pattern(r"#").strip().splitlines()[-1])
    mm1.write_channel("configure terminal\r")
    out = mm1.read_until_pattern(r"\(config\) #")
    assert "Enter Configuration commands, one per line. End with CNTL/Z\n\n(" in out.replace("\r", "")
    seen.append(out.strip().splitlines()[-1])
    mm1.write_channel('wlan ssid-profile "intra-louvre"\r')
    seen.append(mm1.read_until_pattern(r"#").strip().splitlines()[-1])
    mm1.write_channel("vlan 10\r")
    seen.append(mm1.read_until_pattern(r"#").strip().splitlines()[-1])
    assert seen == ["(mm-1) [mynode] #", "(mm-1) [Louvre] #", "(mm-1) [Louvre] (config) #",
                    '(mm-1) ^[Louvre] (SSID Profile "intra-louvre") #', "(mm-1) ^[Louvre] (config-submode)#"]
    for prompt in seen:
        assert ansible_prompt(prompt), prompt
    for prompt in seen[:3]:  # oxidized only ever sees exec/config prompts
        assert OXIDIZED_PROMPT.match(prompt) or "(config)" in prompt, prompt
    assert OXIDIZED_PROMPT.match("(mm-1) ^[Louvre] #")


def test_change_marks_prompt_until_write_memory(mm1):
    for line in ("configure terminal", "vlan-name lab-test", "end"):
        cli(mm1, line)
    assert mm1.find_prompt() == "(mm-1) ^[mynode] #"
    out = cli(mm1, "write memory")
    assert out.replace("\r", "").strip() == "Saving Configuration...\n\nConfiguration Saved."
    assert mm1.find_prompt() == "(mm-1) [mynode] #"


def test_cd_shows_the_node(mm1):
    for target, label in [("/md", "md"), ("/md/Louvre", "Louvre"), ("mc-1", "00:1a:1e:72:10:01"),
                          ("..", "Louvre"), ("/", "/"), ("/mm/mynode", "mynode")]:
        cli(mm1, f"cd {target}")
        assert mm1.find_prompt() == f"(mm-1) [{label}] #"


def test_hostname_changes_only_after_write_memory(mm1):
    cli(mm1, "configure terminal")
    cli(mm1, 'hostname "mm-renamed"')
    assert mm1.find_prompt() == "(mm-1) ^[mynode] (config) #"
    cli(mm1, "write memory")
    assert mm1.find_prompt() == "(mm-renamed) [mynode] (config) #"


def test_naive_send_command_times_out_after_cd(mm1):
    """§1.3: the prompt after `cd` differs from the one netmiko captured, so the default expect fails."""
    start = time.monotonic()
    with pytest.raises(ReadTimeout):
        mm1.send_command("cd /md/Louvre", read_timeout=1.0)
    assert time.monotonic() - start < 5
    assert mm1.send_command("cd /md/Louvre", expect_string=r"#", read_timeout=5) is not None


def test_unknown_command_gets_caret_and_error(mm1):
    out = mm1.send_command("show bogus-thing")
    lines = out.splitlines()
    assert lines[-1] == "% Invalid input detected at '^' marker."
    assert lines[-2].endswith("^") and set(lines[-2][:-1]) == {" "}
    # the caret sits under `bogus-thing` in the echoed line "(mm-1) [mynode] #show bogus-thing"
    assert len(lines[-2]) - 1 == len("(mm-1) [mynode] #show ")
    assert any(r.search(out.encode()) for r in ANSIBLE_STDERR_RE)


def test_md_refuses_configure(lab):
    with ConnectHandler(**lab.device_params("mc-1")) as conn:
        out = cli(conn, "configure terminal")
        assert "This controller is managed by a Mobility Conductor." in out
        assert conn.find_prompt() == "(mc-1) #"


def test_show_switches_lists_mms_and_mds(lab):
    with ConnectHandler(**lab.device_params("mm-2")) as conn:
        out = conn.send_command("show switches")
    assert "All Switches" in out and "Total Switches:6" in out
    rows = [line.split() for line in out.splitlines() if line.startswith("10.")]
    assert sorted(r[2] for r in rows) == sorted(ALL_HOSTS)
    assert {r[4] for r in rows} == {"conductor", "standby", "MD"}


# Oxidized's aosw model, in order (arubaos8.md §1.5): it blanks an answer matching these, keeps the rest.
OXIDIZED_COMMANDS = ["no paging", "encrypt disable", "show version", "show inventory", "show slots",
                     "show license", "show license passphrase", "show running-config"]
OXIDIZED_BLANK = re.compile(r"Invalid input detected at '\^' marker|Parse error")


def test_oxidized_aosw_session_backs_up_a_7210(lab):
    with ConnectHandler(**lab.device_params("mc-1")) as conn:
        kept = {c: conn.send_command(c, expect_string=r"#\s*$") for c in OXIDIZED_COMMANDS}
    kept = {c: out for c, out in kept.items() if not OXIDIZED_BLANK.search(out)}
    assert "ArubaOS (MODEL: Aruba7210), Version 8.10.0.12" in kept["show version"]
    assert kept["show license passphrase"].strip() == "Command is not supported for this platform"
    assert kept["show running-config"].splitlines()[0] == "Building Configuration..."
    # §4.10.7, 8.10.0.7 on a 7210 (the title's trailing space is the device's)
    assert kept["show slots"].split("\n") == ["", "Slots ", "------", "Slot  Status   Card Type",
                                              "----  ------   ---------", "0     Present  A7210"]
