"""The part of :class:`rectify.api.Ledgers` that opens a folder and reads: settings, dates,
the ledgers, check and verify, a finding, its log, evidence files."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from rectify.domain import figures
from rectify.domain.counts import Counts, UnitLike
from rectify.domain.model import (
    Finding,
    Ledger,
    unit_of,
)
from rectify.domain.portable import recorded_path_problem, shared_path
from rectify.domain.summary import LedgerSummary, summary_counts
from rectify.errors import LedgerError, Problem, UsageError
from rectify.files import answers, clock
from rectify.files.cache import Cache
from rectify.files.cache import enabled as cache_enabled
from rectify.files.config import CONFIG_NAME, Config, config_for, config_root
from rectify.files.ledgerfile import (
    Loaded,
    Reader,
    Remembered,
    check_folder,
    find_finding,
    read_folder,
    scan_folder,
    scan_summaries,
)
from rectify.files.paths import display as display
from rectify.files.paths import find_ledgers_dir, ledger_path, ledger_paths, repository_root, what_is
from rectify.i18n import _, env_lang, listed

if TYPE_CHECKING:
    from rectify.files import gitops


from rectify.api.values import parse_day


def _upward(folder: str) -> list[str]:
    """``folder`` and every folder above it."""
    found = [folder]
    while os.path.dirname(found[-1]) != found[-1]:
        found.append(os.path.dirname(found[-1]))
    return found


class LedgersBase:
    """Opening a ledger folder and reading it (see :class:`rectify.api.Ledgers`)."""

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
    ) -> Self:
        """Open the ledger folder named by ``option`` or found as described above
        (``cache``: see :attr:`cache`). Raises :class:`UsageError` when there is none.

        When this run's answer is being recorded (:mod:`rectify.files.answers`), the
        folders searched and ``rectify.yaml`` are noted as they are before anything is
        read, and a note to the user means no answer is kept."""
        if answers.recording() and option is None and not os.environ.get("RECTIFY_LEDGERS"):
            for place in _upward(os.path.realpath(os.getcwd())):  # the search find_ledgers_dir makes
                answers.note_stat(os.path.join(place, "ledgers"), presence=True)
        folder = find_ledgers_dir(option)
        if answers.recording():
            if not (cache and cache_enabled()):
                answers.drop()
            answers.note_names(os.path.abspath(folder))
            for place in _upward(os.path.realpath(folder)):  # where settings and the repository are found
                answers.note_stat(os.path.join(place, CONFIG_NAME))
                answers.note_stat(os.path.join(place, ".git"), presence=True)
            if notify is not None:
                told = notify

                def notify(message: str) -> None:
                    answers.drop()
                    told(message)

        return cls(folder, notify, progress, cache=cache)

    def keep_answer(self, text: str) -> None:
        """Keep ``text``, all that a read-only command printed, as this run's answer
        (:mod:`rectify.files.answers`), good for the rest of today in the ledgers' time zone."""
        if sys.platform == "win32" and self.config.lang is None and env_lang() is None:
            answers.drop()  # the language may be Windows' display language, which no answer notes
        if answers.recording():
            start, end = clock.today_lasts(self.config.time_zone)
            answers.keep(text, start, end)

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
        it names no folder or one outside the repository (templates are the office's own)."""
        name = self.config.bulletin.templates
        if name is None:
            return None
        root = config_root(self.folder).resolve()
        folder = (root / shared_path(name)).resolve()  # 模板\通报 as typed on Windows, on Linux too
        if folder != root and root not in folder.parents:
            raise UsageError(_(
                "rectify.yaml: bulletin.templates: {name} lies outside the repository"
            ).format(name=name))
        if not folder.is_dir():
            raise UsageError(_(
                "rectify.yaml: bulletin.templates: {folder} is not a folder"
            ).format(folder=display(folder)))
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
            raise UsageError(_(
                "--date {when} is after today ({now} in {zone}); record a step once it has happened"
            ).format(when=when, now=now, zone=zone))
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
        chosen = _choose([ledger.unit for ledger in ledgers], supervisor, under)
        return ledgers if chosen is None else [ledger for ledger in ledgers if ledger.unit.id in chosen]

    def unit_counts(
        self, as_of: date, supervisor: str | None = None, under: str | None = None
    ) -> list[tuple[UnitLike, Counts]]:
        """Each unit's own figures on ``as_of`` (:func:`~rectify.domain.figures.unit_counts`),
        chosen as :meth:`ledgers` chooses units, in file order. The ledgers are read one at a
        time and only these figures (and what the rules across files need) are kept, so
        memory does not grow with the ledgers' size; through the cache, only each ledger's
        records are loaded (:mod:`rectify.domain.summary`: no ledger model is built for a
        file unchanged since it was cached). Raises :class:`LedgerError` listing every
        problem when any ledger is broken, :class:`UsageError` as :meth:`ledgers`."""
        units: list[tuple[UnitLike, Counts]] = []
        if self._memory is not None:  # a long-running reader keeps the ledgers anyway
            units += [figures.unit_counts(ledger, as_of) for ledger in self.ledgers(None, supervisor, under)]
            return units
        if self.cache:

            def count(summary: LedgerSummary) -> None:
                units.append((summary.unit, summary_counts(summary, as_of)))

            problems = scan_summaries(self.folder, count, self.progress, Cache(self.folder).summary)
        else:

            def take(loaded: Loaded) -> None:
                units.append(figures.unit_counts(loaded.ledger, as_of))

            problems = scan_folder(self.folder, take, self.progress, None)
        if problems:
            raise LedgerError(problems)
        chosen = _choose([unit for unit, __ in units], supervisor, under)
        return units if chosen is None else [item for item in units if item[0].id in chosen]

    @staticmethod
    def pick(loaded: list[Loaded], unit_id: str) -> Loaded:
        """The ledger of ``unit_id`` among ``loaded``; :class:`UsageError` naming the units."""
        for item in loaded:
            if item.ledger.unit.id == unit_id:
                return item
        ids = [item.ledger.unit.id for item in loaded]
        close = close_units(unit_id, ids)
        if close:
            raise UsageError(_("no unit {unit_id!r}; did you mean {close}?").format(unit_id=unit_id, close=close))
        known = listed(ids) or _("none")
        raise UsageError(_("no unit {unit_id!r} (units: {known})").format(unit_id=unit_id, known=known))

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
        read, every problem found, and the number of ledger files. Raises
        :class:`LedgerError` for a ``check`` setting of ``rectify.yaml`` naming a commit the
        repository does not hold (before anything is read)."""
        from rectify.files.history import history_settings

        history_settings(self.folder)
        loaded, problems = check_folder(self.folder, audit=True, progress=self.progress, read=self._reader())
        return loaded, problems, len(ledger_paths(self.folder))

    def hand_edits(self, loaded: list[Loaded]) -> tuple[list[Problem], str | None]:
        """``check``'s look at the git history: every commit (and the change not yet
        committed) that changed a ledger of ``loaded`` (from :meth:`check`) in a way no
        rectify step does, at the finding's place in today's file and naming the commit
        (:func:`rectify.files.history.hand_edit_problems`). Returns ``(problems, note)``,
        the note saying why the history was not looked at where the user expects it
        looked at (a shallow clone, git missing beside a ``.git``, no repository while
        ``rectify.yaml`` asks for the history), else None. Raises :class:`LedgerError` for a commit named in
        ``rectify.yaml``'s ``check`` settings that the repository does not hold."""
        from rectify.files.history import hand_edit_problems

        return hand_edit_problems(loaded, self.folder, keep=self.cache)

    def verify(self, loaded: list[Loaded]) -> list[Problem]:
        """``check --verify``: every approval event of ``loaded`` (from :meth:`check`)
        proven by a signed commit of its own by the person it names, who may sign at that
        level for that unit (:func:`rectify.files.signing.verify_ledgers`), and every change
        of the people file signed by an administrator. Raises
        :class:`UsageError` outside git or without ``.rectify/people.yaml``."""
        from rectify.files import gitops
        from rectify.files.signing import PEOPLE_PATH, load_people, people_history_problems, verify_ledgers

        root = gitops.toplevel(self.folder)
        if root is None:
            raise UsageError(_("--verify: {folder} is not in a git repository").format(folder=display(self.folder)))
        people = load_people(root)
        if people is None:
            raise UsageError(_(
                "--verify: there is no {people_path} naming who may sign, with their keys"
            ).format(people_path=PEOPLE_PATH))
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

    def days_overdue(self, finding: Finding, as_of: date | None = None) -> int:
        """How many days ``finding`` is overdue on ``as_of`` (default: today in the ledgers'
        time zone), 0 when it is not (:func:`rectify.domain.states.days_overdue`)."""
        from rectify.domain.states import days_overdue

        return days_overdue(finding, as_of or self.today())

    def log(self, finding_id: str) -> list[gitops.Commit]:
        """The commits that changed ``finding_id``, newest first (also once removed).
        Raises :class:`UsageError` for a bad id, no ledger, or no commit yet."""
        unit_id = unit_of(finding_id)
        if unit_id is None:
            raise UsageError(_(
                "{finding_id!r} is not a finding id (expected <unit-id>-NNN, e.g. jinhua-007)"
            ).format(finding_id=finding_id))
        path = ledger_path(self.folder, unit_id)
        if not path.exists():
            raise UsageError(_("no ledger {path}").format(path=display(path)))
        from rectify.files.history import finding_versions  # git's history: only this command reads it

        found = finding_versions(path, finding_id)
        if not found:
            raise UsageError(_("no commit has changed {finding_id} yet").format(finding_id=finding_id))
        return found

    def evidence_file(self, path: str) -> Path:
        """The file of evidence ``path`` as a ledger records it (relative to the repository,
        ``/``-separated). Raises :class:`UsageError` for a path that is absolute, climbs
        (``..``), names a drive, holds a ``\\`` (:func:`~rectify.domain.portable.recorded_path_problem`)
        or leads outside the repository once links are followed."""
        if recorded_path_problem(path) is not None:
            raise UsageError(_("{path!r} is not a path inside the repository").format(path=path[:200]))
        root = repository_root(self.folder).resolve()
        try:
            target = (root / path).resolve()
        except (OSError, RuntimeError):
            raise UsageError(_("{path!r} cannot be followed").format(path=path[:200])) from None
        if root not in target.parents:
            raise UsageError(_("{path!r} is not a path inside the repository").format(path=path[:200]))
        return target

    def evidence_state(self, path: str, sha256: str | None) -> str:
        """Whether evidence ``path`` still holds what was recorded: ``match``, ``changed``,
        ``missing``, ``not_file`` (a folder, device, named pipe or socket is there) or
        ``unknown`` (no digest recorded); a path outside the repository is ``missing``."""
        try:
            target = self.evidence_file(path)
        except UsageError:
            return "missing"
        from rectify.files.evidence import file_sha256

        digest = file_sha256(target)
        if digest is None:
            kind = what_is(target)
            return "missing" if kind in (None, "a file", "not readable", "a link that leads nowhere") else "not_file"
        return "unknown" if sha256 is None else "match" if digest == sha256 else "changed"


def close_units(unit_id: str, ids: Sequence[str]) -> str:
    """The unit ids among ``ids`` close to ``unit_id`` (a typo: ``qinshan`` for
    ``qingshan``; difflib's ratio of at least 0.75, at most three, closest first), each
    quoted and listed in the language in force (``'qingshan'``); the empty text for none."""
    import difflib

    close = difflib.get_close_matches(unit_id, list(ids), n=3, cutoff=0.75)
    return listed(repr(item) for item in close)


def _choose(units: Sequence[UnitLike], supervisor: str | None, under: str | None) -> set[str] | None:
    """The ids of the units among ``units`` followed by ``supervisor`` and at or below
    ``under`` (None: all of them). Raises :class:`UsageError` for a group or unit that has none."""
    if supervisor is None and under is None:
        return None
    if supervisor is not None:
        groups = sorted({unit.supervisor for unit in units if unit.supervisor})
        units = [unit for unit in units if unit.supervisor == supervisor]
        if not units:
            raise UsageError(_(
                "no unit is followed by {supervisor!r} (groups: {value})"
            ).format(supervisor=supervisor, value=listed(groups) or _("none")))
    if under is not None:
        if under not in {unit.id for unit in units}:
            raise UsageError(_("no unit {under!r} among the units chosen").format(under=under))
        return set(figures.within_units(units, under))
    return {unit.id for unit in units}
