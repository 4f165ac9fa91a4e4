"""The library every front end calls: one :class:`Ledgers` object opened on a ledger folder.

It offers every operation a user can do (read, check, add, each workflow step, figures,
import, merge, writing an output file), taking plain values (ids, dates, names, paths)
and returning data; it never prints or exits. It owns the policies: which date a step
gets (today in the ledgers' time zone; never a future one), when a step is committed
to git (``--commit`` or ``git.autocommit`` in rectify.yaml), and the lock every write
holds. The CLI, the merge driver and later front ends (a web board, git hooks) call this
module and nothing beneath it (STYLE.md, pattern 9; the import contract in
``pyproject.toml`` keeps it so).

Errors are :class:`~rectify.errors.RectifyError` subclasses: :class:`UsageError` for a
value the user gave wrong (exit 2), :class:`LedgerError` with every problem of a broken
ledger, :class:`WorkflowError` for a step the rules refuse, :class:`WriteError` when a
file cannot be written. Nothing is written when one is raised.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from rectify.domain import figures, steps
from rectify.domain import trend as trends
from rectify.domain.model import (
    UNIT_ID_RE,
    Action,
    Event,
    Finding,
    Inspection,
    Ledger,
    Unit,
    parse_date,
    unit_of,
)
from rectify.domain.people import names_someone
from rectify.errors import LedgerError, Problem, UsageError, WriteError
from rectify.files import clock, gitops
from rectify.files.cache import PLAIN_FOLDER, Cache
from rectify.files.cache import enabled as cache_enabled
from rectify.files.config import Config, config_for, config_root
from rectify.files.edit import create_ledger, editing
from rectify.files.evidence import evidence_for, file_sha256
from rectify.files.history import finding_versions
from rectify.files.ledgerfile import Loaded, Reader, Remembered, check_folder, find_finding, read_folder
from rectify.files.merge import merge_versions as merge_versions
from rectify.files.paths import display as display
from rectify.files.paths import find_ledgers_dir, ledger_path, ledger_paths, repository_root
from rectify.files.writing import LOCK_NAME

if TYPE_CHECKING:
    from rectify.files.sheets import SheetFile


def parse_day(value: str, option: str) -> date:
    """Parse a user's ``YYYY-MM-DD`` for ``option``; raise :class:`UsageError` naming the
    option for anything else, or a year outside 1900-2999 (a typo, not a ledger's date)."""
    try:
        parsed: date = parse_date(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None
    if not 1900 <= parsed.year <= 2999:
        raise UsageError(f"{option}: {parsed} is too far from our time to be a ledger's date")
    return parsed


def require_name(value: str | None, option: str, person: bool = True) -> str | None:
    """Return ``value``, refusing one given blank or with no visible letter
    (:func:`rectify.domain.people.names_someone`): raises :class:`UsageError`."""
    if value is None:
        return None
    if person and not names_someone(value):
        raise UsageError(f"{option} must name a person")
    if not person and not value.strip():
        raise UsageError(f"{option} must not be empty")
    return value


def init_folder(directory: Path, git: bool = False) -> tuple[bool, Path | None]:
    """Make a ledger folder (with a ``.gitignore`` for the lock and temporary files).

    Returns ``(created, merge driver attributes file or None)``; with ``git`` installs
    rectify's merge driver for the repository. Raises :class:`UsageError` when the path is
    a file or cannot be made.
    """
    try:
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"{display(directory)} exists and is not a folder")
        created = not directory.exists()
        directory.mkdir(parents=True, exist_ok=True)
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text(f"{LOCK_NAME}\n.*.tmp\n{PLAIN_FOLDER}/\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot create {display(directory)}: {exc.strerror}") from None
    return created, gitops.install_merge_driver(directory) if git else None


@dataclass(frozen=True)
class Recorded:
    """A step recorded on a finding: the finding after it, the date it got, and the
    one-line summary (also the commit message with ``commit``)."""

    finding: Finding
    day: date
    summary: str


StepMaker = Callable[[Finding, date, tuple[str, ...], date], Finding]
"""``make(finding, day, chain, today)`` returns the finding after a step (raising
:class:`~rectify.errors.WorkflowError` when the rules refuse it)."""


class Ledgers:
    """The ledgers of one folder and every operation on them.

    ``Ledgers.open(option)`` finds the folder as the CLI does (``option``, else
    ``$RECTIFY_LEDGERS``, else the nearest ``ledgers/`` upward). Reads return models and
    figures from :mod:`rectify.domain`; writes hold the lock, write atomically and commit
    when asked.
    """

    def __init__(
        self,
        folder: Path,
        notify: Callable[[str], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
        remember: bool = False,
        cache: bool = True,
    ) -> None:
        """Open ``folder``; ``notify``, ``progress`` and ``cache`` as described below; with
        ``remember`` (a long-running reader such as the web board) :meth:`read` keeps each
        file's ledger in memory while the file is unchanged on disk
        (:class:`~rectify.files.ledgerfile.Remembered`): every read still sees every edit."""
        self.folder = folder
        self._memory = Remembered() if remember else None
        self.cache = cache and cache_enabled()
        """Whether reads go through the cache beside the ledgers (:mod:`rectify.files.cache`);
        False with ``cache=False`` (the CLI's ``--no-cache``) or ``RECTIFY_CACHE=off``."""
        self.progress = progress
        """Called with (ledgers read, ledgers in all) while many are read (a progress bar)."""
        self.notify = notify or (lambda message: None)
        """Called with a message the user should see besides a command's result (what
        was done to finish a commit a killed command left, say)."""

    @classmethod
    def open(
        cls,
        option: str | os.PathLike[str] | None = None,
        notify: Callable[[str], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
        cache: bool = True,
    ) -> Ledgers:
        """Open the ledger folder named by ``option`` or found as described above
        (``cache``: see :attr:`cache`). Raises :class:`UsageError` when there is none."""
        return cls(find_ledgers_dir(option), notify, progress, cache=cache)

    def _reader(self) -> Reader | None:
        """How each ledger file is read: through the cache, or plainly (None)."""
        return Cache(self.folder).read if self.cache else None

    # ---------------------------------------------------------------- settings and dates

    @property
    def config(self) -> Config:
        """The settings (``rectify.yaml``) that apply to this folder."""
        return config_for(self.folder)

    def template_folder(self) -> Path | None:
        """The folder of the office's own 通报 templates (``bulletin.templates`` in
        ``rectify.yaml``, relative to that file), or None. Raises :class:`UsageError` when
        it names no folder."""
        name = self.config.bulletin.templates
        if name is None:
            return None
        folder = config_root(self.folder) / name
        if not folder.is_dir():
            raise UsageError(f"rectify.yaml: bulletin.templates: {display(folder)} is not a folder")
        return folder

    def today(self) -> date:
        """Today in the ledgers' time zone (DOMAIN.md, "Dates"; ``RECTIFY_TODAY`` fixes it)."""
        return clock.today(self.config.time_zone)

    def day(self, value: str | None, option: str) -> date:
        """``value`` as a date for ``option``, else today. Raises :class:`UsageError`."""
        return self.today() if value is None else parse_day(value, option)

    def event_day(self, value: str | None) -> date:
        """The date a step gets: ``value`` (``--date``), else today; a date after today is
        refused (a ledger records what happened, and a future event would make "as of"
        figures disagree). Raises :class:`UsageError`."""
        now = self.today()
        when = self.day(value, "--date")
        if when > now:
            zone = self.config.time_zone
            raise UsageError(f"--date {when} is after today ({now} in {zone}); record a step once it has happened")
        return when

    # ---------------------------------------------------------------- reading

    def read(self, unit: str | None = None) -> list[Loaded]:
        """Every ledger of the folder (or only ``unit``'s); raises :class:`LedgerError`
        listing every problem when any is broken (what ``check`` reports)."""
        loaded = read_folder(self.folder, self.progress, self._reader(), self._memory)
        return loaded if unit is None else [self.pick(loaded, unit)]

    def ledgers(self, unit: str | None = None, supervisor: str | None = None, under: str | None = None) -> list[Ledger]:
        """The :class:`Ledger` models of :meth:`read`: only ``unit``'s, only the units the
        supervision group (督导组) ``supervisor`` follows, and only ``under`` and the units
        below it, as given. Raises :class:`UsageError` for a group or unit that has none."""
        ledgers = [item.ledger for item in self.read(unit)]
        if supervisor is not None:
            groups = sorted({ledger.unit.supervisor for ledger in ledgers if ledger.unit.supervisor})
            ledgers = [ledger for ledger in ledgers if ledger.unit.supervisor == supervisor]
            if not ledgers:
                raise UsageError(f"no unit is followed by {supervisor!r} (groups: {', '.join(groups) or 'none'})")
        if under is not None:
            if under not in {ledger.unit.id for ledger in ledgers}:
                raise UsageError(f"no unit {under!r} among the units chosen")
            ledgers = figures.within(ledgers, under)
        return ledgers

    @staticmethod
    def pick(loaded: list[Loaded], unit_id: str) -> Loaded:
        """The ledger of ``unit_id`` among ``loaded``; :class:`UsageError` naming the units."""
        for item in loaded:
            if item.ledger.unit.id == unit_id:
                return item
        known = ", ".join(item.ledger.unit.id for item in loaded) or "none"
        raise UsageError(f"no unit {unit_id!r} (units: {known})")

    def unit_ids(self) -> list[str]:
        """The unit ids of the folder, from the files' names (nothing parsed: for shell
        completion)."""
        return [path.stem for path in ledger_paths(self.folder)]

    def finding_ids(self, prefix: str) -> list[str]:
        """Finding ids starting with ``prefix`` (``jinhua-0``), read from the matching
        units' files by their ``- id:`` lines (nothing validated: for shell completion)."""
        import re

        found: list[str] = []
        for unit in self.unit_ids():
            if not (unit.startswith(prefix) or prefix.startswith(unit + "-")):
                continue
            try:
                text = ledger_path(self.folder, unit).read_text(encoding="utf-8", errors="replace")
            except (OSError, UsageError):
                continue
            found += [m for m in re.findall(r"^\s*-\s+id:\s*(\S+)\s*$", text, re.M) if m.startswith(prefix)]
        return found

    def check(self) -> tuple[list[Loaded], list[Problem], int]:
        """Run every rule on every ledger (and on evidence files): the ledgers that could be
        read, every problem found, and the number of ledger files."""
        loaded, problems = check_folder(self.folder, audit=True, progress=self.progress, read=self._reader())
        return loaded, problems, len(ledger_paths(self.folder))

    def verify(self, loaded: list[Loaded]) -> list[Problem]:
        """``check --verify``: every approval event of ``loaded`` (from :meth:`check`)
        proven by a signed commit of its own by the person it names, who may sign at that
        level for that unit (:func:`rectify.files.signing.verify_ledgers`), and every change
        of the people file signed by an administrator. Raises
        :class:`UsageError` outside git or without ``.rectify/people.yaml``."""
        from rectify.files.signing import PEOPLE_PATH, load_people, people_history_problems, verify_ledgers

        root = gitops.toplevel(self.folder)
        if root is None:
            raise UsageError(f"--verify: {display(self.folder)} is not in a git repository")
        people = load_people(root)
        if people is None:
            raise UsageError(f"--verify: there is no {PEOPLE_PATH} naming who may sign, with their keys")
        return [*people_history_problems(root), *verify_ledgers(loaded, root, people)]

    def sync(self, key: str | None = None) -> Any:
        """Fetch, merge (finding by finding), check, push; returns a
        :class:`rectify.files.gitsync.Synced` (what came in and went out). The merge
        commit is signed with ``key`` or git's own signing key when there is one. Raises
        :class:`rectify.files.gitsync.SyncStopped` with nothing pushed on a conflict,
        failing ledgers or a refused push."""
        from rectify.files.gitsync import sync
        from rectify.files.signing import signing_for

        return sync(self.folder, *signing_for(self.folder, True, key, require=False))

    def finding(self, finding_id: str) -> tuple[Loaded, Finding]:
        """The ledger holding ``finding_id`` and the finding (reads only its unit's file)."""
        return find_finding(self.folder, finding_id)

    def log(self, finding_id: str) -> list[gitops.Commit]:
        """The commits that changed ``finding_id``, newest first (also once removed).
        Raises :class:`UsageError` for a bad id, no ledger, or no commit yet."""
        unit_id = unit_of(finding_id)
        if unit_id is None:
            raise UsageError(f"{finding_id!r} is not a finding id (expected <unit-id>-NNN, e.g. jinhua-007)")
        path = ledger_path(self.folder, unit_id)
        if not path.exists():
            raise UsageError(f"no ledger {display(path)}")
        found = finding_versions(path, finding_id)
        if not found:
            raise UsageError(f"no commit has changed {finding_id} yet")
        return found

    def evidence_file(self, path: str) -> Path:
        """The file of evidence ``path`` as a ledger records it (relative to the repository,
        ``/``-separated). Raises :class:`UsageError` for a path that is absolute, climbs
        (``..``), names a drive or leads outside the repository once links are followed."""
        parts = PurePosixPath(path).parts
        if not parts or path.startswith("/") or any(c in path for c in "\\\0:") or ".." in parts:
            raise UsageError(f"{path[:200]!r} is not a path inside the repository")
        root = repository_root(self.folder).resolve()
        try:
            target = (root / path).resolve()
        except (OSError, RuntimeError):
            raise UsageError(f"{path[:200]!r} cannot be followed") from None
        if root not in target.parents:
            raise UsageError(f"{path[:200]!r} is not a path inside the repository")
        return target

    def evidence_state(self, path: str, sha256: str | None) -> str:
        """Whether evidence ``path`` still holds what was recorded: ``match``, ``changed``,
        ``missing`` (or not a regular file) or ``unknown`` (no digest recorded); a path
        outside the repository is ``missing``."""
        try:
            digest = file_sha256(self.evidence_file(path))
        except UsageError:
            return "missing"
        if digest is None:
            return "missing"
        return "unknown" if sha256 is None else "match" if digest == sha256 else "changed"

    # ---------------------------------------------------------------- figures

    def status(
        self,
        as_of: date,
        unit: str | None = None,
        by: str | None = None,
        tree: bool = False,
        supervisor: str | None = None,
        under: str | None = None,
    ) -> tuple[list[figures.Row], figures.Counts, str | None]:
        """The completion-rate table as of ``as_of``: rows, total and a title (the unit's
        name with ``unit``). By unit (``tree`` rolls parents up; with ``unit``, that unit
        and the units below it) or by one of :data:`~rectify.domain.figures.GROUPS`; one
        unit defaults to its aspects. ``supervisor`` and ``under`` choose the units."""
        if by is not None and by not in figures.GROUPS:
            raise UsageError(f"--by must be one of {', '.join(figures.GROUPS)}, not {by!r}")
        if tree and by not in (None, "unit"):
            raise UsageError("--tree rolls up units; it does not go with --by " + str(by))
        if tree and unit is not None:
            ledgers = self.ledgers(None, supervisor, under=unit)
            rows, total = figures.unit_rows(ledgers, as_of, tree=True)
            return rows, total, next(ledger.unit.name for ledger in ledgers if ledger.unit.id == unit)
        ledgers = self.ledgers(unit, supervisor, under)
        if unit is not None and by in (None, "aspect"):
            rows, total = figures.aspect_rows(ledgers[0], as_of)  # one unit: its aspects in feedback order
            return rows, total, ledgers[0].unit.name
        if by in (None, "unit"):
            rows, total = figures.unit_rows(ledgers, as_of, tree=tree)
        else:
            rows, total = figures.group_rows(ledgers, as_of, by)
        return rows, total, ledgers[0].unit.name if unit is not None else None

    def overdue(
        self,
        as_of: date,
        within: int = 0,
        unit: str | None = None,
        owner: str | None = None,
        supervisor: str | None = None,
        under: str | None = None,
    ) -> list[figures.Late]:
        """Overdue findings (and those due within ``within`` days), most overdue first;
        ``owner`` keeps those whose owner (责任人) contains that text."""
        return figures.overdue(self.ledgers(unit, supervisor, under), as_of, within, owner)

    def trend(self, every: str, start: date | None, end: date, unit: str | None = None) -> list[trends.Point]:
        """Figures every week or month from ``start`` (default: the first feedback date)
        to ``end``. Raises :class:`UsageError` for a bad period or an end before the start."""
        ledgers = self.ledgers(unit)
        first = start or trends.first_day(ledgers) or end
        try:
            return trends.trend(ledgers, trends.trend_days(first, end, every))
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    def bulletin(
        self,
        as_of: date,
        since: date | None = None,
        unit: str | None = None,
        supervisor: str | None = None,
        under: str | None = None,
    ) -> trends.Bulletin:
        """Everything the progress bulletin (通报) shows as of ``as_of``, with what changed
        after ``since``, for the units chosen."""
        try:
            return trends.bulletin(self.ledgers(unit, supervisor, under), as_of, since)
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    def findings(
        self,
        as_of: date,
        unit: str | None = None,
        supervisor: str | None = None,
        under: str | None = None,
        **filters: Any,
    ) -> list[figures.FindingState]:
        """The findings as they stood on ``as_of``, filtered as
        :func:`~rectify.domain.figures.finding_states` takes them."""
        return figures.finding_states(self.ledgers(unit, supervisor, under), as_of, **filters)

    def frequent(
        self, as_of: date, unit: str | None = None, supervisor: str | None = None, under: str | None = None
    ) -> list[Any]:
        """High-frequency problems (高频问题) across the units chosen, most frequent first
        (:func:`rectify.domain.frequent.frequent`, threshold from rectify.yaml)."""
        from rectify.domain.frequent import frequent

        return frequent(self.ledgers(unit, supervisor, under), as_of, self.config.frequent.threshold)

    # ---------------------------------------------------------------- writing

    def _wants_commit(self, commit: bool, config: Config | None = None) -> bool:
        """True when this step is to be committed; then a commit a killed command left
        unfinished is finished (or rolled back) first, and the user told."""
        wants = commit or (config or self.config).git.autocommit
        if wants:
            note = gitops.finish_pending(self.folder)
            if note is not None:
                self.notify(note)
        return wants

    @staticmethod
    def _commit_after(
        edit: Any, paths: list[Path], message: Callable[[], str], signing: tuple[str | None, bool] = (None, False)
    ) -> None:
        """Make ``edit`` commit ``paths`` once saved (signed as ``signing`` says), with an
        intent record written before the ledger is (see
        :func:`rectify.files.gitops.finish_pending`)."""
        import hashlib

        edit.before_write = lambda data: gitops.remember_commit(paths, message(), hashlib.sha256(data).hexdigest())

        def then() -> None:
            gitops.commit_step(paths, message(), *signing)
            gitops.forget_commit(paths[0].parent)

        edit.then = then

    def _signing(self, wants: bool, key: str | None, config: Config | None = None) -> tuple[str | None, bool]:
        """How a commit is signed (:func:`rectify.files.signing.signing_for`)."""
        from rectify.files.signing import signing_for

        return signing_for(self.folder, wants, key, (config or self.config).git.require_signatures)

    def _check_signer(self, key: str | None, sign: bool, finding: Finding) -> None:
        """Refuse an approval signed with another's key (:func:`rectify.files.signing.refuse_wrong_key`)."""
        from rectify.files.signing import refuse_wrong_key

        refuse_wrong_key(self.folder, key, sign, finding)

    def add_unit(
        self,
        unit_id: str,
        name: str,
        parent: str | None = None,
        supervisor: str | None = None,
        round_: str | None = None,
        group: str | None = None,
        feedback_date: date | None = None,
        commit: bool = False,
        key: str | None = None,
    ) -> Path:
        """Start unit ``unit_id``'s ledger (no findings yet); return its path."""
        from pydantic import ValidationError

        if parent is not None and not ledger_path(self.folder, parent).exists():
            raise UsageError(f"unknown parent unit {parent!r}: there is no {display(ledger_path(self.folder, parent))}")
        try:
            ledger = Ledger(
                unit=Unit(id=unit_id, name=name, parent=parent, supervisor=supervisor),
                inspection=Inspection(round=round_, group=group, feedback_date=feedback_date),
            )
        except ValidationError as exc:
            if not UNIT_ID_RE.match(unit_id):
                raise UsageError(
                    f"unit id {unit_id!r} must be lowercase letters, digits and hyphens, e.g. jinhua or wucheng-wlt"
                ) from None
            first = exc.errors(include_url=False)[0]
            raise UsageError(f"--{first['loc'][-1]}: {first['msg'].lower()}") from None
        path = ledger_path(self.folder, unit_id)
        wants = self._wants_commit(commit)
        signing = self._signing(wants, key)
        if wants:
            gitops.require_committable(path)
        create_ledger(path, ledger)
        if wants:
            gitops.commit_step([path], f"unit add {unit_id}: {name}", *signing)
        return path

    def add(
        self,
        unit: str,
        items: list[steps.NewFinding],
        on: date,
        by: str | None = None,
        commit: bool = False,
        key: str | None = None,
    ) -> list[Finding]:
        """Put ``items`` on unit ``unit``'s ledger (挂账) on ``on``; return the new findings.
        ``key`` signs the commit (see :meth:`record`)."""
        path = self.unit_file(unit)
        for item in items:
            self._known_category(item.category)
        wants = self._wants_commit(commit)
        signing = self._signing(wants, key)
        if wants:
            gitops.require_committable(path)
        with editing(path) as edit:
            made = steps.add_findings(edit.ledger, items, on, by)
            edit.append(made)
            if wants:
                what = made[0].title if len(made) == 1 else f"{len(made)} findings"
                ids = made[0].id if len(made) == 1 else f"{made[0].id}..{made[-1].id}"
                self._commit_after(edit, [path], lambda: f"add {ids}: {what}", signing)
        return made

    def unit_file(self, unit: str) -> Path:
        """The ledger file of ``unit``; :class:`UsageError` saying how to start it when it
        does not exist."""
        path = ledger_path(self.folder, unit)
        if not path.exists():
            raise UsageError(f"no unit {unit!r}: start its ledger with `rectify unit add {unit} --name NAME`")
        return path

    def evidence(self, paths: Iterable[Path]) -> list[Any]:
        """Evidence records (path relative to the repository, sha256) for ``paths``."""
        return evidence_for(paths, repository_root(self.folder))

    def record(
        self,
        finding_id: str,
        on: str | None,
        make: StepMaker,
        summary: str | Callable[[Finding], str],
        commit: bool = False,
        files: list[Path] | None = None,
        key: str | None = None,
    ) -> Recorded:
        """Apply one step to a finding under the lock and commit it when asked.

        ``make`` builds the finding after the step (see :data:`StepMaker`); ``summary``
        is the one-line description (or a function of the changed finding). ``files``
        (evidence) go into the same commit. ``key`` (an SSH private key's path) signs the
        commit, else git's ``user.signingkey`` does when set (:meth:`_signing`); an
        approval signed with a key the people file gives to someone else than the person
        it names is refused. Nothing is written when anything raises.
        """
        when = self.event_day(on)
        loaded, _ = find_finding(self.folder, finding_id)
        wants = self._wants_commit(commit, loaded.config)
        signing = self._signing(wants, key, loaded.config)
        if wants:
            gitops.require_committable(loaded.path, files)
        chain, now = loaded.chain, self.today()
        with editing(loaded.path) as edit:
            current = edit.ledger.finding(finding_id)
            if current is None:
                raise UsageError(f"no finding {finding_id}")
            changed = make(current, when, chain, now)
            if wants:
                self._check_signer(*signing, changed)
            edit.replace(changed)
            text = summary(changed) if callable(summary) else summary
            if wants:
                self._commit_after(edit, [loaded.path, *(files or [])], lambda: text, signing)
        return Recorded(changed, when, text)

    def step(
        self,
        finding_id: str,
        action: Action,
        on: str | None,
        summary: str | Callable[[Finding], str],
        commit: bool = False,
        files: list[Path] | None = None,
        key: str | None = None,
        **fields: Any,
    ) -> Recorded:
        """Record one plain workflow step: an event of ``action`` with ``fields`` (by,
        approver, note, role, evidence, to); see :meth:`record`."""
        for name in ("by", "approver"):
            require_name(fields.get(name), f"--{name}")
        require_name(fields.get("note"), "--note", person=False)
        event_fields = {k: v for k, v in fields.items() if v not in (None, [])}

        required = tuple(self.config.evidence_required)

        def make(finding: Finding, when: date, chain: tuple[str, ...], now: date) -> Finding:
            return steps.apply(finding, Event(date=when, action=action, **event_fields), chain, now, required)

        return self.record(finding_id, on, make, summary, commit, files, key)

    def edit(
        self,
        finding_id: str,
        values: dict[str, str | list[str] | None],
        by: str,
        reason: str,
        on: str | None = None,
        commit: bool = False,
        key: str | None = None,
    ) -> Recorded:
        """Change a finding's fields (``rectify edit``) with an ``edit`` event recording
        each old and new value; see :func:`rectify.domain.steps.edit`. A category must be
        one of rectify.yaml's ``categories`` when it lists them."""
        require_name(by, "--by")
        require_name(reason, "--reason", person=False)
        self._known_category(values.get("category"))
        fields = ", ".join(values)

        def make(finding: Finding, when: date, chain: tuple[str, ...], now: date) -> Finding:
            return steps.edit(finding, values, by, reason, when, now)

        return self.record(finding_id, on, make, f"edit {finding_id}: {fields} ({by})", commit, None, key)

    def withdraw(
        self,
        finding_id: str,
        by: str,
        approver: str,
        reason: str,
        into: str | None = None,
        on: str | None = None,
        commit: bool = False,
        key: str | None = None,
    ) -> Recorded:
        """Withdraw a finding (撤销), or merge it into ``into`` (合并): it stays in its file
        and counts in no figure from that day on. Raises :class:`UsageError` when ``into``
        is not a finding on the ledgers."""
        require_name(by, "--by")
        require_name(approver, "--approver")
        require_name(reason, "--reason", person=False)
        if into is not None:
            self.finding(into)  # it must exist

        def make(finding: Finding, when: date, chain: tuple[str, ...], now: date) -> Finding:
            return steps.withdraw(finding, by, approver, reason, when, into, now)

        what = f"合并至 {into}" if into else "撤销"
        return self.record(finding_id, on, make, f"withdraw {finding_id}: {what} {approver}", commit, None, key)

    def account(
        self,
        finding_id: str,
        people: dict[str, int],
        funds_yuan: str | None,
        rules: int | None,
        by: str,
        on: str | None = None,
        note: str | None = None,
        commit: bool = False,
        key: str | None = None,
    ) -> Recorded:
        """Record the three 到位 (``rectify account``): people held accountable by kind,
        funds recovered (元, exact decimal text, at most two decimals) and rules made, as a
        dated event. Raises :class:`UsageError` for a bad amount or count."""
        from pydantic import ValidationError

        from rectify.domain.model import Accountability

        require_name(by, "--by")
        try:
            given = {"people": people, "funds_yuan": funds_yuan or "0", "rules": rules or 0}
            counters = Accountability.model_validate(given)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = {"people": "--people", "funds_yuan": "--funds", "rules": "--rules"}.get(str(first["loc"][0]), "")
            raise UsageError(f"{where}: {first.get('ctx', {}).get('error') or first['msg']}") from None

        def make(finding: Finding, when: date, chain: tuple[str, ...], now: date) -> Finding:
            return steps.account(finding, counters, by, when, note, now)

        return self.record(finding_id, on, make, f"account {finding_id}: 三个到位 {by}", commit, None, key)

    def _known_category(self, category: object) -> None:
        allowed = self.config.categories
        if category is not None and allowed is not None and category not in allowed:
            raise UsageError(f"--category {category!r} is not one of the categories: {'、'.join(allowed)}")

    def read_sheet(
        self,
        source: Path,
        sheet: str | None,
        approver: str | None,
        closed_on: date | None = None,
        every: bool = False,
        tick: Callable[[int, int], None] | None = None,
    ) -> SheetFile:
        """Read an office's sheet file (.xlsx, .xls or .csv) with this folder's settings
        (rectify.yaml ``sheets:``): what it holds (:class:`rectify.files.sheets.SheetFile`). ``approver``:
        the 审签人 of closed rows that name none; ``closed_on``: their close date when the
        sheet gives none (only ever given explicitly); ``every``: every sheet with a header
        row (one per unit); ``tick(done, total)`` after each sheet. Raises
        :class:`UsageError` for a file that cannot be read or holds no problem,
        :class:`LedgerError` naming every bad cell."""
        from rectify.files import sheets

        if not source.is_file():
            raise UsageError(f"no file {source}")
        settings = self.config.sheets
        words = {**sheets.STATUS_WORDS, **settings.status_words}
        reading = sheets.Reading(require_name(approver, "--approver"), closed_on, words, settings.immediate_days)
        found = sheets.read_file(source, sheet, every, reading, dict(settings.columns), tick)
        if not found.items:
            raise UsageError(f"{source.name}: no problem found under the header")
        return found

    def import_sheet(
        self,
        unit: str | None,
        items: list[steps.NewFinding],
        on: date | None,
        dry_run: bool = False,
        create_units: bool = False,
        tick: Callable[[int, int], None] | None = None,
    ) -> list[tuple[Ledger, list[Finding], bool]]:
        """Put findings read from a sheet on their units' ledgers (``unit``'s, else the
        unit each names by id or name; ``create_units`` starts a ledger for a unit named
        by no ledger), each with a history that leads to its state. ``on`` is the day they
        were put on the ledger (default: the unit's feedback date; a unit without one needs
        ``on``). Returns, per unit, the ledger as it would be after the import, the
        new findings and whether the unit is new; ``tick(done, total)`` after each unit
        written. With ``dry_run`` nothing is written.
        Raises :class:`LedgerError` naming every bad row and every unknown unit; nothing
        is written then."""
        now = self.today()
        if on is not None and on > now:
            raise UsageError(f"--date {on} is after today ({now}); findings are put on a ledger once handed over")
        known = {ledger.unit.id: ledger for ledger in self.ledgers()}
        if unit is not None:
            self.unit_file(unit)
        groups, new_units, unknown = steps.assign_units(items, unit, [v.unit for v in known.values()], create_units)
        if unknown:
            raise LedgerError(unknown)
        known.update({u.id: Ledger(unit=u, inspection=Inspection(feedback_date=on)) for u in new_units})
        undated = [uid for uid in groups if on is None and known[uid].inspection.feedback_date is None]
        if undated:  # days to close run from that day: never a guess
            raise UsageError(
                f"{', '.join(undated)} has no feedback date (反馈日期): give --date DATE, the day the findings were "
                "handed over"
            )

        def made_for(ledger: Ledger, group: list[steps.NewFinding]) -> list[Finding]:
            added = on or ledger.inspection.feedback_date
            assert added is not None
            return steps.import_findings(ledger, group, added, now)

        out, problems = [], []
        for uid, group in groups.items():
            try:
                made = made_for(known[uid], group)
            except LedgerError as exc:
                problems.extend(exc.problems)
                continue
            after = known[uid].model_copy(update={"findings": [*known[uid].findings, *made]})
            out.append((after, made, any(u.id == uid for u in new_units)))
        if problems:
            raise LedgerError(problems)
        if dry_run:
            return out
        for new in new_units:
            self.add_unit(new.id, new.name, feedback_date=on)
        for done, (after, _made, _new) in enumerate(out, start=1):
            with editing(self.unit_file(after.unit.id)) as edit:
                edit.append(made_for(edit.ledger, groups[after.unit.id]))
            if tick is not None:
                tick(done, len(out))
        return out

    def write_output(self, path: Path, data: bytes) -> None:
        """Write an export or report to ``path`` (not into the ledger folder, which only
        commands that hold the lock write). Raises :class:`UsageError` or
        :class:`WriteError`."""
        if path.is_dir():
            raise UsageError(f"{path} is a folder; name the file to write, e.g. {path / '台账.xlsx'}")
        try:
            inside = path.resolve().parent == self.folder.resolve()
        except OSError:
            inside = False
        if inside:
            raise UsageError(f"{display(path)} is in the ledger folder; write exports and reports elsewhere")
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise WriteError(f"cannot write {display(path)}: {exc.strerror}") from None


def read_feedback(path: Path) -> list[steps.NewFinding]:
    """The findings of a feedback list (YAML or CSV) to add; :class:`LedgerError` naming
    every bad row."""
    from rectify.files.feedback import read_feedback as read

    return read(path)


def check_push(root: Path, updates: list[tuple[str, str, str]]) -> list[Any]:
    """The pre-receive hook's judgement of a push into the repository at ``root``:
    ``updates`` are the ``(old, new, ref)`` lines git gives the hook. Returns the
    :class:`rectify.files.hook.Refusal` reasons (empty: accept)."""
    from rectify.files.hook import push_refusals

    return push_refusals(root, updates)


def install_hook(bare: Path) -> Path:
    """Install ``rectify hook pre-receive`` as the bare repository's pre-receive hook;
    return the hook's path. Raises :class:`rectify.files.gitops.GitError` for a folder
    that is not a bare repository."""
    from rectify.files.hook import install_hook as install

    return install(bare)
