"""The sign-off rules every recorded step must meet (销号审签, DOMAIN.md).

One home for them: :func:`rectify.domain.steps.apply` refuses a step that breaks one,
and ``rectify check`` (:func:`rectify.domain.rules.rule_history`) reports every event of a
history that breaks one, so a step written into a ledger by hand is held to the same
rules as one a command records. The order of states is :mod:`rectify.domain.states`'s.
"""

from __future__ import annotations

from datetime import date

from rectify.domain.model import Action, Event, Finding
from rectify.domain.people import NameFault, name_fault, same_person
from rectify.domain.states import Track, action_name
from rectify.i18n import _


def event_problems(
    track: Track,
    finding: Finding,
    event: Event,
    deadline: date | None,
    today: date,
    chain: tuple[str, ...] | None = None,
    evidence_required: tuple[str, ...] = (),
) -> list[str]:
    """Return what is wrong with recording ``event`` on ``finding`` (plain-word messages,
    empty when nothing is).

    ``track`` is where the finding stands before the event, ``deadline`` the deadline in
    force then, ``today`` the ledgers' today (no event may come after it). ``chain`` is
    the approval chain in force (rectify.yaml): with more than one level a one-step
    ``close`` is refused and a ``submit`` must record at least as many levels.
    ``evidence_required`` names the steps that must carry evidence (rectify.yaml).

    The rules: a step names who took it (submit, sign, close) and an approver where one
    is needed (close, extend); every name names someone (:func:`names_someone`) and
    mixes no look-alike scripts; the person closing, the submitter and the owner (责任人)
    never approve or sign; the owner approves neither an extension nor a withdrawal of
    their own finding, and neither the owner nor the submitter returns it (退回 is a
    reviewer's opinion); an extension is not approved by the person asking for it and
    moves the deadline in force later. (DOMAIN.md: 延期 is *approved*, 退回 is the
    reviewer's, 审签 a second person's check.)
    """
    action = event.action
    if action in _NAMES_ONLY and not evidence_required and event.date <= today:  # most events: nothing to say
        by, approver = event.by, event.approver
        if (by is None or name_fault(by) is None) and (approver is None or name_fault(approver) is None):
            return []
    out: list[str] = []
    if evidence_required and action.value in evidence_required and not event.evidence:
        out.append(_(
            "a {value} needs evidence (佐证材料): rectify.yaml's evidence_required says so"
        ).format(value=action_name(action)))
    if event.date > today:
        out.append(_("dated {date}, after today ({today})").format(date=event.date, today=today))
    for field, value in _names_given(event):
        fault = name_fault(value)
        if fault is NameFault.NOBODY:
            out.append(_("'{field}' must name a person (it has no visible letter or digit)").format(field=field))
        elif fault is NameFault.CONTROLS:
            out.append(_(
                "'{field}' holds a control character or a direction mark; write the name plainly"
            ).format(field=field))
        elif fault is NameFault.MIXED:
            out.append(_(
                "'{field}' {value!r} mixes letters of different scripts (a look-alike letter?)"
            ).format(field=field, value=value))
    if action in _NAMES_ONLY:
        return out  # the rules below concern other steps (most events of a ledger are these)
    by, approver = (event.by or "").strip(), (event.approver or "").strip()
    if action in (Action.SUBMIT, Action.SIGN, Action.CLOSE, Action.WITHDRAW, Action.EDIT, Action.ACCOUNT) and not by:
        what = _("who closed the finding") if action is Action.CLOSE else _("who did it")
        out.append(_("a {value} event needs 'by': {what}").format(value=action_name(action), what=what))
    if action is Action.CLOSE:
        if not approver:
            out.append(_("a close event needs 'approver': 销号 requires 审签"))
        elif by and same_person(by, approver):
            out.append(_("the approver ({approver}) is the person who closed it").format(approver=approver))
        if chain is not None and len(chain) > 1:
            out.append(
                _(
                    "the approval chain has {count} levels ({chain}): close is the one-step form for one "
                    "level; use submit, then sign at each level"
                ).format(count=len(chain), chain=' -> '.join(chain))
            )
    if action is Action.SUBMIT and chain is not None and event.chain and len(event.chain) < len(chain):
        out.append(_(
            "the submission records the chain {chain}, shorter than {chain2}"
        ).format(chain=' -> '.join(event.chain), chain2=' -> '.join(chain)))
    checker = by if action is Action.SIGN else approver if action is Action.CLOSE else ""
    if checker and finding.owner and same_person(checker, finding.owner):
        out.append(_("{checker} is this finding's owner (责任人) and cannot sign it off").format(checker=checker))
    if action is Action.CLOSE and checker and track.submitter and same_person(checker, track.submitter):
        out.append(_(
            "{checker} submitted this finding and cannot approve its close (审签 is another's check)"
        ).format(checker=checker))
    owner = finding.owner or ""
    if action in (Action.EXTEND, Action.WITHDRAW) and approver and owner and same_person(approver, owner):
        out.append(_(
            "{approver} is this finding's owner (责任人) and cannot approve its {step}"
        ).format(approver=approver, step=action_name(action)))
    if action is Action.RETURN and by:
        if owner and same_person(by, owner):
            out.append(_(
                "{by} is this finding's owner (责任人) and cannot return it (退回 is a reviewer's)"
            ).format(by=by))
        elif track.submitter and same_person(by, track.submitter):
            out.append(_("{by} submitted this finding and cannot return it (退回 is a reviewer's)").format(by=by))
    if action is Action.WITHDRAW:
        if not approver:
            out.append(_("a withdraw event needs 'approver': 撤销 is approved by another person"))
        elif by and same_person(by, approver):
            out.append(_("{by} asked for the withdrawal and cannot approve it too").format(by=by))
        if not (event.note or "").strip():
            out.append(_("a withdraw event needs 'note': the reason"))
        if event.into == finding.id:
            out.append(_("a finding cannot be merged into itself"))
    if action is Action.EDIT:
        if not event.changes:
            out.append(_("an edit event needs 'changes': the fields it changed"))
        if not (event.note or "").strip():
            out.append(_("an edit event needs 'note': the reason"))
    if action is Action.ACCOUNT and (event.accountability is None or event.accountability.is_empty()):
        out.append(_("an account event needs 'accountability': people, funds or rules"))
    if action is Action.EXTEND:
        if not approver:
            out.append(_("an extension needs 'approver': who approved it"))
        elif by and same_person(by, approver):
            out.append(_("{by} asked for the extension and cannot approve it too").format(by=by))
        if event.to is None:
            out.append(_("an extension needs 'to': the new deadline"))
        elif deadline is not None and event.to <= deadline:
            out.append(_(
                "the new deadline {to} is not after the deadline in force ({deadline})"
            ).format(to=event.to, deadline=deadline))
    return out


_NAMES_ONLY = frozenset({Action.ADD, Action.START, Action.PROGRESS, Action.REOPEN, Action.LONG_TERM})
"""Steps that only the rules every event meets apply to (evidence asked for, the date,
the names given): none of them needs a ``by``, an approver or a second person's check."""


def _names_given(event: Event) -> list[tuple[str, str]]:
    """The names ``event`` gives, by field (``by``, then ``approver``)."""
    by, approver = event.by, event.approver
    if approver is None:
        return [] if by is None else [("by", by)]
    return [("approver", approver)] if by is None else [("by", by), ("approver", approver)]
