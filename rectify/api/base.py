"""The part of :class:`rectify.api.Ledgers` that opens a folder and reads: settings, dates,
the ledgers, check and verify, a finding, its log, evidence files."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Self

from rectify.domain import figures
from rectify.domain.model import (
    Finding,
    Ledger,
    Unit,
    unit_of,
)
from rectify.errors import LedgerError, Problem, UsageError
from rectify.files import clock, gitops
from rectify.files.cache import Cache
from rectify.files.cache import enabled as cache_enabled
from rectify.files.config import Config, config_for, config_root
from rectify.files.evidence import file_sha256
from rectify.files.history import finding_versions
from rectify.files.ledgerfile import Loaded, Reader, Remembered, check_folder, find_finding, read_folder, scan_folder
from rectify.files.merge import merge_versions as merge_versions
from rectify.files.paths import display as display
from rectify.files.paths import find_ledgers_dir, ledger_path, ledger_paths, repository_root

if TYPE_CHECKING:
    pass


from rectify.api.values import parse_day


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
        it names no folder or one outside the repository (templates are the office's own)."""
        name = self.config.bulletin.templates
        if name is None:
            return None
        root = config_root(self.folder).resolve()
        folder = (root / name).resolve()
        if folder != root and root not in folder.parents:
            raise UsageError(f"rectify.yaml: bulletin.templates: {name} lies outside the repository")
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
        chosen = _choose([ledger.unit for ledger in ledgers], supervisor, under)
        return ledgers if chosen is None else [ledger for ledger in ledgers if ledger.unit.id in chosen]

    def unit_counts(
        self, as_of: date, supervisor: str | None = None, under: str | None = None
    ) -> list[tuple[Unit, figures.Counts]]:
        """Each unit's own figures on ``as_of`` (:func:`~rectify.domain.figures.unit_counts`),
        chosen as :meth:`ledgers` chooses units, in file order. The ledgers are read one at a
        time and only these figures (and what the rules across files need) are kept, so
        memory does not grow with the ledgers' size. Raises :class:`LedgerError` listing
        every problem when any ledger is broken, :class:`UsageError` as :meth:`ledgers`."""
        if self._memory is not None:  # a long-running reader keeps the ledgers anyway
            return [figures.unit_counts(ledger, as_of) for ledger in self.ledgers(None, supervisor, under)]
        units: list[tuple[Unit, figures.Counts]] = []

        def take(loaded: Loaded) -> None:
            units.append(figures.unit_counts(loaded.ledger, as_of))

        problems = scan_folder(self.folder, take, self.progress, self._reader())
        if problems:
            raise LedgerError(problems)
        chosen = _choose([unit for unit, _ in units], supervisor, under)
        return units if chosen is None else [item for item in units if item[0].id in chosen]

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


def _choose(units: list[Unit], supervisor: str | None, under: str | None) -> set[str] | None:
    """The ids of the units among ``units`` followed by ``supervisor`` and at or below
    ``under`` (None: all of them). Raises :class:`UsageError` for a group or unit that has none."""
    if supervisor is None and under is None:
        return None
    if supervisor is not None:
        groups = sorted({unit.supervisor for unit in units if unit.supervisor})
        units = [unit for unit in units if unit.supervisor == supervisor]
        if not units:
            raise UsageError(f"no unit is followed by {supervisor!r} (groups: {', '.join(groups) or 'none'})")
    if under is not None:
        if under not in {unit.id for unit in units}:
            raise UsageError(f"no unit {under!r} among the units chosen")
        return set(figures.within_units(units, under))
    return {unit.id for unit in units}
