"""One CLI session of a lab device: the prompt state machine an SSH channel talks to.

Faithful on purpose (arubaos8.md §1.3, §2.2): the prompt changes with the node (`cd`), gains `^` after an
uncommitted change and loses it at `write memory`, and a new hostname shows only after `write memory`.
Those changes break naive netmiko use; the lab must reproduce that, the toolkit's session layer copes.

A show command may end in output filters (`| include TEXT`, `| exclude TEXT`, `| begin TEXT`, chained;
grammar.yaml `filters:`). They apply to whatever the command prints once it has parsed, before the SSH
face pages the result; a bad filter is refused with the caret like any other parse error.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Callable

from wifiops.lab import netshows, shows, upgrade
from wifiops.lab.configdb import MYNODE, chain_of
from wifiops.lab.grammar import Match, match_line, split_pipes, tokenize
from wifiops.lab.tables import table

if TYPE_CHECKING:
    from wifiops.lab.estate import LabDeviceSpec
    from wifiops.lab.core import LabCore


# What each output filter keeps of a command's lines (grammar.yaml `filters:` names the action).
FILTERS: dict[str, Callable[[list[str], str], list[str]]] = {
    "include": lambda lines, text: [line for line in lines if text in line],
    "exclude": lambda lines, text: [line for line in lines if text not in line],
    "begin": lambda lines, text: lines[next((i for i, line in enumerate(lines) if text in line), len(lines)):],
}


class _Refused(Exception):
    """A line that does not parse: `offset` of the offending token in the stripped line, None when the
    line ended too early (`% Incomplete command.`)."""

    def __init__(self, offset: int | None) -> None:
        super().__init__(offset)
        self.offset = offset


class Shell:
    """State of one session: mode (exec/config), open profile, current node, paging, encrypt."""

    def __init__(self, core: "LabCore", device: "LabDeviceSpec", user: str) -> None:
        self.core = core
        self.device = device
        self.user = user
        self.is_mm = device.role == "mm"
        self.node = MYNODE if self.is_mm else device.config_path
        self.config_mode = False
        self.context: str | None = None  # key of the open profile
        self.encrypt = True
        self.paging = True
        self.closed = False
        self.session = core.next_session()  # numbers the lines of the lab's record of what it received
        self._typed = ""
        self.mdc: Shell | None = None  # the MD's shell this MM session reached with `mdc`, until its `exit`
        # a question the device asked (`reload`'s (y/n), a copy's Password:): its prompt, and what the answer does
        self.question: tuple[str, Callable[[str], list[str]]] | None = None
        self.actions: dict[str, Callable[[Match], list[str]]] = {
            name[4:]: getattr(self, name) for name in dir(self) if name.startswith("_do_")}
        for action in netshows.SHOWS:
            self.actions[action] = self._netshow

    # --- prompt ------------------------------------------------------------------------------------
    def prompt(self) -> str:
        if self.question is not None:
            return self.question[0]
        g = self.core.grammar
        if self.mdc is not None:  # `(mc-1) [MDC] #` [V]
            return f"({self.core.hostname(self.mdc.device)}) [MDC] {self.mdc.prompt().split(') ', 1)[1]}"
        mark = g.prompts["unsaved_mark"] if self.is_mm and self.core.db.has_pending(self.user) else ""
        mode = ""
        if self.config_mode:
            mode = g.prompts["config_mode"]
            if self.context is not None:
                entry = self.core.db.working(self.user, self._stored(self.node)).get(self.context)
                if entry is not None:
                    mode = g.blocks[entry["kind"]].prompt.format(name=entry["name"] or "")
        host = self.core.hostname(self.device)
        if self.is_mm:
            return g.prompts["mm"].format(host=host, mark=mark, node=self._node_label(), mode=mode)
        return g.prompts["md"].format(host=host, mark=mark, mode=mode)

    def _node_label(self) -> str:
        return "/" if self.node == "/" else self.node.rstrip("/").rsplit("/", 1)[-1]

    def _stored(self, node: str) -> str:
        return self.core.db.storage(node, self.device.name)

    # --- input -------------------------------------------------------------------------------------
    def handle(self, line: str) -> list[str]:
        """Output lines for one typed line (without the echo and the next prompt)."""
        if self.mdc is not None:  # the MD's shell answers until its own `exit` brings back the MM's
            out = self.mdc.handle(line)
            if self.mdc.closed:
                self.mdc = None
            return out
        if self.question is not None:  # the answer to a question: a password is not kept in the record
            _, answer = self.question
            self.question = None
            secret = self.prompt_was_password
            self.core.record(self.device.name, self.session, "********" if secret else line)
            return answer(line.strip())
        self.core.record(self.device.name, self.session, line)
        typed_prompt = self.prompt()
        text = line.strip()
        if not text:
            return []
        if text == "\x1a":
            return self._do_end(None)
        try:
            command, filters = self._split_filters(text)
            out = self._run(command, line, typed_prompt)
        except _Refused as refused:
            if refused.offset is None:
                return [self.core.grammar.errors["incomplete"]]
            return self._caret(typed_prompt, line, refused.offset)
        for action, filter_text in filters:
            out = FILTERS[action](out, filter_text)
        return out

    def _split_filters(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """A show command and its output filters [(action, TEXT), ...]; other lines are left whole (a
        `|` in a config line is part of a value)."""
        g = self.core.grammar
        first = text.split(maxsplit=1)[0]
        if first.startswith('"') or not g.abbreviates(first, "show"):
            return text, []
        pieces = split_pipes(text)
        filters = []
        for i, (start, piece) in enumerate(pieces[1:], 1):
            tokens = tokenize(piece)
            if not tokens:  # `show x |` or `| |`: the filter word is missing
                raise _Refused(None if i == len(pieces) - 1 else pieces[i + 1][0] - 1)
            m, failure = match_line(g, g.filters, tokens, piece)
            if m is None:
                if failure.incomplete or failure.position >= len(tokens):
                    raise _Refused(None)
                raise _Refused(start + tokens[max(failure.position, 0)].start)
            filters.append((m.command.action or "", m.values["text"]))
        return pieces[0][1].rstrip(), filters

    def _run(self, text: str, line: str, typed_prompt: str) -> list[str]:
        """What the device prints for `text` (the line without its filters); _Refused if it does not parse."""
        g = self.core.grammar
        tokens = tokenize(text)
        if self.config_mode and text.startswith("!"):
            # `!` (what a printed configuration puts after each block) typed in configuration mode: accepted
            # silently; in a profile's sub-mode it ends the block as `exit` does, at the top it does nothing,
            # so a printed configuration typed back lands each body in its block [R, unconfirmed:
            # docs/lab.md]. Recorded like any line (the lab's record of what it received).
            self.context = None
            return []
        if self.config_mode and text.split()[0] not in ("exit", "end"):
            faults = self.core.faults_of(self.device.name)
            if faults.rejects(text):
                raise _Refused(0)
            self._check_port(tokens)
            result = self.core.db.execute(self.user, self.node, self.device.name, self.context, text,
                                          device_node=self._at_device_node())
            if result.error is None:
                self.context = result.context
                return []
            if result.caret is None:  # semantic refusal (reference, scope): the device's error
                return result.error
            config_error = result
        else:
            config_error = None
        cmds = tuple(c for c in g.exec if not c.roles or self.device.role in c.roles)
        self._typed = text  # an action refusing its argument puts the caret under it
        m, failure = match_line(g, cmds, tokens, text)
        if m is not None:
            return self.actions[m.command.action or "nothing"](m)
        if tokens[0].text.lower().startswith("sh"):
            rendered = self.core.render_show(self.device, text)
            if rendered is not None:
                return rendered.split("\n")
        if config_error is not None:
            raise _Refused(config_error.caret)
        if failure.incomplete or failure.position >= len(tokens):
            raise _Refused(None)
        raise _Refused(tokens[max(failure.position, 0)].start)

    def _caret(self, typed_prompt: str, line: str, offset: int) -> list[str]:
        lead = len(line) - len(line.lstrip())
        return [" " * (len(typed_prompt) + lead + offset) + "^", self.core.grammar.errors["invalid_input"]]

    def _check_port(self, tokens: list[Any]) -> None:
        """`interface gigabitethernet 0/0/N` at a device node: N must be one of that model's ports
        (grammar.yaml `models:`); refused at the port as the device refuses it."""
        g = self.core.grammar
        if (len(tokens) < 3 or not g.abbreviates(tokens[0].text, "interface")
                or not "gigabitethernet".startswith(tokens[1].text.lower()) or not self._at_device_node()):
            return
        model = self._model_here()
        ports = ((g.raw.get("models") or {}).get(model) or {}).get("ports")
        slot = tokens[2].text.split("/")
        if ports is not None and (len(slot) != 3 or slot[:2] != ["0", "0"] or not slot[2].isdigit()
                                  or int(slot[2]) >= int(ports)):
            raise _Refused(tokens[2].start)

    def _model_here(self) -> str:
        """The model of the device whose node the session is at."""
        if self.node == MYNODE:
            return self.device.model
        return next((d.model for d in self.core.present_devices() if d.config_path == self.node), "")

    def _at_device_node(self) -> bool:
        return self.node == MYNODE or self.core.db.nodes.get(self.node) == "Device"

    # --- exec actions (names referenced from grammar.yaml `exec: action:`) -------------------------
    def _do_nothing(self, m: Match | None) -> list[str]:
        return []

    def _netshow(self, m: Match) -> list[str]:
        """The shows netshows.py prints (`show slots`, `show arp`, ...): the action names the function."""
        return netshows.SHOWS[m.command.action or ""](self.core, self.device)

    def _do_interface_port(self, m: Match) -> list[str]:
        """A port the model does not have is refused at the port, as in configuration (_check_port)."""
        out = netshows.interface_port(self.core, self.device, m.values["port"])
        if out is None:
            raise _Refused(self._typed.rfind(m.values["port"]))
        return out

    def _do_interface_vlan(self, m: Match) -> list[str]:
        out = netshows.interface_vlan(self.core, self.device, int(m.values["vlan"]))
        if out is None:
            raise _Refused(self._typed.rfind(m.values["vlan"]))
        return out

    def _do_not_supported(self, m: Match) -> list[str]:
        return [self.core.grammar.errors["not_supported"]]

    def _do_paging(self, m: Match) -> list[str]:
        self.paging = False
        return []

    def _do_encrypt(self, m: Match) -> list[str]:
        self.encrypt = m.parts[-1].value == "enable"
        return []

    def _do_configure(self, m: Match) -> list[str]:
        if not self.is_mm:
            return [self.core.grammar.errors["md_configure"]]
        self.config_mode = True
        self.context = None
        return list(self.core.grammar.messages["configure_banner"])

    def _do_exit(self, m: Match | None) -> list[str]:
        if self.context is not None:
            self.context = None
        elif self.config_mode:
            self.config_mode = False
        else:
            self.closed = True
        return []

    def _do_logout(self, m: Match) -> list[str]:
        self.closed = True
        return []

    def _do_end(self, m: Match | None) -> list[str]:
        self.config_mode = False
        self.context = None
        return []

    def _do_write_memory(self, m: Match) -> list[str]:
        if not self.is_mm:
            return list(self.core.grammar.messages["write_memory"])
        return self.core.write_memory(self.device.name, self.user)

    def _resolve_node(self, target: str) -> str | None:
        target = target.strip().strip('"')
        nodes = self.core.db.nodes
        if target in ("", None):
            return self.node
        if target == "/":
            return "/"
        if target == "..":
            return "/" if self.node.count("/") <= 1 else self.node.rsplit("/", 1)[0]
        if target.startswith("/"):
            return target.rstrip("/") if target.rstrip("/") in nodes else None
        alias = self.core.md_alias(target)
        if alias:
            return alias
        if target == self.core.hostname(self.device):
            return MYNODE
        child = ("" if self.node == "/" else self.node) + "/" + target
        return child if child in nodes else None

    def _do_cd(self, m: Match) -> list[str]:
        node = self._resolve_node(m.values.get("node", ""))
        if node is None:
            return [self.core.grammar.errors["bad_node"].format(path=m.values.get("node", ""))]
        if node != self.node:
            self.context = None
        self.node = node
        return []

    def _do_running_config(self, m: Match) -> list[str]:
        return self.core.db.running_config(self.core.device_chain(self.device), encrypt=self.encrypt,
                                           indent=self.core.layout.indent("running-config"))

    def _node_arg(self, m: Match) -> str | None:
        return self._resolve_node(m.values.get("node", ""))

    def _do_committed(self, m: Match) -> list[str]:
        node = self._node_arg(m)
        if node is None:
            return [self.core.grammar.errors["bad_node"].format(path=m.values.get("node", ""))]
        return self.core.db.render(self.core.db.committed.get(self._stored(node), {}), encrypt=self.encrypt,
                                   indent=self.core.layout.indent("committed"))

    def _do_effective(self, m: Match) -> list[str]:
        node = self._node_arg(m)
        if node is None:
            return [self.core.grammar.errors["bad_node"].format(path=m.values.get("node", ""))]
        chain = [self._stored(n) for n in chain_of(node)]
        return self.core.db.render(self.core.db.effective(chain), encrypt=self.encrypt,
                                   indent=self.core.layout.indent("effective"))

    def _do_pending(self, m: Match) -> list[str]:
        return self.core.db.pending_text(self.user, encrypt=self.encrypt)

    def _do_purge_pending(self, m: Match) -> list[str]:
        target = m.values.get("node")
        if target:
            node = self._resolve_node(target)
            if node is None:
                return [self.core.grammar.errors["bad_node"].format(path=target)]
            self.core.db.purge(self.user, self._stored(node))
        else:
            self.core.db.purge(self.user)
        self.context = None
        return []

    def _do_create_node(self, m: Match) -> list[str]:
        path = m.values["node"].rstrip("/")
        parent = path.rsplit("/", 1)[0] or "/"
        if not path.startswith("/md/") or parent not in self.core.db.nodes:
            return [self.core.grammar.errors["bad_node"].format(path=path)]
        self.core.db.add_node(path, "Group")
        return []

    def _do_hierarchy(self, m: Match) -> list[str]:
        return self.core.db.hierarchy_text()

    def _do_hostname(self, m: Match) -> list[str]:
        return ["", f"Hostname is {self.core.hostname(self.device)}"]

    def _do_mdc(self, m: Match | None) -> list[str]:
        """At an MD's device node: that MD's own shell (`(MDHOST) [MDC] #`) until `exit` [V byitkc 8.6]."""
        md = next((d for d in self.core.present_devices() if d.role == "md" and d.config_path == self.node), None)
        if md is None:  # [R] wording: what the MM answers elsewhere is in no capture
            return [self.core.grammar.errors["node_scope"]]
        self.mdc = Shell(self.core, md, self.user)
        return []

    def _do_mdconnect(self, m: Match) -> list[str]:
        out = self._do_mdc(m)
        return out if self.mdc is None else ["", " Redirecting to Managed Device Shell", ""]   # [V] Tech-Notea

    # --- firmware (upgrade.py) ---------------------------------------------------------------------
    prompt_was_password = False

    def _ask(self, text: str, answer: Callable[[str], list[str]], *, password: bool = False) -> list[str]:
        self.question = (text, answer)
        self.prompt_was_password = password
        return []

    def _do_image_version(self, m: Match) -> list[str]:
        return self.core.images.image_version(self.device.name)

    def _do_show_storage(self, m: Match) -> list[str]:
        return self.core.images.show_storage(self.device.name, self.device.model)

    def _do_show_boot(self, m: Match) -> list[str]:
        return self.core.images.show_boot(self.device.name)

    def _ceiling(self) -> upgrade.Partition | None:
        """An MD never runs newer code than its conductor: the release it may not exceed (None on an MM)."""
        return self.core.conductor_release() if self.device.role == "md" else None

    def _do_boot_partition(self, m: Match) -> list[str]:
        return self.core.images.set_boot(self.device.name, int(m.values["n"]), self._ceiling())

    def _do_copy_image(self, m: Match) -> list[str]:
        """tftp copies at once; scp and ftp ask the server's password first (not checked by the lab)."""
        server, file, n = m.values["server"], m.values["file"], int(m.values["n"])

        def copy(_: str = "") -> list[str]:
            return self.core.images.copy(self.device.name, self.device.model, server, file, n, self._ceiling())
        if "user" not in m.values:
            return copy()
        return self._ask(upgrade.MESSAGES["password"], copy, password=True)

    def _active_aps(self) -> list[tuple[str, str]]:
        ops = self.core.ops
        return [(a.name, a.ap_group) for a in ops.aps if ops.ap_state[a.name].switch == self.device.name]

    def _do_preload_activate(self, m: Match) -> list[str]:
        ops = self.core.ops
        n = m.values.get("n")
        k = m.values.get("k")
        return self.core.images.preload_activate(
            self.device.name, str(m.values["mode"]), None if n is None else int(n), None if k is None else int(k),
            self._active_aps(), ops.now(), ops.rejoin_delay * upgrade.DOWNLOAD_SHARE)

    def _do_preload_add(self, m: Match) -> list[str]:
        return self.core.images.preload_add(self.device.name, str(m.values["group"]))

    def _do_preload_cancel(self, m: Match) -> list[str]:
        return self.core.images.preload_cancel(self.device.name, self.core.ops.now())

    def _do_preload_status(self, m: Match) -> list[str]:
        return self.core.images.preload_status(self.device.name, self.core.ops.now())

    def _do_ap_image_version(self, m: Match) -> list[str]:
        """Each AP's release [R layout]: every AP on an MM, those active on an MD."""
        ops, images = self.core.ops, self.core.images
        now = ops.now()
        rows = []
        for a in sorted(ops.aps, key=lambda a: a.name):
            st = ops.ap_state[a.name]
            if self.device.role == "md" and st.switch != self.device.name:
                continue
            running = images.ap_version(a.name)
            pre = images.preloaded.get(a.name)
            rows.append([a.name, a.ap_group, shows.ap_type(a.model), "Up" if ops.is_up(a) else "Down",
                         f"{running.version}_{running.build}",
                         f"{pre[0]}_{pre[1]}" if pre and now >= float(pre[2]) else "N/A"])
        return table("AP Image Versions", ["Name", "Group", "AP Type", "Status", "Running Version",
                                           "Preloaded Version"], rows) + ["", f"Total APs:{len(rows)}"]

    def _do_reload(self, m: Match) -> list[str]:
        def answer(text: str) -> list[str]:
            if text.lower() not in ("y", "yes"):
                return []
            self.closed = True  # the device goes: no prompt after the message
            try:
                asyncio.get_running_loop().call_later(0.05, self.core.reload_device, self.device.name)
            except RuntimeError:  # no event loop (a shell driven directly): at once
                self.core.reload_device(self.device.name)
            return list(upgrade.MESSAGES["reload_now"])
        return self._ask(upgrade.MESSAGES["reload_question"], answer)

    def _do_switches(self, m: Match) -> list[str]:
        """The devices there now (a planned MD appears once installed, a retired one no longer)."""
        rows = []
        for d in self.core.present_devices():
            kind = "MD" if d.role == "md" else ("standby" if d.mm_state == "standby" else "conductor")
            status = "down" if self.core.ops.is_reloading(d.name) else "up"
            running = self.core.images.of(d.name).version()
            rows.append([d.mgmt_ip, "None", self.core.hostname(d), d.site or "Building1.floor1", kind, d.model,
                         f"{running.version}_{running.build}", status, "UPDATE SUCCESSFUL", "0", str(self.core.db.config_id)])
        headers = ["IP Address", "IPv6 Address", "Name", "Location", "Type", "Model", "Version", "Status",
                   "Configuration State", "Config Sync Time (sec)", "Config ID"]
        return table("All Switches", headers, rows) + ["", f"Total Switches:{len(rows)}"]
