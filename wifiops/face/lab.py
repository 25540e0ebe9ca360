"""`wifiops lab ...`: thin face over wifiops.lab.control (parse, call, render). Exit 0 ok, 2 on errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.console import RenderableType
from rich.markup import escape

from wifiops.lab import control
from wifiops.lab.faults import KINDS as HOST_KINDS
from wifiops.lab.upgrade import FAULTS as FIRMWARE_FAULTS

KINDS = HOST_KINDS + FIRMWARE_FAULTS  # firmware faults: image-corrupt, boot-fail, aps-no-rejoin (upgrade.py)

app = typer.Typer(help="Run the embedded ArubaOS 8 lab (MMs and MDs over SSH, ClearPass over HTTPS, on 127.0.0.1).",
                  no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _run_dir(twin: bool = False) -> Path:
    """$WIFIOPS_LAB_DIR, else `lab.run_dir` of wifiops.yaml (`.lab` beside it): never beside the package. A twin
    (`--twin`) runs from its own: `twin/` in it."""
    from wifiops.face.options import settings

    chosen = settings()
    found = control.default_run_dir(chosen.path(chosen.lab.run_dir))
    if twin:
        from wifiops.lab.twin import twin_run_dir

        return twin_run_dir(found)
    return found


TwinOption = typer.Option(False, "--twin", help="the twin of production (`lab up --from-backups`), not the lab")


def _fidelity_note(run_dir: Path) -> None:
    """A twin's fidelity: what of production it models, what it only carries, secrets it lacks (issue 32)."""
    from wifiops.lab.twin import fidelity_of

    found = fidelity_of(run_dir)
    if found is None:
        return
    from wifiops.face.output import build_table, show, width

    show(build_table(["node", "modelled", "carried", "not modelled (kinds)"],
                     [[n.node, str(n.modelled), str(n.carried), ", ".join(f"{k} ({c})" for k, c in n.kinds.items())]
                      for n in found.nodes], keys=["node", "modelled", "carried"], at=width()))
    console.print(f"twin of backup {found.revision[:12]}: {found.line()}", soft_wrap=True, highlight=False)
    if found.aps_from:
        console.print(f"APs: {found.aps_from}", soft_wrap=True, highlight=False)
    for said in found.missing_secrets:
        console.print(f"warning: {said}", soft_wrap=True, highlight=False)
    if found.unserved:
        console.print(f"warning: in the backup but not in the lab inventory (not served): {', '.join(found.unserved)}",
                      soft_wrap=True, highlight=False)


def _lab_inventory(option: Optional[Path]) -> Path:
    """--inventory, else `lab.inventory` of wifiops.yaml (`inventory/lab` beside it; `wifiops init` writes one)."""
    from wifiops.face.options import settings

    chosen = settings()
    return option if option is not None else chosen.path(chosen.lab.inventory)


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True, highlight=False)  # one line, whole
    raise typer.Exit(2)


def _show_hosts(hosts: list[control.HostStatus]) -> None:
    from wifiops.face.output import show

    show(_hosts_table(hosts))


def _hosts_table(hosts: list[control.HostStatus]) -> RenderableType:
    """One row per host; a ClearPass server's username and password are its API client's id and secret. At the
    reader's width (wifiops/face/output.py): names, ports and credentials whole, faults folded, never cut."""
    from wifiops.face.output import build_table, width

    return build_table(["host", "role", "protocol", "address", "port", "username", "password", "faults"],
                       [[h.name, h.role, h.protocol, h.address, str(h.port), h.username, h.password,
                         ", ".join(h.faults)] for h in hosts], keys=["host", "port", "username", "password"],
                       optional=["protocol", "address"], at=width())


def _clearpass_note(lab: control.LabStatus) -> None:
    if lab.clearpass_ca:
        console.print(f"ClearPass servers' certificates are signed by the lab CA in {lab.clearpass_ca}; "
                      "username/password of a ClearPass row: its API client (OAuth2 client_credentials).",
                      soft_wrap=True)


def _bastion_note(lab: control.LabStatus) -> None:
    """Its gateway, and what wifiops.yaml needs to go through it (issue 17)."""
    b = lab.bastion
    if b:
        console.print(f"bastion (forwards only) at {b['address']}:{b['port']}, user {b['username']}, password "
                      f"{b['password']}: in wifiops.yaml, `bastion: {{host: {b['address']}, port: {b['port']}, "
                      f"username: {b['username']}, password_command: printf {b['password']}}}`", soft_wrap=True)


def _free_ports_note(lab: control.LabStatus) -> None:
    """Free ports are not hosts.yaml's: say which inventory the toolkit must be given instead."""
    if lab.inventory_copy:
        console.print(f"These ports are not the ones in {lab.inventory}/hosts.yaml: give wifiops "
                      f"--inventory {lab.inventory_copy} (hosts.yaml with these ports, and their keys in its "
                      "known_hosts).", soft_wrap=True)


@app.command()
def up(inventory: Optional[Path] = typer.Option(None, "--inventory",
                                                help="lab inventory dir (default: lab.inventory of wifiops.yaml, "
                                                     "inventory/lab beside it)"),
       state: Optional[Path] = typer.Option(None, "--state", help="state dir to load and save (default <run dir>/state; "
                                            "the run dir is $WIFIOPS_LAB_DIR or lab.run_dir, .lab beside wifiops.yaml)"),
       free_ports: bool = typer.Option(False, "--free-ports",
                                       help="listen on free ports, not hosts.yaml's (when those are taken); "
                                            "prints the inventory copy that names them"),
       rejoin_delay: Optional[float] = typer.Option(
           None, "--rejoin-delay", min=0,
           help="seconds of lab time an AP moved to other controllers, rebooted or back from a lost switch takes "
                "to show Up again (default: the saved state's, 120 on a fresh lab; 0: at once)"),
       reload_delay: Optional[float] = typer.Option(
           None, "--reload-delay", min=0,
           help="seconds a controller `reload` fault keeps it unreachable (default: the saved state's, 300 on a "
                "fresh lab)"),
       config_layout: Optional[str] = typer.Option(
           None, "--config-layout",
           help="how block bodies are indented: real (each command as real 8.10 captures print it: running-config "
                "by 3, committed/effective by 4), flush, indent3 or indent4 (every command); default: the saved "
                "state's, else real (docs/lab.md)"),
       from_backups: bool = typer.Option(
           False, "--from-backups",
           help="serve a twin of production: every node's committed configuration and each device's "
                "running-config from a backup revision (--revision), secrets from the secrets store; runs from "
                "its own run dir (`--twin` of status, fault, received, down; docs/twin.md)"),
       revision: Optional[str] = typer.Option(None, "--revision",
                                              help="with --from-backups: a revision or date (YYYY-MM-DD) of the "
                                                   "backup repository (default: its last backup)"),
       ) -> None:
    """Start the lab in the background; print where each host listens."""
    if revision is not None and not from_backups:
        _fail("--revision goes with --from-backups")
    try:
        if from_backups:
            from wifiops.face.options import settings
            from wifiops.lab import twin

            run_dir = _run_dir(twin=True)
            lab, _ = twin.up(settings(), revision, inventory_dir=_lab_inventory(inventory).resolve(), run_dir=run_dir,
                             state_dir=state, free_ports=free_ports, rejoin_delay=rejoin_delay,
                             reload_delay=reload_delay, layout=config_layout)
        else:
            lab = control.up(_lab_inventory(inventory), state, run_dir=_run_dir(), free_ports=free_ports,
                             rejoin_delay=rejoin_delay, reload_delay=reload_delay, layout=config_layout)
    except control.LabError as exc:
        _fail(str(exc))
        return
    _show_hosts(lab.hosts)
    console.print(f"lab pid {lab.pid}, state in {lab.state_dir}, hosts' keys written to {lab.known_hosts}",
                  soft_wrap=True)
    _clearpass_note(lab)
    _bastion_note(lab)
    _free_ports_note(lab)
    _fidelity_note(Path(lab.run_dir))


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="print JSON instead of a table"),
           twin: bool = TwinOption) -> None:
    """Where each host listens, its credentials and its active faults (a twin: its fidelity too)."""
    try:
        lab = control.lab_status(run_dir=_run_dir(twin))
    except control.LabError as exc:
        _fail(str(exc))
        return
    if as_json:  # all the text says: the hosts, the bastion, known_hosts, the inventory copy, the CA, pid, state
        from wifiops.lab.twin import fidelity_of

        found = fidelity_of(Path(lab.run_dir))
        typer.echo(json.dumps({**lab.to_dict(), **({"twin": found.to_dict()} if found else {})}, indent=2))
    else:
        _show_hosts(lab.hosts)
        _clearpass_note(lab)
        _bastion_note(lab)
        _free_ports_note(lab)
        _fidelity_note(Path(lab.run_dir))
        if not twin and (_run_dir(twin=True) / "lab.json").exists():
            console.print("a twin of production runs beside it: `wifiops lab status --twin`", highlight=False)


@app.command()
def down(twin: bool = TwinOption) -> None:
    """Save the lab's state and stop it."""
    try:
        control.down(run_dir=_run_dir(twin))
    except control.LabError as exc:
        _fail(str(exc))
        return
    console.print("twin stopped" if twin else "lab stopped, state saved")


@app.command()
def fault(host: str = typer.Argument(..., help="lab host, e.g. mm-1"),
          kind: str = typer.Argument(..., help=f"one of {', '.join(KINDS)}, or clear"),
          arg: Optional[str] = typer.Argument(
              None, help="drop-after BYTES, slow MS or MIN-MAX (latency of each answer, random in the range),"
                         " reject-line REGEX, ap-group-down GROUP, ap-group-stuck GROUP, reboot-ap AP,"
                         " reject-device REGEX, change-behind 'NODE LINE[ ; LINE...]', rejoin-delay SECONDS,"
                         " reload-delay SECONDS"),
          twin: bool = TwinOption) -> None:
    """Switch a fault on for a host (or `clear` them): refuse-login, drop-after BYTES, slow MS|MIN-MAX,
    reject-line REGEX, ap-group-down GROUP, ap-group-stuck GROUP (moved, its APs stay Down on their new
    controllers), hang, new-host-key (serve a key not in known_hosts), write-memory-error (the save refused,
    changes stay pending), write-memory-pending (the save answers but commits nothing), change-behind
    'NODE LINE' (another admin commits LINE at NODE right after the next write memory), reload (an MD
    reloads: unreachable for reload-delay), rejoin-delay SECONDS and reload-delay SECONDS (lab-wide
    settling times, not cleared by `clear`), image-corrupt (image copies fail their signature check),
    boot-fail (a reload onto another release never comes back: it waits at its boot loader, on its console
    line when it has one), aps-no-rejoin (after a reload onto another
    release its APs stay Down until it runs its previous one), disk-full (the flash nearly full;
    docs/upgrade.md). A ClearPass
    server takes refuse-login, slow, hang and reject-device REGEX (a network device of a matching name
    refused, 422)."""
    if kind not in KINDS and kind != "clear":
        _fail(f"unknown fault kind {kind!r}; expected one of {', '.join(KINDS)} or clear")
    try:
        if kind == "clear":
            control.clear_fault(host, run_dir=_run_dir(twin))
        else:
            control.set_fault(host, kind, arg, run_dir=_run_dir(twin))
    except control.LabError as exc:
        _fail(str(exc))
        return
    console.print(f"{host}: {kind}{' ' + arg if arg else ''}")


@app.command()
def install(host: str = typer.Argument(..., help="an MD of the lab inventory, e.g. mc-3 (planned)")) -> None:
    """Rack and cable HOST: it is served from now on (its key written into known_hosts) and joins the conductor
    (`show switches`, its device node in the hierarchy, empty until configuration is pushed there)."""
    try:
        listening = control.install(host, run_dir=_run_dir())
    except control.LabError as exc:
        _fail(str(exc))
        return
    console.print(f"{host}: installed, listening on {listening.address}:{listening.port}")


@app.command()
def retire(host: str = typer.Argument(..., help="an MD of the lab, e.g. mc-1")) -> None:
    """Delete HOST from the hierarchy and unplug it: no longer in `show switches`, no longer served; APs still on
    it go where the configuration sends them next (its cluster's other members), or Down."""
    try:
        control.retire(host, run_dir=_run_dir())
    except control.LabError as exc:
        _fail(str(exc))
        return
    console.print(f"{host}: retired")


@app.command()
def received(host: str = typer.Argument(..., help="lab host, e.g. mm-1"),
             since: int = typer.Option(0, "--since", help="only the lines after this sequence number"),
             as_json: bool = typer.Option(False, "--json", help="print JSON instead of lines"),
             twin: bool = TwinOption) -> None:
    """The lab's own record of every line HOST received, from every session, in order: what a dry run did
    not send and what a push did (kept in memory by the running lab; it may hold secrets, as a device would)."""
    try:
        lines = control.received(host, since, run_dir=_run_dir(twin))
    except control.LabError as exc:
        _fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(lines, indent=2))
        return
    for r in lines:
        typer.echo(f"{r['seq']:>7}  s{r['session']:<4} {r['line']}")
