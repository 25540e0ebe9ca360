"""The backup repository: a git repository in `backups/`, written only with whole, checked answers.

GitPython drives the machine's git (the engineers' own tool reads the same history). The toolkit's own
author identity is set on this repository alone, never in the user's global configuration.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# Without git on the machine, GitPython refuses to be imported with a multi-line ImportError; quiet, it imports
# and each git command raises GitCommandNotFound, said below in one line.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
import git  # noqa: E402

from wifiops.errors import WifiopsError
from wifiops.locks import Holder, hold
from wifiops.paths import inside, write_atomically

AUTHOR_NAME = "wifiops"
AUTHOR_EMAIL = "wifiops@localhost"
GC_EVERY = 50  # commits between `git gc --auto` checks: years of nightly runs stay fast
LOCK_FILE = "wifiops.lock"  # in .git: never committed
INIT_WAIT = 10.0  # seconds to wait for another run's `git init` of the same folder to be whole
LOCK_WAIT = 120.0  # seconds a backup waits for another one's commit (a commit takes well under a second)
FAILED_TRAILER = "Backup-Result: failed"  # the last line of a night that changed nothing because hosts failed


class BackupStoreError(WifiopsError):
    """The backup repository cannot be read or written."""


@dataclass(frozen=True)
class Version:
    revision: str
    date: str
    message: str


class BackupRepo:
    """One writer at a time (`locked`): two backups at once would race on git's own lock files and on each
    other's files, and one could commit the other's changes under its own message."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.repo = _opened(folder, self._configure)
        except (git.GitError, OSError) as exc:
            raise BackupStoreError(f"{folder}: cannot open the backup repository: {_said(exc)}") from None

    def _configure(self, repo: git.Repo) -> None:
        """The author and signing settings every backup commit needs, in this repository only."""
        self.repo = repo
        wanted = {("user", "name"): AUTHOR_NAME, ("user", "email"): AUTHOR_EMAIL, ("commit", "gpgsign"): "false"}
        reader = repo.config_reader("repository")
        if any(str(reader.get_value(*key, default="")).lower() != value.lower() for key, value in wanted.items()):
            with self.locked(), repo.config_writer() as config:
                for (section, option), value in wanted.items():
                    config.set_value(section, option, value)

    @contextmanager
    def locked(self, wait: float = LOCK_WAIT, on_wait: Callable[[str], None] = lambda _: None,
               on_stale: Callable[[str], None] = lambda _: None) -> Iterator[Holder | None]:
        """This repository to this run alone (see wifiops/locks.py), waiting up to `wait` seconds for another."""
        with hold(self.git_dir / LOCK_FILE, f"the backup repository {self.folder}", wait=wait, on_wait=on_wait,
                  on_stale=on_stale) as stale:
            yield stale

    @property
    def git_dir(self) -> Path:
        return Path(self.repo.git_dir)

    def write(self, relative: str, text: str) -> bool:
        """Write one file atomically (temporary file, then rename); True when its content changed."""
        path = inside(self.folder, relative, "backup file")  # a site or host name never leaves backups/
        try:
            if path.exists() and path.read_text(encoding="utf-8", errors="replace") == text:
                return False
            write_atomically(path, text)
        except OSError as exc:  # a full disk, a read-only folder: the good copy before is kept (atomic write)
            raise BackupStoreError(f"{path}: cannot write the backup: {_said(exc)}; the previous copy is kept") from None
        return True

    def tracked_under(self, folder: str) -> set[str]:
        """The committed or staged files under `folder` (relative to the repository)."""
        out = self.repo.git.ls_files("-z", "--", folder)
        return {name for name in out.split("\0") if name}

    def remove(self, paths: list[str]) -> set[str]:
        """Take `paths` out of the repository and the disk (an object deleted on its server); the deletion is
        staged, for the next commit. Those that were tracked."""
        if not paths:
            return set()
        tracked = {p for p in paths if self.repo.git.ls_files("--", p)}
        if tracked:
            self.repo.git.rm("--cached", "--quiet", "--ignore-unmatch", "--", *sorted(tracked))
        for relative in paths:
            inside(self.folder, relative, "backup file").unlink(missing_ok=True)
        return tracked

    def commit(self, paths: list[str], message: str, author: str | None = None, *,
               failed: bool = False) -> str | None:
        """Commit exactly `paths` (when they differ from HEAD); the new revision, or None if nothing changed.
        `author`: the engineer who ran it (the committer stays wifiops, this repository's own identity).
        `failed`: hosts failed; with nothing changed, the night is still a commit (no file, FAILED_TRAILER at the
        end of its message), so the history says the night failed rather than nothing."""
        try:
            if paths:
                self.repo.git.add("--", *paths)
            unchanged = (not paths) if not self.repo.head.is_valid() else not self.repo.index.diff("HEAD")
            if unchanged and not failed:
                return None
            if unchanged:
                message = message.rstrip("\n") + f"\n\n{FAILED_TRAILER}\n"
            who = ["--author", f"{author} <{_mailbox(author)}@{AUTHOR_NAME}>"] if author else []
            empty = ["--allow-empty"] if unchanged else []
            self.repo.git.commit("-m", message, "--no-verify", "--quiet", *empty, *who)
            if int(self.repo.git.rev_list("--count", "HEAD")) % GC_EVERY == 0:
                self.repo.git.gc("--auto", "--quiet")
            return self.repo.head.commit.hexsha
        except (git.GitError, OSError) as exc:
            raise BackupStoreError(f"{self.folder}: the backup files are written but not committed: {_said(exc)}; "
                                   "fix it and run the backup again") from None

    def stage(self, paths: list[str]) -> set[str]:
        """`git add` exactly `paths`; those that differ from the last commit (all of them in a new repository)."""
        if not paths:
            return set()
        self.repo.git.add("--", *paths)
        against = ["HEAD"] if self.repo.head.is_valid() else []
        out = self.repo.git.diff("--cached", "--name-only", "-z", *against, "--", *paths)
        return {name for name in out.split("\0") if name}

    def push(self, remote: str) -> None:
        try:
            self.repo.git.push(remote, "HEAD", "--quiet")
        except git.GitCommandError as exc:
            raise BackupStoreError(f"push to {remote} failed ({exc.stderr.strip() or exc}); the local commit is kept, "
                                   "the next run pushes it again") from None

    def history(self, paths: list[str], said: str | None = None) -> list[Version]:
        """The versions of `paths`, newest first; with `said`, the commits whose message has that text too (a
        host's failed nights, which touched none of its files)."""
        if not self.repo.head.is_valid():
            return []
        out = self.repo.git.log("--format=%H%x09%cI%x09%s", "--", *paths)
        if said:
            out += "\n" + self.repo.git.log("--format=%H%x09%cI%x09%s", "--fixed-strings", f"--grep={said}")
        found = {v.revision: v for v in (Version(*line.split("\t", 2)) for line in out.splitlines() if line)}
        if not said:
            return list(found.values())  # git's own order, newest first
        # two lists merged: in the history's order, not by date (two backups in one second are a tie there)
        order = {sha: n for n, sha in enumerate(self.repo.git.rev_list("--topo-order", "HEAD").split())}
        return sorted(found.values(), key=lambda v: order.get(v.revision, len(order)))

    def resolve(self, revision: str) -> str:
        """A revision, or a date (`2026-11-01`: the last commit of that day or before)."""
        try:
            day = datetime.strptime(revision, "%Y-%m-%d")
        except ValueError:
            day = None
        try:
            if day is not None:
                found = self.repo.git.rev_list("-1", f"--before={day:%Y-%m-%d} 23:59:59", "HEAD")
                if not found:
                    raise BackupStoreError(f"no backup on or before {revision}")
                return str(found)
            return str(self.repo.git.rev_parse("--verify", f"{revision}^{{commit}}"))
        except git.GitCommandError:
            raise BackupStoreError(f"{revision!r} is neither a revision nor a date (YYYY-MM-DD) "
                                   "of the backup history") from None

    def diff(self, paths: list[str], old: str, new: str | None) -> str:
        """Unified diff of `paths` between two versions (`new` None: the files as they are now)."""
        args = [self.resolve(old)] + ([self.resolve(new)] if new else [])
        return str(self.repo.git.diff(*args, "--", *paths))


def _said(exc: BaseException) -> str:
    """What git or the system said, in one line (GitPython's messages hold the command and its stderr on several)."""
    if isinstance(exc, git.GitCommandNotFound):
        return "git is not installed (or not on PATH): install git (`apt install git`)"
    if isinstance(exc, git.GitCommandError):
        lines = [line.strip() for line in str(exc.stderr or "").splitlines() if line.strip()]
        told = next((line for line in lines if line.lower().startswith(("error:", "fatal:"))), lines[0] if lines else "")
        return (told.strip("'").strip() or f"git {exc.command[1] if len(exc.command) > 1 else ''} failed").strip()
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "the disk is full (No space left on device)"
        return exc.strerror or (str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _opened(folder: Path, configure: Callable[[git.Repo], None]) -> git.Repo:
    """The repository, made and configured if need be. Two runs may make it at the same moment: one sees the
    other's `.git` half written, or finds its config locked by the other's `git init` (which rewrites the
    config of a repository that already exists), and waits for it to be whole (a few milliseconds) rather
    than fail."""
    deadline = time.monotonic() + INIT_WAIT
    while True:
        try:
            repo = git.Repo(folder) if (folder / ".git").exists() else git.Repo.init(folder)
            configure(repo)
            return repo
        except (git.GitError, OSError):  # a half-written .git reads as either; a locked config as OSError
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _mailbox(name: str) -> str:
    """A name as the local part of an address git accepts (`Nadia Engineer` -> `nadia.engineer`)."""
    return ".".join(part for part in "".join(c if c.isalnum() else " " for c in name.lower()).split()) or "engineer"
