"""A finding's versions in git history (``rectify log``), and the commits that changed a
ledger by hand (``rectify check``: :func:`hand_edit_problems`)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from rectify.domain.changes import HandEdit
from rectify.domain.model import Finding
from rectify.errors import LedgerError, Problem
from rectify.files import yamlread
from rectify.files.gitops import Commit
from rectify.files.ledgerfile import MAX_LEDGER_BYTES
from rectify.files.paths import display
from rectify.i18n import _, current

if TYPE_CHECKING:
    from rectify.files.ledgerfile import Loaded


def finding_versions(path: Path, finding_id: str) -> list[Commit]:
    """Return the commits (newest first) in which the finding ``finding_id`` of the ledger
    at ``path`` changed: added, edited or removed, compared with the commit before.

    Each commit is compared with its parents; a merge counts only when its version
    differs from every parent's. Raises :class:`~rectify.gitops.GitError` outside a git
    repository. Versions of the file that cannot be read as a ledger are skipped.
    """
    from rectify.files.gitops import blob_at, file_history

    def version(sha: str) -> Any:
        raw = blob_at(path, sha)
        if raw is None:
            return None
        try:
            data = yamlread.parse(raw, display(path)).data
        except LedgerError:
            return _UNKNOWN
        findings = data.get("findings") if isinstance(data, dict) else None
        for item in findings if isinstance(findings, list) else []:
            if isinstance(item, dict) and item.get("id") == finding_id:
                return item
        return None

    cache: dict[str, Any] = {}

    def cached(sha: str) -> Any:
        if sha not in cache:
            cache[sha] = version(sha)
        return cache[sha]

    found = []
    for item in file_history(path):
        current = cached(item.sha)
        before = [cached(parent) for parent in item.parents] or [None]
        if current is _UNKNOWN or any(old is _UNKNOWN for old in before):
            continue
        if all(current != old for old in before):  # a merge that took one side's version changed nothing
            found.append(item)
    return found


_UNKNOWN = object()


# ---------------------------------------------------------------- hand edits in the history (check)

HISTORY_CACHE = "history.json"
"""The verdicts on pairs of versions, kept beside the ledger cache in the git folder."""

HISTORY_FORMAT = 2
"""The layout of the verdicts kept; raise it when what is stored changes (2: kept per
language, as the verdicts hold their messages)."""

_ABSENT = "0" * 40
MAX_VERSION_BYTES = MAX_LEDGER_BYTES
"""The largest version of a ledger in the history that is read (as today's file may be)."""
_MAX_KEPT = 200_000
"""Verdicts kept at most; past it the store starts anew (it is only a cache)."""


@dataclass(frozen=True)
class _Touch:
    """One commit that changed ledger files: ``sha``, ``parents``, commit ``time`` (Unix
    seconds), ``subject``, and for each file (path relative to the repository) the blob
    ids before (one per parent; ``_ABSENT`` where it did not exist) and after."""

    sha: str
    parents: tuple[str, ...]
    time: int
    subject: str
    files: dict[str, tuple[tuple[str, ...], str]]


def _touches(root: Path, inside: str, exclude: str | None) -> list[_Touch]:
    """The commits from HEAD that changed files of the folder ``inside`` (relative to
    ``root``; ``""`` for the root itself), newest first, except ``exclude`` and the commits
    before it. A merge is listed with a file only when its version differs from every
    parent's (git's combined diff)."""
    from rectify.files.gitops import _git

    args = [
        "-c", "core.quotePath=false", "log", "--format=%x00%H%x1f%P%x1f%ct%x1f%s", "--raw", "-c",
        "--no-abbrev", "--no-renames", "HEAD", *([f"^{exclude}"] if exclude else []), "--", inside or ".",
    ]  # fmt: skip
    out = _git(args, root).decode("utf-8", "replace")
    found: list[_Touch] = []
    for record in out.split("\x00")[1:]:
        head, __, body = record.partition("\n")
        sha, parents, when, subject = head.split("\x1f", 3)
        files: dict[str, tuple[tuple[str, ...], str]] = {}
        for line in body.splitlines():
            if not line.startswith(":") or "\t" not in line:
                continue
            meta, name = line.split("\t", 1)
            count = len(meta) - len(meta.lstrip(":"))
            fields = meta.lstrip(":").split()
            blobs = fields[count + 1 : 2 * count + 2]
            if len(blobs) == count + 1:
                files[name] = (tuple(blobs[:-1]), blobs[-1])
        found.append(_Touch(sha, tuple(parents.split()), int(when or 0), subject, files))
    return found


def blob_id(raw: bytes) -> str:
    """The id git gives a file of these bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\x00" % len(raw) + raw, usedforsecurity=False).hexdigest()


def _version(raw: bytes | None, name: str) -> dict[str, Finding | None] | None:
    """The findings of one version of a ledger file by id (a finding that does not read as
    one is None); {} for a file that did not exist; None when the file is no ledger at all."""
    if raw is None:
        return {}
    try:
        data = yamlread.parse(raw, name).data
    except LedgerError:
        return None
    items = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(items, list | None):
        return None
    out: dict[str, Finding | None] = {}
    for item in items or []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        try:
            out[item["id"]] = Finding.model_validate(item)
        except ValidationError:
            out[item["id"]] = None
    return out


def _pair_key(before: tuple[str, ...], after: str) -> str:
    return ",".join(before) + ">" + after


class _Verdicts:
    """The verdicts (lists of :class:`HandEdit`) on pairs of versions, kept in ``path``
    (None: kept in memory only) under the key of rectify's version, the store's layout and
    the language (a verdict holds its message, in the language it was judged in); the
    verdicts of the same version in the other languages are kept as they are."""

    def __init__(self, path: Path | None) -> None:
        from rectify import __version__

        self.path = path
        family = f"{HISTORY_FORMAT}/{__version__}/"
        self.key = family + current()
        self.known: dict[str, list[list[Any]]] = {}
        self.others: dict[str, Any] = {}
        self.changed = False
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict):
            return
        kept = data.get(self.key)
        if isinstance(kept, dict):
            self.known = kept
        self.others = {k: v for k, v in data.items() if isinstance(k, str) and k.startswith(family) and k != self.key}

    def get(self, key: str) -> list[HandEdit] | None:
        found = self.known.get(key)
        if not isinstance(found, list):
            return None
        try:
            return [HandEdit(str(f), str(k), str(m), e if isinstance(e, int) else None) for f, k, m, e in found]
        except (TypeError, ValueError):
            return None

    def put(self, key: str, edits: list[HandEdit]) -> None:
        if len(self.known) > _MAX_KEPT:
            self.known = {}
        self.known[key] = [[e.finding, e.field, e.message, e.event] for e in edits]
        self.changed = True

    def save(self) -> None:
        """Write the store atomically; a place that cannot be written means no store."""
        if self.path is None or not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=".history-", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                json.dump({**self.others, self.key: self.known}, out, ensure_ascii=False)
            os.replace(name, self.path)
        except OSError:
            pass


def _resolve(root: Path, revision: str) -> str | None:
    """The full hash of commit ``revision``, or None when the repository has none such."""
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
        cwd=root, capture_output=True, check=False,
    )  # fmt: skip
    return result.stdout.decode().strip() if result.returncode == 0 else None


def _setting_problem(folder: Path, where: tuple[str | int, ...], message: str) -> LedgerError:
    """A problem at the setting ``where`` of the ``rectify.yaml`` that applies to ``folder``."""
    from rectify.files.config import CONFIG_NAME, config_root
    from rectify.files.schema import label

    path = config_root(folder) / CONFIG_NAME
    line, col = 1, 1
    try:
        line, col = yamlread.parse(path.read_bytes(), display(path)).where(where)
    except (OSError, LedgerError):
        pass
    return LedgerError([Problem(display(path), line, col, f"{label(where)}: {message}")])


def _subject(text: str) -> str:
    """A commit's subject as a message shows it: control characters out, at most 60 characters."""
    clean = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return clean if len(clean) <= 60 else clean[:59] + "…"


def history_settings(folder: Path) -> tuple[str | None, date | None, set[str]]:
    """``rectify.yaml``'s ``check`` settings for ``folder`` with their commits resolved:
    ``(the commit history_since names, the day it names, the full hashes accept names)``.
    Outside a git repository or without git, the commits are not looked up. Raises
    :class:`LedgerError` at the setting's place for a commit the repository does not hold."""
    import shutil

    from rectify.files.config import config_for
    from rectify.files.gitops import toplevel

    settings = config_for(folder).check
    root = toplevel(folder) if shutil.which("git") else None
    exclude: str | None = None
    since_day: date | None = None
    accepted: set[str] = set()
    if root is None:
        return None, None, set()
    if isinstance(settings.history_since, str):
        exclude = _resolve(root, settings.history_since)
        if exclude is None:
            message = _("no commit {revision} in this repository").format(revision=settings.history_since)
            raise _setting_problem(folder, ("check", "history_since"), message)
    else:
        since_day = settings.history_since
    for number, revision in enumerate(settings.accept):
        full = _resolve(root, revision)
        if full is None:
            message = _("no commit {revision} in this repository").format(revision=revision)
            raise _setting_problem(folder, ("check", "accept", number), message)
        accepted.add(full)
    return exclude, since_day, accepted


def hand_edit_problems(loaded: list[Loaded], folder: Path, keep: bool = True) -> tuple[list[Problem], str | None]:
    """``check``'s look at the git history of the ledger folder ``folder``: every commit
    that changed a ledger in a way no rectify step does (:func:`rectify.domain.changes.hand_edits`:
    a deadline moved, a status set without its events, the history rewritten, a finding
    deleted), and the same for the change not yet committed.

    ``loaded`` are today's ledgers (from :func:`~rectify.files.ledgerfile.check_folder`);
    each problem is at the finding's field in today's file (``file:1:1`` for a finding
    deleted) and names the commit by short hash and subject. Commits before
    ``check.history_since`` and those in ``check.accept`` (rectify.yaml) are not judged.
    Verdicts are kept by the pair of versions (blob ids) in the git folder (with
    ``keep``), so only pairs not judged before are read and parsed.

    Returns ``(problems, note)``: the note says in one line why the history was not
    looked at, else None. It is given where the user expects the history judged: a
    shallow clone, git failing, git missing while the ledgers lie in a git working tree
    (a ``.git`` above them), and, for git missing or no repository, ``check.history_since``
    or ``check.accept`` set in ``rectify.yaml``. Ledgers kept in a plain folder (no git,
    nothing asked) get no note: it would be said on every ``check`` and help nobody. Raises
    :class:`LedgerError` for a commit in ``rectify.yaml`` that the repository does not hold.
    """
    import shutil

    from rectify.files.gitops import GitError, toplevel

    if shutil.which("git") is None:
        here = folder.resolve()
        if _history_asked(folder) or any((up / ".git").exists() for up in (here, *here.parents)):
            return [], _("git is not installed, so the ledgers' history was not checked")
        return [], None
    root = toplevel(folder)
    if root is None:
        if _history_asked(folder):
            return [], _("the ledgers are not in a git repository, so their history was not checked")
        return [], None
    try:
        return _hand_edits(loaded, folder, root, keep)
    except GitError as exc:
        return [], _("the ledgers' history was not checked: {error}").format(error=exc)


def _history_asked(folder: Path) -> bool:
    """True when ``rectify.yaml`` sets ``check.history_since`` or ``check.accept`` for
    ``folder``: the user expects the git history judged."""
    from rectify.files.config import config_for

    settings = config_for(folder).check
    return settings.history_since is not None or bool(settings.accept)


def _hand_edits(loaded: list[Loaded], folder: Path, root: Path, keep: bool) -> tuple[list[Problem], str | None]:
    """:func:`hand_edit_problems` in the repository at ``root``. Raises :class:`GitError`."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from rectify.domain.changes import hand_edits
    from rectify.files.cache import cache_dir
    from rectify.files.config import config_for
    from rectify.files.gitops import _git, blobs

    if _git(["rev-parse", "--is-shallow-repository"], root).decode().strip() == "true":
        note = _("the repository is a shallow clone, so the ledgers' history was not checked (git fetch --unshallow)")
        return [], note
    if _resolve(root, "HEAD") is None:
        return [], None  # no commit yet: no history to judge
    exclude, since_day, accepted = history_settings(folder)
    zone = ZoneInfo(config_for(folder).time_zone)
    top = root.resolve()
    inside = folder.resolve().relative_to(top).as_posix() if folder.resolve() != top else ""
    today = {f"{inside}/{item.path.name}" if inside else item.path.name: item for item in loaded}
    changes: list[tuple[str, str, tuple[str, ...], str]] = []  # (commit label, file, blobs before, blob after)
    for touch in _touches(root, inside, exclude):
        if touch.sha in accepted:
            continue
        if since_day is not None and datetime.fromtimestamp(touch.time, zone).date() < since_day:
            continue
        for name, (before, after) in touch.files.items():
            if name in today:
                label = _('commit {hash} "{subject}"').format(hash=touch.sha[:7], subject=_subject(touch.subject))
                changes.append((label, name, before, after))
    worktree: dict[str, bytes] = {}
    names = list(today)
    if names:
        listed = _git(["ls-tree", "-z", "HEAD", "--", *names], root).decode("utf-8", "replace")
        committed = {e.split("\t", 1)[1]: e.split()[2] for e in listed.split("\x00") if "\t" in e}
        for name, item in today.items():
            try:
                raw = item.path.read_bytes()
            except OSError:
                continue
            head = committed.get(name, _ABSENT)
            if blob_id(raw) != head:
                worktree[blob_id(raw)] = raw
                changes.append((_("the change not yet committed"), name, (head,), blob_id(raw)))
    store = _Verdicts(cache_dir(folder) / HISTORY_CACHE if keep else None)
    verdicts: dict[str, list[HandEdit]] = {}
    wanted: list[tuple[str, tuple[str, ...], str]] = []
    for __, name, before, after in changes:
        key = _pair_key(before, after)
        kept = store.get(key)
        if kept is not None:
            verdicts[key] = kept
        elif key not in verdicts:
            verdicts[key] = []
            wanted.append((name, before, after))
    ids = _small(root, sorted({b for __, bs, a in wanted for b in (*bs, a) if b != _ABSENT and b not in worktree}))
    contents: dict[str, bytes | None] = dict(zip(ids, blobs(root, ids), strict=True)) if ids else {}
    contents.update(worktree)
    parsed: dict[str, dict[str, Finding | None] | None] = {}  # a blob is "after" of one change, "before" of the next

    def version(blob: str, name: str) -> dict[str, Finding | None] | None:
        if blob not in parsed:
            if blob != _ABSENT and contents.get(blob) is None:  # too large, or gone: not judged
                parsed[blob] = None
            else:
                parsed[blob] = _version(contents.get(blob), name)
        return parsed[blob]

    for name, before, after in wanted:
        versions = [version(b, name) for b in (*before, after)]
        judged: list[HandEdit] = []
        if all(v is not None for v in versions):
            readable = [v for v in versions if v is not None]
            judged = hand_edits(readable[:-1], readable[-1])
        verdicts[_pair_key(before, after)] = judged
        if after not in worktree:  # the change not yet committed may change again
            store.put(_pair_key(before, after), judged)
    store.save()
    problems: list[Problem] = []
    for commit_label, name, before, after in changes:
        item = today[name]
        for edit in verdicts[_pair_key(before, after)]:
            problems.extend(_placed(item, edit, commit_label))
    return problems, None


def _small(root: Path, ids: list[str]) -> list[str]:
    """The blobs of ``ids`` no larger than a ledger may be (:data:`MAX_VERSION_BYTES`), by one
    ``git cat-file --batch-check``; a larger one is never read (its versions are not judged)."""
    from rectify.files.gitops import _git

    if not ids:
        return []
    out = _git(["cat-file", "--batch-check"], root, "\n".join(ids).encode() + b"\n").decode()
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob" and parts[2].isdigit():
            sizes[parts[0]] = int(parts[2])
    return [blob for blob in ids if sizes.get(blob, MAX_VERSION_BYTES + 1) <= MAX_VERSION_BYTES]


def _placed(item: Loaded, edit: HandEdit, commit_label: str) -> list[Problem]:
    """The problem of ``edit`` at its place in today's file ``item``; a finding deleted is
    reported only while it is still gone (at the file's 1:1)."""
    message = _("{commit}: {problem}").format(commit=commit_label, problem=edit.message)
    index = next((i for i, f in enumerate(item.ledger.findings) if f.id == edit.finding), None)
    if edit.field == "deleted":
        return [] if index is not None else [Problem(item.name, 1, 1, message, edit.finding)]
    if index is None:
        return []  # judged where it is deleted
    finding = item.ledger.findings[index]
    path: tuple[str | int, ...] = ("findings", index, edit.field)
    if edit.field == "history" and edit.event is not None and edit.event < len(finding.history):
        path = (*path, edit.event)
    elif edit.field == "deadline" and finding.deadline is None:
        path = ("findings", index, "id")
    return [item.problem(path, message)]
