"""One CLI session of a lab device: the prompt state machine an SSH channel talks to.

Faithful on purpose (arubaos8.md §1.3, §2.2): the prompt changes with the node (`cd`), gains `^` after an
uncommitted change and loses it at `write memory`, and a new hostname shows only after `write memory`.
Those changes break naive netmiko use; the lab must reproduce that, the toolkit's session layer copes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from wifiops.lab.configdb import MYNODE, chain_of
from wifiops.lab.grammar import Match, match_line, tokenize

if TYPE_CHECKING:
    from wifiops.lab.estate import LabDeviceSpec
    from wifiops.lab.core import LabCore

LAB_VERSION = "8.10.0.12"  # CCTP: the MMs run 8.10.0.12 LSR; MDs never run newer code
BUILD = "89321"


def table(title: str, headers: list[str], rows: list[list[str]], trailer: list[str]) -> list[str]:
    """AOS table: title, dashes under it, header row, dashes under each header, aligned columns."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) + 2 for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        return "".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    return (["", title, "-" * len(title), fmt(headers), fmt(["-" * len(h) for h in headers])]
            + [fmt(r) for r in rows] + [""] + trailer)


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
        self.actions: dict[str, Callable[[Match], list[str]]] = {
            name[4:]: getattr(self, name) for name in dir(self) if name.startswith("_do_")}

    # --- prompt ------------------------------------------------------------------------------------
    def prompt(self) -> str:
        g = self.core.grammar
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
        typed_prompt = self.prompt()
        text = line.strip()
        if not text:
            return []
        if text == "\x1a":
            return self._do_end(None)
        g = self.core.grammar
        tokens = tokenize(text)
        if self.config_mode and text.split()[0] not in ("exit", "end"):
            faults = self.core.faults_of(self.device.name)
            if faults.rejects(text):
                return self._caret(typed_prompt, line, 0)
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
        m, failure = match_line(g, cmds, tokens, text)
        if m is not None:
            return self.actions[m.command.action or "nothing"](m)
        if tokens[0].text.lower().startswith("sh"):
            rendered = self.core.render_show(self.device, text)
            if rendered is not None:
                return rendered.split("\n")
        if config_error is not None:
            if config_error.caret is not None:
                return self._caret(typed_prompt, line, config_error.caret)
            return config_error.error or []
        if failure.incomplete or failure.position >= len(tokens):
            return [g.errors["incomplete"]]
        return self._caret(typed_prompt, line, tokens[max(failure.position, 0)].start)

    def _caret(self, typed_prompt: str, line: str, offset: int) -> list[str]:
        lead = len(line) - len(line.lstrip())
        return [" " * (len(typed_prompt) + lead + offset) + "^", self.core.grammar.errors["invalid_input"]]

    def _at_device_node(self) -> bool:
        return self.node == MYNODE or self.core.db.nodes.get(self.node) == "Device"

    # --- exec actions (names referenced from grammar.yaml `exec: action:`) -------------------------
    def _do_nothing(self, m: Match | None) -> list[str]:
        return []

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
        if self.is_mm:
            if self.core.db.commit(self.user):
                self.core.on_commit()
            self.context = None if not self.config_mode else self.context
        return list(self.core.grammar.messages["write_memory"])

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
        return self.core.db.running_config(self.core.device_chain(self.device), encrypt=self.encrypt)

    def _node_arg(self, m: Match) -> str | None:
        return self._resolve_node(m.values.get("node", ""))

    def _do_committed(self, m: Match) -> list[str]:
        node = self._node_arg(m)
        if node is None:
            return [self.core.grammar.errors["bad_node"].format(path=m.values.get("node", ""))]
        return self.core.db.render(self.core.db.committed.get(self._stored(node), {}), encrypt=self.encrypt)

    def _do_effective(self, m: Match) -> list[str]:
        node = self._node_arg(m)
        if node is None:
            return [self.core.grammar.errors["bad_node"].format(path=m.values.get("node", ""))]
        chain = [self._stored(n) for n in chain_of(node)]
        return self.core.db.render(self.core.db.effective(chain), encrypt=self.encrypt)

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

    def _do_switches(self, m: Match) -> list[str]:
        rows = []
        for d in self.core.estate.devices:
            kind = "MD" if d.role == "md" else ("standby" if d.mm_state == "standby" else "conductor")
            rows.append([d.mgmt_ip, "None", self.core.hostname(d), d.site or "Building1.floor1", kind, d.model,
                         f"{LAB_VERSION}_{BUILD}", "up", "UPDATE SUCCESSFUL", "0", str(self.core.db.config_id)])
        headers = ["IP Address", "IPv6 Address", "Name", "Location", "Type", "Model", "Version", "Status",
                   "Configuration State", "Config Sync Time (sec)", "Config ID"]
        return table("All Switches", headers, rows, [f"Total Switches:{len(rows)}"])
