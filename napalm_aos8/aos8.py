"""NAPALM driver for ArubaOS 8 Mobility Masters and controllers: `napalm.get_network_driver("aos8")`.

A thin face over what wifiops already has, no second implementation of any of it: the session layer
(wifiops/aos8/session.py: echo-matched exchanges, per-line refusals, `write memory`, purge), the diff engine
(wifiops/aos8/hconfig.py: what a replace sends) and the parsers (wifiops/aos8/parse.py: the getters).

The Mobility Master's commit model is NAPALM's: lines sent in config mode are pending on the node,
`show configuration pending` is the diff, `write memory` the commit, `configuration purge-pending` the
discard. A session works on one configuration node: `optional_args={"config_node": "/md/Louvre"}`; the MM's
own node (/mm/mynode) by default on an MM; a controller (MD) has none (its configuration comes from its MM).

On a controller managed by an MM the platform offers no candidate: `configure terminal` is refused there
("managed by a Mobility Conductor", arubaos8.md §5) and nothing is ever pending on it. So there
`get_config(retrieve="candidate")` is the running configuration, `compare_config()` is empty, and a load
raises MergeConfigException/ReplaceConfigException naming the MM to configure it from, before anything is sent.

What the driver loaded and did not commit is purged at `close()`: NAPALM's own `configure --dry-run` loads,
compares and closes without `discard_config()`, and on an MM pending lines would otherwise wait for the next
`write memory`, whoever types it, and be committed with it.

Every wifiops error reaches the caller as the matching NAPALM exception (`_napalm_error`): a login refused is
ConnectAuthError, no answer ConnectTimeoutError at open and CommandTimeoutException after, a cut session
ConnectionClosedException, a refused line MergeConfigException or ReplaceConfigException while loading,
CommitError on `write memory`, CommandErrorException elsewhere.

optional_args: `port` (22), `config_node`, `known_hosts` (the OpenSSH known_hosts file the host key is
checked against before the password is sent; default ~/.ssh/known_hosts), `name` (the name messages use;
default the hostname), `jump_host` (`user@bastion[:port]`, as `ssh -J`: the session goes through it, its key
checked in the same known_hosts) and `jump_password` (else the engineer's SSH agent or keys).

Commit confirm (`commit_config(revert_in=N)`) is emulated, the platform has none: the driver keeps the
node's committed configuration from just before the commit in memory, and a timer in this process pushes
it back (planned by the diff engine, then `write memory`) N seconds later unless `confirm_commit()` came
first. So the revert runs only while this driver object lives and its session is open: `close()` with a
commit awaiting confirmation reverts it first; if the process dies (killed, crashed, power cut) nothing
reverts it and the commit stays. The configuration saved before the last commit is also what
`rollback()` restores.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from napalm.base import NetworkDriver, models
from napalm.base.exceptions import (CommandErrorException, CommandTimeoutException, CommitConfirmException,
                                    CommitError, ConnectAuthError, ConnectionClosedException, ConnectionException,
                                    ConnectTimeoutError, MergeConfigException, NapalmException,
                                    ReplaceConfigException)

from wifiops.aos8.hconfig import phases, plan
from wifiops.aos8.jump import Jump
from wifiops.aos8.parse import parse
from wifiops.aos8.platform import aos8
from wifiops.aos8.session import Aos8Session
from wifiops.backups.scrub import offline
from wifiops.readers import TEXT_BYTES, read_text
from wifiops.errors import (CommandRefused, HostKeyChanged, HostKeyUnknown, LoginRefused, NoAnswer, SessionLost,
                            WifiopsError)
from wifiops.secrets import SecretStore

__all__ = ["Aos8Driver"]

# mgmt-user roles (ArubaOS 8 management roles) and NAPALM's privilege levels: root is the only full one.
USER_LEVELS = {"root": 15}

MM_NODE = "/mm/mynode"
NO_PENDING = "No pending configuration"  # what the MM says when nothing is pending [R]


class Aos8Driver(NetworkDriver):  # type: ignore[misc]  # napalm is untyped
    """ArubaOS 8 (Mobility Master / Mobility Controller) over SSH, through wifiops' session layer."""

    platform = "aos8"

    def __init__(self, hostname: str, username: str, password: str, timeout: int = 60,
                 optional_args: dict[str, Any] | None = None) -> None:
        args = dict(optional_args or {})
        self.hostname, self.username, self.password = hostname, username, password
        self.timeout = float(timeout)
        self.port = int(args.get("port", 22))
        self.name = str(args.get("name") or hostname)
        self.known_hosts = Path(str(args.get("known_hosts") or Path.home() / ".ssh" / "known_hosts")).expanduser()
        self._node_arg = args.get("config_node")
        self.via = _jump(args)
        self.config_node: str | None = None
        self.session: Aos8Session | None = None
        self._lock = threading.RLock()  # the revert timer and the caller share one session
        self._before_commit: str | None = None  # the node's committed configuration before the last commit
        self._revert: threading.Timer | None = None
        self.reverted = False  # set when an unconfirmed commit was reverted
        self._loaded = False  # lines loaded and not yet committed or discarded: close() purges them

    # --- connection ------------------------------------------------------------------------------------
    def open(self) -> None:
        try:
            self.session = Aos8Session.connect(self.hostname, port=self.port, username=self.username,
                                               password=self.password, name=self.name,
                                               known_hosts=self.known_hosts, timeout=self.timeout, via=self.via)
        except (HostKeyUnknown, HostKeyChanged) as exc:
            raise ConnectionException(self._host_key_message(exc)) from None
        except NoAnswer as exc:
            raise ConnectTimeoutError(str(exc)) from None
        except LoginRefused as exc:
            raise ConnectAuthError(str(exc)) from None
        except (WifiopsError, ValueError) as exc:  # ValueError: a timeout out of bounds
            raise ConnectionException(str(exc)) from None
        self.config_node = str(self._node_arg) if self._node_arg else (MM_NODE if self.is_mm else None)

    @property
    def is_mm(self) -> bool:
        """An MM prints its node in the prompt; a managed controller does not (arubaos8.md §2.2)."""
        return self.session is not None and self.session.prompt.node is not None

    def _host_key_message(self, exc: HostKeyUnknown | HostKeyChanged) -> str:
        """Said for a NAPALM user: the known_hosts file this driver read, and OpenSSH's tools to add the key
        (not `wifiops hosts trust`, which writes the inventory's file, not theirs)."""
        where = self.hostname if self.port == 22 else f"[{self.hostname}]:{self.port}"
        scan = f"ssh-keyscan -p {self.port} {self.hostname}"
        said = str(exc).removeprefix(f"{self.name}: ").split("; nothing was sent")[0]
        if isinstance(exc, HostKeyChanged):
            return (f"{self.name}: {said}; nothing was sent. A replaced device, or someone in the middle: check "
                    f"with the device's owner, then remove the old key (`ssh-keygen -R '{where}' -f "
                    f"{self.known_hosts}`) and add the new one (`{scan} >> {self.known_hosts}`)")
        return (f"{self.name}: {said}, not in {self.known_hosts} (the known_hosts file this driver read; "
                "optional_args known_hosts names another); nothing was sent. Check the fingerprint with the device "
                f"(`show ssh host-key` on its console) against `{scan} | ssh-keygen -lf -`, then add it: "
                f"`{scan} >> {self.known_hosts}`")

    def close(self) -> None:
        """Purges what was loaded and not committed, reverts a commit awaiting confirmation, then logs out."""
        if self.session is not None and not self.session._channel_closed():
            try:
                with self._lock:
                    if self._loaded:
                        self._purge()
                    if self.has_pending_commit():
                        self._revert_now()
            except (WifiopsError, NapalmException):
                pass  # the session went away mid-close: nothing more can be sent (show configuration pending tells)
        if self._revert is not None:
            self._revert.cancel()
            self._revert = None
        if self.session is not None:
            self.session.close()
            self.session = None

    def is_alive(self) -> models.AliveDict:
        alive = self.session is not None and not self.session._channel_closed()
        return {"is_alive": alive}

    def cli(self, commands: list[str], encoding: str = "text") -> dict[str, str]:
        """Show commands only: a change goes through load_merge_candidate, where each line is checked."""
        if encoding != "text":
            raise NotImplementedError(f"ArubaOS 8 answers in text only, not {encoding!r}")
        out = {}
        for command in commands:
            if not aos8().is_show(command):
                raise CommandErrorException(f"{command!r}: cli() runs show commands; configure with "
                                            "load_merge_candidate() and commit_config()")
            out[command] = self._show(command)
        return out

    # --- getters ---------------------------------------------------------------------------------------
    def get_facts(self) -> models.FactsDict:
        version = _one(self._parse("show version"))
        hostname = self._show("show hostname").strip().removeprefix("Hostname is").strip() or self.name
        serial = self._serial()
        interfaces = [r["interface"] for r in self._parse("show ip interface brief")]
        return {"uptime": float(version.get("uptime_s") or -1), "vendor": "Aruba",
                "os_version": str(version.get("version") or ""), "serial_number": serial,
                "model": str(version.get("model") or ""), "hostname": hostname, "fqdn": hostname,
                "interface_list": interfaces}

    def get_config(self, retrieve: str = "all", full: bool = False, sanitized: bool = False,
                   format: str = "text") -> models.ConfigDict:
        """running: the committed configuration of the session's node (an MM), or the device's running-config
        (an MD); candidate: running and what is pending on it (on an MD, nothing ever is: running);
        startup: the same as running (`write memory` is what saves)."""
        if format != "text":
            raise NotImplementedError("ArubaOS 8 prints its configuration as text only")
        if full:
            raise NotImplementedError("full=True: no ArubaOS 8 capture shows a configuration with its defaults "
                                      "(`show running-config all` is not in the command reference we hold)")
        if retrieve not in ("all", "running", "candidate", "startup"):
            raise CommandErrorException(f"retrieve={retrieve!r}: give all, running, candidate or startup")
        with self._locked() as session, _napalm_error(CommandErrorException):
            running = self._running(session, clear=not sanitized)
            pending = self._pending(session) if retrieve in ("all", "candidate") else ""
        if sanitized:
            scrub = offline(SecretStore({}, patterns=aos8().secret_patterns, guard=aos8().secret_guard))
            running, pending = scrub(running), scrub(pending) if pending else ""
        if running and not running.endswith("\n"):  # a text file's last line ends too: text appended to it is a
            running += "\n"                          # line of its own, not the tail of the last `!` (a comment)
        candidate = running + (pending if pending.endswith("\n") or not pending else pending + "\n")
        return {"running": running if retrieve in ("all", "running") else "",
                "candidate": candidate if retrieve in ("all", "candidate") else "",
                "startup": running if retrieve in ("all", "startup") else ""}

    def _serial(self) -> str:
        return str(_one(self._parse("show inventory")).get("serial") or "")

    def get_environment(self) -> models.EnvironmentDict:
        cpu = _one(self._parse("show cpuload"))
        memory = _one(self._parse("show memory"))
        usage = round(100.0 - float(cpu.get("idle") or 0.0), 1)
        return {"fans": {}, "temperature": {}, "power": {}, "cpu": {0: {"%usage": usage}},
                "memory": {"available_ram": int(memory.get("total_kb") or 0) * 1024,
                           "used_ram": int(memory.get("used_kb") or 0) * 1024}}

    def get_users(self) -> dict[str, models.UsersDict]:
        """The `mgmt-user` lines of the running configuration; passwords never leave (the device masks its
        hashes anyway)."""
        users: dict[str, models.UsersDict] = {}
        for line in self._show("show running-config").splitlines():
            words = line.split()
            if len(words) >= 3 and words[0] == "mgmt-user" and words[1] not in ("ssh-pubkey", "localauth-disable"):
                users[words[1].strip('"')] = {"level": USER_LEVELS.get(words[2], 1), "password": "", "sshkeys": []}
        return users

    def get_ntp_servers(self) -> dict[str, models.NTPServerDict]:
        """The `ntp server <address>` lines of the running configuration (arubaos8.md §2.1 [V]); NAPALM's
        model allows a subset of its fields, and the line names none of the others."""
        servers: dict[str, models.NTPServerDict] = {}
        for line in self._show("show running-config").splitlines():
            words = line.split()
            if words[:2] == ["ntp", "server"] and len(words) >= 3:
                servers[words[2]] = {}
        return servers

    def get_snmp_information(self) -> models.SNMPDict:
        """From the configuration lines (`snmp-server community`, `syscontact`, `syslocation`); chassis_id is
        the system serial number. Communities are named, as NAPALM's model wants, all read-only on AOS 8."""
        with self._locked() as session, _napalm_error(CommandErrorException):
            session.prepare()  # the community names print in clear only then
            config = session.show("show running-config")
        communities: dict[str, models.SNMPCommunityDict] = {}
        contact = location = ""
        for line in config.splitlines():
            words = line.split(maxsplit=2)
            if words[:2] == ["snmp-server", "community"] and len(words) == 3:
                communities[words[2].strip().strip('"')] = {"acl": "", "mode": "ro"}
            elif words[:1] == ["syscontact"] and len(words) > 1:
                contact = line.split(maxsplit=1)[1].strip().strip('"')
            elif words[:1] == ["syslocation"] and len(words) > 1:
                location = line.split(maxsplit=1)[1].strip().strip('"')
        return {"chassis_id": self._serial(), "community": communities, "contact": contact, "location": location}

    def get_interfaces(self) -> dict[str, models.InterfaceDict]:
        return {r["interface"]: {"is_up": r["protocol"] == "up", "is_enabled": r["admin"] == "up", "description": "",
                                 "last_flapped": -1.0, "speed": -1.0, "mtu": -1, "mac_address": ""}
                for r in self._parse("show ip interface brief")}

    def get_interfaces_ip(self) -> dict[str, models.InterfacesIPDict]:
        found: dict[str, models.InterfacesIPDict] = {}
        for row in self._parse("show ip interface brief"):
            if row["address"] and row["mask"]:
                prefix = ipaddress.IPv4Network(f"0.0.0.0/{row['mask']}").prefixlen
                found[row["interface"]] = {"ipv4": {row["address"]: {"prefix_length": prefix}}}
        return found

    def get_arp_table(self, vrf: str = "") -> list[models.ARPTableDict]:
        if vrf:
            raise NotImplementedError("ArubaOS 8 controllers have no VRFs")
        return [{"interface": r["interface"], "mac": r["mac"], "ip": r["ip"],
                 "age": float(r["age_min"]) * 60 if r["age_min"] is not None else -1.0}
                for r in self._parse("show arp")]

    def get_vlans(self) -> dict[int, models.VlanDict]:
        return {int(r["vlan_id"]): {"name": r["description"] or "", "interfaces": [r["ports"]] if r["ports"] else []}
                for r in self._parse("show vlan")}

    # --- configuration ---------------------------------------------------------------------------------
    def load_merge_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        """The lines become pending on the session's node; a refused line purges them and raises."""
        lines = _lines(filename, config, MergeConfigException)
        self._load(lines, MergeConfigException)

    def load_replace_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        """What brings the node's committed configuration to `config`, from the diff engine, made pending."""
        wanted = "\n".join(_lines(filename, config, ReplaceConfigException)) + "\n"
        self._refuse_on_a_controller(ReplaceConfigException)
        with self._locked() as session, _napalm_error(ReplaceConfigException):
            remediation = plan(self._running(session, clear=True), wanted).remediation
        changes, deletions = phases(remediation)
        self._load((changes + deletions).splitlines(), ReplaceConfigException)

    def _refuse_on_a_controller(self, kind: type[NapalmException]) -> None:
        with self._locked():
            if not self.is_mm:
                raise kind(f"{self.name} is managed by a Mobility Master: it takes no configuration of its own "
                           "(`configure terminal` is refused there); load it on the MM with optional_args "
                           "config_node set to this controller's node (or its group's)")

    def _load(self, lines: list[str], kind: type[NapalmException]) -> None:
        """The lines made pending on the session's node; a refused line purges all that is pending there."""
        self._refuse_on_a_controller(kind)
        with self._locked() as session, _napalm_error(kind):
            self._loaded = True  # from the first line sent: close() purges even after a dropped load
            try:
                session.configure(lines, node=self._node())
            except CommandRefused:
                self._purge()
                raise

    def compare_config(self) -> str:
        """What is pending on the session's node (`show configuration pending`); on a controller, nothing."""
        with self._locked() as session, _napalm_error(CommandErrorException):
            return self._pending(session)

    def discard_config(self) -> None:
        with self._locked(), _napalm_error(CommandErrorException):
            if self.is_mm:
                self._purge()

    def _purge(self) -> None:
        assert self.session is not None
        self.session.purge_pending(self._node())
        self._loaded = False

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        """`write memory`, checked. With `revert_in`, a revert runs that many seconds later unless confirmed
        (see the module's docstring for what it needs to run)."""
        if self.has_pending_commit():
            raise CommitConfirmException("a commit is awaiting confirmation: confirm_commit() or rollback() first")
        with self._locked() as session, _napalm_error(CommitError):
            before = self._running(session, clear=True)
            session.commit()
            self._loaded = False
            self._before_commit = before
        if revert_in is not None:
            self.reverted = False
            self._revert = threading.Timer(float(revert_in), self._revert_now)
            self._revert.daemon = True
            self._revert.start()

    def confirm_commit(self) -> None:
        if not self.has_pending_commit():
            raise CommitConfirmException("no commit is awaiting confirmation")
        assert self._revert is not None
        self._revert.cancel()
        self._revert = None

    def has_pending_commit(self) -> bool:
        return self._revert is not None and self._revert.is_alive()

    def rollback(self) -> None:
        """Back to the node's configuration saved before the last commit (planned by the diff engine)."""
        if self._before_commit is None:
            raise CommandErrorException("no commit made by this driver to roll back")
        if self._revert is not None:
            self._revert.cancel()
            self._revert = None
        with _napalm_error(CommandErrorException):
            self._restore(self._before_commit)

    # --- the session, locked -----------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[Aos8Session]:
        with self._lock:
            if self.session is None:
                raise ConnectionException(f"{self.name}: not connected: call open() first")
            yield self.session

    def _node(self) -> str | None:
        return self.config_node

    def _show(self, command: str) -> str:
        with self._locked() as session, _napalm_error(CommandErrorException):
            return session.show(command)

    def _parse(self, command: str) -> list[dict[str, Any]]:
        return parse(command, self._show(command)).records

    def _running(self, session: Aos8Session, *, clear: bool) -> str:
        """With `clear`, secrets print (`encrypt disable`, as backups read): what a replace or a revert compares."""
        if clear:
            session.prepare()
        if self.config_node:
            return session.committed(self.config_node)
        return session.show("show running-config")

    def _pending(self, session: Aos8Session) -> str:
        if not self.is_mm:
            return ""  # a managed controller has no pending configuration of its own (module docstring)
        text = session.pending()
        return "" if NO_PENDING in text else text.strip("\n") + "\n"

    def _revert_now(self) -> None:
        """The emulated commit confirm's timeout: the configuration saved before the commit pushed back."""
        with self._lock:
            if self._loaded:  # the revert's write memory must not commit what was loaded since
                self._purge()
            if self._before_commit is not None:
                self._restore(self._before_commit)
                self.reverted = True
            self._revert = None

    def _restore(self, before: str) -> None:
        with self._locked() as session:
            remediation = plan(self._running(session, clear=True), before).remediation
            changes, deletions = phases(remediation)
            lines = (changes + deletions).splitlines()
            if lines:
                session.push(self.config_node, lines)  # a refused line purges and raises: nothing committed


@contextmanager
def _napalm_error(kind: type[NapalmException]) -> Iterator[None]:
    """A wifiops error as the NAPALM exception a NAPALM user catches: connection troubles by cause, whatever
    the method; a refusal by the device (or a line refused before it was sent) as `kind`."""
    try:
        yield
    except SessionLost as exc:
        raise ConnectionClosedException(str(exc)) from None
    except NoAnswer as exc:
        raise CommandTimeoutException(str(exc)) from None
    except WifiopsError as exc:  # a refusal, a line refused before sending, an answer with no prompt
        raise kind(str(exc)) from None


def _jump(args: dict[str, Any]) -> Jump | None:
    spec = args.get("jump_host")
    if not spec:
        return None
    user, _, rest = str(spec).rpartition("@")
    host, _, port = rest.partition(":")
    if not user or not host:
        raise ConnectionException(f"jump_host {spec!r}: give user@host[:port]")
    password = args.get("jump_password")
    return Jump(host, host, int(port or 22), user, str(password) if password else None)


def _one(records: list[dict[str, Any]]) -> dict[str, Any]:
    return records[0] if records else {}


def _lines(filename: str | None, config: str | None, kind: type[NapalmException]) -> list[str]:
    if filename is not None:
        try:  # bounded like every reader of wifiops (a FIFO or /dev/zero is refused, not read for ever)
            config = read_text(Path(filename), TEXT_BYTES, "configuration file")
        except WifiopsError as exc:
            raise kind(str(exc)) from None
    if config is None:
        raise kind("give a filename or a config")
    return [line for line in config.splitlines() if line.strip()]
