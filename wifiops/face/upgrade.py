"""`wifiops upgrade plan|run UPGRADE.yaml`: the order, the checks, and one device at a time with the way back.

Exit codes: 0 done (or a plan with nothing refused), 1 refused or stopped with the estate back where it was,
2 errors (a host not reached, a device that did not come back).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from wifiops.face.options import HostOption, InventoryOption, JsonOption, TimeoutOption, settings
from wifiops.face.output import console, emit_json, errors, failures, table
from wifiops.face.window import ApprovedOnOption, _moment

if TYPE_CHECKING:
    from wifiops.engine.upgrade import Plan, RunReport

app = typer.Typer(help="Firmware upgrades of the MMs and controllers, one at a time, the way back kept open.",
                  no_args_is_help=True)

TargetArgument = Annotated[Path, typer.Argument(
    metavar="UPGRADE.yaml", help="The target: version, build, file server, each model's image and its SHA-256.")]


def _show_plan(p: Plan) -> None:
    rows = []
    for n, s in enumerate(p.steps, 1):
        to = "-" if s.skip or s.partition is None else f"{p.target.version} on part. {s.partition}"
        rows.append([n, s.host, s.role, s.running, to, s.skip or (f"back: part. {s.back}" if s.back is not None
                                                               else "")])
    table(f"upgrade to {p.target.version} build {p.target.build}: the order", ["#", "host", "role", "runs",
                                                                              "to", "note"], rows)
    if p.findings or p.errors:
        return  # refused before the estate was read through: said by _finish_plan
    if not any(s.sends for s in p.steps):
        console.print("nothing to do", markup=False, highlight=False)
    else:
        console.print("every image is staged and checked on every host first; then one host at a time:",
                      markup=False, highlight=False)
    for s in p.steps:
        if s.sends:
            lines = [f"{s.host}:"] + [f"  {line}" if line.startswith("---") else f"  send  {line}" for line in s.sends]
            lines += [f"  wait  {wait}" for wait in s.waits]
            if s.way_back:  # what the way back sends, if it is needed (the console's lines too)
                lines += ["  --- the way back, if needed:"] + [
                    f"  {line}" if line.startswith("---") else f"  send  {line}" for line in s.way_back]
            console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)
    console.print(f"APs up now: {p.aps_up}", markup=False, highlight=False)
    console.print(f"worst case: {_hours(p.worst_case)} (the window holds this); worst case with the way back: "
                  f"{_hours(p.worst_case + p.way_back_worst_case)}", markup=False, highlight=False, soft_wrap=True)
    if p.target.downtime_s:
        named = ", ".join(f"{g} {v:g} s" for g, v in sorted(p.target.downtime_s.items()))
        console.print(f"AP groups may be down (sampled while a controller is away): {named}", markup=False,
                      highlight=False, soft_wrap=True)


def _hours(span: timedelta) -> str:
    """A worst case as hours, to the tenth (`4.5 h`); a short one (the lab's) in minutes or seconds."""
    seconds = span.total_seconds()
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def _finish_plan(p: Plan) -> None:
    for line in p.findings:
        errors.print(f"refused: {line}", style="red", markup=False, highlight=False, soft_wrap=True)
    failures(p.errors, p.log_dir)


@app.command("plan")
def plan_command(target: TargetArgument, host: HostOption = None, inventory: InventoryOption = None,
                 timeout: TimeoutOption = None, json: JsonOption = False) -> None:
    """Read every host (nothing changes), check the target against it, print the order and what each step
    sends and waits for."""
    from wifiops.engine.upgrade import plan
    from wifiops.estate import Estate

    chosen = settings().with_timeout(timeout)
    p, _ = plan(Estate.open(chosen, inventory), target, names=host or ())
    if json:
        emit_json(p.to_dict())
    else:
        _show_plan(p)
        _finish_plan(p)
    if p.errors:
        raise typer.Exit(2)
    if p.findings:
        raise typer.Exit(1)


@app.command("versions")
def versions_command(target: Annotated[Optional[Path], typer.Option(
                         "--target", metavar="UPGRADE.yaml", help="A finding for each host not on its release.")] = None,
                     host: HostOption = None, inventory: InventoryOption = None, timeout: TimeoutOption = None,
                     json: JsonOption = False) -> None:
    """Each host's running release, both partitions, the default boot one and the free flash (read only)."""
    from wifiops.engine.upgrade import versions
    from wifiops.estate import Estate

    chosen = settings().with_timeout(timeout)
    found = versions(Estate.open(chosen, inventory), names=host or (), target_path=target)
    if json:
        emit_json(found.to_dict())
    else:
        table("versions (partitions: release (build))", ["host", "runs", "part. 0", "part. 1", "boot", "free MB"],
              [[r["host"], r["runs"], r["partitions"].get("0") or "-",
                r["partitions"].get("1") or "-", r["boot"], "?" if r["free_mb"] is None else f"{r['free_mb']:.0f}"]
               for r in found.rows])
        if found.aps:
            table("APs by model (on the conductor)", ["model", "release (build)", "APs"],
                  [[model, release, n] for model, releases in found.aps.items() for release, n in releases.items()])
        for line in found.findings:
            errors.print(f"finding: {line}", style="red", markup=False, highlight=False, soft_wrap=True)
    failures(found.errors, found.log_dir)
    if found.errors:
        raise typer.Exit(2)
    if found.findings:
        raise typer.Exit(1)


@app.command("run")
def run_command(target: TargetArgument, apply: Annotated[bool, typer.Option(
                    "--apply", help="Do it; without it, the plan only (dry run).")] = False,
                approved_on: ApprovedOnOption = None,
                at: Annotated[Optional[datetime], typer.Option(
                    "--at", parser=_moment, metavar="DATETIME",
                    help="The moment the window is checked for (default: now).")] = None,
                host: HostOption = None, inventory: InventoryOption = None, timeout: TimeoutOption = None,
                json: JsonOption = False) -> None:
    """Stage the image everywhere, then reload one host at a time and wait for it and its APs; a host back
    unhealthy boots its previous partition again, and the run stops."""
    from wifiops.engine.upgrade import execute, plan
    from wifiops.estate import Estate

    chosen = settings().with_timeout(timeout)
    p, run = plan(Estate.open(chosen, inventory), target, names=host or ())
    if not json:
        _show_plan(p)
    _finish_plan(p)
    if p.errors:
        raise typer.Exit(2)
    if p.findings:
        raise typer.Exit(1)
    if not apply:
        if json:
            emit_json(p.to_dict())
        errors.print("dry run: nothing was sent beyond show commands; add --apply to upgrade", markup=False,
                     highlight=False)
        return
    _window(run, at, approved_on, p.worst_case, p.way_back_worst_case)
    report = execute(p, run, progress=lambda line: errors.print(line, markup=False, highlight=False,
                                                                   soft_wrap=True),
                     timeout=float(chosen.timeout))
    _show_report(report, json)
    raise typer.Exit(report.code)


def _window(run: object, at: datetime | None, approved_on: date | None, span: timedelta | None = None,
            way_back: timedelta | None = None) -> None:
    """The window must hold the whole run, its worst case (`span`: every step to its deadline), not only its start.
    Taking the estate back (`way_back`) is not held to it (a normal night would be refused): a warning line when
    it would run past the opening hours (docs/upgrade.md)."""
    from wifiops.windows import Calendar

    nr = getattr(run, "nr")
    calendar = Calendar.from_inventory(nr)
    sites = sorted({str(h.data.get("site")) for h in nr.inventory.hosts.values() if h.data.get("site")}
                   & set(calendar.sites))
    verdict = calendar.check(at or datetime.now(), sites=sites or None, approved_on=approved_on, duration=span)
    if not verdict.allowed:
        errors.print(f"refused: {verdict.reason}", style="red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    if span and way_back:
        longer = calendar.check(at or datetime.now(), sites=sites or None, approved_on=approved_on,
                                duration=span + way_back)
        if not longer.allowed:
            errors.print(f"warning: should the estate be taken back, the way back ({_hours(way_back)} more, "
                         f"{_hours(span + way_back)} in all) would run past the window: {longer.reason}",
                         style="yellow", markup=False, highlight=False, soft_wrap=True)


def _show_report(report: RunReport, json: bool) -> None:
    if json:
        emit_json(report.to_dict())
        return
    table("upgrade: outcome", ["host", "state", "detail", "s", "APs up (min)"],
          [[o.host, o.state, o.detail, f"{o.took_s:g}", "" if o.fewest_aps_up is None else o.fewest_aps_up]
           for o in report.outcomes])
    for host, said in report.preload.items():
        console.print(f"{host}: AP image preload: {said}", markup=False, highlight=False, soft_wrap=True)
    target = report.plan.target
    if report.samples:
        rows = [[g, f"{s:g}", "-" if target.allowance(g) is None else f"{target.allowance(g):g}"]
                for g, s in report.groups_down_s.items() if s > 0]
        if rows:
            table(f"AP groups down ({report.samples} samples)", ["AP group", "down s", "allowed s"], rows)
        else:
            console.print(f"no AP group was down at any of {report.samples} samples", markup=False, highlight=False)
    if report.ap_versions_after:
        table("APs by model, after", ["model", "release (build)", "APs"],
              [[m, r, n] for m, v in report.ap_versions_after.items() for r, n in v.items()])
    if report.stopped:
        errors.print(f"stopped: {report.stopped}", style="red", markup=False, highlight=False, soft_wrap=True)
    errors.print(f"transcripts: {report.plan.log_dir}", markup=False, highlight=False)
