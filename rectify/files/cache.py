"""A cache of read ledgers beside them, checked by each file's identity (STYLE.md, pattern 10).

Reading a ledger (YAML, validation, the rules of the file itself) is most of what a
command costs; the result depends only on the file's bytes, the settings, rectify's
version and, for "no event (nor feedback date) after today", today's date. :class:`Cache` wraps the plain
reader (:func:`rectify.files.ledgerfile.read_content`) and keeps, for each ledger file,
the validated :class:`~rectify.domain.model.Ledger` and the problems its own rules found,
pickled in one entry file (:class:`Entry`), and beside it a small one (:class:`Brief`)
with the same problems and the ledger's records for the figures
(:class:`~rectify.domain.summary.LedgerSummary`): :meth:`Cache.summary` answers from it
without building a model, for ``status`` on any date. The core knows nothing of it: :mod:`rectify.api` hands
:meth:`Cache.read` to :func:`~rectify.files.ledgerfile.check_folder` as its reader. The
rules across files and beside a file (ids across files, parents) run on the cached data
each time.

Where: ``.git/rectify-cache/<folder>/`` when the ledgers are in a git repository, else
``.rectify-cache/`` in the ledger folder (``rectify init`` writes it into ``.gitignore``).
Deleting it loses nothing.

When an entry is trusted (git's index does the same, "racy git"): the file's identity
(device, inode, size, mtime_ns, ctime_ns) is the one recorded when it was read, and the
file had not changed within :data:`RACY_NS` of that read; a file changed within the window
is read again and trusted only when its sha256 is the one recorded. Each entry also
carries a key (:data:`FORMAT`, rectify's, pydantic's and Python's versions, the settings
in force); an entry of another key, a corrupt or truncated one, one not owned by the user
or writable by others, is ignored and written anew. Unpickling admits only rectify's
models, dates and decimals (a :class:`Brief`: its own plain records and dates). A place
where the cache cannot be written (read-only, full disk) means no cache, never an error.
``RECTIFY_CACHE=off`` (or the CLI's ``--no-cache``) reads without it.

Commands that change a ledger read it afresh under the lock
(:func:`rectify.files.edit.editing`), never through the cache.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import stat
import sys
import time
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pydantic

from rectify import __version__, i18n
from rectify.domain.model import Ledger
from rectify.domain.summary import LedgerSummary, summarize
from rectify.errors import LedgerError, Problem
from rectify.files import answers, clock, yamlread
from rectify.files.config import Config, chain_in_force_since
from rectify.files.ledgerfile import Loaded, parse_content, read_bytes
from rectify.files.paths import display

FORMAT = 3
"""The layout of an entry; raise it when what is stored changes."""

RACY_NS = 2_000_000_000
"""A file whose mtime or ctime lies within 2 s of the moment it was read is not trusted
by its identity alone (a file system may keep coarse times; an edit in the same tick
would keep them): its bytes are hashed and compared."""

MAGIC = b"rectify-cache\n"
FULL = "pickle"
BRIEF = "brief"
"""The two entries of a ledger file, by their file names' ending: the whole read
(:class:`Entry`) and the records the figures need (:class:`Brief`)."""
GIT_FOLDER = "rectify-cache"
PLAIN_FOLDER = ".rectify-cache"
OFF = frozenset({"off", "0", "no", "false"})

Identity = tuple[int, int, int, int, int]
"""(device, inode, size, mtime_ns, ctime_ns) of a file."""


def enabled() -> bool:
    """False when ``RECTIFY_CACHE`` says off (``off``, ``0``, ``no``, ``false``)."""
    return os.environ.get("RECTIFY_CACHE", "").strip().lower() not in OFF


def identity(info: os.stat_result) -> Identity:
    """The identity of a file as its ``stat`` gives it."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def git_dir(folder: Path) -> Path | None:
    """The git directory of the repository holding ``folder`` (``.git``, or where a
    ``.git`` file of a worktree points), None outside a repository."""
    resolved = folder.resolve()
    for candidate in (resolved, *resolved.parents):
        dot = candidate / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():
            try:
                line = dot.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not line.startswith("gitdir:"):
                return None
            target = Path(line[len("gitdir:") :].strip())
            target = target if target.is_absolute() else candidate / target
            return target if target.is_dir() else None
    return None


def cache_dir(folder: Path) -> Path:
    """Where the cache of ledger folder ``folder`` lives (see the module's text)."""
    found = git_dir(folder)
    if found is None:
        return folder / PLAIN_FOLDER
    top = found.parent if found.name == ".git" else found
    try:
        inside = folder.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        inside = folder.resolve().as_posix()
    return found / GIT_FOLDER / hashlib.sha256(inside.encode("utf-8")).hexdigest()[:16]


def settings_key(config: Config, chain_day: date | None = None) -> bytes:
    """The 32-byte key of an entry: the entry layout, the versions of rectify, pydantic
    and Python, the settings in force, the day the approval chain took effect
    (``chain_day``, :func:`~rectify.files.config.chain_in_force_since`: the rules hold a
    step to the chain from then) and the language (an entry keeps its problems' words)."""
    parts = [str(FORMAT), __version__, pydantic.VERSION, sys.version, config.model_dump_json(), i18n.current(),
             str(chain_day)]  # fmt: skip
    return hashlib.sha256("\0".join(parts).encode("utf-8")).digest()


_ALLOWED = {
    ("datetime", "date"),
    ("decimal", "Decimal"),
    ("rectify.domain.kinds", "Status"),
    ("rectify.domain.kinds", "Action"),
}
_BRIEF_ALLOWED = {
    ("datetime", "date"),
    (__name__, "Brief"),
    ("rectify.domain.summary", "LedgerSummary"),
    ("rectify.domain.summary", "UnitInfo"),
}


class _Unpickler(pickle.Unpickler):
    """Admits rectify's models and the values they hold, nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        """The class ``module.name`` when it is one a ledger holds; else UnpicklingError."""
        if module == "rectify.domain.model" or (module, name) in _ALLOWED or (module, name) == (__name__, "Entry"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a ledger")


class _BriefUnpickler(pickle.Unpickler):
    """Admits a :class:`Brief` and the plain records it holds, nothing else (no model)."""

    def find_class(self, module: str, name: str) -> Any:
        """The class ``module.name`` when a :class:`Brief` holds it; else UnpicklingError."""
        if (module, name) in _BRIEF_ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a ledger's records")


class Stamp:
    """What every entry holds besides its payload (:class:`Entry`, :class:`Brief`).

    ``name``: the file as shown when read (problems carry it); ``seen``: its identity;
    ``read_ns``: when it was read (``time.time_ns``); ``digest``: sha256 of its bytes;
    ``problems``: those of the file's own rules (or why it could not be read), as tuples;
    ``today``: the day the rules were run; ``latest``: the latest date they compared with
    today (an event's, the feedback date).
    """

    name: str
    seen: Identity
    read_ns: int
    digest: str
    problems: list[tuple[str, int, int, str, str]]
    today: date
    latest: date | None

    def racy(self) -> bool:
        """True when the file changed within :data:`RACY_NS` of being read."""
        _, _, _, mtime, ctime = self.seen
        return max(mtime, ctime) >= self.read_ns - RACY_NS

    def fits(self, today: date) -> bool:
        """True when the problems found on :attr:`today` are those of ``today`` (the
        rules look at today's date only to refuse events, or a feedback date, after it)."""
        return today == self.today or self.latest is None or self.latest <= min(today, self.today)

    def problems_as(self, path: Path) -> list[Problem]:
        """The problems, with the file named as shown now."""
        name = display(path)
        return [
            Problem(name if where == self.name else where, line, col, message, finding)
            for where, line, col, message, finding in self.problems
        ]


@dataclass
class Entry(Stamp):
    """What the cache keeps of one ledger file to rebuild a plain read: the
    :class:`Stamp`'s fields, and ``ledger``/``positions``/``newline``/``bom`` as
    :class:`Loaded` holds them, or ``ledger`` None when the file could not be read as a
    ledger at all."""

    name: str
    seen: Identity
    read_ns: int
    digest: str
    ledger: Ledger | None
    positions: list[int] | None
    newline: str
    bom: bool
    problems: list[tuple[str, int, int, str, str]]
    today: date
    latest: date | None


@dataclass
class Brief(Stamp):
    """What the cache keeps of one ledger file for the figures (a small second entry
    beside :class:`Entry`): the :class:`Stamp`'s fields, its
    :class:`~rectify.domain.summary.LedgerSummary` (None when the file could not be read
    as a ledger) and the places of its findings."""

    name: str
    seen: Identity
    read_ns: int
    digest: str
    problems: list[tuple[str, int, int, str, str]]
    today: date
    latest: date | None
    summary: LedgerSummary | None
    positions: list[int] | None


class Cache:
    """The cache of one ledger folder; :meth:`read` is a
    :data:`~rectify.files.ledgerfile.Reader`.

    Counters ``hits`` and ``misses`` say what happened (the tests read them).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self._dir: Path | None = None
        self._usable: bool | None = None
        self._keys: dict[int, tuple[Config, bytes]] = {}

    def _key(self, config: Config) -> bytes:
        """:func:`settings_key` for ``config``, with the day its chain took effect when the
        chain has more than one level (else no day matters); worked out once per settings."""
        if self._keys.get(id(config), (None, b""))[0] is not config:
            chain_day = chain_in_force_since(self.folder, config) if len(config.chain) > 1 else None
            self._keys[id(config)] = (config, settings_key(config, chain_day))
        return self._keys[id(config)][1]

    @property
    def directory(self) -> Path:
        """The folder of entry files (see :func:`cache_dir`)."""
        if self._dir is None:
            self._dir = cache_dir(self.folder)
        return self._dir

    def read(self, path: Path, config: Config) -> tuple[Loaded, list[Problem]]:
        """Read ``path`` through the cache: the cached result when the entry is trusted
        (see the module's text), else the plain read, stored for next time. Raises as
        :func:`~rectify.files.ledgerfile.read_content` does."""
        entry, fresh = self._fetch(path, config)
        if isinstance(fresh, LedgerError):
            raise fresh
        if fresh is not None:
            return fresh
        assert entry is not None  # a hit
        return self._loaded(entry, path, config)

    def summary(self, path: Path, config: Config) -> tuple[LedgerSummary, list[int] | None, list[Problem]]:
        """The records the figures need of ``path`` (a
        :data:`~rectify.files.ledgerfile.SummaryReader`): from its small :class:`Brief`
        entry when that is trusted (no ledger model is built), else from a read through
        :meth:`read`'s entry, and kept for next time. Raises as :meth:`read` does."""
        key = self._key(config)
        today = clock.today(config.time_zone)
        try:
            info = os.stat(path)
        except OSError:
            info = None
        if info is not None:
            brief = self._load(path, key, BRIEF)
            if isinstance(brief, Brief) and self._trusted(brief, info, path, today, key, BRIEF):
                self.hits += 1
                answers.note(os.path.abspath(path), identity(info), brief.digest)
                problems = brief.problems_as(path)
                if brief.summary is None:
                    raise LedgerError(problems)
                return brief.summary, brief.positions, problems
        entry, fresh = self._fetch(path, config)
        if entry is None:  # the file vanished between stat and read, or could not be read
            if isinstance(fresh, LedgerError):
                raise fresh
            assert fresh is not None
            loaded, problems = fresh
            return summarize(loaded.ledger), loaded.positions, problems
        brief = self._brief(entry)
        self._store(path, key, brief, BRIEF)
        problems = entry.problems_as(path)
        if brief.summary is None:
            raise LedgerError(problems)
        return brief.summary, brief.positions, problems

    def _fetch(
        self, path: Path, config: Config
    ) -> tuple[Entry | None, tuple[Loaded, list[Problem]] | LedgerError | None]:
        """The entry of ``path``, trusted or made anew, and (when made anew) the plain
        read's result or what it raised; (None, result) when no entry could be made."""
        key = self._key(config)
        today = clock.today(config.time_zone)
        try:
            info = os.stat(path)
        except OSError:
            self.misses += 1
            return None, parse_content(read_bytes(path), path, config)  # raises, saying why
        entry = self._load(path, key, FULL)
        if isinstance(entry, Entry) and self._trusted(entry, info, path, today, key, FULL):
            self.hits += 1
            answers.note(os.path.abspath(path), identity(info), entry.digest)
            return entry, None
        self.misses += 1
        raw = read_bytes(path)
        read_ns = time.time_ns()
        digest = hashlib.sha256(raw).hexdigest()
        answers.note(os.path.abspath(path), identity(info), digest)
        try:
            loaded, problems = parse_content(raw, path, config)
        except LedgerError as exc:
            entry = self._entry(path, info, read_ns, digest, None, exc.problems, today)
            self._store(path, key, entry, FULL)
            self._store(path, key, self._brief(entry), BRIEF)
            return entry, exc
        entry = self._entry(path, info, read_ns, digest, loaded, problems, today)
        self._store(path, key, entry, FULL)
        self._store(path, key, self._brief(entry), BRIEF)
        return entry, (loaded, problems)

    def _trusted(self, entry: Stamp, info: os.stat_result, path: Path, today: date, key: bytes, kind: str) -> bool:
        """True when ``entry`` may stand for the file ``info`` describes (its identity,
        today's date, git's racy rule: see the module's text); an entry trusted by its
        hash once out of the racy window is stored again to be trusted by identity."""
        if identity(info) != entry.seen or not entry.fits(today):
            return False
        if not entry.racy():
            return True
        raw = read_bytes(path)  # read after the stat: a change since shows at the next stat
        if hashlib.sha256(raw).hexdigest() != entry.digest:
            return False
        now = time.time_ns()
        if now - RACY_NS > max(entry.seen[3], entry.seen[4]):
            entry.read_ns = now  # out of the window now: trusted by identity next time
            self._store(path, key, entry, kind)
        return True

    @staticmethod
    def _brief(entry: Entry) -> Brief:
        """The :class:`Brief` of a full entry (the same stamp, the ledger's records)."""
        return Brief(
            name=entry.name,
            seen=entry.seen,
            read_ns=entry.read_ns,
            digest=entry.digest,
            problems=entry.problems,
            today=entry.today,
            latest=entry.latest,
            summary=None if entry.ledger is None else summarize(entry.ledger),
            positions=entry.positions,
        )

    # ------------------------------------------------------------ entries

    def _entry(
        self,
        path: Path,
        info: os.stat_result,
        read_ns: int,
        digest: str,
        loaded: Loaded | None,
        problems: list[Problem],
        today: date,
    ) -> Entry:
        ledger = loaded.ledger if loaded is not None else None
        latest = None
        if ledger is not None:
            dates = [event.date for f in ledger.findings for event in f.history]
            feedback = ledger.inspection.feedback_date  # a feedback date after today is a problem until that day
            latest = max([*dates, *([feedback] if feedback is not None else [])], default=None)
        return Entry(
            name=display(path),
            seen=identity(info),
            read_ns=read_ns,
            digest=digest,
            ledger=ledger,
            positions=loaded.positions if loaded is not None else None,
            newline=loaded.doc.newline if loaded is not None else "\n",
            bom=loaded.doc.bom if loaded is not None else False,
            problems=[(p.path, p.line, p.col, p.message, p.finding) for p in problems],
            today=today,
            latest=latest,
        )

    def _loaded(self, entry: Entry, path: Path, config: Config) -> tuple[Loaded, list[Problem]]:
        """The result of a plain read, rebuilt from ``entry`` (names as shown now)."""
        name = display(path)
        problems = entry.problems_as(path)
        if entry.ledger is None:
            raise LedgerError(problems)
        doc = yamlread.Doc(path=name, _text=None, newline=entry.newline, bom=entry.bom, data=None, source=path)
        loaded = Loaded(
            path=path,
            name=name,
            digest=entry.digest,
            doc=doc,
            ledger=entry.ledger,
            config=config,
            positions=entry.positions,
        )
        return loaded, problems

    def _file(self, path: Path, kind: str) -> Path:
        return self.directory / f"{path.name}.{kind}"

    def _safe_place(self) -> bool:
        """True when the cache folder may be trusted: it is the user's and no one else
        may write to it (checked once; where there are no owners, as on Windows, True)."""
        if self._usable is None:
            self._usable = _owned(self.directory)
        return self._usable

    def _load(self, path: Path, key: bytes, kind: str) -> Stamp | None:
        """The entry of ``path`` of ``kind`` (:data:`FULL` or :data:`BRIEF`) when there
        is a sound one of ``key``; None otherwise."""
        target = self._file(path, kind)
        try:
            fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        except OSError:
            return None
        try:
            if not _owned_stat(os.fstat(fd)) or not self._safe_place():
                return None
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read()
        except OSError:
            return None
        finally:
            os.close(fd)
        head = len(MAGIC)
        if data[:head] != MAGIC or data[head : head + 32] != key:
            return None
        body = data[head + 36 :]
        if zlib.crc32(body).to_bytes(4, "big") != data[head + 32 : head + 36]:
            return None
        collecting = gc.isenabled()
        gc.disable()  # many small objects and no cycles: the collector would only walk them
        try:
            entry = (_Unpickler if kind == FULL else _BriefUnpickler)(io.BytesIO(body)).load()
        except Exception:  # noqa: BLE001 - a corrupt or foreign entry is a miss, whatever it raises
            return None
        finally:
            if collecting:
                gc.enable()
        return entry if isinstance(entry, Entry if kind == FULL else Brief) else None

    def _store(self, path: Path, key: bytes, entry: Stamp, kind: str) -> None:
        """Write ``entry`` atomically; any failure leaves the cache as it was (no error)."""
        try:
            body = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self._safe_place():
                return
            target = self._file(path, kind)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
            fd = os.open(temporary, flags, 0o600)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(MAGIC + key + zlib.crc32(body).to_bytes(4, "big") + body)
                os.replace(temporary, target)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        except (OSError, pickle.PicklingError, RecursionError):
            return


def _owned_stat(info: os.stat_result) -> bool:
    """True when a file is the user's and not writable by group or others (always True
    where files have no owner id, as on Windows)."""
    getuid = getattr(os, "geteuid", None)
    if getuid is None:
        return True
    return info.st_uid == getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _owned(folder: Path) -> bool:
    try:
        return _owned_stat(os.stat(folder))
    except OSError:
        return False
