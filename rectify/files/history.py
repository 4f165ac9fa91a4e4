"""A finding's versions in git history (``rectify log``), and the commits that changed a
ledger by hand (``rectify check``: :func:`hand_edit_problems`)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from rectify.domain.changes import HandEdit, hand_edits
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
"""The verdicts on pairs of versions, kept beside the ledger cache in the git folder. The
store is trusted as the git folder itself is (whoever can write ``.git`` can rewrite the
history too); it is keyed by rectify's version and the rules' version
(:data:`rectify.domain.changes.RULES_VERSION`) and every entry's shape is checked, so a
store from another version or a damaged entry is judged again."""

HISTORY_FORMAT = 2
"""The layout of the verdicts kept; raise it when what is stored changes."""

_ABSENT = "0" * 40
MAX_VERSION_BYTES = MAX_LEDGER_BYTES
"""The largest version of a ledger in the history that is read (as today's file may be)."""
_MAX_KEPT = 200_000
"""Verdicts kept at most; past it the store starts anew (it is only a cache)."""
_PARSED_KEPT = 4
"""Versions of ledgers held parsed at once: a commit's version is the next one's version
before, so a few suffice; the history is read pair by pair, never held whole."""


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


def _is_ledger(name: str, folders: set[str]) -> bool:
    """True for ``<folder>/<name>.yaml`` (not hidden) directly in one of ``folders``."""
    folder, _, base = name.rpartition("/")
    return folder in folders and base.endswith(".yaml") and not base.startswith(".")


def _former_folders(root: Path, inside: str) -> set[str]:
    """``inside`` and every folder its ledgers were moved from in the history of HEAD
    (``git mv`` of a ledger or of the folder), so a moved ledger's history is still read."""
    from rectify.files.gitops import _git

    folders = {inside}
    out = _git(
        ["-c", "core.quotePath=false", "log", "--format=", "-M", "--diff-filter=R", "--name-status", "HEAD"], root
    )
    for line in out.decode("utf-8", "replace").splitlines():  # newest first
        parts = line.split("\t")
        if len(parts) == 3 and parts[0].startswith("R") and _is_ledger(parts[2], folders):
            folders.add(parts[1].rpartition("/")[0])
    return folders


def _tree(root: Path, commit: str, folders: set[str]) -> dict[str, str]:
    """The ledger files of ``folders`` in ``commit``: path -> blob id."""
    from rectify.files.gitops import _git

    out = _git(
        ["-c", "core.quotePath=false", "ls-tree", "-z", commit, "--", *(f"{f}/" if f else "." for f in folders)], root
    )
    found = {}
    for entry in out.decode("utf-8", "replace").split("\x00"):
        meta, _, name = entry.partition("\t")
        fields = meta.split()
        if len(fields) == 3 and fields[1] == "blob" and _is_ledger(name, folders):
            found[name] = fields[2]
    return found


def _touches(root: Path, folders: set[str], exclude: str | None) -> Iterator[_Touch]:
    """The commits from HEAD that changed ledger files of ``folders`` (relative to
    ``root``; ``""`` for the root itself), oldest first (parents before children), except
    ``exclude`` and the commits it reaches. Read as a stream from ``git log``. A merge is
    listed with every file that differs from any parent's version of it (even when it
    equals another parent's: ``git merge -s ours``)."""
    args = [
        "git", "-c", "core.quotePath=false", "log", "--full-history", "--reverse", "--topo-order",
        "--format=%x00%H%x1f%P%x1f%ct%x1f%s", "--raw", "--no-abbrev", "--no-renames", "HEAD",
        *([f"^{exclude}"] if exclude else []), "--", *(f or "." for f in sorted(folders)),
    ]  # fmt: skip
    from rectify.files.gitops import GitError

    with subprocess.Popen(args, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        assert proc.stdout is not None
        record: list[str] = []
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith("\x00"):
                if record:
                    yield _touch(root, record, folders)
                record = [line[1:]]
            elif record:
                record.append(line)
        if record:
            yield _touch(root, record, folders)
    if proc.returncode not in (0, None):
        raise GitError(_("git log failed ({code})").format(code=proc.returncode))


def _touch(root: Path, record: list[str], folders: set[str]) -> _Touch:
    """One record of :func:`_touches`'s ``git log`` as a :class:`_Touch`."""
    sha, parents, when, subject = record[0].split("\x1f", 3)
    parent_ids = tuple(parents.split())
    files: dict[str, tuple[tuple[str, ...], str]] = {}
    if len(parent_ids) > 1:  # a merge: its tree against each parent's
        after = _tree(root, sha, folders)
        befores = [_tree(root, parent, folders) for parent in parent_ids]
        for name in sorted(set(after).union(*befores)):
            now = after.get(name, _ABSENT)
            olds = tuple(b.get(name, _ABSENT) for b in befores)
            if any(old != now for old in olds):
                files[name] = (olds, now)
    for line in record[1:]:
        if not line.startswith(":") or "\t" not in line:
            continue
        meta, name = line.split("\t", 1)
        fields = meta.lstrip(":").split()
        if len(fields) >= 4 and _is_ledger(name, folders):
            files[name] = ((fields[2],), fields[3])
    return _Touch(sha, parent_ids, int(when or 0), subject, files)


def blob_id(raw: bytes) -> str:
    """The id git gives a file of these bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\x00" % len(raw) + raw, usedforsecurity=False).hexdigest()


class _Unreadable(Exception):
    """A version of a ledger that is no ledger: the reason, in plain words."""


def _version(raw: bytes | None, name: str) -> dict[str, Finding | None]:
    """The findings of one version of a ledger file by id; {} for a file that did not
    exist. Raises :class:`_Unreadable` for a version that is no ledger (not YAML, no list
    of findings, a finding that does not read)."""
    if raw is None:
        return {}
    try:
        data = yamlread.parse(raw, name).data
    except LedgerError as exc:
        raise _Unreadable(exc.problems[0].message if exc.problems else str(exc)) from None
    items = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(items, list | None):
        raise _Unreadable(_("not a ledger (no list of findings)"))
    out: dict[str, Finding | None] = {}
    for item in items or []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        try:
            out[item["id"]] = Finding.model_validate(item)
        except ValidationError as exc:
            from rectify.files.schema import _message, finding_label

            error = exc.errors()[0]
            loc = tuple(error["loc"])
            raise _Unreadable(f"{finding_label(item['id'], loc)}: {_message(error, loc, Finding)}") from None
    return out


class _Reader:
    """The versions of ledgers in the repository at ``root``, read one at a time by a
    ``git cat-file --batch`` kept open, and parsed; at most :data:`_PARSED_KEPT` are held.
    ``extra`` holds bytes not in git (the change not yet committed) by blob id."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.proc: subprocess.Popen[bytes] | None = None
        self.extra: dict[str, bytes] = {}
        self.parsed: OrderedDict[str, dict[str, Finding | None] | str] = OrderedDict()

    def _raw(self, blob: str) -> bytes:
        """The bytes of ``blob``; raises :class:`_Unreadable` when it is too large or gone."""
        from rectify.files.gitops import GitError

        if blob in self.extra:
            return self.extra[blob]
        if self.proc is None:
            self.proc = subprocess.Popen(
                ["git", "cat-file", "--batch"], cwd=self.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(blob.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) != 3:
            if not header:
                raise GitError(_("git cat-file stopped"))
            raise _Unreadable(_("not in the repository"))
        size = int(header[2])
        if size > MAX_VERSION_BYTES:
            left = size + 1
            while left:
                left -= len(self.proc.stdout.read(min(left, 1 << 20)) or b"\x00" * left)
            raise _Unreadable(_("larger than {limit} bytes").format(limit=MAX_VERSION_BYTES))
        data = self.proc.stdout.read(size)
        self.proc.stdout.read(1)
        return data

    def version(self, blob: str, name: str) -> dict[str, Finding | None]:
        """The findings of ``blob`` (``_ABSENT``: {}); raises :class:`_Unreadable`."""
        if blob == _ABSENT:
            return {}
        if blob not in self.parsed:
            try:
                self.parsed[blob] = _version(self._raw(blob), name)
            except _Unreadable as exc:
                self.parsed[blob] = str(exc)
            while len(self.parsed) > _PARSED_KEPT:
                self.parsed.popitem(last=False)
        self.parsed.move_to_end(blob)
        found = self.parsed[blob]
        if isinstance(found, str):
            raise _Unreadable(found)
        return found

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait()


def _pair_key(before: tuple[str, ...], after: str) -> str:
    return ",".join(before) + ">" + after


def _edits_of(value: object) -> list[HandEdit] | None:
    """Kept verdicts as :class:`HandEdit` records, None when their shape is not the one stored."""
    if not isinstance(value, list):
        return None
    out = []
    for entry in value:
        if not (isinstance(entry, list) and len(entry) == 4 and all(isinstance(v, str) for v in entry[:3])):
            return None
        if entry[2] not in ("deadline", "status", "history", "deleted"):
            return None
        if not (entry[3] is None or (isinstance(entry[3], int) and not isinstance(entry[3], bool) and entry[3] >= 0)):
            return None
        out.append(HandEdit(entry[0], entry[2], entry[1], entry[3]))
    return out


_Verdict = tuple[list[HandEdit], list[str], list[tuple[str, int]]]
"""A verdict on a pair of versions: the hand edits, the ids added, the ids deleted (each
with the index of a parent version that had it)."""


class _Verdicts:
    """The verdicts on pairs of versions and on single versions, kept in ``path`` (None:
    kept in memory only) under the key of rectify's version, the rules' version and the
    store's layout. A verdict on a pair is ``{"e": edits, "a": ids added, "d": [[id,
    parent index]] of ids deleted}``; on a version, ``""`` (it reads) or why it does not."""

    def __init__(self, path: Path | None) -> None:
        from rectify import __version__
        from rectify.domain.changes import RULES_VERSION

        self.path = path
        self.key = f"{HISTORY_FORMAT}/{__version__}/{RULES_VERSION}/{current()}"  # verdicts hold their messages
        self.known: dict[str, Any] = {}
        self.changed = False
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        kept = data.get(self.key) if isinstance(data, dict) else None
        if isinstance(kept, dict):
            self.known = kept

    def get(self, key: str) -> _Verdict | None:
        found = self.known.get(key)
        if not isinstance(found, dict):
            return None
        edits = _edits_of(found.get("e"))
        added, deleted = found.get("a"), found.get("d")
        if edits is None or not isinstance(added, list) or not all(isinstance(a, str) for a in added):
            return None
        if not isinstance(deleted, list) or not all(
            isinstance(d, list) and len(d) == 2 and isinstance(d[0], str) and type(d[1]) is int and d[1] >= 0
            for d in deleted
        ):
            return None
        return edits, added, [(d[0], d[1]) for d in deleted]

    def put(self, key: str, edits: list[HandEdit], added: list[str], deleted: list[tuple[str, int]]) -> None:
        if len(self.known) > _MAX_KEPT:
            self.known = {}
        stored = [[e.finding, e.message, e.field, e.event] for e in edits]
        self.known[key] = {"e": stored, "a": added, "d": [list(d) for d in deleted]}
        self.changed = True

    def unreadable(self, blob: str) -> str | None:
        """Why ``blob`` does not read as a ledger ("" when it reads), None when not known."""
        found = self.known.get("blob:" + blob)
        return found if isinstance(found, str) else None

    def put_unreadable(self, blob: str, reason: str) -> None:
        self.known["blob:" + blob] = reason
        self.changed = True

    def save(self) -> None:
        """Write the store atomically; a place that cannot be written means no store."""
        if self.path is None or not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=".history-", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                json.dump({self.key: self.known}, out, ensure_ascii=False)
            os.replace(name, self.path)
        except OSError:
            pass


def _commits(root: Path) -> list[str]:
    """The full hashes of the commits HEAD reaches, newest first."""
    from rectify.files.gitops import _git

    return _git(["rev-list", "HEAD"], root).decode().split()


def _resolve(root: Path, revision: str, commits: list[str] | None = None) -> str | None:
    """The full hash of the commit of the history of HEAD whose hash starts with the hex
    digits ``revision``, or None when none does. Only commit ids count: a branch or tag
    named like a hash never redirects it. Raises ValueError when several commits match."""
    prefix = revision.lower()
    if not prefix or any(ch not in "0123456789abcdef" for ch in prefix):
        return None
    found = [sha for sha in (commits if commits is not None else _commits(root)) if sha.startswith(prefix)]
    if len(found) > 1:
        raise ValueError(revision)
    return found[0] if found else None


def _day_cut(root: Path, day: date, zone: str) -> str | None:
    """The commit before which ``history_since: day`` stops judging: the first parent of
    the oldest commit, on HEAD's first-parent line, committed on or after ``day``. Found
    once by the line's order, so a later commit with a backdated date is still judged.
    None when the line's first commit is already on or after ``day`` (nothing cut)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from rectify.files.gitops import _git

    tz = ZoneInfo(zone)
    out = _git(["log", "--first-parent", "--reverse", "--format=%H %ct", "HEAD"], root).decode()
    previous: str | None = None
    for line in out.splitlines():
        sha, _, when = line.partition(" ")
        if datetime.fromtimestamp(int(when or 0), tz).date() >= day:
            return previous
        previous = sha
    return previous  # every commit is before the day


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
    ``(the commit before which nothing is judged, the day history_since names, the full
    hashes accept names)``. A commit is named by the leading hex digits of its id and
    looked up among the commits HEAD reaches (never through branch or tag names). A day
    is turned into a commit by :func:`_day_cut` (the order of the first-parent line, not
    the commits' dates). Outside a git repository or without git, nothing is looked up.
    Raises :class:`LedgerError` at the setting's place for a commit the history does not
    hold, or digits that several commits start with."""
    import shutil

    from rectify.files.config import config_for
    from rectify.files.gitops import toplevel

    config = config_for(folder)
    settings = config.check
    root = toplevel(folder) if shutil.which("git") else None
    exclude: str | None = None
    since_day: date | None = None
    accepted: set[str] = set()
    if root is None or _resolve_head(root) is None:
        return None, None, set()
    commits = _commits(root)

    def find(revision: str, where: tuple[str | int, ...]) -> str:
        try:
            full = _resolve(root, revision, commits)
        except ValueError:
            message = _("{revision} starts the ids of several commits; give more of its digits").format(
                revision=revision
            )
            raise _setting_problem(folder, where, message) from None
        if full is None:
            message = _("no commit {revision} in this repository").format(revision=revision)
            raise _setting_problem(folder, where, message)
        return full

    if isinstance(settings.history_since, str):
        exclude = find(settings.history_since, ("check", "history_since"))
    elif settings.history_since is not None:
        since_day = settings.history_since
        exclude = _day_cut(root, since_day, config.time_zone)
    for number, revision in enumerate(settings.accept):
        accepted.add(find(revision, ("check", "accept", number)))
    return exclude, since_day, accepted


def _resolve_head(root: Path) -> str | None:
    """HEAD's commit, None in a repository with no commit yet."""
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=root, capture_output=True, check=False
    )
    return result.stdout.decode().strip() if result.returncode == 0 else None


def hand_edit_problems(loaded: list[Loaded], folder: Path, keep: bool = True) -> tuple[list[Problem], str | None]:
    """``check``'s look at the git history of the ledger folder ``folder``: every commit
    that changed a ledger in a way no rectify step does (:func:`rectify.domain.changes.hand_edits`:
    a deadline moved, a status set without its events, the history rewritten, a finding
    deleted), and the same for the change not yet committed.

    ``loaded`` are today's ledgers (from :func:`~rectify.files.ledgerfile.check_folder`);
    each problem is at the finding's field in today's file (``file:1:1`` for a finding
    deleted, at the file it was deleted from) and names the commit by short hash and
    subject. Commits before ``check.history_since`` and those in ``check.accept``
    (rectify.yaml) are not judged. A version that does not read as a ledger is reported
    at its commit, and the next version that reads is compared with the last one before
    it that did; a finding deleted and added back is compared with its version before the
    deletion; a merge is compared with every parent; a ledger moved (``git mv``) is
    followed and one deleted is its findings deleted. Verdicts are kept by the pair of
    versions (blob ids) in the git folder (with ``keep``), so only pairs not judged before
    are read and parsed; the versions are read one pair at a time.

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


class _Walk:
    """The state of one walk through the history, oldest commit first: the last version
    that read before each version that does not (``instead``), the version each deleted
    finding had before its deletion (``gone``: id -> (blob, file)), and the problems found."""

    def __init__(self, reader: _Reader, store: _Verdicts, place: Callable[[str, HandEdit, str], list[Problem]]) -> None:
        self.reader = reader
        self.store = store
        self.place = place
        self.instead: dict[str, str] = {}
        self.gone: dict[str, tuple[str, str]] = {}
        self.problems: list[Problem] = []

    def why_unreadable(self, blob: str, name: str) -> str:
        """Why ``blob`` does not read ("" when it does), kept in the store."""
        if blob == _ABSENT:
            return ""
        known = self.store.unreadable(blob)
        if known is None:
            try:
                self.reader.version(blob, name)
                known = ""
            except _Unreadable as exc:
                known = str(exc)
            if blob not in self.reader.extra:
                self.store.put_unreadable(blob, known)
        return known

    def readable(self, blob: str, name: str) -> str:
        """``blob``, or for a version that does not read the last one before it that did."""
        if blob in self.instead:
            return self.instead[blob]
        return blob if not self.why_unreadable(blob, name) else _ABSENT

    def change(self, label: str | None, files: dict[str, tuple[tuple[str, ...], str]]) -> None:
        """Judge one commit (``label`` None: an accepted one, walked but not reported)."""
        added: list[tuple[str, str, str]] = []  # (id, file, blob after)
        for name, (before, after) in sorted(files.items()):
            olds = tuple(self.readable(b, name) for b in before)
            reason = self.why_unreadable(after, name)
            if reason:
                self.instead[after] = olds[0]
                # the working file's own problems are reported by the read of today's ledgers
                if label is not None and after not in self.reader.extra:
                    message = _(
                        "{commit}: the ledger could not be read ({reason}); "
                        "the next version that reads is compared with the last one before it"
                    ).format(commit=label, reason=reason)
                    self.problems.append(Problem(self.place_file(name), 1, 1, message))
                continue
            key = _pair_key(olds, after)
            kept = self.store.get(key)
            if kept is None:
                kept = self.judge(name, olds, after)
                if after not in self.reader.extra:
                    self.store.put(key, *kept)
            edits, new, deleted = kept
            for fid, index in deleted:
                self.gone[fid] = (olds[index], name)
            added.extend((fid, name, after) for fid in new)
            if label is not None:
                for edit in edits:
                    self.problems.extend(self.place(name, edit, label))
        for fid, name, after in added:
            if fid not in self.gone:
                continue
            blob, old_name = self.gone.pop(fid)
            key = f"{fid}:{blob}>{after}"
            kept = self.store.get(key)
            if kept is None:
                was = self.reader.version(blob, old_name).get(fid)
                now = self.reader.version(after, name).get(fid)
                edits = hand_edits([{fid: was}], {fid: now}) if was is not None and now is not None else []
                kept = (edits, [], [])
                if after not in self.reader.extra:
                    self.store.put(key, *kept)
            if label is not None:
                for edit in kept[0]:
                    self.problems.extend(self.place(name, edit, label))

    def place_file(self, name: str) -> str:
        return self.place(name, HandEdit("", "file", ""), "")[0].path

    def judge(self, name: str, olds: tuple[str, ...], after: str) -> _Verdict:
        """The verdict on one pair of versions that read: the hand edits, the ids added,
        the ids deleted (with the index of a parent that had them)."""
        versions = []
        for blob in olds:
            versions.append(dict(self.reader.version(blob, name)))
        now = self.reader.version(after, name)
        edits = hand_edits(versions, now)
        added = [fid for fid in now if all(fid not in v for v in versions)]
        deleted = []
        for edit in edits:
            if edit.field == "deleted":
                deleted.append((edit.finding, next(i for i, v in enumerate(versions) if edit.finding in v)))
        return edits, added, deleted


def _hand_edits(loaded: list[Loaded], folder: Path, root: Path, keep: bool) -> tuple[list[Problem], str | None]:
    """:func:`hand_edit_problems` in the repository at ``root``. Raises :class:`GitError`."""
    from rectify.files.cache import cache_dir
    from rectify.files.gitops import _git

    if _git(["rev-parse", "--is-shallow-repository"], root).decode().strip() == "true":
        note = _("the repository is a shallow clone, so the ledgers' history was not checked (git fetch --unshallow)")
        return [], note
    if _resolve_head(root) is None:
        return [], None  # no commit yet: no history to judge
    exclude, _day, accepted = history_settings(folder)
    top = root.resolve()
    inside = folder.resolve().relative_to(top).as_posix() if folder.resolve() != top else ""
    today = {f"{inside}/{item.path.name}" if inside else item.path.name: item for item in loaded}
    where: dict[str, tuple[Loaded, int]] = {}
    for item in loaded:
        for index, finding in enumerate(item.ledger.findings):
            where.setdefault(finding.id, (item, index))

    def place(name: str, edit: HandEdit, commit_label: str) -> list[Problem]:
        shown = today[name].name if name in today else display(root / name)
        if edit.field == "file":
            return [Problem(shown, 1, 1, "")]
        return _placed(where, shown, edit, commit_label)

    store = _Verdicts(cache_dir(folder) / HISTORY_CACHE if keep else None)
    reader = _Reader(root)
    walk = _Walk(reader, store, place)
    try:
        folders = _former_folders(root, inside)
        for touch in _touches(root, folders, exclude):
            label = (
                None
                if touch.sha in accepted
                else _('commit {hash} "{subject}"').format(hash=touch.sha[:7], subject=_subject(touch.subject))
            )
            walk.change(label, touch.files)
        committed = _tree(root, "HEAD", {inside})
        pending: dict[str, tuple[tuple[str, ...], str]] = {
            name: ((blob,), _ABSENT)
            for name, blob in committed.items()
            if name not in today and not (root / name).exists()  # deleted, not yet committed
        }
        if today or pending:
            for name, item in today.items():
                try:
                    raw = item.path.read_bytes()
                except OSError:
                    continue
                head = committed.get(name, _ABSENT)
                if blob_id(raw) != head:
                    reader.extra[blob_id(raw)] = raw
                    pending[name] = ((head,), blob_id(raw))
            if pending:
                walk.change(_("the change not yet committed"), pending)
    finally:
        reader.close()
    store.save()
    return walk.problems, None


def _placed(where: dict[str, tuple[Loaded, int]], shown: str, edit: HandEdit, commit_label: str) -> list[Problem]:
    """The problem of ``edit`` at its place in today's ledgers (``where``: id -> (ledger,
    index)); a finding deleted is reported only while it is still gone (at ``shown``, the
    file it was deleted from, 1:1)."""
    message = _("{commit}: {problem}").format(commit=commit_label, problem=edit.message)
    if edit.field == "deleted":
        return [] if edit.finding in where else [Problem(shown, 1, 1, message, edit.finding)]
    if edit.finding not in where:
        return []  # judged where it is deleted
    item, index = where[edit.finding]
    finding = item.ledger.findings[index]
    path: tuple[str | int, ...] = ("findings", index, edit.field)
    if edit.field == "history" and edit.event is not None and edit.event < len(finding.history):
        path = (*path, edit.event)
    elif edit.field == "deadline" and finding.deadline is None:
        path = ("findings", index, "id")
    return [item.problem(path, message)]
