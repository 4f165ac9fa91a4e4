"""Which change of a ledger needs which event: the rule ``check`` applies to each commit.

A finding's recorded fields move only by the events that record the move (issue 13):

- the ``deadline`` is the original 整改时限 and never changes; only an approved ``extend``
  event moves the deadline in force (DOMAIN.md, 延期: "the original deadline is kept");
- the ``status`` is what the history leads to (DOMAIN.md, "States of a finding"), so it
  changes only together with the events that lead to the new status (a close, or a submit
  and its sign-off);
- the ``history`` is append-only: an event once recorded is never changed or removed
  (全程可溯), which also keeps the date a finding was closed;
- a finding is never deleted: ``withdraw`` (撤销 / 合并) keeps it and its id.

:func:`hand_edits` compares the versions of a ledger before and after one change (a
commit, or the change not yet committed) and returns what broke these rules. Pure: the
versions are given as models; reading git is :mod:`rectify.files.history`'s job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rectify.domain.model import Action, Event, Finding, Status
from rectify.domain.states import action_name, replay, state_name
from rectify.errors import WorkflowError
from rectify.i18n import _, ngettext

RULES_VERSION = 2
"""The version of these rules: raise it whenever a verdict of :func:`hand_edits` may
change, so verdicts kept from an earlier version are judged again."""

Version = Mapping[str, Finding | None]
"""The findings of one version of a ledger file by id; None for a finding that is there
but cannot be read as a finding (written in a layout rectify no longer reads, say)."""


@dataclass(frozen=True)
class HandEdit:
    """A change that broke one of the module's rules.

    ``finding``: the finding's id; ``field``: ``deadline``, ``status``, ``history`` or
    ``deleted``; ``event``: for ``history``, the 0-based index of the first event changed
    or removed (None otherwise); ``message``: what happened, in plain words, without the
    commit (the caller names it)."""

    finding: str
    field: str
    message: str
    event: int | None = None


def event_key(event: Event) -> str:
    """One event as comparable text: its values as the model reads them, so layout and
    quoting in the file do not count."""
    return json.dumps(event.model_dump(mode="json", exclude_defaults=True), sort_keys=True, ensure_ascii=False)


def _leads_to(finding: Finding) -> Status | None:
    """The status the finding's history leads to (None: no history, or a broken one)."""
    if not finding.history:
        return None
    try:
        return replay(finding.history).status
    except WorkflowError:
        return None


def _describe(event: Event) -> str:
    return _("{action} of {date}").format(action=action_name(event.action), date=event.date)


def _history_change(before: Finding, after: Finding) -> HandEdit | None:
    """The first event of ``before`` changed or removed in ``after`` (append-only)."""
    old = [event_key(e) for e in before.history]
    new = [event_key(e) for e in after.history]
    for index, key in enumerate(old):
        if index >= len(new):
            gone = len(old) - len(new)
            message = ngettext(
                "{count} history event removed (from event {number}, {event}); the history is append-only",
                "{count} history events removed (from event {number}, {event}); the history is append-only",
                gone,
            ).format(count=gone, number=index + 1, event=_describe(before.history[index]))
            return HandEdit(after.id, "history", message, index)
        if new[index] != key:
            message = _("history event {number} ({event}) was changed; the history is append-only").format(
                number=index + 1, event=_describe(before.history[index])
            )
            return HandEdit(after.id, "history", message, index)
    return None


def _merged_history_change(parents: Sequence[Finding], after: Finding) -> HandEdit | None:
    """An event of any parent's version missing from a merge's version."""
    kept = {event_key(e) for e in after.history}
    for before in parents:
        for event in before.history:
            if event_key(event) not in kept:
                message = _(
                    "the merge dropped or changed history event {event}; the history is append-only"
                ).format(event=_describe(event))
                return HandEdit(after.id, "history", message, None)
    return None


def _deadline_change(parents: Sequence[Finding], after: Finding) -> HandEdit | None:
    if any(before.deadline == after.deadline for before in parents):
        return None
    old = parents[0].deadline
    message = _(
        "deadline changed from {old} to {new} without an approved extend event; put back "
        "{old}, or record the approved extension with `rectify extend` (until then the figures "
        "and the overdue list use the date written in the file)"
    ).format(old=old or _("none"), new=after.deadline or _("none"))
    return HandEdit(after.id, "deadline", message)


def _status_change(parents: Sequence[Finding], after: Finding) -> HandEdit | None:
    if any(before.status is after.status for before in parents):
        return None
    if _leads_to(after) is after.status and len(after.history) > min(len(b.history) for b in parents):
        return None
    old = parents[0].status
    needs = {
        Status.CLOSED: _("close, or submit and the sign-off"),
        Status.WITHDRAWN: action_name(Action.WITHDRAW),
        Status.SUBMITTED: action_name(Action.SUBMIT),
        Status.LONG_TERM: action_name(Action.LONG_TERM),
    }.get(after.status)
    if needs is None:
        message = _("status changed from {old} to {new} without the events that lead to it").format(
            old=state_name(old), new=state_name(after.status)
        )
    else:
        message = _("status changed from {old} to {new} without the events that lead to it ({needs})").format(
            old=state_name(old), new=state_name(after.status), needs=needs
        )
    return HandEdit(after.id, "status", message)


def hand_edits(parents: Sequence[Version], after: Version) -> list[HandEdit]:
    """What one change of a ledger file did that no rectify step does.

    ``parents``: the version(s) before the change (one for a plain commit or the change not
    yet committed, several for a merge; an empty mapping for a file that did not exist);
    ``after``: the version the change made (empty for a deleted file). Returns the
    :class:`HandEdit` records in the order of ``parents[0]``'s findings, then the others.

    A merge is judged against every parent, even when it took one side's version of the
    file or of a finding (``git merge -s ours``, a conflict resolved by hand): every
    parent's events must still be there, the deadline must be a parent's, and a status
    no parent had must be the one the history leads to. A finding that any parent had
    and the merge lacks is reported deleted. Findings that cannot be read (None) in a
    version are not judged in it.
    """
    out: list[HandEdit] = []
    merge = len(parents) > 1
    seen: set[str] = set()
    for version in parents:
        for fid in version:
            if fid in seen:
                continue
            seen.add(fid)
            if fid not in after:
                message = _(
                    "finding {id} was deleted by hand; withdraw it instead (rectify withdraw keeps its id and history)"
                ).format(id=fid)
                out.append(HandEdit(fid, "deleted", message))
    for fid, now in after.items():
        if now is None:
            continue
        olds = [p[fid] for p in parents if fid in p]
        if not olds or any(old is None for old in olds):
            continue  # added by this change, or not readable before
        before = [old for old in olds if old is not None]
        if all(old == now for old in before):
            continue  # nothing changed
        history = _merged_history_change(before, now) if merge else _history_change(before[0], now)
        for found in (_deadline_change(before, now), _status_change(before, now), history):
            if found is not None:
                out.append(found)
    return out
