"""Steps a command takes on a finding: add, apply an event, close, extend.

Pure functions: they take models and return new models; the files layer writes them. Every
sign-off rule a step must meet is :func:`rectify.domain.signoff.event_problems`, the same
function ``rectify check`` runs over a whole history.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from rectify.domain.counts import UnitLike
from rectify.domain.model import (
    DEFAULT_CHAIN,
    EDITABLE,
    Accountability,
    Action,
    Event,
    Evidence,
    FieldChange,
    Finding,
    Ledger,
    Status,
    Unit,
    finding_id,
)
from rectify.domain.people import name_key
from rectify.domain.signoff import event_problems
from rectify.domain.states import Track, action_name, deadline_on, replay, state_name, step
from rectify.errors import LedgerError, Problem, UsageError, WorkflowError
from rectify.i18n import _, listed, pgettext


@dataclass(frozen=True)
class Due:
    """A deadline as an office writes it, resolved against the day the finding is put on
    the ledger (``added``), since the sheet leaves the year or the start unsaid.

    ``days_after``: 立行立改, that many days after ``added``; else the last day of ``month``
    (``None``: December) of ``year`` (``None``: ``added``'s year, or the next one when
    that day is already before ``added``, as ``12月底`` written in August means this
    December and ``3月底`` the next March). ``phrase`` is the text as written.
    """

    phrase: str
    year: int | None = None
    month: int | None = None
    days_after: int | None = None

    def on(self, added: date) -> date:
        """Return the deadline this phrase gives for a finding put on the ledger on ``added``."""
        if self.days_after is not None:
            return added + timedelta(days=self.days_after)
        month = self.month or 12
        year = self.year or added.year
        day = date(year, month, calendar.monthrange(year, month)[1])
        if self.year is None and day < added:
            day = date(year + 1, month, calendar.monthrange(year + 1, month)[1])
        return day


@dataclass(frozen=True)
class Extension:
    """An extension (延期) an imported sheet records: approved ``on`` by ``approver``, the
    new deadline ``to``, the ``reason`` given."""

    on: date
    to: date
    approver: str | None
    reason: str


@dataclass(frozen=True)
class NewFinding:
    """A finding to put on a ledger, the one type ``add``, feedback lists and import share:
    the fields of a finding but its id and history, and for an imported one the state the
    sheet gives (status, 销号日期, 审签人, progress, and where it was read).

    ``measures`` is a tuple of text; dates are calendar dates or None.
    """

    aspect: str
    title: str
    detail: str | None = None
    measures: tuple[str, ...] = ()
    leader: str | None = None
    department: str | None = None
    owner: str | None = None
    deadline: date | None = None
    status: Status = Status.OPEN
    """The state a sheet gives (import); a new finding is open."""
    closed_on: date | None = None
    """销号日期, for a finding imported closed."""
    approver: str | None = None
    """审签人, for a finding imported closed."""
    progress: str | None = None
    """整改进展 as the sheet gives it."""
    where: str = ""
    """``sheet!row`` an imported finding was read from."""
    problem: str | None = None
    """The middle level (问题) of a three-level list."""
    category: str | None = None
    """A category for high-frequency problems (高频问题)."""
    due: Due | None = None
    """A deadline written as a phrase (``12月底``, ``立行立改``), resolved on import."""
    notes: tuple[str, ...] = ()
    """Notes an imported sheet holds (备注, a deadline phrase kept as written): the ``add``
    event's note of an open finding, a ``progress`` note of a started one."""
    extensions: tuple[Extension, ...] = ()
    """延期, as the sheet records them, in order."""
    accountability: Accountability = field(default_factory=Accountability)
    """The three 到位 counters the sheet holds."""
    cells: tuple[tuple[str, str], ...] = ()
    """For an imported finding: the cell each field was read from, ``("deadline", "D7")``."""
    unit: str = ""
    """The unit an imported row names (its 单位 cell or its sheet's name); "" when the sheet
    names none."""
    reported_on: date | None = None
    """For an imported finding: the day its sheet was filled in (its 填报时间, or 数据截至),
    when the sheet says; its 整改进展 and 备注 are dated that day. The cell is in
    ``cells`` as ``reported_on``."""

    def to_finding(self, finding_id: str, status: Status, history: list[Event]) -> Finding:
        """Return the finding with these fields, ``finding_id``, ``status`` and ``history``
        (blank measures left out)."""
        return Finding(
            id=finding_id,
            aspect=self.aspect.strip(),  # "测 " would be an aspect of its own in every table
            title=self.title.strip(),
            detail=self.detail,
            measures=[m for m in self.measures if m.strip()],
            leader=self.leader,
            department=self.department,
            owner=self.owner,
            deadline=self.deadline,
            status=status,
            history=history,
            problem=self.problem.strip() if self.problem is not None else None,
            category=self.category.strip() if self.category is not None else None,
            accountability=self.accountability,
        )


def added_before_feedback(added: date, feedback: date | None) -> str | None:
    """The message when a finding is put on a ledger (挂账) on ``added``, a day before its
    unit's feedback date ``feedback`` (反馈日期), else None (also without a feedback date).

    DOMAIN.md, "The job": the problems a unit rectifies are those the inspection group
    hands over at the feedback, so none is on the ledger before that day. ``add``,
    ``import`` and ``check`` (:func:`rectify.domain.rules.rule_feedback_dates`) apply it.
    """
    if feedback is None or added >= feedback:
        return None
    return _(
        "put on the ledger on {added}, before the unit's feedback date ({feedback}): the problems are "
        "handed over at the feedback (反馈)"
    ).format(added=added, feedback=feedback)


def feedback_after_today(feedback: date | None, today: date) -> str | None:
    """The message when a unit's feedback date ``feedback`` (反馈日期) is after ``today``
    (the ledgers' today, DOMAIN.md "Dates"), else None: the feedback date is the day the
    problems were handed over, a day that has happened. ``unit add`` and ``check``
    (:func:`rectify.domain.rules.rule_feedback_dates`) apply it."""
    if feedback is None or feedback <= today:
        return None
    return _(
        "feedback date {feedback} is after today ({today}): it is the day the problems were handed over"
    ).format(feedback=feedback, today=today)


def unit_named(name: str, units: Iterable[UnitLike]) -> UnitLike | None:
    """The unit of ``units`` whose name reads as ``name`` to a person
    (:func:`rectify.domain.people.name_key`: NFKC, white space and invisible characters
    ignored, so ``青山县 人民检察院`` and ``青山县人民检察院`` are one name), else None. A name
    names one unit: ``unit add`` refuses one taken, ``check`` reports two
    (:func:`rectify.domain.rules.rule_unit_names_across_files`)."""
    key = unit_name_key(name)
    return next((unit for unit in units if unit_name_key(unit.name) == key), None)


def unit_name_key(name: str) -> str:
    """A unit's name as compared: :func:`rectify.domain.people.name_key` (NFKC, case folded,
    white space and invisible characters left out), or the name itself when nothing is left."""
    return name_key(name) or name


def add_findings(
    ledger: Ledger, items: Iterable[NewFinding], on: date, by: str | None = None, from_list: bool = False
) -> list[Finding]:
    """Return new findings for ``ledger``, numbered from :meth:`Ledger.next_number` on.

    Each gets status ``open`` and one ``add`` event (挂账) dated ``on``. Raises
    :class:`UsageError` when ``on`` is before the unit's feedback date
    (:func:`added_before_feedback`), a deadline is before ``on``, a text field is blank, or,
    for a lot ``from_list`` (a feedback list, ``add --from``), when a finding of the same
    aspect and title (spaces around them aside) stands on the ledger already or earlier in
    the list: the list added twice, as ``import`` refuses a sheet imported again. Aspect
    and title are kept without spaces around them.
    """
    early = added_before_feedback(on, ledger.inspection.feedback_date)
    if early is not None:
        raise UsageError(early)
    number = ledger.next_number()
    made: list[Finding] = []
    standing = {(f.aspect.strip(), f.title.strip()): f.id for f in ledger.findings if f.status is not Status.WITHDRAWN}
    for item in items:
        if not item.aspect.strip() or not item.title.strip():
            raise UsageError(_("a finding needs a non-empty aspect and title"))
        twin = standing.get((item.aspect.strip(), item.title.strip())) if from_list else None
        if twin is not None:  # a feedback list added again would count every problem twice
            raise UsageError(_(
                "{title!r} under {aspect!r} is on the ledger already as {id}; nothing was added (a list "
                "added twice would count each problem twice; change a finding with rectify edit)"
            ).format(title=item.title.strip(), aspect=item.aspect.strip(), id=twin))
        standing[(item.aspect.strip(), item.title.strip())] = finding_id(ledger.unit.id, number)
        if item.deadline is not None and item.deadline < on:
            raise UsageError(_(
                "deadline {deadline} is before the date the finding is added ({on})"
            ).format(deadline=item.deadline, on=on))
        made.append(
            item.to_finding(finding_id(ledger.unit.id, number), Status.OPEN, [Event(date=on, action=Action.ADD, by=by)])
        )
        number += 1
    return made


def apply(
    finding: Finding,
    event: Event,
    chain: tuple[str, ...] | None = None,
    today: date | None = None,
    evidence_required: tuple[str, ...] = (),
) -> Finding:
    """Return ``finding`` with ``event`` appended and its status moved on.

    Raises :class:`WorkflowError` when the step is not allowed from the finding's state
    (the message lists the steps that are), when ``event`` is dated before the finding's
    last event, or when it breaks a sign-off rule of
    :func:`rectify.domain.signoff.event_problems` (``today``: the ledgers' today, default
    the event's date).
    Evidence of the event is added to the finding's list; a file recorded again takes
    its new sha256 there (the event keeps what was submitted then).
    """
    if not finding.history:  # written by hand without events: start its trail here
        started = Event(date=event.date, action=Action.ADD, note="history started by rectify")
        finding = finding.model_copy(update={"history": [started]})
    if event.date < finding.history[-1].date:
        raise WorkflowError(
            _(
                "{value} date {date} is before the finding's last event ({date2})"
            ).format(value=action_name(event.action), date=event.date, date2=finding.history[-1].date)
        )
    try:
        track = replay(finding.history)
    except WorkflowError:
        track = Track(finding.status)
    if track.status is not finding.status:
        track = Track(finding.status)
    if event.action is Action.SUBMIT and not event.chain:
        event = event.model_copy(update={"chain": list(chain or DEFAULT_CHAIN)})
    if event.action is Action.SIGN and not event.role and track.next_role():
        event = event.model_copy(update={"role": track.next_role()})  # the level signed is always recorded
    after = step(track, event, chain)  # the state diagram first: its refusal names the allowed steps
    deadline = deadline_on(finding, None)
    problems = event_problems(track, finding, event, deadline, today or event.date, chain, evidence_required)
    if problems:
        raise WorkflowError(problems[0])
    latest = {e.path: e for e in event.evidence}  # a file recorded again replaces its old digest
    kept = [latest.pop(e.path, e) for e in finding.evidence]
    return finding.model_copy(
        update={
            "status": after.status,
            "history": [*finding.history, event],
            "evidence": [*kept, *latest.values()],
        }
    )


def close(
    finding: Finding,
    by: str,
    approver: str,
    on: date,
    evidence: list[Evidence] | None = None,
    note: str | None = None,
    chain: tuple[str, ...] | None = None,
    today: date | None = None,
) -> Finding:
    """Return ``finding`` closed (销号) on ``on`` with ``approver``'s sign-off (审签): the
    one-step form of submit and sign for an approval chain of one level.

    Appends one ``close`` event (by, approver, note, evidence). Raises
    :class:`WorkflowError` when the approver is missing or is the person closing, when
    the chain has more than one level, when the finding's state does not allow closing,
    or when ``on`` is before its last event.
    """
    event = Event(date=on, action=Action.CLOSE, by=by, approver=approver, note=note, evidence=evidence or [])
    return apply(finding, event, chain, today)


def extend(
    finding: Finding,
    to: date,
    approver: str,
    reason: str,
    on: date,
    by: str | None = None,
    chain: tuple[str, ...] | None = None,
    today: date | None = None,
) -> Finding:
    """Return ``finding`` with its deadline extended to ``to`` (延期) on ``on``.

    The original ``deadline`` is kept; the ``extend`` event holds the new one. Raises
    :class:`WorkflowError` without an approver or a reason, when ``to`` is not after the
    deadline in force, or when the finding is closed.
    """
    if not reason.strip():
        raise WorkflowError(_("an extension needs a reason (--reason)"))
    event = Event(date=on, action=Action.EXTEND, by=by, approver=approver, note=reason, to=to)
    extended = apply(finding, event, chain, today)
    if to <= on:
        raise WorkflowError(_(
            "the new deadline {to} has already passed on the day of the extension ({on})"
        ).format(to=to, on=on))
    return extended


def import_findings(ledger: Ledger, items: list[NewFinding], added_on: date, today: date) -> list[Finding]:
    """Return findings for ``ledger`` from imported rows, numbered on from the ledger,
    each with a history that leads to its status: ``add`` on ``added_on`` (its note the
    sheet's notes when the finding is open), then as the state needs ``start``, a
    ``progress`` note (整改进展, 备注), ``extend`` on the day the sheet says it was approved,
    ``submit``, ``long_term`` or ``close`` (dated the sheet's 销号日期, approved by its 审签人);
    the ``progress`` notes are dated the sheet's 填报时间 when it gives one.
    A deadline phrase (:class:`Due`) is resolved against ``added_on``.

    Nothing is dated by guess: raises :class:`LedgerError` listing every row that is
    already on the ledger (the same 方面 and 问题 as a finding not withdrawn, or as an
    earlier row), closed without a close date, whose close or extension date is not between
    ``added_on`` and ``today`` (or the extension after the close), whose deadline is
    before ``added_on``, which has a close date without being closed, whose sheet's
    填报时间 is not between ``added_on`` and ``today`` or is before its 销号日期 or
    延期, or whose trail breaks a sign-off rule (the 填报时间 named once).

    The sheet's 整改进展 and 备注 are ``progress`` notes dated :func:`noted_on`.
    Raises :class:`UsageError` when ``added_on`` is before the unit's feedback date
    (:func:`added_before_feedback`).
    """
    early = added_before_feedback(added_on, ledger.inspection.feedback_date)
    if early is not None:
        raise UsageError(early)
    number = ledger.next_number()
    made = []
    problems: list[Problem] = []
    known = {(f.aspect, f.title): f.id for f in ledger.findings if f.status is not Status.WITHDRAWN}
    twins: dict[str, list[tuple[NewFinding, str]]] = {}  # rows already on the ledger, by sheet
    for item in items:
        sheet, __, row = item.where.partition("!")

        def problem(message: str, key: str = "", sheet: str = sheet, row: str = row, item: NewFinding = item) -> None:
            cell = dict(item.cells).get(key) or dict(item.cells).get("title", row)  # a cell, not a row alone
            at = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") or row or 0) if key == "reported_on" else int(row or 0)
            problems.append(Problem(sheet, at, _column(cell), message, cell=cell))

        before = len(problems)
        twin = known.get((item.aspect, item.title))
        if twin is not None:  # the same sheet imported again would count every problem twice
            twins.setdefault(sheet, []).append((item, twin))
            continue
        known[(item.aspect, item.title)] = item.where
        deadline = item.due.on(added_on) if item.due is not None else item.deadline
        closed = item.closed_on
        if item.status is Status.CLOSED and closed is None:
            problem(_("closed, but no 销号日期: add a 销号日期 or 完成时间 column, or give --closed-on DATE"), "status")
        elif closed is not None and item.status is Status.CLOSED and not added_on <= closed <= today:
            problem(
                _(
                    "销号日期 {closed} is not between {added_on} (the day put on the ledger; --date) and "
                    "today ({today})"
                ).format(closed=closed, added_on=added_on, today=today),
                "closed_on",
            )
        if deadline is not None and deadline < added_on:
            problem(_(
                "整改时限 {deadline} is before {added_on}, the day put on the ledger (--date)"
            ).format(deadline=deadline, added_on=added_on), "deadline")
        if closed is not None and item.status is not Status.CLOSED:
            problem(
                _(
                    "a 销号日期 ({closed}) on a problem that is {value}; one of the two is wrong"
                ).format(closed=closed, value=state_name(item.status)), "closed_on"
            )
        for ext in item.extensions:
            if not added_on <= ext.on <= today:
                problem(
                    _(
                        "延期 approved on {on}, not between {added_on} (put on the ledger) and today "
                        "({today})"
                    ).format(on=ext.on, added_on=added_on, today=today),
                    "extended_on",
                )
            elif closed is not None and ext.on > closed:
                problem(_(
                    "延期 approved on {on}, after the 销号日期 {closed}"
                ).format(on=ext.on, closed=closed), "extended_on")
        if len(problems) > before:
            continue
        reported = item.reported_on
        if reported is not None:
            if not added_on <= reported <= today:
                problem(
                    _(
                        "填报时间 {reported} is not between {added_on} (the day put on the ledger; --date) and today "
                        "({today})"
                    ).format(reported=reported, added_on=added_on, today=today),
                    "reported_on",
                )
            elif closed is not None and item.status is Status.CLOSED and closed > reported:
                message = _(
                    "销号日期 {closed} is after the sheet's 填报时间 {reported}; one of the two is wrong"
                ).format(closed=closed, reported=reported)
                problem(message, "closed_on")
            elif any(ext.on > reported for ext in item.extensions):
                late = max(ext.on for ext in item.extensions)
                problem(
                    _("延期 approved on {late}, after the sheet's 填报时间 {reported}").format(
                        late=late, reported=reported
                    ),
                    "extended_on",
                )
        if len(problems) > before:
            continue
        notes = "；".join(item.notes) or None
        noted = noted_on(item, added_on)
        history = [
            Event(date=added_on, action=Action.ADD, by=IMPORTER, note=notes if item.status is Status.OPEN else None)
        ]
        if item.status is not Status.OPEN:
            history.append(Event(date=added_on, action=Action.START, by=item.owner))
        said = []  # the sheet's 整改进展 and 备注, dated the day it was filled in
        if item.progress and item.status is not Status.OPEN:
            said.append(Event(date=noted, action=Action.PROGRESS, by=item.owner, note=item.progress))
        if notes and item.status is not Status.OPEN:
            said.append(Event(date=noted, action=Action.PROGRESS, by=item.owner, note=notes))
        counted = item.status is Status.CLOSED or item.accountability.is_empty()
        if not counted:  # the sheet's 三个到位 of a problem not closed: dated like its notes, counted from then
            account = Event(date=noted, action=Action.ACCOUNT, by=item.owner or IMPORTER)
            said.append(account.model_copy(update={"accountability": item.accountability}))
        if item.status is not Status.LONG_TERM:
            history.extend(said)
        for ext in item.extensions:
            extend = Event(date=ext.on, action=Action.EXTEND, by=item.owner, approver=ext.approver, note=ext.reason)
            history.append(extend.model_copy(update={"to": ext.to}))
        history.sort(key=lambda event: event.date)  # stable: an extension before the day of the notes
        last = history[-1].date
        if item.status is Status.SUBMITTED:
            submitter = item.owner or IMPORTER
            history.append(Event(date=last, action=Action.SUBMIT, by=submitter, chain=list(DEFAULT_CHAIN)))
        elif item.status is Status.LONG_TERM:  # long-term as early as the sheet allows; its notes after
            history.append(Event(date=last, action=Action.LONG_TERM, by=item.owner))
            history.extend(said)
        elif item.status is Status.CLOSED and closed is not None:
            closer = item.owner if item.owner and item.owner != item.approver else IMPORTER
            history.append(Event(date=closed, action=Action.CLOSE, by=closer, approver=item.approver))
        finding = item.to_finding(finding_id(ledger.unit.id, number), item.status, history)
        finding = finding.model_copy(update={"deadline": deadline})
        if not counted:  # recorded once, by the account event above
            finding = finding.model_copy(update={"accountability": Accountability()})
        track = Track()
        in_force = deadline
        for event in history:  # the sign-off rules hold for an imported trail too
            for message in event_problems(track, finding, event, in_force, today):
                problem(f"{item.title}: {message}", _KEYS.get(event.action, ""))
            track = step(track, event)
            if event.action is Action.EXTEND and event.to is not None:
                in_force = event.to
        if len(problems) > before:
            continue
        assert track.status is item.status
        made.append(finding)
        number += 1
    for sheet, found in twins.items():  # one line a sheet: the fix is the same for every row
        first, twin = found[0]
        cell = dict(first.cells).get("title", first.where.partition("!")[2])
        line = int(first.where.partition("!")[2] or 0)
        if len(found) == 1:
            message = _(
                "this problem is already on the ledger as {twin} (same 方面 and 问题); import only adds problems: "
                "change one on the ledger with rectify progress, close or edit, or leave its row out"
            ).format(twin=twin)
        else:
            named = listed(f"{dict(i.cells).get('title', '?')} {fid}" for i, fid in found[:10])
            more = _(" and {count} more").format(count=len(found) - 10) if len(found) > 10 else ""
            message = _(
                "{count} problems are already on the ledger, with the same 方面 and 问题 ({listed}{more}): was "
                "this sheet imported before? Import only adds problems: change them on the ledger with rectify "
                "progress, close or edit, or leave their rows out"
            ).format(count=len(found), listed=named, more=more)
        problems.append(Problem(sheet, line, _column(cell), message, cell=cell))
    if problems:  # the sheet's 填报时间 is one cell for all its rows: named once
        raise LedgerError(list(dict.fromkeys(problems)))
    return made


def noted_on(item: NewFinding, added_on: date) -> date:
    """The day an imported finding's 整改进展 and 备注 are dated: its sheet's 填报时间
    (``item.reported_on``), else ``added_on`` (the day put on the ledger); for a finding
    closed before that day, its 销号日期 (a note cannot follow the close). Never a guess:
    each is a day the sheet or the user gave."""
    day = item.reported_on or added_on
    if item.status is Status.CLOSED and item.closed_on is not None and item.closed_on < day:
        return item.closed_on
    return day


_KEYS = {Action.CLOSE: "approver", Action.EXTEND: "extended_to", Action.SUBMIT: "status", Action.LONG_TERM: "status"}
"""The field of a sheet row an imported event comes from, for naming the cell."""


def _column(cell: str) -> int:
    """The 1-based column of a cell reference (``C7`` -> 3); 0 for a row alone."""
    number = 0
    for char in cell:
        if not char.isalpha():
            break
        number = number * 26 + ord(char.upper()) - 64
    return number


IMPORTER = "（导入）"
"""Who an imported step is recorded as done by, when the sheet does not say."""


def edit(
    finding: Finding,
    values: dict[str, str | list[str] | None],
    by: str,
    reason: str,
    on: date,
    today: date | None = None,
) -> Finding:
    """Return ``finding`` with the fields in ``values`` changed (``rectify edit``), and an
    ``edit`` event recording each field's old and new value, who and why.

    Only :data:`~rectify.domain.model.EDITABLE` fields may change: the deadline moves only
    by an approved extension. Raises :class:`UsageError` for another field or when nothing
    would change, :class:`WorkflowError` when the rules refuse the step.
    """
    changes = []
    for name, new in values.items():
        if name not in EDITABLE:
            allowed = listed(EDITABLE)
            raise UsageError(_(
                "{name} cannot be edited ({allowed} can; the deadline moves only by `extend`)"
            ).format(name=name, allowed=allowed))
        old = getattr(finding, name)
        old = (list(old) or None) if isinstance(old, list) else old  # an empty list is written as nothing
        if isinstance(new, list) and not new:
            new = None
        if old != new:
            changes.append(FieldChange(field=name, old=old, new=new))
    if not changes:
        raise UsageError(_("nothing to change: every value given is the finding's already"))
    event = Event(date=on, action=Action.EDIT, by=by, note=reason, changes=changes)
    edited = apply(finding, event, None, today)
    return edited.model_copy(update={c.field: (c.new or []) if c.field == "measures" else c.new for c in changes})


def withdraw(
    finding: Finding,
    by: str,
    approver: str,
    reason: str,
    on: date,
    into: str | None = None,
    today: date | None = None,
) -> Finding:
    """Return ``finding`` withdrawn (撤销; with ``into``, 合并 into that finding) on ``on``:
    it stays in the file with its history and counts in no figure from that day on. Its
    id is never reused. Raises :class:`WorkflowError` when the rules refuse the step."""
    event = Event(date=on, action=Action.WITHDRAW, by=by, approver=approver, note=reason, into=into)
    return apply(finding, event, None, today)


def account(
    finding: Finding,
    counters: Accountability,
    by: str,
    on: date,
    note: str | None = None,
    today: date | None = None,
) -> Finding:
    """Return ``finding`` with an ``account`` event recording the three 到位 counters of
    ``counters`` (people by kind, funds in 元, rules in 项) on ``on``; figures add them from
    that day on. Raises :class:`WorkflowError` when the rules refuse the step."""
    event = Event(date=on, action=Action.ACCOUNT, by=by, note=note, accountability=counters)
    return apply(finding, event, None, today)


def assign_units(
    items: list[NewFinding], unit: str | None, units: list[Unit], create: bool
) -> tuple[dict[str, list[NewFinding]], list[Unit], list[Problem]]:
    """Sort imported findings by unit: all to ``unit`` when given, else each to the unit
    its ``unit`` label names (by id or name, among ``units``). With ``create`` a label no
    unit has gets a new :class:`Unit` (its id from :func:`new_unit_ids`, its name the
    label; labels that differ only as :func:`rectify.domain.people.name_key` ignores, such as
    a full-width space, make one unit). Returns ``(findings by unit id, units to create, problems)``: one problem per
    unknown label, at the row that first names it, when not ``create``."""
    pairs = [(u.id, u.name) for u in units]
    groups: dict[str, list[NewFinding]] = {}
    unknown: dict[str, NewFinding] = {}  # label -> the first row naming it
    spelled: dict[str, str] = {}  # a label's key (name_key) -> the label first met: one new unit per name
    for item in items:
        uid = unit or unit_for(item.unit, pairs)
        label = spelled.setdefault(name_key(item.unit) or item.unit, item.unit)
        if uid is None:
            unknown.setdefault(label, item)
        groups.setdefault(uid if uid is not None else f"?{label}", []).append(item)
    if unknown and not create:
        names = listed(f"{uid} ({name})" for uid, name in pairs) or _("none")
        message = (
            _(
                "no unit named {label!r} (units: {names}); name the unit with --unit ID, start it with "
                "`rectify unit add`, or import with --create-units"
            )
        )
        problems = []
        for label, first in unknown.items():
            sheet, __, row = first.where.partition("!")
            cell = dict(first.cells).get("unit") or dict(first.cells).get("title", row)  # a cell, not a row alone
            text = message.format(label=label, names=names)
            bare = "".join(label.split())
            near = [f"{uid} ({name})" for uid, name in pairs if bare and (bare in name or name in bare)]
            if near:  # 县教育局 for 青山县教育局: said, never taken for it
                text = _(
                    "no unit named {label!r} (units: {names}); did you mean {near}? Name the unit with --unit ID, "
                    "start it with `rectify unit add`, or import with --create-units"
                ).format(label=label, names=names, near=listed(near))
            at = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") or row or 1)
            problems.append(Problem(sheet, at, _column(cell), text, cell=cell))
        return groups, [], problems
    made = []
    for label, uid in new_unit_ids(unknown, [u.id for u in units]).items():
        made.append(Unit(id=uid, name=label))
        groups[uid] = groups.pop(f"?{label}")
    return groups, made, []


def unit_for(label: str, units: Iterable[tuple[str, str]]) -> str | None:
    """Return the id of the unit a sheet names by ``label`` (its id, or its name as
    :func:`rectify.domain.people.name_key` compares names: NFKC, white space of any width,
    format characters and invisible marks ignored, so ``青山县　自然资源局`` is
    青山县自然资源局) among ``units`` (id, name); None when no unit or several match."""
    bare = "".join(label.split())
    key = name_key(label)
    found = {uid for uid, name in units if bare == uid or (key and key == name_key(name))}
    return found.pop() if len(found) == 1 else None


def new_unit_ids(labels: Iterable[str], taken: Iterable[str]) -> dict[str, str]:
    """Return an id for each unit ``label`` to create: the label itself when it is a
    valid id not ``taken`` and a file name Windows can hold (not ``con``), else ``unit-N``
    with the next free N."""
    from rectify.domain.model import UNIT_ID_RE
    from rectify.domain.portable import windows_name_problem

    used = set(taken)
    out: dict[str, str] = {}
    number = 1
    for label in labels:
        if UNIT_ID_RE.match(label) and label not in used and windows_name_problem(f"{label}.yaml") is None:
            chosen = label
        else:
            while f"unit-{number}" in used:
                number += 1
            chosen = f"unit-{number}"
        used.add(chosen)
        out[label] = chosen
    return out


def field_name(name: str) -> str:
    """The name of an editable field (:data:`~rectify.domain.model.EDITABLE`) in the
    language in force, for a sentence: the YAML key in English (``owner``), the term of
    the 整改台账 in Chinese (责任人); any other name as it is."""
    names = {
        "owner": pgettext("field", "owner"),
        "leader": pgettext("field", "leader"),
        "department": pgettext("field", "department"),
        "title": pgettext("field", "title"),
        "detail": pgettext("field", "detail"),
        "measures": pgettext("field", "measures"),
        "aspect": pgettext("field", "aspect"),
        "problem": pgettext("field", "problem"),
        "category": pgettext("field", "category"),
    }
    return names.get(name, name)
