"""docs/own-tools.md runs as written: each example, in the page's order, against the lab (its ports, its
known_hosts and ClearPass CA in place of the shipped lab's), in one folder. `# file: NAME` blocks are
written there first; `sh` blocks run in bash, `python` blocks in this Python. Ansible's block runs when
ansible-playbook is installed (the `ansible` extra)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import shutil

import yaml
from netmiko import ConnectHandler

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "own-tools.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)
VENV_BIN = Path(sys.executable).parent


def _ansible_playbook() -> Path | None:
    """As in test_other_clients.py: WIFIOPS_ANSIBLE_PLAYBOOK, else beside this Python, else on PATH."""
    named = os.environ.get("WIFIOPS_ANSIBLE_PLAYBOOK")
    found = Path(named) if named else VENV_BIN / "ansible-playbook"
    if found.is_file():
        return found
    on_path = shutil.which("ansible-playbook")
    return Path(on_path) if on_path else None


ANSIBLE = _ansible_playbook()


def shipped_ports() -> dict[int, str]:
    hosts = yaml.safe_load((REPO / "inventory" / "lab" / "hosts.yaml").read_text())
    return {int(body["port"]): name for name, body in hosts.items() if body and body.get("port")}


def for_this_lab(text: str, lab) -> str:
    """The example as it reads on the lab of this test session."""
    for port, name in shipped_ports().items():
        if str(port) in text:
            now = lab.clearpass_url(name).split(":")[-1].split("/")[0] if name.startswith("cppm") else lab.port(name)
            text = text.replace(str(port), str(now))
    return (text.replace("inventory/lab/known_hosts", str(lab.known_hosts))
            .replace("inventory/lab/clearpass-ca.pem", str(lab.clearpass_ca))
            .replace('"inventory/lab"', f'"{lab.inventory_dir}"'))


def test_every_example_of_own_tools_runs(fresh_lab, tmp_path: Path) -> None:
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    env = {**os.environ, "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
           "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"), "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
           "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR": str(tmp_path / "ansible-pc"), "ANSIBLE_NOCOLOR": "1"}
    if ANSIBLE is not None:
        env["PATH"] = f"{ANSIBLE.parent}:{env['PATH']}"
    ran: dict[str, str] = {}
    for number, (language, body) in enumerate(blocks):
        text = for_this_lab(body, fresh_lab)
        first = text.splitlines()[0]
        if language == "yaml" and first.startswith("# file: "):
            (tmp_path / first.removeprefix("# file: ").strip()).write_text(text)
            continue
        if language == "sh":
            if "ansible-playbook" in text and ANSIBLE is None:
                continue
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", text], cwd=tmp_path, env=env,
                                  capture_output=True, text=True, timeout=300)
        elif language == "python":
            done = subprocess.run([sys.executable, "-c", text], cwd=tmp_path, env=env, capture_output=True,
                                  text=True, timeout=300)
        else:
            continue
        assert done.returncode == 0, f"block {number} ({language}):\n{text}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        ran[first] = done.stdout
    outputs = "\n".join(ran.values())
    assert '"hostname": "mc-1"' in outputs  # napalm call get_facts
    assert "vlan-name guests-overflow" in outputs  # the dry run's diff
    assert "{'admin': {'level': 15" in outputs
    assert "mm-1 mm-1\nmm-3 mm-3\nmc-1 mc-1" in outputs or {"mm-1 mm-1", "mm-3 mm-3", "mc-1 mc-1"} <= set(
        outputs.splitlines())
    assert "371 hosts, 13 reachable" in outputs and "Hostname is mc-2" in outputs
    assert "Configuration Saved." in outputs and "louvre-palais" in outputs and "wifiops-lab" in outputs
    user, password = fresh_lab.credentials
    with ConnectHandler(device_type="aruba_os", host="127.0.0.1", port=fresh_lab.port("mm-1"), username=user,
                        password=password) as conn:
        committed = conn.send_command("show configuration committed /md/Louvre")
        left = conn.send_command("show configuration pending")
    assert "vlan-name guests-overflow" in committed and "vlan-name visitors-extra" in committed
    assert 'wlan ssid-profile "staff-temp"' in committed
    assert ("vlan-name ansible-visitors" in committed) == (ANSIBLE is not None)
    assert "No pending configuration" in left
