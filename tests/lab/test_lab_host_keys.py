"""Host keys as a client checks them: each lab host has its own key, the known-hosts file the lab
writes next to its inventory matches what a client is shown, and `new-host-key` breaks that match."""

from __future__ import annotations

import paramiko
import pytest

from labclient import ssh_client


def test_known_hosts_names_every_host_with_its_own_key(fresh_lab):
    """The file loads in paramiko (as the toolkit reads it) and a RejectPolicy client gets in everywhere."""
    lab = fresh_lab
    known = paramiko.HostKeys(str(lab.known_hosts))
    user, password = lab.credentials
    keys = {}
    for host, port in lab.ports.items():
        entry = known.lookup(f"[{lab.address}]:{port}")
        assert entry is not None and list(entry) == ["ssh-ed25519"], host
        keys[host] = entry["ssh-ed25519"]
        client = ssh_client(lab.address, port, user, password, lab.known_hosts)
        try:
            assert client.get_transport().get_remote_server_key() == keys[host]
        finally:
            client.close()
    assert len({k.get_base64() for k in keys.values()}) == len(lab.ports)  # one key per host
    assert lab.known_hosts == lab.inventory_dir / "known_hosts"


def test_new_host_key_is_refused_until_cleared(fresh_lab):
    user, password = fresh_lab.credentials
    port = fresh_lab.port("mc-2")
    written = fresh_lab.known_hosts.read_bytes()
    own = fresh_lab.fingerprint("mc-2")

    ssh_client(fresh_lab.address, port, user, password, fresh_lab.known_hosts).close()
    fresh_lab.fault("mc-2", "new-host-key")
    assert fresh_lab.core.faults_of("mc-2").active() == ["new-host-key"]
    assert fresh_lab.fingerprint("mc-2") != own
    with pytest.raises(paramiko.BadHostKeyException):
        ssh_client(fresh_lab.address, port, user, password, fresh_lab.known_hosts)
    assert fresh_lab.known_hosts.read_bytes() == written  # an impostor does not get to vouch for itself
    ssh_client(fresh_lab.address, fresh_lab.port("mc-1"), user, password, fresh_lab.known_hosts).close()

    fresh_lab.clear("mc-2")
    assert fresh_lab.fingerprint("mc-2") == own
    ssh_client(fresh_lab.address, port, user, password, fresh_lab.known_hosts).close()


def test_a_session_open_before_the_new_key_carries_on(fresh_lab, open_shell):
    """The key is checked at connection: a session already open stays open, as with a swapped device
    (only new connections meet the new key)."""
    shell = open_shell("mm-2")
    shell.read_until(r"#")
    fresh_lab.fault("mm-2", "new-host-key")
    shell.send("show hostname\r")
    assert "Hostname is mm-2" in shell.read_until(r"#")


def test_port_22_is_named_bare_as_openssh_does(tmp_path):
    """`127.0.0.1 ssh-ed25519 ...` on port 22, `[127.0.0.1]:22201 ...` elsewhere; paramiko finds both."""
    from wifiops.lab.hostkeys import known_hosts_line, new_key, update_known_hosts

    key = new_key()
    lines = {p: known_hosts_line("127.0.0.1", p, key) for p in (22, 22201)}
    assert lines[22].startswith("127.0.0.1 ssh-ed25519 AAAA")
    assert lines[22201].startswith("[127.0.0.1]:22201 ssh-ed25519 AAAA")
    path = tmp_path / "known_hosts"
    update_known_hosts(path, {line.split()[0]: line for line in lines.values()})
    known = paramiko.HostKeys(str(path))
    assert known.lookup("127.0.0.1") is not None and known.lookup("[127.0.0.1]:22201") is not None
