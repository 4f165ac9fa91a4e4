"""What the figures need of a ledger, as small plain records (the cache keeps these).

A :class:`LedgerSummary` holds, for one ledger, its unit, its feedback date, its finding
ids and, per finding, the dated facts of its history: the dates of its events, and for
each number of events counted (the prefix that :func:`rectify.domain.figures.events_by`
gives) the status, the day it was last closed, the deadline in force and whether that
close was on time; the dated 到位 counters, the counters of the close, and the first day
an extension was in force. :func:`summary_counts` computes from it, for any as-of date,
exactly the :class:`~rectify.domain.counts.Counts` that
:func:`rectify.domain.figures.unit_counts` computes from the whole ledger (the tests
compare both on every ledger they have).

The records are tuples of text, integers (dates as ordinals) and booleans: loading them
builds no model, and this module imports none (only :func:`summarize` reads a ledger).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rectify.domain.counts import Counts
from rectify.domain.kinds import Action

if TYPE_CHECKING:
    from rectify.domain.model import Accountability, Finding, Ledger

CLOSED = "closed"
LONG_TERM = "long_term"
WITHDRAWN = "withdrawn"
"""The values of :class:`~rectify.domain.model.Status` the counting tells apart (the same text)."""

Counter = tuple[tuple[tuple[str, int], ...], str, int]
"""The three 到位 counters as plain values: people by kind, funds in yuan (decimal text), rules."""

State = tuple[str | None, int | None, int | None, bool]
"""What :data:`rectify.domain.figures.Facts` holds, dates as ordinals: status (None: not
on the ledger yet), the day last closed, the deadline in force, closed on time."""

FindingFacts = tuple[
    bool,  # has a history
    int | None,  # the date of its first event
    tuple[int, ...],  # the dates of its events, in history order
    tuple[State | None, ...],  # the state with 0, 1, ... n events counted (None: never the case)
    tuple[tuple[int, Counter], ...],  # the dated counters of its ``account`` events
    Counter | None,  # the counters written on the finding, counted once it is closed
    int | None,  # the first day an approved extension was in force
]
"""One finding's record (see the module's text)."""


@dataclass(frozen=True)
class UnitInfo:
    """A unit as tables and the rules across files need it (what
    :class:`~rectify.domain.model.Unit` holds, as plain text)."""

    id: str
    name: str
    parent: str | None
    supervisor: str | None


@dataclass(frozen=True)
class LedgerSummary:
    """What the figures need of one ledger: ``unit``, ``feedback`` (the inspection's
    feedback date as an ordinal, or None), ``ids`` (the finding ids, in order, one text
    joined by newlines) and ``findings`` (one :data:`FindingFacts` per finding, in order)."""

    unit: UnitInfo
    feedback: int | None
    ids: str
    findings: tuple[FindingFacts, ...]

    @property
    def finding_ids(self) -> list[str]:
        """The ids of the findings, in order."""
        return self.ids.split("\n") if self.ids else []


def _counter(part: Accountability) -> Counter:
    return tuple(part.people.items()), str(part.funds_yuan), part.rules


def _empty(counter: Counter) -> bool:
    """True for the counters nobody wrote (adding them changes nothing, not even how
    the sum of the funds is written: ``0`` and ``0.00`` differ there)."""
    return counter == ((), "0", 0)


def _ordinal(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def _state(finding: Finding, as_of: date) -> State:
    from rectify.domain.figures import facts

    status, closed, deadline, on_time = facts(finding, as_of)
    return (None if status is None else status.value, _ordinal(closed), _ordinal(deadline), on_time)


def summarize_finding(finding: Finding, shared: dict[Any, Any] | None = None) -> FindingFacts:
    """The record of one finding (see the module's text). For each number of events ``k``
    an as-of date that counts exactly ``k`` of them is found (the day before the first
    event, or the latest date among the first ``k``) and the finding's facts on that day
    are kept; a ``k`` no date gives (a later event dated before an earlier one) keeps None.
    Equal parts are one object in ``shared`` (the findings of a ledger share most of
    their states: pickled once, loaded once)."""
    same = shared if shared is not None else {}
    history = finding.history
    dates = tuple(event.date.toordinal() for event in history)
    states: list[State | None] = []
    if not history:
        state = _state(finding, date.max)
        states.append(same.setdefault(state, state))
    else:
        for k in range(len(history) + 1):
            if k == 0:
                day = dates[0] - 1 if dates[0] > 1 else None
            else:
                latest = max(dates[:k])
                day = latest if k == len(dates) or dates[k] > latest else None
            made = None if day is None else _state(finding, date.fromordinal(day))
            states.append(same.setdefault(made, made))
    accounts = tuple(
        (event.date.toordinal(), _counter(event.accountability))
        for event in history
        if event.accountability is not None
    )
    closing = _counter(finding.accountability)
    extended = [event.date.toordinal() for event in history if event.action is Action.EXTEND and event.to is not None]
    states_all = tuple(states)
    return (
        bool(history),
        dates[0] if dates else None,
        same.setdefault(dates, dates),
        same.setdefault(states_all, states_all),
        accounts,
        None if _empty(closing) else closing,
        min(extended, default=None),
    )


def summarize(ledger: Ledger) -> LedgerSummary:
    """The :class:`LedgerSummary` of ``ledger``."""
    unit = ledger.unit
    shared: dict[Any, Any] = {}
    return LedgerSummary(
        unit=UnitInfo(unit.id, unit.name, unit.parent, unit.supervisor),
        feedback=_ordinal(ledger.inspection.feedback_date),
        ids="\n".join(finding.id for finding in ledger.findings),
        findings=tuple(summarize_finding(finding, shared) for finding in ledger.findings),
    )


def summary_counts(summary: LedgerSummary, as_of: date) -> Counts:
    """The unit's own figures on ``as_of`` from its record: equal to
    :func:`rectify.domain.figures.unit_counts` of the ledger it was made from (the same
    rules: :func:`~rectify.domain.figures.count` and
    :func:`~rectify.domain.figures.counters_on`)."""
    day = as_of.toordinal()
    feedback = summary.feedback
    counts = Counts()
    people: dict[str, int] = {}
    funds = Decimal("0")
    present = False
    for has_history, first, dates, states, accounts, closing, extended in summary.findings:
        if not has_history and feedback is not None and day < feedback:
            continue  # written by hand without history: on the ledger from the feedback date
        k = len(dates)
        for index, when in enumerate(dates):
            if when > day:
                k = index
                break
        state = states[k] if has_history else states[0]
        if state is None:  # pragma: no cover - a prefix no date gives is never asked for
            raise ValueError("no state for this date")
        status, closed, deadline, on_time = state
        if status is None or status == WITHDRAWN:
            continue
        present = True
        counts.findings += 1
        if status == CLOSED:
            counts.closed += 1
            if closed is not None:
                counts.on_time += on_time
                start = feedback if feedback is not None else (first if first is not None else closed)
                counts.close_days += max(0, closed - start)
        elif status == LONG_TERM:
            counts.long_term += 1
        else:
            counts.in_progress += 1
        if status != CLOSED and extended is not None and extended <= day:
            counts.extended += 1  # extended_on: not closed, an approved extension by then
        if status != CLOSED and deadline is not None and day > deadline:
            counts.overdue += 1
        parts = [counter for when, counter in accounts if when <= day]
        if status == CLOSED and closing is not None:
            parts.append(closing)
        for kinds, amount, rules in parts:
            for kind, number in kinds:
                people[kind] = people.get(kind, 0) + number
            funds += Decimal(amount)
            counts.rules += rules
    counts.people = people
    counts.funds_yuan = funds
    counts.units = frozenset({summary.unit.id}) if present else frozenset()
    return counts
