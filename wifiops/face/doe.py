"""`wifiops doe`: the as-built file (DOE) the contract asks for, built, versioned, followed and sent."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wifiops.face.options import InventoryOption, JsonOption, settings
from wifiops.face.output import emit_json, errors

app = typer.Typer(help="The as-built file (DOE): build a version, say what is due, send it.", no_args_is_help=True)

BASENAME = "DOE"


@app.command("build")
def build_command(
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Also copy the files into this folder.")] = None,
    fmt: Annotated[Optional[list[str]], typer.Option("--format", help="md, html or pdf (repeatable; default: all "
                                                     "three; pdf needs Chromium).")] = None,
    clearpass: Annotated[bool, typer.Option("--clearpass/--no-clearpass", help="Read ClearPass's network "
                                            "devices (default) or leave them out.")] = True,
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """Build the DOE from the inventory, the latest backup, ClearPass and the run journal; each build that
    describes something new is the next numbered version, committed under doe/ in the backup repository."""
    from wifiops.estate import Estate
    from wifiops.reports.doe import build

    chosen = settings()
    language = chosen.language
    built = build(Estate.open(chosen, inventory), clearpass=clearpass,
                  formats=list(dict.fromkeys(fmt or ["md", "html", "pdf"])))
    version, new, commit, files, doe, folder = built.version, built.new, built.commit, built.files, built.doe, \
        built.folder
    copied = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            target = out / name
            target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, encoding="utf-8")
            copied.append(str(target))
    if json:
        emit_json({"version": version["number"], "new": new, "commit": commit, "added": built.added,
                   "language": language, "folder": str(folder), "files": copied or [str(folder / n) for n in files],
                   "interventions": version["interventions"], "doe": doe.to_dict()})
        return
    shown = ", ".join(copied or [str(folder / n) for n in files])
    if new:
        line = f"DOE version {version['number']}: {shown}"
    elif built.added:  # the version the playbook's DOE step made, given the formats it lacked (the PDF)
        line = f"DOE version {version['number']}: nothing new since it was built; {', '.join(built.added)} added: " \
               f"{shown}"
    elif copied:
        line = f"DOE version {version['number']} (nothing new since it was built): {shown}"
    else:
        line = (f"DOE version {version['number']}: nothing new since it was built; its files are in {folder} "
                f"({', '.join(version['files'])})")
    errors.print(line, markup=False, highlight=False)
    if doe.network_devices.get("error"):
        errors.print(f"ClearPass not read: {doe.network_devices['error']}", markup=False, highlight=False)


@app.command("status")
def status_command(json: JsonOption = False) -> None:
    """What changed since the last version sent to the Louvre, and when the next is due (exit 1: overdue)."""
    from datetime import datetime, timezone

    from wifiops.engine.doe import status
    from wifiops.face.output import console
    from wifiops.reports.i18n import Localised

    chosen = settings()
    found = status(chosen, now=datetime.now(timezone.utc))
    if json:
        emit_json(found.to_dict())
        raise typer.Exit(found.exit_code)
    local = Localised("en")  # the engineer's screen; the documents follow `language:`
    built, sent = found.built, found.sent
    lines = [f"last built: version {built['number']} ({local.when(built['date'])})" if built else "last built: none"]
    if sent:
        lines.append(f"last sent:  version {sent['number']} ({local.when(sent['sent']['at'])}) to "
                     + ", ".join(sent["sent"]["to"]))
    else:
        lines.append("last sent:  never")
    if found.since:
        lines.append("not yet sent to the Louvre:")
        lines += [f"  {i['label']:<32.32} {local.when(i['started']):<24} {i['result']:<12}"
                  f"{' major' if i['major'] else ''}" for i in found.since]
    else:
        lines.append("nothing changed since the last version sent")
    if found.due:
        todo = "wifiops doe build, then wifiops doe send" if found.unbuilt else "wifiops doe send"
        lines.append(f"next version due by {local.when(found.due)} Paris time"
                     f"{' (OVERDUE)' if found.overdue else ''}: {todo}")
    else:
        lines.append("no major change waiting: nothing due")
    for line in lines:
        console.print(line, markup=False, highlight=False)
    raise typer.Exit(found.exit_code)


@app.command("send")
def send_command(
    to: Annotated[Optional[list[str]], typer.Option("--to", help="A recipient (repeatable; default: "
                                                    "mail.recipients of wifiops.yaml).")] = None,
    json: JsonOption = False,
) -> None:
    """Mail the latest version's PDF to the Louvre and record the sending in the document plan."""
    from datetime import datetime, timezone

    from wifiops.engine.doe import mark_sent, plan, version_file
    from wifiops.errors import WifiopsError
    from wifiops.estate import Estate
    from wifiops.notify import send_mail
    from wifiops.reports.i18n import Localised

    chosen = settings()
    versions = plan(chosen)
    if not versions:
        raise WifiopsError("no DOE built yet: run `wifiops doe build` first")
    version = versions[-1]
    pdf = version_file(chosen, version, f"{BASENAME}.pdf")
    local = Localised(chosen.language)
    title = local.gettext("As-built file")
    subject = f"{title} — v{version['number']} — {local.day(version['date'])}"
    body = local.gettext("Please find attached version %(number)s of the as-built file, of %(date)s.") % {
        "number": version["number"], "date": local.when(version["date"])} + "\n\n" + "\n".join(
        f"- {i['label']}" for i in version["interventions"]) + "\n"
    store = Estate.open(chosen).store
    now = datetime.now(timezone.utc)
    sent = send_mail(chosen, subject, body, redact=store.redact, recipients=to or None,
                     attachments=[(f"DOE-v{version['number']}.pdf", pdf, "application/pdf")])
    commit = mark_sent(chosen, version["number"], sent, now)
    if json:
        emit_json({"version": version["number"], "sent_to": sent, "commit": commit})
    else:
        errors.print(f"DOE version {version['number']} sent to {', '.join(sent)}", markup=False, highlight=False)

