"""Commands real clients send on login or for a check: `show slots`, `show ip interface brief`,
`show ipv6 interface brief`, `show arp`, `show vlan`, `no page` / `no pag`. Over real SSH with netmiko
(paramiko where paging must stay on), parsed with ntc-templates' TextFSM templates for aruba_os.

The reference samples below are written from arubaos8.md §4.10, never from the lab's format constants:
ntc-templates must fill the same fields on the lab's output as on them, and count every row it can.
"""

from __future__ import annotations

import re

import pytest
from netmiko import ConnectHandler
from ntc_templates.parse import parse_output
from textfsm import TextFSMError

HOSTS = ["mc-1", "mm-1"]  # a 7210 MD reached directly, and the conductor MM

# §4.10.1 (ntc-templates' raw file: the four rows shown, then the loopback row, then an empty line)
IP_BRIEF_SAMPLE = """\
Interface                   IP Address / IP Netmask        Admin   Protocol
vlan 93                    162.25.53.4 / 255.255.255.192   up      up  
vlan 1                      unassigned / unassigned        up      up  
vlan 69                    162.25.53.9 / 255.255.255.192   up      up  
vlan 999                 162.21.33.196 / 255.255.255.240   up      up  
loopback                    unassigned / unassigned        up      up  

"""  # noqa: W291 - the device's trailing spaces

# §4.10.2
IPV6_BRIEF_SAMPLE = """\
Interface                   [Status/Protocol]
vlan 1                      [  up/up  ]
    fe80::1a:3e00:6ed1:1585/64
    2001::1/64
vlan 390                     [  up/up  ]
    unassigned
vlan 991                     [  up/up  ]
    fe80::1a:3e00:6ed1:1585/64
    2a01:9e73:433f:109::6/64
vlan 992                    [  up/up  ]
    unassigned
"""

# §4.10.3
ARP_SAMPLE = """\

Codes: * - Local Addresses, S - Static, A - Auth

Total ARP entries: 2

IPV4 ARP Table
--------------
 Protocol    IP Address    Hardware Address   Interface  Age (min)
----------   ----------    ----------------   ---------  ---------
   Internet  10.13.68.113  24:be:05:28:10:71  vlan10     78
   Internet  10.13.68.114  b0:5a:da:38:7e:0d  vlan10     19
   Internet  10.13.68.117  10:e7:c6:05:d3:22  vlan10     62
   Internet  10.13.68.118  9c:eb:e8:75:0d:89  vlan10     1376
"""

# §4.10.4: the only controller capture (AOS 2.5, Aruba800); no AOS 8 capture exists
VLAN_SAMPLE = """\

VLAN CONFIGURATION
------------------
VLAN  Name      Ports
----  ----      -----
1     Default   Fa1/0-7 Gig1/8 
"""  # noqa: W291

# §4.10.7, 8.10.0.7 on a 7210 (after the echo: the CR-only line, then the title with its trailing space)
SLOTS_SAMPLE = ["", "Slots ", "------", "Slot  Status   Card Type", "----  ------   ---------", "0     Present  A7210"]


def filled(records: list[dict]) -> set[str]:
    """The fields a template filled in at least one record."""
    return {key for record in records for key, value in record.items() if value not in ("", [], None)}


def ntc(command: str, text: str) -> list[dict]:
    return parse_output(platform="aruba_os", command=command, data=text)


def connect(lab, host: str):
    conn = ConnectHandler(**lab.device_params(host))
    conn.read_channel()  # the `#` netmiko's login leaves unread (its base prompt stops before it)
    return conn


def send(conn, command: str) -> str:
    """The output of `command`, read up to the next prompt whatever it has become (no prompt search
    before each command: netmiko's default costs about 0.1 s a command)."""
    out = conn.send_command(command, expect_string=r"#\s*$", read_timeout=10, strip_prompt=False)
    return out.rsplit("\n", 1)[0] if "\n" in out else ""


@pytest.fixture(scope="module", params=HOSTS)
def device(request, lab):
    """(host, netmiko connection, the host's estate entry)"""
    with connect(lab, request.param) as conn:
        yield request.param, conn, lab.estate.device(request.param)


def test_ip_interface_brief_parses_as_the_capture_does(device):
    host, conn, spec = device
    out = send(conn, "show ip interface brief")
    sample_rows = [line for line in IP_BRIEF_SAMPLE.splitlines() if line.startswith("vlan ")]
    sample = ntc("show ip interface brief", IP_BRIEF_SAMPLE)
    # the template reads `vlan N` rows only: it skips the loopback row of the real capture too
    assert len(sample) == len(sample_rows) == 4
    records = ntc("show ip interface brief", out)
    rows = [line for line in out.splitlines() if re.match(r"vlan \d+ ", line)]
    assert len(records) == len(rows) >= (2 if spec.role == "md" else 1)
    assert filled(records) == filled(sample)
    by_name = {r["interface"]: r for r in records}
    mgmt_vlan = "vlan 1" if spec.role == "mm" else "vlan 150"
    assert by_name[mgmt_vlan]["ip_address"] == spec.mgmt_ip
    assert by_name[mgmt_vlan]["netmask"] == "255.255.255.0"
    # the capture's layout: " / " at column 38, two blanks after Protocol
    assert all(line.index(" / ") == 38 and line.endswith("up  ") for line in rows)
    assert out.splitlines()[0] == IP_BRIEF_SAMPLE.splitlines()[0]


def test_ipv6_interface_brief_parses_as_the_capture_does(device):
    host, conn, spec = device
    out = send(conn, "show ipv6 interface brief")
    sample = ntc("show ipv6 interface brief", IPV6_BRIEF_SAMPLE)
    assert len(sample) == 4
    records = ntc("show ipv6 interface brief", out)
    interfaces = [line for line in out.splitlines()[1:] if line and not line.startswith(" ")]
    assert len(records) == len(interfaces) >= 1
    assert filled(records) == filled(sample)
    assert all(r["ipv6_address"] == ["unassigned"] for r in records)  # the estate has no IPv6


def test_arp_parses_as_the_capture_does(device, lab):
    host, conn, spec = device
    out = send(conn, "show arp")
    sample = ntc("show arp", ARP_SAMPLE)
    assert len(sample) == 4
    records = ntc("show arp", out)  # the template raises on any line it does not know
    rows = [line for line in out.splitlines() if line.startswith("   Internet")]
    assert len(records) == len(rows) >= 2
    assert filled(records) == filled(sample)
    assert f"Total ARP entries: {len(rows)}" in out  # computed, unlike the edited fixture
    # the neighbour in the same subnet: the cluster peer of an MD, the standby of an MM
    peer = lab.estate.device("mc-2" if host == "mc-1" else "mm-2")
    assert {"ip_address": peer.mgmt_ip, "mac_address": peer.mac}.items() <= next(
        r for r in records if r["ip_address"] == peer.mgmt_ip).items()


def test_vlan_is_a_controller_table_that_the_switch_template_refuses(device):
    """ntc-templates' aruba_os `show vlan` template parses ArubaOS-Switch output (§4.10.4): it refuses a
    controller's table, the real Aruba800's as the lab's. The lab prints the controller's table."""
    host, conn, spec = device
    out = send(conn, "show vlan")
    for text in (VLAN_SAMPLE, out):
        with pytest.raises(TextFSMError):
            ntc("show vlan", text)
    lines = out.split("\n")
    assert lines[:3] == VLAN_SAMPLE.split("\n")[:3]  # blank line, title, 18 dashes
    assert lines[3].split() == ["VLAN", "Description", "Ports", "AAA", "Profile"]
    config = send(conn, "show running-config")
    configured = {int(v) for v in re.findall(r"^vlan (\d+) $", config, re.M)} | {1}
    assert [int(line.split()[0]) for line in lines[5:]] == sorted(configured)
    assert lines[5].split()[:2] == ["1", "Default"]


def test_slots_as_the_7210_prints_it(device):
    host, conn, spec = device
    lines = send(conn, "show slots").split("\n")
    if spec.model == "Aruba7210":
        assert lines == SLOTS_SAMPLE
    else:  # an MM-VA: the same table, its own card type [R]
        assert lines[:5] == SLOTS_SAMPLE[:5] and lines[5].split()[:2] == ["0", "Present"]


def test_abbreviations_clients_type_and_ambiguous_ones(lab):
    with connect(lab, "mc-1") as conn:
        for short, full in [("sh ip int b", "show ip interface brief"), ("sh ipv6 int b", "show ipv6 interface brief"),
                            ("sh vl", "show vlan"), ("sh arp", "show arp"), ("sh sl", "show slots")]:
            assert send(conn, short) == send(conn, full), short
        # ntc-templates finds its template from the abbreviated command too
        assert ntc("sh ip int b", send(conn, "sh ip int b"))
        for ambiguous in ("show v", "show s", "show a", "show i interface brief"):
            out = send(conn, ambiguous).split("\n")
            assert out[-1] == "% Invalid input detected at '^' marker.", ambiguous
            assert out[-2] == " " * len("(mc-1) #show ") + "^", ambiguous


@pytest.mark.parametrize("spelling", ["no paging", "no page", "no pag"])
def test_paging_off_in_each_spelling_clients_send(open_shell, spelling):
    """netmiko sends `no paging`, Ansible's aruba plugin `no pag` (§1.5); `no page` is listed in §9."""
    shell = open_shell("mc-1")
    shell.read_until(r"\(mc-1\) #")
    shell.send(spelling + "\r")
    assert shell.read_until(r"\(mc-1\) #").split("\r\n")[-1] == "(mc-1) #"  # no output, no error
    shell.send("show running-config\r")
    out = shell.read_until(r"\(mc-1\) #")
    assert "--More--" not in out and "\r\nend\r\n" in out


def test_a_pushed_interface_and_vlan_show_on_that_md_only(fresh_lab):
    with connect(fresh_lab, "mm-1") as mm:
        for line in ("cd mc-1", "configure terminal", "interface vlan 210", "ip address 203.0.113.2 255.255.255.248",
                     "exit", "vlan 230", 'description "lab-test"', "exit", "end", "write memory"):
            send(mm, line)
    with connect(fresh_lab, "mc-1") as md:
        records = {r["interface"]: r for r in ntc("show ip interface brief", send(md, "show ip interface brief"))}
        assert records["vlan 210"]["ip_address"] == "203.0.113.2"
        assert records["vlan 210"]["netmask"] == "255.255.255.248"
        assert re.search(r"^230 +lab-test ", send(md, "show vlan"), re.M)
    with connect(fresh_lab, "mc-2") as other:
        assert "vlan 210" not in send(other, "show ip interface brief")
