"""The writes of :class:`rectify.api.Ledgers`: units, findings, every workflow step, import,
output files; each under the lock, committed (and signed) when asked."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rectify.domain import steps
from rectify.domain.model import (
    UNIT_ID_RE,
    Action,
    Event,
    Finding,
    Inspection,
    Ledger,
    Unit,
)
from rectify.domain.portable import windows_name_problem
from rectify.errors import LedgerError, Problem, UsageError
from rectify.files import gitops
from rectify.files.config import Config, config_for
from rectify.files.ledgerfile import finding_ledger, the_finding
from rectify.files.paths import LEDGER_SUFFIX, ledger_path, repository_root
from rectify.files.paths import display as display
from rectify.i18n import _, listed

if TYPE_CHECKING:
    from rectify.files.edit import Edit
    from rectify.files.sheets import SheetFile


from rectify.api.base import LedgersBase
from rectify.api.values import Recorded, StepMaker, require_name


class WritingMixin(LedgersBase):
    """Every change to the ledgers (see :class:`rectify.api.Ledgers`)."""

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
        """Start unit ``unit_id``'s ledger (no findings yet); return its path. Raises
        :class:`UsageError` for a parent with no ledger, a bad id or name, a feedback date
        after today (:func:`rectify.domain.steps.feedback_after_today`), or a name another
        unit has (:func:`rectify.domain.steps.unit_named`)."""
        from pydantic import ValidationError

        late = steps.feedback_after_today(feedback_date, self.today())
        if late is not None:
            raise UsageError(_("{option}: {message}").format(option="--feedback-date", message=late))
        if parent is not None and not ledger_path(self.folder, parent).exists():
            raise UsageError(_(
                "unknown parent unit {parent!r}: there is no {ledger_path}"
            ).format(parent=parent, ledger_path=display(ledger_path(self.folder, parent))))
        try:
            ledger = Ledger(
                unit=Unit(id=unit_id, name=name, parent=parent, supervisor=supervisor),
                inspection=Inspection(round=round_, group=group, feedback_date=feedback_date),
            )
        except ValidationError as exc:
            if not UNIT_ID_RE.match(unit_id):
                raise UsageError(
                    _(
                        "unit id {unit_id!r} must be lowercase letters, digits and hyphens, e.g. jinhua "
                        "or wucheng-wlt"
                    ).format(unit_id=unit_id)
                ) from None
            first = exc.errors(include_url=False)[0]
            option = "--" + str(first["loc"][-1]).replace("_", "-")
            message = first.get("ctx", {}).get("error") or first["msg"]  # rectify's words, not "Value error, "
            raise UsageError(_("{option}: {message}").format(option=option, message=message)) from None
        if (problem := windows_name_problem(f"{unit_id}{LEDGER_SUFFIX}")) is not None:  # ledgers travel to Windows
            raise UsageError(
                _("unit id {unit_id!r} cannot name a ledger file: {problem}").format(unit_id=unit_id, problem=problem)
            )
        path = ledger_path(self.folder, unit_id)
        if not path.exists():  # else creating it says it exists
            self._refuse_taken_name(name)
        wants = self._wants_commit(commit)
        signing = self._signing(wants, key)
        if wants:
            gitops.require_committable(path)
        from rectify.files.edit import create_ledger

        create_ledger(path, ledger)
        if wants:
            gitops.commit_step([path], _("unit add {unit}: {name}").format(unit=unit_id, name=name), *signing)
        return path

    def _refuse_taken_name(self, name: str) -> None:
        """:class:`UsageError` when a ledger of the folder holds a unit whose name reads as
        ``name`` (:func:`rectify.domain.steps.unit_named`); ledgers that cannot be read are
        passed over (``check`` reports them)."""
        from rectify.files.ledgerfile import Loaded, scan_folder

        files: dict[str, str] = {}  # unit id -> its file as shown
        units: list[Unit] = []

        def take(loaded: Loaded) -> None:
            files[loaded.ledger.unit.id] = loaded.name
            units.append(loaded.ledger.unit)

        scan_folder(self.folder, take, None, self._reader())
        taken = steps.unit_named(name, units)
        if taken is not None:
            raise UsageError(_(
                "--name: unit {unit} ({file}) is named {name!r} already; give this unit its own name"
            ).format(unit=taken.id, file=files[taken.id], name=taken.name))

    def add(
        self,
        unit: str,
        items: list[steps.NewFinding],
        on: date,
        by: str | None = None,
        commit: bool = False,
        key: str | None = None,
        listed: bool = False,
    ) -> list[Finding]:
        """Put ``items`` on unit ``unit``'s ledger (挂账) on ``on``; return the new findings.
        ``key`` signs the commit (see :meth:`record`); ``listed``: they are a feedback list
        (``add --from``), refused when one stands on the ledger already
        (:func:`rectify.domain.steps.add_findings`)."""
        path = self.unit_file(unit)
        for item in items:
            self._known_category(item.category)
        wants = self._wants_commit(commit)
        signing = self._signing(wants, key)
        if wants:
            gitops.require_committable(path)
        from rectify.files.edit import editing  # the lock and the line-keeping edit: writes only

        with editing(path) as edit:
            made = steps.add_findings(edit.ledger, items, on, by, from_list=listed)
            edit.append(made)
            if wants:
                what = made[0].title if len(made) == 1 else _("{count} findings").format(count=len(made))
                ids = made[0].id if len(made) == 1 else f"{made[0].id}..{made[-1].id}"
                self._commit_after(edit, [path], lambda: _("add {ids}: {what}").format(ids=ids, what=what), signing)
        return made

    def unit_file(self, unit: str) -> Path:
        """The ledger file of ``unit``; :class:`UsageError` saying how to start it when it
        does not exist."""
        path = ledger_path(self.folder, unit)
        if not path.exists():
            from rectify.api.base import close_units

            close = close_units(unit, self.unit_ids())
            if close:
                raise UsageError(_(
                    "no unit {unit!r}; did you mean {close}? (A new unit's ledger is started with "
                    "`rectify unit add {unit} --name NAME`.)"
                ).format(unit=unit, close=close))
            raise UsageError(_(
                "no unit {unit!r}: start its ledger with `rectify unit add {unit} --name NAME`"
            ).format(unit=unit))
        return path

    def evidence(self, paths: Iterable[Path]) -> list[Any]:
        """Evidence records (path relative to the repository, sha256) for ``paths``."""
        from rectify.files.evidence import evidence_for

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
        path = finding_ledger(self.folder, finding_id)  # the ledger is read once, under the lock
        config = config_for(path.parent)
        wants = self._wants_commit(commit, config)
        signing = self._signing(wants, key, config)
        if wants:
            gitops.require_committable(path, files)
        chain, now = tuple(config.chain), self.today()
        from rectify.files.edit import editing  # the lock and the line-keeping edit: writes only

        with editing(path) as edit:
            current = the_finding(edit.loaded, finding_id)
            changed = make(current, when, chain, now)
            if wants:
                self._check_signer(*signing, changed)
            edit.replace(changed)
            text = summary(changed) if callable(summary) else summary
            if wants:
                self._commit_after(edit, [path, *(files or [])], lambda: text, signing)
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
        flags: dict[str, str] | None = None,
        **fields: Any,
    ) -> Recorded:
        """Record one plain workflow step: an event of ``action`` with ``fields`` (by,
        approver, note, role, evidence, to); see :meth:`record`. ``flags`` names the
        option each field was given by, for the messages (``{"note": "--opinion"}``;
        default ``--`` and the field's name)."""
        flag = {"by": "--by", "approver": "--approver", "note": "--note", **(flags or {})}
        for name in ("by", "approver"):
            require_name(fields.get(name), flag[name])
        require_name(fields.get("note"), flag["note"], person=False)
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
        fields = listed(steps.field_name(name) for name in values)

        def make(finding: Finding, when: date, chain: tuple[str, ...], now: date) -> Finding:
            return steps.edit(finding, values, by, reason, when, now)

        summary = _("edit {id}: {fields} ({by})").format(id=finding_id, fields=fields, by=by)
        return self.record(finding_id, on, make, summary, commit, None, key)

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

        if into:
            summary = _("withdraw {id}: 合并至 {into} {approver}").format(id=finding_id, into=into, approver=approver)
        else:
            summary = _("withdraw {id}: 撤销 {approver}").format(id=finding_id, approver=approver)
        return self.record(finding_id, on, make, summary, commit, None, key)

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
            message = first.get("ctx", {}).get("error") or first["msg"]
            raise UsageError(_("{option}: {message}").format(option=where, message=message)) from None

        def make(finding: Finding, when: date, chain: tuple[str, ...], now: date) -> Finding:
            return steps.account(finding, counters, by, when, note, now)

        summary = _("account {id}: 三个到位 {by}").format(id=finding_id, by=by)
        return self.record(finding_id, on, make, summary, commit, None, key)

    def _known_category(self, category: object) -> None:
        allowed = self.config.categories
        if category is not None and allowed is not None and category not in allowed:
            raise UsageError(_(
                "--category {category!r} is not one of the categories: {allowed}"
            ).format(category=category, allowed='、'.join(allowed)))

    def read_sheet(
        self,
        source: Path,
        sheet: str | None,
        approver: str | None,
        closed_on: date | None = None,
        every: bool = False,
        tick: Callable[[int, int], None] | None = None,
        aspect: str | None = None,
        seen: Callable[[str | None, list[str]], None] | None = None,
        extended_on: date | None = None,
        reported_on: date | None = None,
        unit: str | None = None,
        on: date | None = None,
        create_units: bool = False,
    ) -> SheetFile:
        """Read an office's sheet file (.xlsx, .xls or .csv) with this folder's settings
        (rectify.yaml ``sheets:``): what it holds (:class:`rectify.files.sheets.SheetFile`). ``approver``:
        the 审签人 of closed rows that name none; ``closed_on``: their close date when the
        sheet gives none (only ever given explicitly); ``every``: every sheet with a header
        row (one per unit); ``tick(done, total)`` after each sheet; ``aspect``: the 方面 of
        rows that give none; ``seen(encoding, sheet names)`` once the file is read, before
        any problem is raised (so a failing run still says how it was read); ``extended_on``:
        the approval day of 延期 rows that give none (only ever given explicitly);
        ``reported_on``: the 填报时间 of a sheet that gives none (explicit too); ``unit``,
        ``on``, ``create_units`` as :meth:`import_sheet` takes them, so that a sheet with bad
        cells also reports the units its rows name that no ledger has and the units with no
        feedback date (all problems in one run). Raises
        :class:`UsageError` for a file that cannot be read or holds no problem,
        :class:`LedgerError` naming every bad cell."""
        from rectify.files import sheets

        if not source.is_file():
            raise UsageError(_("no file {source}").format(source=source))
        settings = self.config.sheets
        words = {**sheets.STATUS_WORDS, **settings.status_words}
        reading = sheets.Reading(
            require_name(approver, "--approver"), closed_on, words, settings.immediate_days, aspect or None,
            extended_on, reported_on,
        )  # fmt: skip
        try:
            found = sheets.read_file(source, sheet, every, reading, dict(settings.columns), tick, seen)
        except sheets.SheetProblems as exc:  # the units and dates the readable rows need, in the same report
            raise LedgerError([*exc.problems, *self._placing(exc.found, unit, on, create_units)]) from None
        if not found.items:
            raise UsageError(_("{name}: no problem found under the header").format(name=source.name))
        return found

    def _placing(
        self, items: list[steps.NewFinding], unit: str | None, on: date | None, create_units: bool
    ) -> list[Problem]:
        """The problems of putting ``items`` on their units' ledgers that do not depend on
        their cells: a unit no ledger names (without ``create_units``), a unit with no
        feedback date when ``on`` is not given. Reports, never raises."""
        known = {ledger.unit.id: ledger for ledger in self.ledgers()}
        if unit is not None and unit not in known:
            return []  # said before the sheet was read
        groups, new_units, problems = steps.assign_units(items, unit, [v.unit for v in known.values()], create_units)
        if on is None:
            for uid in groups:
                if uid in known and known[uid].inspection.feedback_date is None:
                    message = _(
                        "{units} has no feedback date (反馈日期): give --date DATE, the day the findings were handed "
                        "over"
                    ).format(units=uid)
                    problems.append(Problem(display(self.unit_file(uid)), 1, 1, message))
            if new_units:
                names = listed(u.id for u in new_units)
                message = _(
                    "{units} has no feedback date (反馈日期): give --date DATE, the day the findings were handed "
                    "over"
                ).format(units=names)
                problems.append(Problem(display(self.folder), 1, 1, message))
        return problems

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
        new findings and whether the unit is new; ``tick(done, total)`` once they are
        written. The units' files are written together under one lock, all or nothing
        (:func:`rectify.files.edit.edit_together`). With ``dry_run`` nothing is written.
        Raises :class:`LedgerError` naming every bad row and every unknown unit; nothing
        is written then."""
        now = self.today()
        if on is not None and on > now:
            raise UsageError(_(
                "--date {on} is after today ({now}); findings are put on a ledger once handed over"
            ).format(on=on, now=now))
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
                _(
                    "{undated} has no feedback date (反馈日期): give --date DATE, the day the findings were "
                    "handed over"
                ).format(undated=', '.join(undated))
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
        fresh = {u.id for u in new_units}
        created = [after for after, _made, _new in out if after.unit.id in fresh]

        def appending(uid: str) -> Callable[[Edit], None]:
            def change(edit: Edit) -> None:
                edit.append(made_for(edit.ledger, groups[uid]))

            return change

        changes = {self.unit_file(a.unit.id): appending(a.unit.id) for a, _m, _n in out if a.unit.id not in fresh}
        from rectify.files.edit import edit_together

        edit_together(self.folder, created, changes, lambda uid: ledger_path(self.folder, uid))  # all or nothing
        if tick is not None:
            tick(len(out), len(out))
        return out

    def write_output(self, path: Path, data: bytes) -> None:
        """Write an export or report to ``path`` (not into the ledger folder, which only
        commands that hold the lock write). Raises :class:`UsageError` or
        :class:`WriteError`."""
        if path.is_dir():
            raise UsageError(_(
                "{path} is a folder; name the file to write, e.g. {value}"
            ).format(path=path, value=path / '台账.xlsx'))
        try:
            inside = path.resolve().parent == self.folder.resolve()
        except OSError:
            inside = False
        if inside:
            raise UsageError(_(
                "{path} is in the ledger folder; write exports and reports elsewhere"
            ).format(path=display(path)))
        from rectify.files.writing import write_file

        write_file(path, data)


