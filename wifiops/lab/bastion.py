"""The lab's bastion: an SSH server that only forwards, as the Louvre's Wallix gateway does for wifiops.

It has its own host key and its own credentials, opens no shell, and forwards `direct-tcpip` channels to
the lab's own devices only (an address and port it serves); anything else is refused as a gateway
refuses it. It counts the SSH connections it accepted and the channels it forwarded, so a test can see
that a run logs in once and opens one channel per device. `down()` stops it listening (the VPN gone).

`RunningBastion` runs one on the in-process test lab's loop, its key recorded in the lab's known_hosts (the
`lab_bastion` fixture of tests/conftest.py); nothing here imports pytest, which `wifiops lab up` must not need.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncssh

from wifiops.lab.hostkeys import known_hosts_line, new_key, update_known_hosts

USERNAME = "engineer-lab"
PASSWORD = "lab-gateway-pw"  # a lab value, like the devices' (the lab listens on 127.0.0.1 only)


class _Gateway(asyncssh.SSHServer):  # type: ignore[misc]
    def __init__(self, bastion: "LabBastion") -> None:
        self.bastion = bastion

    def connection_made(self, conn: Any) -> None:
        self.bastion.connections += 1
        self.bastion.live.add(conn)
        self.conn = conn

    def connection_lost(self, exc: Exception | None) -> None:
        self.bastion.live.discard(self.conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == self.bastion.username and password == self.bastion.password

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        if (dest_host, dest_port) not in self.bastion.allowed:
            raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED,
                                            f"{dest_host}:{dest_port} is not a device this gateway serves")
        self.bastion.channels += 1
        return True  # asyncssh connects to the destination and relays the bytes

    def session_requested(self) -> bool:
        return False  # no shell, no command: a gateway only forwards


class LabBastion:
    def __init__(self, allowed: set[tuple[str, int]], *, address: str = "127.0.0.1",
                 username: str = USERNAME, password: str = PASSWORD, key: asyncssh.SSHKey | None = None) -> None:
        self.allowed, self.address = allowed, address
        self.username, self.password = username, password
        self.key = key or new_key()
        self.acceptor: Any = None
        self.port = 0
        self.connections = 0
        self.channels = 0
        self.live: set[Any] = set()

    async def start(self, port: int = 0) -> int:
        self.acceptor = await asyncssh.create_server(lambda: _Gateway(self), self.address, port or self.port,
                                                     server_host_keys=[self.key], keepalive_interval=0,
                                                     login_timeout=30)
        self.port = self.acceptor.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self.acceptor is not None:
            self.acceptor.close()
            for conn in list(self.live):
                conn.abort()
            await self.acceptor.wait_closed()
            self.acceptor = None
        await asyncio.sleep(0)

    def known_hosts_entry(self) -> dict[str, str]:
        line = known_hosts_line(self.address, self.port, self.key)
        return {line.split(" ", 1)[0]: line}


class RunningBastion:
    """The lab bastion on a RunningLab's loop: start, stop (down), the counts, its known_hosts entry."""

    def __init__(self, lab: Any) -> None:
        self.lab = lab
        self.bastion = LabBastion({(lab.address, port) for port in lab.ports.values()})
        self.port = lab.call(self.bastion.start())
        self.username, self.password = self.bastion.username, self.bastion.password
        self.record_key()

    def record_key(self) -> None:
        update_known_hosts(self.lab.known_hosts, self.bastion.known_hosts_entry())

    @property
    def connections(self) -> int:
        return self.bastion.connections

    @property
    def channels(self) -> int:
        return self.bastion.channels

    def down(self) -> None:
        self.lab.call(self.bastion.stop())

    def up(self) -> None:
        self.lab.call(self.bastion.start(self.port))

    def new_key(self) -> None:
        """Serve another host key (a replaced gateway, or someone in the middle); known_hosts keeps the old one."""
        self.lab.call(self.bastion.stop())
        self.bastion.key = new_key()
        self.lab.call(self.bastion.start(self.port))

    def close(self) -> None:
        self.lab.call(self.bastion.stop())

