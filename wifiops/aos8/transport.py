"""netmiko as transport only: SSH, host-key verification, bytes in and out. The one way to reach a device.

netmiko's `aruba_os` driver prepares a session by sending RETURNs and reading prompts on a timer
(`_try_session_preparation`, `find_prompt`, `set_base_prompt`) and cleans up by reading again. Behind a
VPN and a bastion every one of those RETURNs comes back late as an extra prompt, which a later read takes
for the answer to the next command (issue 6). So this subclass sends nothing of its own: the session
(session.py) logs in by reading the first prompt and then matches every answer to its command's echo.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

import paramiko
from netmiko import NetmikoAuthenticationException, NetmikoTimeoutException
from netmiko.aruba.aruba_os import ArubaOsSSH

from wifiops.aos8.jump import POOL, Jump
from wifiops.aos8.hostkeys import CapturePolicy, KnownHosts, Verdict, VerifyPolicy, fingerprint, known_name
from wifiops.errors import HostKeyChanged, HostKeyUnknown, LoginRefused, NoAnswer, SessionLost

# Read by the session only: how long to wait, in one place (seconds).
CONNECT_CAP = 10.0  # TCP connect: a device that does not answer SYN in 10 s is not there


class Aos8Netmiko(ArubaOsSSH):
    """`aruba_os` without the dialogue netmiko adds: no RETURN, no prompt discovery, no reads on close."""

    def __init__(self, *, host_key_policy: paramiko.MissingHostKeyPolicy,
                 recorded: dict[str, paramiko.PKey] | None = None, **kwargs: Any) -> None:
        self._host_key_policy = host_key_policy
        self._recorded = recorded or {}
        super().__init__(**kwargs)

    def _build_ssh_client(self) -> paramiko.SSHClient:
        client = self._get_ssh_client_instance()
        # The keys on record for this host only: paramiko then prefers their type when negotiating and
        # compares the key itself (BadHostKeyException on a change); an unknown key goes to the policy.
        for kind, key in self._recorded.items():
            client.get_host_keys().add(known_name(self.host, self.port), kind, key)
        client.set_missing_host_key_policy(self._host_key_policy)
        return client

    def _connect_params_dict(self) -> dict[str, Any]:
        params = super()._connect_params_dict()
        params["transport_factory"] = _nodelay_transport  # paramiko >= 3.2 (netmiko 4.8 requires 3.5.1)
        return params

    def strip_ansi_escape_codes(self, string_buffer: str) -> str:
        """netmiko's, skipped when there is no ESC: each of its 34 codes starts with one (the same text out).

        netmiko runs 34 regular-expression substitutions over every chunk it reads: about a tenth of
        wifiops' CPU in a backup of 204 hosts. Safe on real devices: for a chunk without ESC the text out
        is the same, and a chunk with one still goes through all of netmiko's substitutions.
        """
        if "\x1b" not in string_buffer:
            return string_buffer
        return str(super().strip_ansi_escape_codes(string_buffer))

    def _try_session_preparation(self, force_data: bool = True) -> None:
        self.ansi_escape_codes = True  # the device may colour its output; nothing is sent here

    def session_preparation(self) -> None:
        pass

    def cleanup(self, command: str = "exit") -> None:
        """Say `exit` if the channel is still open, and read nothing: a hung device must not hold us."""
        channel = self.remote_conn
        if channel is not None and not getattr(channel, "closed", True):
            try:
                self.write_channel(command + self.RETURN)
            except Exception:  # the device may be gone already; closing the transport follows
                pass


def _nodelay_transport(sock: Any, **kwargs: Any) -> paramiko.Transport:
    """paramiko's Transport on a socket with Nagle's algorithm off (TCP_NODELAY), as OpenSSH and asyncssh set it.

    paramiko leaves Nagle on, and its handshake twice writes two small packets in a row without reading
    between them (KEXINIT then KEX_ECDH_INIT; NEWKEYS then SERVICE_REQUEST): the kernel holds the second
    until the first is acknowledged, and the device delays that ACK (40 ms on Linux, up to 200 ms on
    other stacks). Measured on the lab: 89 ms -> 7 ms from TCP connect to authenticated, and a one-worker
    backup of the Louvre lab 0.70 s -> 0.20 s (benchmarks/bench_backup.py). Safe on real devices: it
    changes only when our kernel sends segments, never a byte of what is sent, and OpenSSH's client sets it
    for interactive sessions too. A socket that is not TCP (a ProxyCommand, a jump host's channel) is left
    as it is.
    """
    if isinstance(sock, socket.socket) and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return paramiko.Transport(sock, **kwargs)


@dataclass(frozen=True)
class Endpoint:
    """Where a host listens and who it is in the inventory (every message names it so)."""

    name: str
    address: str
    port: int


def open_transport(endpoint: Endpoint, *, username: str, password: str, timeout: float,
                   known_hosts: KnownHosts, via: Jump | None = None) -> Aos8Netmiko:
    """Connect and authenticate, the host key verified first. Each failure is raised as its cause. `via`: a
    bastion; the session then runs inside a channel it forwards (the bastion's key is verified too)."""
    policy = VerifyPolicy(known_hosts, endpoint.address, endpoint.port)
    sock = POOL.channel(via, endpoint.name, endpoint.address, endpoint.port, known_hosts, timeout) if via else None
    try:
        return _connect(endpoint, policy, known_hosts.recorded(endpoint.address, endpoint.port),
                        username=username, password=password, timeout=timeout, sock=sock)
    except NetmikoAuthenticationException:
        raise LoginRefused(endpoint.name, f"login refused for user {username!r}: check the username, and "
                           "WIFIOPS_PASSWORD or `password:` in the secrets file") from None
    except NetmikoTimeoutException as exc:
        verdict = policy.verdict or _bad_key(exc)
        if verdict is not None:
            raise _key_error(endpoint, verdict, known_hosts) from None
        raise _no_answer(endpoint, exc, timeout) from None
    except (OSError, EOFError, paramiko.SSHException) as exc:
        raise SessionLost(endpoint.name, f"the SSH session was cut while logging in ({_said(exc)}); "
                          "run again, and check the link if it repeats") from None


def fetch_host_key(endpoint: Endpoint, *, timeout: float) -> paramiko.PKey:
    """The key the host offers, read through the same connect path, stopping before authentication."""
    policy = CapturePolicy()
    try:
        connection = _connect(endpoint, policy, {}, username="wifiops-hostkey", password="", timeout=timeout)
        connection.disconnect()  # unreachable in practice: the policy always stops the handshake
    except (NetmikoTimeoutException, NetmikoAuthenticationException, OSError, EOFError,
            paramiko.SSHException) as exc:
        if policy.verdict is None:
            raise _no_answer(endpoint, exc, timeout) from None
    assert policy.verdict is not None
    return policy.verdict.offered


def _connect(endpoint: Endpoint, policy: paramiko.MissingHostKeyPolicy, recorded: dict[str, paramiko.PKey], *,
             username: str, password: str, timeout: float, sock: Any = None) -> Aos8Netmiko:
    # Every phase bounded by the one timeout: TCP (capped), SSH banner, authentication, and each read.
    return Aos8Netmiko(host_key_policy=policy, recorded=recorded, device_type="aruba_os",
                       host=endpoint.address, port=endpoint.port, username=username, password=password,
                       conn_timeout=min(timeout, CONNECT_CAP), banner_timeout=timeout, auth_timeout=timeout,
                       read_timeout_override=timeout, blocking_timeout=timeout, use_keys=False,
                       allow_agent=False, fast_cli=True, sock=sock)


def _bad_key(exc: BaseException) -> Verdict | None:
    """paramiko's own comparison (keys on record of the negotiated type), under netmiko's rewording."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, paramiko.BadHostKeyException):
            return Verdict("changed", seen.key, seen.expected_key)
        seen = seen.__context__
    return None


def _key_error(endpoint: Endpoint, verdict: Verdict, known: KnownHosts) -> HostKeyUnknown | HostKeyChanged:
    offered = f"{verdict.offered.get_name()} {fingerprint(verdict.offered)}"
    if verdict.status == "unknown":
        return HostKeyUnknown(endpoint.name, f"unknown SSH host key {offered} at {endpoint.address}:{endpoint.port}; "
                              f"nothing was sent. Check the fingerprint with the device (`show ssh host-key`"
                              f" on its console), then run `wifiops hosts trust {endpoint.name}`")
    recorded = verdict.recorded
    was = f"{recorded.get_name()} {fingerprint(recorded)}" if recorded is not None else "another key"
    return HostKeyChanged(endpoint.name, f"the SSH host key has CHANGED: {offered}, on record {was} in "
                          f"{known.path}; nothing was sent. A replaced device, or someone in the middle: check "
                          f"with the device's owner before `wifiops hosts trust {endpoint.name} --replace`")


def _no_answer(endpoint: Endpoint, exc: BaseException, timeout: float) -> NoAnswer:
    text = _said(exc)
    where = f"{endpoint.address}:{endpoint.port}"
    if "banner" in text.lower() or isinstance(exc.__context__, (socket.timeout, TimeoutError)):
        return NoAnswer(endpoint.name, f"no SSH answer from {where} within {timeout:g} s: the port is open but "
                        "nothing speaks SSH there in time; check the address and port, or raise --timeout")
    return NoAnswer(endpoint.name, f"no SSH answer from {where} within {min(timeout, CONNECT_CAP):g} s: check "
                    "the address and port in the inventory, and the VPN or bastion")


def _said(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
