"""What a command does to a finding: the state machine, add and close, and "as of" replay.

The states and their moves are DOMAIN.md's "States of a finding". A finding's status on
any date is the result of replaying its events up to that date, so "as of" figures need
no other store. Functions here are pure: they take models and return new models; the
store writes them.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rectify.errors import UsageError, WorkflowError
from rectify.model import Action, Event, Evidence, Finding, Ledger, Status

DEFAULT_TIME_ZONE = "Asia/Shanghai"
"""The ledger's time zone unless configured otherwise (DOMAIN.md, "Dates")."""

_ANY_OPEN = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.SUBMITTED, Status.LONG_TERM})

# action -> (states it is allowed from, resulting state; None keeps the state)
TRANSITIONS: dict[Action, tuple[frozenset[Status | None], Status | None]] = {
    Action.ADD: (frozenset({None}), Status.OPEN),
    Action.START: (frozenset({Status.OPEN}), Status.IN_PROGRESS),
    Action.PROGRESS: (frozenset({Status.OPEN, Status.IN_PROGRESS, Status.LONG_TERM}), None),
    Action.SUBMIT: (
        frozenset({Status.OPEN, Status.IN_PROGRESS, Status.LONG_TERM}),
        Status.SUBMITTED,
    ),
    Action.SIGN: (frozenset({Status.SUBMITTED}), None),
    Action.RETURN: (frozenset({Status.SUBMITTED}), Status.IN_PROGRESS),
    Action.CLOSE: (frozenset(_ANY_OPEN), Status.CLOSED),
    Action.REOPEN: (frozenset({Status.CLOSED}), Status.IN_PROGRESS),
    Action.EXTEND: (frozenset(_ANY_OPEN), None),
    Action.LONG_TERM: (
        frozenset({Status.OPEN, Status.IN_PROGRESS, Status.SUBMITTED}),
        Status.LONG_TERM,
    ),
}


def today(time_zone: str = DEFAULT_TIME_ZONE) -> date:
    """Return today's calendar date in ``time_zone`` (default Asia/Shanghai), not UTC.

    ``RECTIFY_TODAY=YYYY-MM-DD`` in the environment fixes the date (for scripts and tests).
    """
    fixed = os.environ.get("RECTIFY_TODAY")
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise UsageError(f"RECTIFY_TODAY={fixed!r} is not a date written YYYY-MM-DD") from None
    return datetime.now(ZoneInfo(time_zone)).date()


def allowed_actions(status: Status | None) -> list[Action]:
    """Return the actions DOMAIN.md's state diagram allows from ``status`` (None: not yet added)."""
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


def _refuse(status: Status | None, action: Action, why: str = "") -> WorkflowError:
    allowed = ", ".join(a.value for a in allowed_actions(status)) or "none"
    state = status.value if status else "not yet on the ledger"
    reason = f"cannot {action.value} a finding that is {state}" if not why else why
    return WorkflowError(f"{reason}; allowed from {state}: {allowed}")


def next_status(status: Status | None, action: Action) -> Status:
    """Return the state after ``action`` from ``status``, by the state diagram alone.

    Raises :class:`WorkflowError` naming the steps that are allowed from ``status``.
    """
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise _refuse(status, action)
    if target is not None:
        return target
    assert status is not None
    return Status.IN_PROGRESS if status is Status.OPEN and action is Action.PROGRESS else status


def _name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) not in {"Cf", "Cc", "Zs"})


def same_person(a: str, b: str) -> bool:
    """True when two names are the same person's: compared after NFKC normalisation
    (fullwidth letters), ignoring case, all spaces (the ideographic space used to pad
    two-character names too) and invisible characters such as zero-width spaces."""
    return _name_key(a) == _name_key(b)


@dataclass(frozen=True)
class Track:
    """Where a finding stands after some of its events.

    ``status`` (None before ``add``); ``submitter`` of the pending submission; ``chain``,
    the sign-off roles recorded with it; ``signed``, the roles that have signed it so far,
    and ``signers``, who signed them.
    """

    status: Status | None = None
    submitter: str | None = None
    chain: tuple[str, ...] = ()
    signed: tuple[str, ...] = ()
    signers: tuple[str, ...] = ()

    def next_role(self) -> str | None:
        """Return the role whose signature is due next, or None."""
        return self.chain[len(self.signed)] if len(self.signed) < len(self.chain) else None


def step(
    track: Track, event: Event, chain: tuple[str, ...] | None = None, submit_chain: tuple[str, ...] | None = None
) -> Track:
    """Return the track after ``event``. Raises :class:`WorkflowError` when the step is
    not allowed, saying which steps are.

    ``chain`` is the approval chain in force (rectify.yaml) when the step is taken now;
    when given, a one-step ``close`` is refused for a chain of more than one level, and a
    ``submit`` without a recorded chain takes it. Replaying history passes no chain: a
    step is judged by the rules in force when it was taken (a submit records its chain).
    Sign-off rules (issue "sign-off workflow", DOMAIN.md): a signature follows the chain
    in order, each level once, by a different person at each level, never by the
    submitter; the last level's signature closes the finding. ``submit_chain`` is the
    chain a submit written by hand without one is held to (the configured chain).
    """
    status = next_status(track.status, event.action)
    action = event.action
    if action is Action.SUBMIT:
        roles = tuple(event.chain) or chain or submit_chain or ("审签",)
        return Track(status, (event.by or "").strip() or None, roles, ())
    if action is Action.SIGN:
        if not (event.by or "").strip():
            raise WorkflowError("a signature needs the signer's name (by)")
        due = track.next_role()
        role = event.role or due
        if role is None or due is None:
            raise _refuse(track.status, action, "every level of the chain has signed this submission")
        if role in track.signed:
            raise _refuse(track.status, action, f"level {role!r} has already signed this submission")
        if role != track.next_role():
            levels = " -> ".join(track.chain)
            raise _refuse(
                track.status,
                action,
                f"the next signature due is {track.next_role()!r} (chain: {levels}), not {role!r}",
            )
        if track.submitter and event.by and same_person(track.submitter, event.by):
            raise WorkflowError(f"{event.by} submitted this finding and cannot sign it off (审签 is another's check)")
        for level, signer in zip(track.signed, track.signers, strict=True):
            if event.by and same_person(signer, event.by):
                raise WorkflowError(
                    f"{event.by} already signed this submission at level {level!r}; each level needs another person"
                )
        signed = (*track.signed, role)
        done = len(signed) == len(track.chain)
        status = Status.CLOSED if done else status
        return replace(track, status=status, signed=signed, signers=(*track.signers, (event.by or "").strip()))
    if action is Action.CLOSE and chain is not None and len(chain) > 1:
        raise WorkflowError(
            f"the approval chain has {len(chain)} levels ({' -> '.join(chain)}): close is the one-step form "
            "for one level; use submit, then sign at each level"
        )
    if action in (Action.RETURN, Action.REOPEN, Action.CLOSE):
        return Track(status)
    return replace(track, status=status)


def replay(events: Iterable[Event], as_of: date | None = None) -> Track:
    """Return the :class:`Track` that ``events`` (in order) lead to, counting only those
    on or before ``as_of`` (all when None); its status is None when the finding was not
    on the ledger yet. Raises :class:`WorkflowError` at the first step not allowed."""
    track = Track()
    for event in events:
        if as_of is not None and event.date > as_of:
            break
        track = step(track, event)
    return track


def status_on(finding: Finding, as_of: date | None) -> Status | None:
    """Return the finding's status on ``as_of`` (its stored status when None).

    A finding whose history is empty (written by hand without events) counts as being in
    its stored status on every date. None: the finding was added after ``as_of``.
    """
    if as_of is None or not finding.history:
        return finding.status
    try:
        return replay(finding.history, as_of).status
    except WorkflowError:
        return finding.status  # `check` reports the broken history


def closed_on(finding: Finding, as_of: date | None) -> date | None:
    """Return the day the finding was (last) closed, counting events on or before
    ``as_of``; None when it was not closed then (or its history is broken)."""
    track = Track()
    day = None
    try:
        for event in finding.history:
            if as_of is not None and event.date > as_of:
                break
            before = track.status
            track = step(track, event)
            if track.status is Status.CLOSED and before is not Status.CLOSED:
                day = event.date
    except WorkflowError:
        return None
    return day if track.status is Status.CLOSED else None


def deadline_on(finding: Finding, as_of: date | None) -> date | None:
    """Return the deadline in force on ``as_of``: the last approved extension up to that
    date (``extend`` event's ``to``), else the original deadline."""
    deadline = finding.deadline
    for event in finding.history:
        if as_of is not None and event.date > as_of:
            break
        if event.action is Action.EXTEND and event.to is not None:
            deadline = event.to
    return deadline


def is_overdue(finding: Finding, as_of: date) -> bool:
    """True when the finding is not closed on ``as_of`` and ``as_of`` is after the deadline
    in force (DOMAIN.md, 逾期)."""
    status = status_on(finding, as_of)
    if status is None or status is Status.CLOSED:
        return False
    deadline = deadline_on(finding, as_of)
    return deadline is not None and as_of > deadline


@dataclass(frozen=True)
class NewFinding:
    """The fields of a finding to add (everything but id, status and history).

    ``measures`` is a list of text; ``deadline`` a calendar date or None.
    """

    aspect: str
    title: str
    detail: str | None = None
    measures: tuple[str, ...] = ()
    leader: str | None = None
    department: str | None = None
    owner: str | None = None
    deadline: date | None = None

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
            item.to_finding(f"{ledger.unit.id}-{number:03d}", Status.OPEN, [Event(date=on, action=Action.ADD, by=by)])
        )
        number += 1
    return made


def file_sha256(path: Path) -> str | None:
    """Return the sha256 hex digest of the file at ``path``, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def evidence_for(paths: Iterable[Path], root: Path) -> list[Evidence]:
    """Return an :class:`Evidence` (path relative to ``root``, sha256 hex) per file.

    Raises :class:`UsageError` when a file is missing, a folder, unreadable, outside
    ``root``, or a ledger itself. A file given twice is recorded once.
    """
    out: list[Evidence] = []
    for given in paths:
        try:
            path = given.resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise UsageError(f"evidence file {given} cannot be followed: {exc}") from None
        if path.is_dir():
            raise UsageError(f"evidence {given} is a folder; name the files in it")
        if not path.is_file():
            raise UsageError(f"evidence file not found: {given}")
        if path.suffix == ".yaml" and path.parent.name == "ledgers":
            raise UsageError(f"{given} is a ledger, not evidence")
        try:
            relative = path.relative_to(root.resolve())
        except ValueError:
            raise UsageError(f"evidence file {given} is outside the repository ({root}); copy it in first") from None
        digest = file_sha256(path)
        if digest is None:
            raise UsageError(f"cannot read evidence file {given}")
        if all(item.path != relative.as_posix() for item in out):
            out.append(Evidence(path=relative.as_posix(), sha256=digest))
    return out


def apply(finding: Finding, event: Event, chain: tuple[str, ...] | None = None) -> Finding:
    """Return ``finding`` with ``event`` appended and its status moved on.

    Raises :class:`WorkflowError` when the step is not allowed from the finding's state
    (the message lists the steps that are), when ``event`` is dated before the finding's
    last event, or when sign-off would not be a second person's check (the owner, or the
    submitter approving a close; one person asking for and approving an extension).
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
        event = event.model_copy(update={"chain": list(chain or ("审签",))})
    if event.action is Action.SIGN and not event.role and track.next_role():
        event = event.model_copy(update={"role": track.next_role()})  # the level signed is always recorded
    checker = event.by if event.action is Action.SIGN else event.approver if event.action is Action.CLOSE else None
    if checker and finding.owner and same_person(checker, finding.owner):
        raise WorkflowError(f"{checker} is this finding's owner (责任人) and cannot sign it off")
    if event.action is Action.CLOSE and track.submitter and checker and same_person(checker, track.submitter):
        raise WorkflowError(f"{checker} submitted this finding and cannot approve its close (审签 is another's check)")
    if event.action is Action.EXTEND and event.by and event.approver and same_person(event.by, event.approver):
        raise WorkflowError(f"{event.by} asked for the extension and cannot approve it too")
    after = step(track, event, chain)
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
) -> Finding:
    """Return ``finding`` closed (销号) on ``on`` with ``approver``'s sign-off (审签): the
    one-step form of submit and sign for an approval chain of one level.

    Appends one ``close`` event (by, approver, note, evidence). Raises
    :class:`WorkflowError` when the approver is missing or is the person closing, when
    the chain has more than one level, when the finding's state does not allow closing,
    or when ``on`` is before its last event.
    """
    if not by.strip():
        raise WorkflowError("closing needs the name of the person closing (--by)")
    if not approver.strip():
        raise WorkflowError("closing needs a named approver (--approver): 销号 requires 审签")
    if same_person(by, approver):
        raise WorkflowError(
            f"the approver must be someone other than the person closing ({by}); 审签 is a second person's check"
        )
    event = Event(date=on, action=Action.CLOSE, by=by, approver=approver, note=note, evidence=evidence or [])
    return apply(finding, event, chain)


def extend(
    finding: Finding,
    to: date,
    approver: str,
    reason: str,
    on: date,
    by: str | None = None,
    chain: tuple[str, ...] | None = None,
) -> Finding:
    """Return ``finding`` with its deadline extended to ``to`` (延期) on ``on``.

    The original ``deadline`` is kept; the ``extend`` event holds the new one. Raises
    :class:`WorkflowError` without an approver or a reason, when ``to`` is not after the
    deadline in force, or when the finding is closed.
    """
    if not approver.strip():
        raise WorkflowError("an extension needs the approver's name (--approver)")
    if not reason.strip():
        raise WorkflowError("an extension needs a reason (--reason)")
    current = deadline_on(finding, None)
    if current is not None and to <= current:
        raise WorkflowError(f"the new deadline {to} is not after the deadline in force ({current})")
    if to <= on:
        raise WorkflowError(f"the new deadline {to} has already passed on the day of the extension ({on})")
    event = Event(date=on, action=Action.EXTEND, by=by, approver=approver, note=reason, to=to)
    return apply(finding, event, chain)
