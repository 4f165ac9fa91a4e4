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
from pathlib import Path
from typing import Any

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
from rectify.errors import Problem, UsageError, WriteError
from rectify.files import clock, gitops
from rectify.files.config import Config, config_for, config_root
from rectify.files.edit import create_ledger, editing
from rectify.files.evidence import evidence_for
from rectify.files.history import finding_versions
from rectify.files.ledgerfile import Loaded, check_folder, find_finding, read_folder, read_ledger
from rectify.files.merge import merge_versions as merge_versions
from rectify.files.paths import display as display
from rectify.files.paths import find_ledgers_dir, ledger_path, ledger_paths, repository_root
from rectify.files.writing import LOCK_NAME


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
            ignore.write_text(f"{LOCK_NAME}\n.*.tmp\n", encoding="utf-8")
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

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def open(cls, option: str | os.PathLike[str] | None = None) -> Ledgers:
        """Open the ledger folder named by ``option`` or found as described above.
        Raises :class:`UsageError` when there is none."""
        return cls(find_ledgers_dir(option))

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
        loaded = read_folder(self.folder)
        return loaded if unit is None else [self.pick(loaded, unit)]

    def ledgers(self, unit: str | None = None) -> list[Ledger]:
        """The :class:`Ledger` models of :meth:`read`."""
        return [item.ledger for item in self.read(unit)]

    @staticmethod
    def pick(loaded: list[Loaded], unit_id: str) -> Loaded:
        """The ledger of ``unit_id`` among ``loaded``; :class:`UsageError` naming the units."""
        for item in loaded:
            if item.ledger.unit.id == unit_id:
                return item
        known = ", ".join(item.ledger.unit.id for item in loaded) or "none"
        raise UsageError(f"no unit {unit_id!r} (units: {known})")

    def check(self) -> tuple[list[Loaded], list[Problem], int]:
        """Run every rule on every ledger (and on evidence files): the ledgers that could be
        read, every problem found, and the number of ledger files."""
        loaded, problems = check_folder(self.folder, audit=True)
        return loaded, problems, len(ledger_paths(self.folder))

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

    # ---------------------------------------------------------------- figures

    def status(
        self, as_of: date, unit: str | None = None, by: str | None = None, tree: bool = False
    ) -> tuple[list[figures.Row], figures.Counts, str | None]:
        """The completion-rate table as of ``as_of``: rows, total and a title (the unit's
        name with ``unit``). By unit (``tree`` rolls parents up) or by one of
        :data:`~rectify.domain.figures.GROUPS`; one unit defaults to its aspects."""
        if by is not None and by not in figures.GROUPS:
            raise UsageError(f"--by must be one of {', '.join(figures.GROUPS)}, not {by!r}")
        if tree and by not in (None, "unit"):
            raise UsageError("--tree rolls up units; it does not go with --by " + str(by))
        if tree and unit is not None:
            raise UsageError("--tree shows every unit; it does not go with --unit")
        ledgers = self.ledgers(unit)
        if unit is not None and by in (None, "aspect"):
            rows, total = figures.aspect_rows(ledgers[0], as_of)  # one unit: its aspects in feedback order
            return rows, total, ledgers[0].unit.name
        if by in (None, "unit"):
            rows, total = figures.unit_rows(ledgers, as_of, tree=tree)
        else:
            rows, total = figures.group_rows(ledgers, as_of, by)
        return rows, total, ledgers[0].unit.name if unit is not None else None

    def overdue(self, as_of: date, within: int = 0, unit: str | None = None) -> list[figures.Late]:
        """Overdue findings (and those due within ``within`` days), most overdue first."""
        return figures.overdue(self.ledgers(unit), as_of, within)

    def trend(
        self, every: str, start: date | None, end: date, unit: str | None = None
    ) -> list[trends.Point]:
        """Figures every week or month from ``start`` (default: the first feedback date)
        to ``end``. Raises :class:`UsageError` for a bad period or an end before the start."""
        ledgers = self.ledgers(unit)
        first = start or trends.first_day(ledgers) or end
        try:
            return trends.trend(ledgers, trends.trend_days(first, end, every))
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    def bulletin(self, as_of: date, since: date | None = None) -> trends.Bulletin:
        """Everything the progress bulletin (通报) shows as of ``as_of``, with what changed
        after ``since``."""
        try:
            return trends.bulletin(self.ledgers(), as_of, since)
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    def findings(self, as_of: date, unit: str | None = None, **filters: Any) -> list[figures.FindingState]:
        """The findings as they stood on ``as_of``, filtered as
        :func:`~rectify.domain.figures.finding_states` takes them."""
        return figures.finding_states(self.ledgers(unit), as_of, **filters)

    # ---------------------------------------------------------------- writing

    def _wants_commit(self, commit: bool, config: Config | None = None) -> bool:
        return commit or (config or self.config).git.autocommit

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
    ) -> Path:
        """Start unit ``unit_id``'s ledger (no findings yet); return its path."""
        from pydantic import ValidationError

        if parent is not None and not ledger_path(self.folder, parent).exists():
            raise UsageError(
                f"unknown parent unit {parent!r}: there is no {display(ledger_path(self.folder, parent))}"
            )
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
        if wants:
            gitops.require_committable(path)
        create_ledger(path, ledger)
        if wants:
            gitops.commit_step([path], f"unit add {unit_id}: {name}")
        return path

    def add(
        self, unit: str, items: list[steps.NewFinding], on: date, by: str | None = None, commit: bool = False
    ) -> list[Finding]:
        """Put ``items`` on unit ``unit``'s ledger (挂账) on ``on``; return the new findings."""
        path = self.unit_file(unit)
        wants = self._wants_commit(commit)
        if wants:
            gitops.require_committable(path)
        with editing(path) as edit:
            made = steps.add_findings(edit.ledger, items, on, by)
            edit.append(made)
            if wants:
                what = made[0].title if len(made) == 1 else f"{len(made)} findings"
                ids = made[0].id if len(made) == 1 else f"{made[0].id}..{made[-1].id}"
                edit.then = lambda: gitops.commit_step([path], f"add {ids}: {what}")
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
    ) -> Recorded:
        """Apply one step to a finding under the lock and commit it when asked.

        ``make`` builds the finding after the step (see :data:`StepMaker`); ``summary``
        is the one-line description (or a function of the changed finding). ``files``
        (evidence) go into the same commit. Nothing is written when anything raises.
        """
        when = self.event_day(on)
        loaded, _ = find_finding(self.folder, finding_id)
        wants = self._wants_commit(commit, loaded.config)
        if wants:
            gitops.require_committable(loaded.path, files)
        chain, now = loaded.chain, self.today()
        with editing(loaded.path) as edit:
            current = edit.ledger.finding(finding_id)
            if current is None:
                raise UsageError(f"no finding {finding_id}")
            changed = make(current, when, chain, now)
            edit.replace(changed)
            text = summary(changed) if callable(summary) else summary
            if wants:
                edit.then = lambda: gitops.commit_step([loaded.path, *(files or [])], text)
        return Recorded(changed, when, text)

    def step(
        self,
        finding_id: str,
        action: Action,
        on: str | None,
        summary: str | Callable[[Finding], str],
        commit: bool = False,
        files: list[Path] | None = None,
        **fields: Any,
    ) -> Recorded:
        """Record one plain workflow step: an event of ``action`` with ``fields`` (by,
        approver, note, role, evidence, to); see :meth:`record`."""
        for key in ("by", "approver"):
            require_name(fields.get(key), f"--{key}")
        require_name(fields.get("note"), "--note", person=False)
        event_fields = {k: v for k, v in fields.items() if v not in (None, [])}

        def make(finding: Finding, when: date, chain: tuple[str, ...], now: date) -> Finding:
            return steps.apply(finding, Event(date=when, action=action, **event_fields), chain, now)

        return self.record(finding_id, on, make, summary, commit, files)

    def import_sheet(
        self,
        unit: str,
        items: list[steps.NewFinding],
        on: date | None,
        dry_run: bool = False,
    ) -> list[Finding]:
        """Put findings read from a sheet on ``unit``'s ledger, each with a history that
        leads to its state. ``on`` is the day they were put on the ledger (default: the
        unit's feedback date, else the earliest close date or today). With ``dry_run``
        nothing is written. Raises :class:`LedgerError` naming every bad row."""
        path = self.unit_file(unit)
        now = self.today()
        if on is not None and on > now:
            raise UsageError(f"--date {on} is after today ({now}); findings are put on a ledger once handed over")

        def made_for(ledger: Ledger) -> list[Finding]:
            earliest = min((item.closed_on for item in items if item.closed_on), default=now)
            added = on or ledger.inspection.feedback_date or min(earliest, now)
            return steps.import_findings(ledger, items, added, now)

        if dry_run:
            return made_for(read_ledger(path).ledger)
        with editing(path) as edit:
            made = made_for(edit.ledger)
            edit.append(made)
        return made

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


def read_sheet(source: Path, sheet: str | None, approver: str | None) -> tuple[str, list[str], list[steps.NewFinding]]:
    """Read an office's sheet (.xlsx or .csv): the sheet read, every sheet's name, and the
    findings in it (``approver`` is the 审签人 of closed rows that name none). Raises
    :class:`UsageError` for a missing file or one with no problem under its header,
    :class:`LedgerError` naming every bad cell."""
    from rectify.files import sheets

    if not source.is_file():
        raise UsageError(f"no file {source}")
    name, grid = sheets.read_grid(source, sheet)
    names = sheets.sheet_names(source) if sheet is None else [name]
    items = sheets.interpret(sheets.sheet_rows(name, grid), require_name(approver, "--approver"))
    if not items:
        raise UsageError(f"{source.name}: no problem found under the header")
    return name, names, items
