"""Reaching a device through a bastion (the Louvre's Wallix gateway), as `ssh -J` would: one SSH connection to
the bastion, its host key verified like a device's, then one forwarded channel (`direct-tcpip`) per device
session, inside which the device's own SSH runs, its key verified too. Nothing else reaches a device.

Opening a connection through a bastion is costly (behind a VPN, with an RSA token it may even ask a person),
so the connection is kept and shared by every session of the run: one login to the bastion per run, not
one per device. `close_all()` ends them (Run.execute does, after its task).
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

import paramiko

from wifiops.aos8.hostkeys import KnownHosts, VerifyPolicy, fingerprint, known_name
from wifiops.errors import HostKeyChanged, HostKeyUnknown, LoginRefused, NoAnswer, SessionLost

CONNECT_CAP = 10.0


@dataclass(frozen=True)
class Jump:
    """A bastion: where it listens, who logs in there (the engineer), and with what."""

    name: str
    address: str
    port: int
    username: str
    password: str | None = None  # None: the engineer's SSH agent or keys, as their own ssh would
    shared: bool = True  # one connection for the run's sessions; False where the bastion allows one channel each


class _Pool:
    """One authenticated connection per bastion and login, shared by the sessions of a run (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[tuple[str, int, str], paramiko.SSHClient] = {}
        self._own: list[paramiko.SSHClient] = []
        self.logins = 0  # connections opened: what the reuse saves (read by tests and the benchmark)

    def channel(self, via: Jump, target_name: str, address: str, port: int, known: KnownHosts,
                timeout: float) -> paramiko.Channel:
        client = self._client(via, target_name, known, timeout)
        transport = client.get_transport()
        assert transport is not None
        try:
            return transport.open_channel("direct-tcpip", (address, port), ("127.0.0.1", 0), timeout=timeout)
        except paramiko.ChannelException as exc:
            raise NoAnswer(target_name, f"the bastion {via.name} could not reach {address}:{port} "
                           f"({exc.text or 'refused'}); check the address in the inventory and what the bastion "
                           "lets you reach") from None
        except (paramiko.SSHException, OSError, EOFError) as exc:
            self._drop(via)
            raise SessionLost(target_name, f"the connection to the bastion {via.name} was cut ({exc}); run again") from None

    def _client(self, via: Jump, target_name: str, known: KnownHosts, timeout: float) -> paramiko.SSHClient:
        if not via.shared:  # a login of its own, closed with the others at the end of the run
            client = _login(via, target_name, known, timeout)
            with self._lock:
                self._own.append(client)
                self.logins += 1
            return client
        key = (via.address, via.port, via.username)
        with self._lock:
            client = self._open.get(key)
            transport = client.get_transport() if client else None
            if client is not None and transport is not None and transport.is_active():
                return client
            client = _login(via, target_name, known, timeout)
            self._open[key] = client
            self.logins += 1
            return client

    def _drop(self, via: Jump) -> None:
        with self._lock:
            client = self._open.pop((via.address, via.port, via.username), None)
        if client is not None:
            client.close()

    def close_all(self) -> None:
        with self._lock:
            clients, self._open = [*self._open.values(), *self._own], {}
            self._own = []
        for client in clients:
            client.close()


def _login(via: Jump, target_name: str, known: KnownHosts, timeout: float) -> paramiko.SSHClient:
    """The bastion's key checked against the same known_hosts as the devices', before any password."""
    client = paramiko.SSHClient()
    for kind, key in known.recorded(via.address, via.port).items():
        client.get_host_keys().add(known_name(via.address, via.port), kind, key)
    policy = VerifyPolicy(known, via.address, via.port)
    client.set_missing_host_key_policy(policy)
    where = f"the bastion {via.name} at {via.address}:{via.port}"
    try:
        sock = socket.create_connection((via.address, via.port), timeout=min(timeout, CONNECT_CAP))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as for the devices (transport.py)
        client.connect(via.address, via.port, username=via.username, password=via.password, sock=sock,
                       timeout=min(timeout, CONNECT_CAP), banner_timeout=timeout, auth_timeout=timeout,
                       look_for_keys=via.password is None, allow_agent=via.password is None)
    except paramiko.BadHostKeyException as exc:
        raise HostKeyChanged(target_name, f"the SSH host key of {where} has CHANGED ({exc.key.get_name()} "
                             f"{fingerprint(exc.key)}, on record {fingerprint(exc.expected_key)}); nothing was sent. "
                             "Check with the bastion's owner before trusting the new key") from None
    except paramiko.AuthenticationException:
        raise LoginRefused(target_name, f"{where} refused the login of {via.username!r}: check your bastion "
                           "account and its password (or token)") from None
    except paramiko.SSHException as exc:
        if policy.verdict is not None and policy.verdict.status == "changed":
            raise HostKeyChanged(target_name, f"the SSH host key of {where} has CHANGED "
                                 f"({fingerprint(policy.verdict.offered)}); nothing was sent. Check with the "
                                 "bastion's owner before trusting the new key") from None
        if policy.verdict is not None:
            offered = f"{policy.verdict.offered.get_name()} {fingerprint(policy.verdict.offered)}"
            raise HostKeyUnknown(target_name, f"unknown SSH host key {offered} for {where}; nothing was sent. "
                                 f"Check its fingerprint with the bastion's owner, then record it in "
                                 f"{known.path}") from None
        raise NoAnswer(target_name, f"no SSH answer from {where} ({exc}); check the VPN and the bastion") from None
    except (OSError, EOFError) as exc:
        raise NoAnswer(target_name, f"no answer from {where} ({exc.__class__.__name__}: {exc}); check the VPN "
                       "and the bastion") from None
    return client


POOL = _Pool()


def close_all() -> None:
    POOL.close_all()


__all__ = ["Jump", "POOL", "close_all"]
