"""The few git operations rectify needs, through the ``git`` command itself.

Only used when asked: ``--commit`` / ``git.autocommit``, ``rectify log`` and the merge
driver. Without git installed or outside a repository, every other command works.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rectify.errors import RectifyError, UsageError
from rectify.files.paths import display
from rectify.i18n import _


class GitError(RectifyError):
    """git is missing, the folder is not in a repository, or a git command failed."""


def _git(args: list[str], cwd: Path, input_bytes: bytes | None = None) -> bytes:
    if shutil.which("git") is None:
        raise GitError(_("git is not installed"))
    result = subprocess.run(["git", *args], cwd=cwd, input=input_bytes, capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
        raise GitError(_("git {args}: {message}").format(args=args[0], message=message))
    return result.stdout


def toplevel(folder: Path) -> Path | None:
    """Return the root of the git work tree holding ``folder``, or None outside one."""
    if shutil.which("git") is None:
        return None
    result = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, check=False)
    if result.returncode != 0:
        return None
    return Path(result.stdout.decode("utf-8").strip())


def commit(paths: list[Path], message: str, key: str | None = None, sign: bool = False) -> str:
    """Commit exactly ``paths`` (their content in the work tree) with ``message``; other
    staged or unstaged changes stay out of the commit. Returns the new commit's short hash.

    With ``key`` (a path to an SSH private key, or ``key::ssh-...``) the commit is signed
    with it (``gpg.format=ssh``); with ``sign`` alone, with the user's own git signing
    configuration (``user.signingkey``). Raises :class:`GitError` outside a repository
    or when git refuses (a key that cannot sign, among others).
    """
    if not paths:
        raise GitError(_("nothing to commit"))
    root = toplevel(paths[0].parent)
    if root is None:
        raise GitError(_(
            "{parent} is not in a git repository; run `git init` or drop --commit"
        ).format(parent=paths[0].parent))
    names = [p.resolve().relative_to(root.resolve()).as_posix() for p in paths]
    _git(["add", "--", *names], root)
    signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"] if key else []
    flags = ["-S"] if key or sign else []
    _git([*signing, "commit", "--quiet", "--no-verify", *flags, "-m", message, "--only", "--", *names], root)
    return _git(["rev-parse", "--short", "HEAD"], root).decode().strip()


def can_commit(folder: Path, paths: list[Path]) -> str | None:
    """Return why a commit of ``paths`` would fail (no identity, an ignored file), or None."""
    root = toplevel(folder)
    if root is None:
        return _("{folder} is not in a git repository; run `git init` first").format(folder=folder)
    if subprocess.run(["git", "var", "GIT_COMMITTER_IDENT"], cwd=root, capture_output=True).returncode != 0:
        return _("git does not know who you are; set user.name and user.email (git config)")
    for path in paths:
        name = path.resolve().relative_to(root.resolve()).as_posix()  # a pathspec git reads the same everywhere
        if subprocess.run(["git", "check-ignore", "-q", "--", name], cwd=root, capture_output=True).returncode == 0:
            return _("{name} is ignored by git (.gitignore), so it cannot go into the commit").format(name=name)
    return None


def uncommitted(path: Path) -> bool:
    """True when ``path`` is tracked by git and has changes not committed (staged or not)."""
    root = toplevel(path.parent)
    if root is None:
        return False
    name = path.resolve().relative_to(root.resolve()).as_posix()  # a pathspec git reads the same everywhere
    out = _git(["status", "--porcelain", "--", name], root).decode("utf-8", "replace")
    return any(line and not line.startswith("??") for line in out.splitlines())


@dataclass(frozen=True)
class Commit:
    """One commit: full ``sha``, ``author`` name, author ``date`` (YYYY-MM-DD), ``subject``
    and the shas of its ``parents``."""

    sha: str
    author: str
    date: str
    subject: str
    parents: tuple[str, ...] = ()


def file_history(path: Path) -> list[Commit]:
    """Return the commits that changed ``path``, newest first, each with its parents."""
    root = toplevel(path.parent)
    if root is None:
        raise GitError(_(
            "{parent} is not in a git repository; run `git init` in the ledgers' folder and commit them, or work "
            "in the shared repository"
        ).format(parent=path.parent))
    name = path.resolve().relative_to(root.resolve()).as_posix()  # a pathspec git reads the same everywhere
    out = _git(["log", "--format=%H%x1f%P%x1f%an%x1f%ad%x1f%s", "--date=short", "--", name], root)
    commits = []
    for line in out.decode("utf-8", "replace").splitlines():
        sha, parents, author, day, subject = line.split("\x1f", 4)
        commits.append(Commit(sha, author, day, subject, tuple(parents.split())))
    return commits


def last_commit_day(path: Path, time_zone: str) -> date | None:
    """The day, in ``time_zone`` (the ledgers'), of the last commit that changed ``path``,
    when it has no uncommitted change (None: outside git, untracked, or changed since). The
    commit's instant is read, not the committer's calendar day, which is in the
    committer's own zone (a machine on UTC commits "yesterday" after 16:00)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    root = toplevel(path.parent)
    if root is None or uncommitted(path):
        return None
    name = path.resolve().relative_to(root.resolve()).as_posix()  # a pathspec git reads the same everywhere
    try:
        out = _git(["log", "-1", "--format=%ct", "--", name], root).decode().strip()
    except GitError:
        return None
    return datetime.fromtimestamp(int(out), ZoneInfo(time_zone)).date() if out.isdigit() else None


def blob_at(path: Path, sha: str) -> bytes | None:
    """Return the content of ``path`` in commit ``sha``, or None when it did not exist there."""
    root = toplevel(path.parent)
    if root is None:
        return None
    name = path.resolve().relative_to(root.resolve()).as_posix()
    try:
        return _git(["show", f"{sha}:{name}"], root)
    except GitError:
        return None


def blobs(root: Path, specs: list[str]) -> list[bytes | None]:
    """The content of each ``rev:path`` in ``specs`` (None where it does not exist), read by
    one ``git cat-file --batch``."""
    if not specs:
        return []
    result = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=root, input="\n".join(specs).encode() + b"\n",
        capture_output=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise GitError(_("git cat-file: {error}").format(error=result.stderr.decode("utf-8", "replace").strip()))
    data, at = result.stdout, 0
    out: list[bytes | None] = []
    for __ in specs:
        end = data.index(b"\n", at)
        header = data[at:end].split()
        at = end + 1
        if len(header) < 3 or header[1] != b"blob":
            out.append(None)
            continue
        size = int(header[2])
        out.append(data[at : at + size])
        at += size + 1
    return out


ATTRIBUTES_LINE = "*.yaml merge=rectify"


def install_merge_driver(folder: Path) -> Path:
    """Install the ledger merge driver for ``folder``: ``*.yaml merge=rectify`` in
    ``folder/.gitattributes`` and ``merge.rectify.*`` in the repository's git config.

    Returns the .gitattributes path. Raises :class:`GitError` outside a repository.
    """
    import sys

    root = toplevel(folder)
    if root is None:
        raise GitError(_("{folder} is not in a git repository; run `git init` first").format(folder=folder))
    attributes = folder / ".gitattributes"
    lines = attributes.read_text(encoding="utf-8").splitlines() if attributes.exists() else []
    if ATTRIBUTES_LINE not in lines:
        attributes.write_text("\n".join([*lines, ATTRIBUTES_LINE]) + "\n", encoding="utf-8", newline="\n")
    found = shutil.which("rectify")  # a full path: git runs the driver without the user's venv
    # git runs the driver through sh, Git for Windows too: / between folders reads the same there
    program = f'"{Path(found).resolve().as_posix()}"' if found else f'"{Path(sys.executable).as_posix()}" -m rectify'
    _git(["config", "merge.rectify.name", "rectify: merge ledgers finding by finding"], root)
    _git(["config", "merge.rectify.driver", f"{program} merge-driver %O %A %B"], root)
    return attributes


def merge_file(ours: Path, base: Path, theirs: Path) -> int:
    """Merge as plain text with ``git merge-file`` into ``ours``; return 0 when clean, 1 otherwise."""
    if shutil.which("git") is None:
        return 1
    result = subprocess.run(
        [
            "git",
            "merge-file",
            "-L",
            "ours",
            "-L",
            "base",
            "-L",
            "theirs",
            str(ours),
            str(base),
            str(theirs),
        ],
        capture_output=True,
        check=False,
    )
    return 0 if result.returncode == 0 else 1


def configured_key(folder: Path) -> str | None:
    """The user's SSH signing key from git's configuration (``user.signingkey`` with
    ``gpg.format=ssh``) for the repository holding ``folder``, or None."""
    root = toplevel(folder)
    if root is None:
        return None
    result = subprocess.run(["git", "config", "gpg.format"], cwd=root, capture_output=True, check=False)
    if result.stdout.decode().strip() != "ssh":
        return None
    result = subprocess.run(["git", "config", "user.signingkey"], cwd=root, capture_output=True, check=False)
    return result.stdout.decode("utf-8", "replace").strip() or None


def commit_step(paths: list[Path], message: str, key: str | None = None, sign: bool = False) -> None:
    """Commit ``paths`` (signed with ``key`` or, with ``sign``, the user's git signing
    configuration); when git refuses after the ledger was written, say so plainly."""
    try:
        commit(paths, message, key, sign)
    except GitError as exc:
        raise GitError(_("the step was recorded in the ledger but not committed: {error}").format(error=exc)) from None


def require_committable(path: Path, files: list[Path] | None = None) -> None:
    """Refuse ``--commit`` before anything is written when the commit could not be made
    (outside git, no git identity, an ignored evidence file) or when the ledger already
    holds changes not yet committed (they would be swept into this command's commit)."""
    problem = can_commit(path.parent, [path, *(files or [])])
    if problem is not None:
        raise UsageError(_("--commit: {problem}").format(problem=problem))
    if path.exists() and uncommitted(path):
        raise UsageError(
            _(
                "--commit: {path} has changes that are not committed; commit them first, so this "
                "command's commit holds only its own change"
            ).format(path=display(path))
        )


PENDING_NAME = "rectify-pending-commit.json"
"""The intent record of a step's commit, inside ``.git`` (never in the work tree)."""


def _pending_file(folder: Path) -> Path | None:
    """Where the intent record of ``folder``'s repository lives (None outside git)."""
    root = toplevel(folder)
    if root is None:
        return None
    git_dir = root / ".git"
    return git_dir / PENDING_NAME if git_dir.is_dir() else None


def remember_commit(paths: list[Path], message: str, digest: str) -> None:
    """Record, before a ledger is written, the commit that is to follow: the paths, the
    message and the sha256 the ledger will have. A command killed between the write and
    the commit leaves it for :func:`finish_pending`."""
    import json
    import os

    record = _pending_file(paths[0].parent)
    if record is None:
        return
    data = {"paths": [str(p.resolve()) for p in paths], "message": message, "sha256": digest}
    temporary = record.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8", newline="\n")
    os.replace(temporary, record)


def forget_commit(folder: Path) -> None:
    """Remove the intent record once the commit is made."""
    record = _pending_file(folder)
    if record is not None:
        record.unlink(missing_ok=True)


def finish_pending(folder: Path) -> str | None:
    """Finish or roll back what a command killed between writing a ledger and committing
    it left behind (its intent record), and say what was done (None: nothing was pending).

    The ledger as the killed command wrote it (same sha256) is committed with that
    command's message; a ledger still as committed means the write never happened and the
    record is dropped; a ledger changed since by someone else is left alone and reported.
    """
    import hashlib
    import json

    record = _pending_file(folder)
    if record is None or not record.exists():
        return None
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        paths = [Path(p) for p in data["paths"]]
        message, digest = str(data["message"]), str(data["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        record.unlink(missing_ok=True)
        return _("an unreadable record of an unfinished commit was removed")
    ledger = paths[0]
    try:
        current = hashlib.sha256(ledger.read_bytes()).hexdigest()
    except OSError:
        current = None
    if not uncommitted(ledger):
        record.unlink(missing_ok=True)
        return _("a command stopped before writing {ledger}; nothing of it was kept").format(ledger=display(ledger))
    if current == digest:
        commit([p for p in paths if p.exists()], message)
        record.unlink(missing_ok=True)
        return _(
            "finished the commit of a command that stopped after writing {ledger}: {message}"
        ).format(ledger=display(ledger), message=message)
    return (
        _(
            "{ledger} was written by a command that stopped before committing it, and has changed since; "
            "commit or restore it by hand (git diff shows the change)"
        ).format(ledger=display(ledger))
    )
