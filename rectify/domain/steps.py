"""Steps a command takes on a finding: add, apply an event, close, extend.

Pure functions: they take models and return new models; the files layer writes them. Every
sign-off rule a step must meet is :func:`rectify.domain.signoff.event_problems`, the same
function ``rectify check`` runs over a whole history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

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
    finding_id,
)
from rectify.domain.signoff import event_problems
from rectify.domain.states import Track, deadline_on, replay, step
from rectify.errors import LedgerError, Problem, UsageError, WorkflowError


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

    def to_finding(self, finding_id: str, status: Status, history: list[Event]) -> Finding:
        """Return the finding with these fields, ``finding_id``, ``status`` and ``history``
        (blank measures left out)."""
        return Finding(
            id=finding_id,
            aspect=self.aspect,
            title=self.title,
            detail=self.detail,
            measures=[m for m in self.measures if m.strip()],
            leader=self.leader,
            department=self.department,
            owner=self.owner,
            deadline=self.deadline,
            status=status,
            history=history,
            problem=self.problem,
            category=self.category,
        )


def add_findings(ledger: Ledger, items: Iterable[NewFinding], on: date, by: str | None = None) -> list[Finding]:
    """Return new findings for ``ledger``, numbered from :meth:`Ledger.next_number` on.

    Each gets status ``open`` and one ``add`` event (挂账) dated ``on``. Raises
    :class:`UsageError` when a deadline is before ``on`` or a text field is blank.
    """
    number = ledger.next_number()
    made: list[Finding] = []
    for item in items:
        if not item.aspect.strip() or not item.title.strip():
            raise UsageError("a finding needs a non-empty aspect and title")
        if item.deadline is not None and item.deadline < on:
            raise UsageError(f"deadline {item.deadline} is before the date the finding is added ({on})")
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
            f"{event.action.value} date {event.date} is before the finding's last event ({finding.history[-1].date})"
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
        raise WorkflowError("an extension needs a reason (--reason)")
    event = Event(date=on, action=Action.EXTEND, by=by, approver=approver, note=reason, to=to)
    extended = apply(finding, event, chain, today)
    if to <= on:
        raise WorkflowError(f"the new deadline {to} has already passed on the day of the extension ({on})")
    return extended


def import_findings(ledger: Ledger, items: list[NewFinding], added_on: date, today: date) -> list[Finding]:
    """Return findings for ``ledger`` from imported rows, numbered on from the ledger,
    each with a history that leads to its status: ``add`` on ``added_on``, then as the
    state needs ``start``, a ``progress`` note, ``submit``, ``long_term`` or ``close``
    (dated the sheet's 销号日期, else ``added_on``, approved by its 审签人).

    Raises :class:`LedgerError` listing every row whose close date is not between
    ``added_on`` and ``today``, whose deadline is before ``added_on``, or which has a
    close date without being closed.
    """
    number = ledger.next_number()
    made = []
    problems: list[Problem] = []
    for item in items:
        sheet, _, row = item.where.partition("!")
        closed = item.closed_on or added_on
        if item.status is Status.CLOSED and not added_on <= closed <= today:
            problems.append(
                Problem(sheet, int(row or 0), 0, f"销号日期 {closed} is not between {added_on} (the day put on the "
                        f"ledger; --date) and today ({today})", cell=row)
            )  # fmt: skip
        if item.deadline is not None and item.deadline < added_on:
            problems.append(
                Problem(sheet, int(row or 0), 0, f"整改时限 {item.deadline} is before {added_on}, the day put on "
                        "the ledger (--date)", cell=row)
            )  # fmt: skip
        if item.closed_on is not None and item.status is not Status.CLOSED:
            problems.append(
                Problem(sheet, int(row or 0), 0, f"a 销号日期 ({item.closed_on}) on a problem that is "
                        f"{item.status.value}; one of the two is wrong", cell=row)
            )  # fmt: skip
        if problems:
            continue
        history = [Event(date=added_on, action=Action.ADD, by=IMPORTER)]
        if item.status is not Status.OPEN:
            history.append(Event(date=added_on, action=Action.START, by=item.owner))
        if item.progress and item.status is not Status.OPEN:
            history.append(Event(date=added_on, action=Action.PROGRESS, by=item.owner, note=item.progress))
        if item.status is Status.SUBMITTED:
            submitter = item.owner or IMPORTER
            history.append(Event(date=added_on, action=Action.SUBMIT, by=submitter, chain=list(DEFAULT_CHAIN)))
        elif item.status is Status.LONG_TERM:
            history.append(Event(date=added_on, action=Action.LONG_TERM, by=item.owner))
        elif item.status is Status.CLOSED:
            closer = item.owner if item.owner and item.owner != item.approver else IMPORTER
            history.append(Event(date=closed, action=Action.CLOSE, by=closer, approver=item.approver))
        finding = item.to_finding(finding_id(ledger.unit.id, number), item.status, history)
        track = Track()
        for event in history:  # the sign-off rules hold for an imported trail too
            for message in event_problems(track, finding, event, item.deadline, today):
                problems.append(Problem(sheet, int(row or 0), 0, f"{item.title}: {message}", cell=row))
            track = step(track, event)
        assert track.status is item.status
        made.append(finding)
        number += 1
    if problems:
        raise LedgerError(problems)
    return made


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
            allowed = ", ".join(EDITABLE)
            raise UsageError(f"{name} cannot be edited ({allowed} can; the deadline moves only by `extend`)")
        old = getattr(finding, name)
        old = (list(old) or None) if isinstance(old, list) else old  # an empty list is written as nothing
        if isinstance(new, list) and not new:
            new = None
        if old != new:
            changes.append(FieldChange(field=name, old=old, new=new))
    if not changes:
        raise UsageError("nothing to change: every value given is the finding's already")
    event = Event(date=on, action=Action.EDIT, by=by, note=reason, changes=changes)
    edited = apply(finding, event, None, today)
    return edited.model_copy(
        update={c.field: (c.new or []) if c.field == "measures" else c.new for c in changes}
    )


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
