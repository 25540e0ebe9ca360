"""`wifiops init [FOLDER]`: a starter estate in a folder, so an installed wifiops works outside any checkout.

It writes a wifiops.yaml, the lab's inventory (the Louvre's hierarchy, intent and APs with the lab's hosts),
the playbooks and the configuration templates, each from the copy shipped inside the package
(wifiops/starter/: links to the checkout's own files, copied into the wheel). Copies rather than read in place:
the lab writes its hosts' keys and its CA next to the inventory it serves, and a backup, a render or a run
writes beside wifiops.yaml; none of that may land in site-packages or be shared by two folders. A file already
there is kept, never overwritten: nothing of the engineer's is lost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wifiops.face.options import JsonOption
from wifiops.face.output import console, emit_json

# What a starter estate is; pyproject.toml's package-data ships the same files (tests/test_install.py checks
# that an installed wifiops writes each of them).
STARTER = (
    "wifiops.yaml",
    "inventory/aps.yaml", "inventory/defaults.yaml", "inventory/groups.yaml", "inventory/hosts.yaml",
    "inventory/lab/defaults.yaml", "inventory/lab/hosts.yaml", "inventory/lab/inventory.yaml",
    "inventory/lab/secrets.yaml",
    "playbooks/change-window.yaml", "playbooks/migrate-7210.yaml", "playbooks/migrate-clearpass.yaml",
    "playbooks/nightly-backup.yaml", "playbooks/wpa3-migration.yaml",
    "templates/aruba_os/aaa.j2", "templates/aruba_os/ap_groups.j2", "templates/aruba_os/cluster.j2",
    "templates/aruba_os/portal.j2", "templates/aruba_os/qos.j2", "templates/aruba_os/security.j2",
    "templates/aruba_os/ssid.j2", "templates/aruba_os/vlan.j2",
)


def write_starter(folder: Path) -> tuple[list[str], list[str]]:
    """Copy the starter estate into `folder`: (written, kept as they were), as relative paths."""
    from importlib.resources import files  # here, not at import: every command's start would pay for it

    source = files("wifiops") / "starter"
    written, kept = [], []
    for relative in STARTER:
        target = folder / relative
        if target.exists():
            kept.append(relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        # the lab's secrets file holds lab values only; still, secrets files are private wherever they are
        mode = 0o600 if target.name == "secrets.yaml" else 0o644
        target.write_bytes(source.joinpath(relative).read_bytes())
        target.chmod(mode)
        written.append(relative)
    return written, kept


def init_command(
    folder: Annotated[Path, typer.Argument(help="Where to write the starter estate (default: here).")] = Path("."),
    json: JsonOption = False,
) -> None:
    """Write a starter estate: wifiops.yaml, the lab's inventory, the playbooks and the templates (files already
    there are kept). Then `wifiops lab up` and `wifiops run playbooks/nightly-backup.yaml` work from FOLDER."""
    folder = folder.resolve()
    written, kept = write_starter(folder)
    if json:
        emit_json({"folder": str(folder), "written": written, "kept": kept})
        return
    for relative in written:
        console.print(f"wrote {relative}", markup=False, highlight=False)
    for relative in kept:
        console.print(f"kept  {relative} (already there)", markup=False, highlight=False)
    console.print(f"starter estate in {folder}: next `wifiops lab up`, then `wifiops run "
                  "playbooks/nightly-backup.yaml`", markup=False, highlight=False, soft_wrap=True)
