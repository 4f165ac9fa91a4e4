"""Reading ledger files: bytes to a validated :class:`Ledger`, every problem at ``file:line:col``.

A read runs the file's own rules (:mod:`rectify.domain.rules`); ``check_folder`` adds the
rules across files. Nothing here writes (see :mod:`rectify.files.edit`).
"""

from __future__ import annotations

import gc
import hashlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ValidationError

from rectify.domain.counts import UnitLike
from rectify.domain.model import Finding, Ledger, Unit, unit_of
from rectify.domain.portable import recorded_path_problem
from rectify.domain.rules import (
    AUDIT_RULES,
    CONTENT_RULES,
    NEIGHBOUR_RULES,
    FolderSubject,
    run_folder_rules,
    run_neighbour_rules,
    run_rules,
)
from rectify.domain.summary import LedgerSummary
from rectify.errors import LedgerError, Problem, UsageError
from rectify.files import clock, yamlread
from rectify.files.config import Config, chain_in_force_since, config_for
from rectify.files.evidence import file_sha256
from rectify.files.paths import (
    LEDGER_SUFFIX,
    display,
    ledger_path,
    ledger_paths,
    repository_root,
    stray_files,
    unreadable_entries,
)
from rectify.files.schema import _describe, finding_label, label, schema_problems
from rectify.i18n import _, os_reason


class _Placed:
    """Problems at ``file:line:col`` for a ledger read (:class:`Loaded`, :class:`Kept`):
    needs ``name``, ``doc``, ``positions`` and :meth:`_finding_id`."""

    __slots__ = ()
    name: str
    doc: yamlread.Doc
    positions: list[int] | None

    def _finding_id(self, index: int) -> str:  # pragma: no cover - each kind says
        raise NotImplementedError

    def problem(self, path: tuple[str | int, ...], message: str) -> Problem:
        """Return a Problem at the value at ``path`` (e.g. ``("findings", 2, "status")``).

        A path into a finding is prefixed as ``jinhua-003.status: `` (the id, never an index) and
        the Problem carries the finding id.
        """
        line, col = self.at(path)
        finding = ""
        if len(path) >= 2 and path[0] == "findings" and isinstance(path[1], int):
            finding = self._finding_id(path[1])
            message = f"{finding_label(finding, path[2:])}: {message}"
        elif path:
            message = f"{label(path)}: {message}"
        return Problem(self.name, line, col, message, finding)

    def _in_file(self, path: tuple[str | int, ...]) -> tuple[str | int, ...]:
        """Translate a path into ``ledger.findings`` to the same place in the file."""
        if self.positions is not None and len(path) >= 2 and path[0] == "findings" and isinstance(path[1], int):
            return ("findings", self.positions[path[1]], *path[2:])
        return path

    def at(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """Return the 1-based (line, col) in the file of the value at ``path`` of the model."""
        return self.doc.where(self._in_file(path))


@dataclass
class Loaded(_Placed):
    """One ledger file read and validated: where it is, the sha256 of its bytes, the parsed
    :class:`~rectify.yamlread.Doc` (text and positions) and the :class:`Ledger` model."""

    path: Path
    name: str
    digest: str
    doc: yamlread.Doc
    ledger: Ledger
    config: Config = field(default_factory=Config)
    positions: list[int] | None = None
    """For a ledger read in part (``check`` after schema errors): the place in the file of
    each finding in ``ledger.findings``; None when every finding was read."""

    @property
    def root(self) -> Path:
        """The repository the ledger belongs to (evidence paths are relative to it)."""
        return repository_root(self.path.parent)

    @property
    def stem(self) -> str:
        """The file's name without ``.yaml`` (it must be the unit's id)."""
        return self.path.stem

    @property
    def chain(self) -> tuple[str, ...]:
        """The approval chain in force (rectify.yaml)."""
        return tuple(self.config.chain)

    @property
    def categories(self) -> list[str] | None:
        """The allowed categories of findings (rectify.yaml), None for any."""
        return self.config.categories

    @property
    def chain_since(self) -> date | None:
        """The day the approval chain took effect (see
        :func:`rectify.files.config.chain_in_force_since`); None for the default chain."""
        if len(self.config.chain) < 2:
            return None
        return chain_in_force_since(self.path.parent, self.config)

    @property
    def today(self) -> date:
        """Today in the ledgers' time zone (rectify.yaml, default Asia/Shanghai)."""
        return clock.today(self.config.time_zone)

    def evidence_digest(self, path: str) -> str | None:
        """The sha256 of evidence file ``path`` (relative to the repository), None when it
        is missing or not a regular file (a FIFO is never opened). Raises ValueError, its
        text saying why, when the path is not one every machine reads the same
        (:func:`rectify.domain.portable.recorded_path_problem`: a ``\\``, a drive, ``..``)
        or it leads outside the repository once links are followed."""
        problem = recorded_path_problem(path)
        if problem is not None:
            raise ValueError(problem)
        root = self.root.resolve()
        target = (root / path).resolve()
        if target == root or root not in target.parents:
            raise ValueError(_("lies outside the repository"))
        return file_sha256(target)

    def has_unit(self, unit_id: str) -> bool:
        """True when ``<unit_id>.yaml`` lies beside this ledger (one stat, no read)."""
        try:
            return ledger_path(self.path.parent, unit_id).is_file()
        except UsageError:
            return False

    @property
    def unit(self) -> Unit:
        """The ledger's unit."""
        return self.ledger.unit

    @property
    def finding_ids(self) -> list[str]:
        """The ids of the findings read, in order."""
        return [finding.id for finding in self.ledger.findings]

    def _finding_id(self, index: int) -> str:
        return self.ledger.findings[index].id


class Kept(_Placed):
    """What a read over many ledgers keeps of one after its own rules ran, for the rules
    across files (:func:`scan_folder`): its unit and finding ids (as one text), and the
    positions of the file only when they were found already (else the file is read again
    should a problem need them). About three kilobytes where the ledger takes a megabyte."""

    __slots__ = ("path", "name", "unit", "_ids", "_doc", "positions")

    def __init__(self, loaded: Loaded) -> None:
        self.path = loaded.path
        self.name = loaded.name
        self.unit: UnitLike = loaded.ledger.unit
        self._ids = "\n".join(loaded.finding_ids)
        self._doc = loaded.doc if loaded.doc._located else None
        self.positions = loaded.positions

    @property
    def finding_ids(self) -> list[str]:
        """The ids of the findings read, in order."""
        return self._ids.split("\n") if self._ids else []

    @property
    def doc(self) -> yamlread.Doc:  # type: ignore[override]
        """The file's positions (read again from the file when first asked for)."""
        if self._doc is None:
            self._doc = yamlread.Doc(path=self.name, _text=None, newline="\n", bom=False, data=None, source=self.path)
        return self._doc

    def _finding_id(self, index: int) -> str:
        return self.finding_ids[index]

    @classmethod
    def of_summary(cls, path: Path, summary: LedgerSummary, positions: list[int] | None) -> Kept:
        """What a read of the cache's records keeps of the ledger at ``path`` (its
        :class:`~rectify.domain.summary.LedgerSummary` and the places of its findings)."""
        kept = cls.__new__(cls)
        kept.path = path
        kept.name = display(path)
        kept.unit = summary.unit
        kept._ids = summary.ids
        kept._doc = None
        kept.positions = positions
        return kept

    def has_unit(self, unit_id: str) -> bool:
        """True when ``<unit_id>.yaml`` lies beside this ledger (one stat, no read)."""
        try:
            return ledger_path(self.path.parent, unit_id).is_file()
        except UsageError:
            return False


def _validate(doc: yamlread.Doc) -> Ledger:
    if not isinstance(doc.data, dict):
        raise LedgerError(
            [
                Problem(
                    doc.path,
                    1,
                    1,
                    _(
                        "a ledger is a mapping with unit, inspection and findings, not {describe}"
                    ).format(describe=_describe(doc.data)),
                )
            ]
        )
    try:
        return Ledger.model_validate(doc.data)
    except ValidationError as exc:
        raise LedgerError(schema_problems(doc, exc)) from None


def parse_ledger(raw: bytes, path: Path) -> Loaded:
    """Parse and validate one ledger's bytes; raise :class:`LedgerError` with every
    problem of the file (syntax, schema, and the per-file rules of :data:`FILE_RULES`)."""
    loaded, problems = _parse_with_rules(raw, path)
    problems += run_rules(NEIGHBOUR_RULES, loaded)
    if problems:
        raise LedgerError(problems)
    return loaded


def _parse_with_rules(
    raw: bytes, path: Path, config: Config | None = None, bulk: bool = False, spans: bool = False
) -> tuple[Loaded, list[Problem]]:
    """Parse and validate; return the ledger and the problems of :data:`CONTENT_RULES`.
    ``config`` is the settings of ``path``'s folder (looked up when None); ``bulk`` and
    ``spans`` as :func:`rectify.files.yamlread.parse` takes them (a read for figures; a
    read for an edit).

    Raises :class:`LedgerError` when the file cannot be read as a ledger at all.
    """
    config = config or config_for(path.parent)
    name = display(path)
    doc = yamlread.parse(raw, name, strict=False, bulk=bulk, spans=spans)
    positions = None
    schema: list[Problem] = []
    try:
        ledger = _validate(doc)
    except LedgerError as exc:
        partial = _validate_partial(doc)
        if partial is None:
            raise LedgerError([*doc.problems, *exc.problems]) from None
        ledger, positions = partial
        schema = exc.problems
    digest = hashlib.sha256(raw).hexdigest()
    loaded = Loaded(path=path, name=name, digest=digest, doc=doc, ledger=ledger, config=config, positions=positions)
    found = [*doc.problems, *schema, *run_rules(CONTENT_RULES, loaded)]
    doc.data = None  # the model holds the values now; the plain copy would only take memory
    doc.source = path
    return loaded, found


def _validate_partial(doc: yamlread.Doc) -> tuple[Ledger, list[int]] | None:
    """Validate a ledger leaving out the findings that have schema errors, so the rules
    can still look at the rest (``check`` reports every problem). Returns the ledger and
    the file position of each finding kept, or None when the errors are not only inside
    findings."""
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("findings"), list):
        return None
    try:
        Ledger.model_validate({**doc.data, "findings": []})
    except ValidationError:
        return None
    keep = []
    for index, item in enumerate(doc.data["findings"]):
        try:
            Finding.model_validate(item)
        except ValidationError:
            continue
        keep.append(index)
    ledger = Ledger.model_validate({**doc.data, "findings": [doc.data["findings"][i] for i in keep]})
    return ledger, keep


MAX_LEDGER_BYTES = 16 * 1024 * 1024
"""A ledger holds one unit: 200 findings take about 160 KB, so 16 MB is far beyond any."""


def read_bytes(path: Path) -> bytes:
    """The bytes of ledger file ``path``; :class:`LedgerError` for one over
    :data:`MAX_LEDGER_BYTES` or unreadable, :class:`UsageError` when it does not exist."""
    try:
        size = path.stat().st_size
        if size > MAX_LEDGER_BYTES:
            message = (
                _(
                    "the file is {value:.1f} MB; a ledger holds one unit and may be at most {value2} MB "
                    "(split it, one file per unit)"
                ).format(value=size / 1024 / 1024, value2=MAX_LEDGER_BYTES // 1024 // 1024)
            )
            raise LedgerError([Problem(display(path), 1, 1, message)])
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(_("no ledger file {path}").format(path=display(path))) from None
    except OSError as exc:
        raise LedgerError([Problem(display(path), 1, 1, _(
            "cannot read the file: {strerror}"
        ).format(strerror=os_reason(exc)))]) from None


def read_ledger(path: Path) -> Loaded:
    """Read, parse and validate one ledger file (with PyYAML alone: it is about to be
    edited, and edits need positions). Raises :class:`LedgerError`."""
    loaded, problems = _read_parsed(path, read=_read_for_edit)
    if problems:
        raise LedgerError(problems)
    return loaded


class Remembered:
    """Ledgers read before, kept while their files are unchanged (for a long-running
    reader such as ``rectify board``; a command reads each file once and needs none).

    A file is read again when its stat data (size, modification and change times, inode)
    or the folder's settings differ from when it was read. A file modified less than
    :data:`RACY_NS` before it was read is not kept ("racy git": a change within the same
    clock tick would leave its stat data as it was). Only files read without an error are
    kept; the rules that look beside a file run anew at each read.
    """

    RACY_NS = 2_000_000_000

    def __init__(self) -> None:
        self._files: dict[Path, tuple[tuple[object, ...], tuple[Loaded, list[Problem]]]] = {}
        self._lock = threading.Lock()  # a server reads in several threads at once
        self._dates: dict[date, date] = {}

    def read(self, path: Path, config: Config, inner: Reader | None = None) -> tuple[Loaded, list[Problem]]:
        """The ledger of ``path`` and its own problems, from memory when the file is unchanged,
        else read by ``inner`` (a :data:`Reader`: the cache's, or :func:`read_content`).
        A ledger kept holds each text once (:func:`share_values`). Raises as reading does."""
        read = inner or read_content
        try:
            stat = path.stat()
        except OSError:
            with self._lock:
                self._files.pop(path, None)
            return read(path, config)
        key = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, config.model_dump_json())
        with self._lock:
            kept = self._files.get(path)
            if kept is not None and kept[0] == key:
                return kept[1]
            self._files.pop(path, None)
        result = read(path, config)
        if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > self.RACY_NS:
            with self._lock:
                share_values(result[0].ledger, self._dates)
                self._files[path] = (key, result)
        return result

    def keep_only(self, paths: list[Path]) -> None:
        """Forget the files not in ``paths`` (ledgers removed since)."""
        with self._lock:
            for gone in set(self._files) - set(paths):
                del self._files[gone]


def share_values(ledger: Ledger, dates: dict[date, date]) -> None:
    """Make equal texts and dates of ``ledger`` one object each (texts through
    :func:`sys.intern`, dates through ``dates``, a table kept by the caller), in place.

    The values do not change, only how many copies are held: the same aspect, owner,
    department, person, role and date recur across thousands of findings and events, and
    a long-running reader (the board) keeps every ledger; measured on the province corpus
    (bench/board.py), a fifth of the memory its ledgers take."""
    todo: list[BaseModel] = [ledger]
    while todo:
        model = todo.pop()
        values = vars(model)
        for name, value in values.items():
            kind = type(value)
            if kind is str:
                values[name] = sys.intern(value)
            elif kind is date:
                values[name] = dates.setdefault(value, value)
            elif kind is list:
                for index, item in enumerate(value):
                    if type(item) is str:
                        value[index] = sys.intern(item)
                    elif isinstance(item, BaseModel):
                        todo.append(item)
            elif isinstance(value, BaseModel):
                todo.append(value)


Reader = Callable[[Path, Config], tuple[Loaded, list[Problem]]]
"""``read(path, config)``: one ledger file read and parsed, with the problems of
:data:`~rectify.domain.rules.CONTENT_RULES` (what depends on the file's bytes, the
settings and today's date only). :func:`read_content` is the plain one;
:mod:`rectify.files.cache` wraps it, and :class:`Remembered` keeps its results."""


def _read_parsed(path: Path, config: Config | None = None, read: Reader | None = None) -> tuple[Loaded, list[Problem]]:
    """Read and parse ``path``: the ledger and the problems of :data:`FILE_RULES`
    (those of :data:`NEIGHBOUR_RULES` found anew each time).

    ``config`` is the settings of ``path``'s folder when the caller has them already;
    ``read`` the :data:`Reader` to use (default :func:`read_content`).
    Raises :class:`LedgerError` or :class:`UsageError` as reading does.
    """
    config = config or config_for(path.parent)
    clock.today(config.time_zone)  # a bad RECTIFY_TODAY is a usage error, not a broken rule
    loaded, problems = (read or read_content)(path, config)
    return loaded, [*problems, *run_rules(NEIGHBOUR_RULES, loaded)]


def read_content(path: Path, config: Config) -> tuple[Loaded, list[Problem]]:
    """The plain :data:`Reader`: read ``path``'s bytes, parse, validate and run
    :data:`~rectify.domain.rules.CONTENT_RULES`. Raises :class:`LedgerError` (with every
    problem when the file cannot be read as a ledger at all) or :class:`UsageError`."""
    return parse_content(read_bytes(path), path, config)


def parse_content(raw: bytes, path: Path, config: Config) -> tuple[Loaded, list[Problem]]:
    """:func:`read_content` on bytes already read from ``path`` (values by the fast
    reader, :mod:`rectify.files.yamlbulk`, when it takes the file)."""
    with _bulk():
        return _parse_with_rules(raw, path, config, bulk=True)


def _read_for_edit(path: Path, config: Config) -> tuple[Loaded, list[Problem]]:
    """:func:`read_content` with PyYAML alone (see :func:`read_ledger`)."""
    raw = read_bytes(path)
    with _bulk():
        return _parse_with_rules(raw, path, config, spans=True)


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small objects are built.

    Reading a ledger makes hundreds of thousands of nodes and values and no cycles; the
    collector would walk them again and again (measured: a third of a province's status
    time, bench/province.py). It runs once at the end instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_folder(
    folder: Path,
    audit: bool = False,
    progress: Callable[[int, int], None] | None = None,
    read: Reader | None = None,
    memory: Remembered | None = None,
) -> tuple[list[Loaded], list[Problem]]:
    """Read every ledger of ``folder`` and run every rule, per file and across files.

    Returns ``(the ledgers that could be read, every problem found)``; never raises for
    a problem in a ledger. Rules: :data:`FILE_RULES` and :data:`FOLDER_RULES`, and with
    ``audit`` (``rectify check``) also :data:`AUDIT_RULES`. ``progress(done, total)`` is
    called after each file (for a progress bar); ``read`` reads each file (a
    :data:`Reader`; default :func:`read_content`); ``memory`` keeps unchanged files'
    ledgers between calls (:class:`Remembered`, for a long-running reader).
    """
    loaded: list[Loaded] = []
    problems = _check_folder(folder, loaded.append, audit, progress, read, memory)
    return loaded, problems


def scan_folder(
    folder: Path,
    each: Callable[[Loaded], None],
    progress: Callable[[int, int], None] | None = None,
    read: Reader | None = None,
) -> list[Problem]:
    """:func:`check_folder` in bounded memory: ``each(ledger)`` is called with every
    ledger that could be read, in file order, and only a :class:`Kept` of it stays for the
    rules across files. Returns every problem found (those ``check`` reports without
    ``--audit``'s); never raises for a problem in a ledger."""
    return _check_folder(folder, each, False, progress, read, None, keep=Kept)


SummaryReader = Callable[[Path, Config], tuple[LedgerSummary, list[int] | None, list[Problem]]]
"""Reads one ledger file's records (:meth:`rectify.files.cache.Cache.summary`): its
:class:`~rectify.domain.summary.LedgerSummary`, the places of its findings, the problems
of its own rules. Raises :class:`LedgerError` as a :data:`Reader` does."""


def scan_summaries(
    folder: Path,
    each: Callable[[LedgerSummary], None],
    progress: Callable[[int, int], None] | None,
    read: SummaryReader,
) -> list[Problem]:
    """:func:`scan_folder` over the records ``read`` gives (no ledger is built when they
    come from the cache): ``each`` is called with the record of every ledger that could be
    read, in file order; the rules beside a file and across files run on the records.
    Returns the same problems :func:`scan_folder` returns."""
    kept: list[FolderSubject] = []
    problems: list[Problem] = []
    config = config_for(folder)
    paths = ledger_paths(folder)
    for done, path in enumerate(paths, start=1):
        if progress is not None:
            progress(done - 1, len(paths))
        try:
            summary, positions, found = read(path, config)
        except LedgerError as exc:
            problems.extend(exc.problems)
            continue
        item = Kept.of_summary(path, summary, positions)
        problems.extend(found)
        problems.extend(run_neighbour_rules(item, summary.unit.parent))
        each(summary)
        kept.append(item)
    if progress is not None:
        progress(len(paths), len(paths))
    problems.extend(run_folder_rules(kept))
    problems.extend(_folder_problems(folder))
    return sorted(set(problems))


def _check_folder(
    folder: Path,
    each: Callable[[Loaded], None],
    audit: bool,
    progress: Callable[[int, int], None] | None,
    read: Reader | None,
    memory: Remembered | None,
    keep: Callable[[Loaded], FolderSubject] | None = None,
) -> list[Problem]:
    loaded: list[FolderSubject] = []
    problems: list[Problem] = []
    config = config_for(folder)
    paths = ledger_paths(folder)
    if memory is not None:
        memory.keep_only(paths)
        inner, remembered = read, memory

        def recall(path: Path, config: Config) -> tuple[Loaded, list[Problem]]:
            return remembered.read(path, config, inner)

        read = recall

    with _bulk():  # once for the folder: between files the collector would walk every ledger read so far
        for done, path in enumerate(paths, start=1):
            if progress is not None:
                progress(done - 1, len(paths))
            try:
                item, found = _read_parsed(path, config, read)
            except LedgerError as exc:
                problems.extend(exc.problems)
                continue
            problems.extend(found)
            if audit:
                problems.extend(run_rules(AUDIT_RULES, item))
            item.doc.release()  # read again from the file should a position be needed
            each(item)
            # a file whose rules failed still takes part in the cross-file rules
            loaded.append(item if keep is None else keep(item))
    if progress is not None:
        progress(len(paths), len(paths))
    problems.extend(run_folder_rules(loaded))
    problems.extend(_folder_problems(folder))
    return sorted(set(problems))


def _folder_problems(folder: Path) -> list[Problem]:
    """What is in the ledger folder but cannot be read as a ledger: entries that are not
    regular files, files with another ending."""
    problems = []
    for entry in unreadable_entries(folder):
        link = _("a broken link") if entry.is_symlink() else _("not a regular file")
        kind = _("a folder") if entry.is_dir() else link
        message = _(
            "{name} is {kind}, not a ledger file; its unit is left out until it is fixed"
        ).format(name=entry.name, kind=kind)
        problems.append(Problem(display(entry), 1, 1, message))
    for stray in stray_files(folder):
        name = display(stray)
        problems.append(
            Problem(name, 1, 1, _(
                "ledger files end in {ledger_suffix}; rename it to {stem}{ledger_suffix}"
            ).format(ledger_suffix=LEDGER_SUFFIX, stem=stray.stem))
        )
    return problems


def read_folder(
    folder: Path,
    progress: Callable[[int, int], None] | None = None,
    read: Reader | None = None,
    memory: Remembered | None = None,
) -> list[Loaded]:
    """Read every ledger of ``folder`` (see :func:`check_folder` for the options); raise
    :class:`LedgerError` listing every problem when any ledger is broken (the same
    problems ``rectify check`` reports)."""
    loaded, problems = check_folder(folder, progress=progress, read=read, memory=memory)
    if problems:
        raise LedgerError(problems)
    return loaded


def find_finding(folder: Path, finding_id: str) -> tuple[Loaded, Finding]:
    """Return the ledger holding ``finding_id`` and the finding, reading only its unit's
    file (the unit is the id's prefix). Raises :class:`UsageError` when there is none."""
    loaded = read_ledger(finding_ledger(folder, finding_id))
    return loaded, the_finding(loaded, finding_id)


def finding_ledger(folder: Path, finding_id: str) -> Path:
    """The ledger file of ``finding_id`` (its unit's, the id's prefix), not read.
    Raises :class:`UsageError` for an id that is not one or a unit without a ledger."""
    unit_id = unit_of(finding_id)
    if unit_id is None:
        raise UsageError(_(
            "{finding_id!r} is not a finding id (expected <unit-id>-NNN, e.g. jinhua-007)"
        ).format(finding_id=finding_id))
    path = ledger_path(folder, unit_id)
    if not path.exists():
        raise UsageError(_(
            "no finding {finding_id}: there is no ledger {path}"
        ).format(finding_id=finding_id, path=display(path)))
    return path


def the_finding(loaded: Loaded, finding_id: str) -> Finding:
    """Finding ``finding_id`` of ``loaded``; :class:`UsageError` when it has none."""
    finding = loaded.ledger.finding(finding_id)
    if finding is None:
        raise UsageError(_("no finding {finding_id} in {name}").format(finding_id=finding_id, name=loaded.name))
    return finding
