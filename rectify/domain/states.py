"""The state machine of a finding and "as of" replay (DOMAIN.md, "States of a finding").

A finding's status on any date is the result of replaying its events up to that date, so
"as of" figures need no other store. Pure: models in, models out; no clock, no files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from rectify.domain.model import DEFAULT_CHAIN, Action, Event, Finding, Status
from rectify.domain.people import same_person
from rectify.errors import WorkflowError
from rectify.i18n import _, listed, pgettext

_ANY_OPEN = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.SUBMITTED, Status.LONG_TERM})
_ON_THE_LEDGER = frozenset({*_ANY_OPEN, Status.CLOSED})
"""Every state but withdrawn: a withdrawn finding takes no more steps."""


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
    Action.EDIT: (_ON_THE_LEDGER, None),
    Action.ACCOUNT: (_ON_THE_LEDGER, None),
    Action.WITHDRAW: (_ON_THE_LEDGER, Status.WITHDRAWN),
}


def allowed_actions(status: Status | None) -> list[Action]:
    """Return the actions DOMAIN.md's state diagram allows from ``status`` (None: not yet added)."""
    return [action for action, (sources, __) in TRANSITIONS.items() if status in sources]


def state_name(status: Status) -> str:
    """The name of ``status`` in the language in force, for a sentence: the YAML word in
    English (``closed``), the term DOMAIN.md gives in Chinese (已销号)."""
    names = {
        Status.OPEN: pgettext("state", "open"),
        Status.IN_PROGRESS: pgettext("state", "in_progress"),
        Status.SUBMITTED: pgettext("state", "submitted"),
        Status.CLOSED: pgettext("state", "closed"),
        Status.LONG_TERM: pgettext("state", "long_term"),
        Status.WITHDRAWN: pgettext("state", "withdrawn"),
    }
    return names[status]


def action_name(action: Action) -> str:
    """The name of step ``action`` in the language in force, for a sentence: the command
    in English (``close``), the command with the step's Chinese name in Chinese
    (``close（销号）``), so the user also learns what to type."""
    names = {
        Action.ADD: pgettext("step", "add"),
        Action.START: pgettext("step", "start"),
        Action.PROGRESS: pgettext("step", "progress"),
        Action.SUBMIT: pgettext("step", "submit"),
        Action.SIGN: pgettext("step", "sign"),
        Action.RETURN: pgettext("step", "return"),
        Action.CLOSE: pgettext("step", "close"),
        Action.REOPEN: pgettext("step", "reopen"),
        Action.EXTEND: pgettext("step", "extend"),
        Action.LONG_TERM: pgettext("step", "long-term"),
        Action.EDIT: pgettext("step", "edit"),
        Action.WITHDRAW: pgettext("step", "withdraw"),
        Action.ACCOUNT: pgettext("step", "account"),
    }
    return names[action]


def _refuse(status: Status | None, action: Action, why: str = "") -> WorkflowError:
    allowed = listed(action_name(a) for a in allowed_actions(status)) or _("none")
    state = state_name(status) if status else _("not yet on the ledger")
    reason = (
        _("cannot {value} a finding that is {state}").format(value=action_name(action), state=state) if not why else why
    )
    message = _("{reason}; allowed from {state}: {allowed}")
    return WorkflowError(message.format(reason=reason, state=state, allowed=allowed))


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
    a ``submit`` without a recorded chain takes it (a one-step ``close`` under a longer
    chain is refused by :func:`rectify.domain.signoff.event_problems`). Replaying history passes no chain: a
    step is judged by the rules in force when it was taken (a submit records its chain).
    Sign-off rules (issue "sign-off workflow", DOMAIN.md): a signature follows the chain
    in order, each level once, by a different person at each level, never by the
    submitter; the last level's signature closes the finding. ``submit_chain`` is the
    chain a submit written by hand without one is held to (the configured chain).
    """
    status = next_status(track.status, event.action)
    action = event.action
    if action is Action.SUBMIT:
        roles = tuple(event.chain) or chain or submit_chain or DEFAULT_CHAIN
        return Track(status, (event.by or "").strip() or None, roles, ())
    if action is Action.SIGN:
        due = track.next_role()
        role = event.role or due
        if role is None or due is None:
            raise _refuse(track.status, action, _("every level of the chain has signed this submission"))
        if role in track.signed:
            why = _("level {role!r} has already signed this submission").format(role=role)
            raise _refuse(track.status, action, why)
        if role != track.next_role():
            levels = " -> ".join(track.chain)
            raise _refuse(
                track.status,
                action,
                _("the next signature due is {due!r} (chain: {levels}), not {role!r}").format(
                    due=track.next_role(), levels=levels, role=role
                ),
            )
        if track.submitter and event.by and same_person(track.submitter, event.by):
            raise WorkflowError(_(
                "{by} submitted this finding and cannot sign it off (审签 is another's check)"
            ).format(by=event.by))
        for level, signer in zip(track.signed, track.signers, strict=True):
            if event.by and same_person(signer, event.by):
                raise WorkflowError(
                    _(
                        "{by} already signed this submission at level {level!r}; each level needs "
                        "another person"
                    ).format(by=event.by, level=level)
                )
        signed = (*track.signed, role)
        done = len(signed) == len(track.chain)
        status = Status.CLOSED if done else status
        return replace(track, status=status, signed=signed, signers=(*track.signers, (event.by or "").strip()))
    if action in (Action.RETURN, Action.REOPEN, Action.CLOSE, Action.WITHDRAW):
        return _PLAIN_TRACKS[status]
    if status is track.status:
        return track  # frozen: the same track serves (most steps of a long history)
    if track.submitter is None and not (track.chain or track.signed or track.signers):
        return _PLAIN_TRACKS[status]
    return Track(status, track.submitter, track.chain, track.signed, track.signers)


_PLAIN_TRACKS = {status: Track(status) for status in Status}
"""A track of each state with nothing pending (no submission, no signature): frozen, so
one of each serves every history (making one is the most of a plain step's cost)."""


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


def listed_on(finding: Finding, as_of: date | None) -> bool:
    """True when the finding is one of the unit's problems on ``as_of``: on the ledger by
    then and not withdrawn (撤销, 合并 into another: it counts in no figure, so the printed
    整改销号表 and the 通报 leave it out too, and their lists add up to the figures)."""
    status = status_on(finding, as_of)
    return status is not None and status is not Status.WITHDRAWN


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


def status_and_close(finding: Finding, as_of: date) -> tuple[Status | None, date | None]:
    """:func:`status_on` and :func:`closed_on` of ``finding`` on ``as_of`` from one replay
    of its history (the figures ask for both of every finding)."""
    if not finding.history:
        return finding.status, None
    if not any(event.action is Action.SIGN for event in finding.history):
        return _status_and_close_plain(finding, as_of)
    track = Track()
    day = None
    try:
        for event in finding.history:
            if event.date > as_of:
                break
            before = track.status
            track = step(track, event)
            if track.status is Status.CLOSED and before is not Status.CLOSED:
                day = event.date
    except WorkflowError:
        return finding.status, None  # `check` reports the broken history
    return track.status, day if track.status is Status.CLOSED else None


def _status_and_close_plain(finding: Finding, as_of: date) -> tuple[Status | None, date | None]:
    """:func:`status_and_close` of a history without ``sign`` events, by the state diagram
    alone (:func:`next_status`): without a signature a :class:`Track`'s status is exactly
    that (:func:`step` only adds what a signature needs), so no track is made per event."""
    status: Status | None = None
    day = None
    try:
        for event in finding.history:
            if event.date > as_of:
                break
            before = status
            status = next_status(status, event.action)
            if status is Status.CLOSED and before is not Status.CLOSED:
                day = event.date
    except WorkflowError:
        return finding.status, None  # `check` reports the broken history
    return status, day if status is Status.CLOSED else None


def close_and_deadlines(finding: Finding, as_of: date) -> tuple[Status | None, date | None, date | None, date | None]:
    """:func:`status_and_close` of ``finding`` on ``as_of``, then :func:`deadline_on` on
    the day it was closed (None when not closed) and on ``as_of``: what the figures ask of
    every finding, from one walk of its history where one suffices (no ``sign`` event, no
    broken step; no extension either, or the deadline on the close day takes a walk of its
    own). The same answers as the three functions asked one by one, which tests compare on
    generated histories."""
    status: Status | None = None
    day = None
    deadline = finding.deadline
    extended = False
    if finding.history:
        try:
            for event in finding.history:
                if event.date > as_of:
                    break
                action = event.action
                if action is Action.SIGN:
                    return _close_and_deadlines_apart(finding, as_of)
                before = status
                status = next_status(status, action)
                if status is Status.CLOSED and before is not Status.CLOSED:
                    day = event.date
                if action is Action.EXTEND and event.to is not None:
                    deadline, extended = event.to, True
        except WorkflowError:
            return _close_and_deadlines_apart(finding, as_of)
        closed = day if status is Status.CLOSED else None
    else:
        status, closed = finding.status, None
    if closed is None:
        return status, None, None, deadline
    return status, closed, deadline_on(finding, closed) if extended else finding.deadline, deadline


def _close_and_deadlines_apart(
    finding: Finding, as_of: date
) -> tuple[Status | None, date | None, date | None, date | None]:
    """:func:`close_and_deadlines` by the three functions asked one by one."""
    status, closed = status_and_close(finding, as_of)
    return status, closed, deadline_on(finding, closed) if closed is not None else None, deadline_on(finding, as_of)


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
    if status is None or status is Status.CLOSED or status is Status.WITHDRAWN:
        return False
    deadline = deadline_on(finding, as_of)
    return deadline is not None and as_of > deadline


def days_overdue(finding: Finding, as_of: date) -> int:
    """How many days ``finding`` is overdue on ``as_of`` (calendar days after the deadline
    in force; DOMAIN.md, 逾期), 0 when it is not overdue (:func:`is_overdue`)."""
    if not is_overdue(finding, as_of):
        return 0
    deadline = deadline_on(finding, as_of)
    assert deadline is not None  # is_overdue holds only with a deadline
    return (as_of - deadline).days


def last_return(finding: Finding, as_of: date | None = None) -> Event | None:
    """Return the last ``return`` event (退回, with the reviewer's opinion in ``note``) of
    ``finding`` dated on or before ``as_of`` (None: any date), or None when it was never
    sent back. Events are in date order in the history (``check`` enforces it); the last
    one written wins on the same date."""
    found = None
    for event in finding.history:
        if as_of is not None and event.date > as_of:
            break
        if event.action is Action.RETURN:
            found = event
    return found
