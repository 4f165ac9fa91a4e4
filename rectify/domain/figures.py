"""Numbers from findings: counts, the completion rate (整改完成率), rollups. Pure functions.

Nothing here reads a file or prints. The rate rule is DOMAIN.md's "The completion rate":
closed findings over all findings of the row, from integer counts, rounded half-up
(四舍五入), and never 100% while anything is open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rectify.domain.counts import (  # the figures' plain counts live there; named here as ever
    Counts as Counts,
)
from rectify.domain.counts import (
    Row as Row,
)
from rectify.domain.counts import (
    UnitLike as UnitLike,
)
from rectify.domain.counts import (
    completion_rate as completion_rate,
)
from rectify.domain.counts import (
    rate_text as rate_text,
)
from rectify.domain.counts import (
    unit_rows_of as unit_rows_of,
)
from rectify.domain.counts import (
    within_units as within_units,
)
from rectify.domain.model import Accountability, Action, Event, Finding, Ledger, Status, Unit
from rectify.domain.states import close_and_deadlines, deadline_on, is_overdue, status_on
from rectify.domain.titles import title_key
from rectify.errors import UsageError
from rectify.i18n import one_of


def _items(ledger: Ledger) -> list[tuple[Ledger, Finding]]:
    return [(ledger, finding) for finding in ledger.findings]


def state_on(ledger: Ledger, finding: Finding, as_of: date, withdrawn: bool = False) -> Status | None:
    """The finding's status on ``as_of`` (see :func:`rectify.domain.states.status_on`); a
    finding written by hand without history is on the ledger from the inspection's
    feedback date. A withdrawn finding (撤销, 合并) counts in no figure: None, unless
    ``withdrawn`` asks for it."""
    if not finding.history and ledger.inspection.feedback_date and as_of < ledger.inspection.feedback_date:
        return None
    status = status_on(finding, as_of)
    return None if status is Status.WITHDRAWN and not withdrawn else status


def counters_on(finding: Finding, status: Status | None, as_of: date) -> Accountability:
    """The three 到位 counters of ``finding`` on ``as_of``: those of its dated ``account``
    events up to that day, plus the undated ``accountability`` written on the finding,
    which counts as a result of the close (from the day it was closed)."""
    people: dict[str, int] = {}
    funds, rules = Decimal("0"), 0
    for part in _counter_parts(finding, status, as_of):
        for kind, number in part.people.items():
            people[kind] = people.get(kind, 0) + number
        funds += part.funds_yuan
        rules += part.rules
    # sums of counters validated when the ledger was read: not validated again for each finding
    return Accountability.model_construct(people=people, funds_yuan=funds, rules=rules)


def _counter_parts(finding: Finding, status: Status | None, as_of: date) -> list[Accountability]:
    """The counters :func:`counters_on` adds up: the ``account`` events' up to ``as_of``,
    and the finding's own when it is closed."""
    parts = [e.accountability for e in finding.history if e.accountability is not None and e.date <= as_of]
    if status is Status.CLOSED:
        parts.append(finding.accountability)
    return parts


def extended_on(finding: Finding, status: Status | None, as_of: date) -> bool:
    """True when ``finding`` is not closed on ``as_of`` and its deadline in force then is an
    approved extension's (延期)."""
    if status in (None, Status.CLOSED, Status.WITHDRAWN):
        return False
    return any(e.action is Action.EXTEND and e.to is not None and e.date <= as_of for e in finding.history)


Facts = tuple[Status | None, date | None, date | None, bool]
"""What :func:`count` needs of one finding on one date: its status (None: not on the
ledger yet), the day it was last closed (when closed), the deadline in force, and
whether its close was on time (closed on or before the deadline in force then)."""


def facts(finding: Finding, as_of: date) -> Facts:
    """The :data:`Facts` of ``finding`` on ``as_of``, from its events up to that date.
    They depend only on how many of its events came by then (:func:`events_by`)."""
    status, closed, at_close, deadline = close_and_deadlines(finding, as_of)
    on_time = closed is not None and (at_close is None or closed <= at_close)
    return status, closed, deadline, on_time


def events_by(finding: Finding, as_of: date) -> int:
    """How many of the finding's events count on ``as_of``: those before the first dated
    after it (the prefix that :func:`status_on`, :func:`closed_on` and :func:`deadline_on` read)."""
    for index, event in enumerate(finding.history):
        if event.date > as_of:
            return index
    return len(finding.history)


def count(
    items: Iterable[tuple[Ledger, Finding]], as_of: date, known: Callable[[Finding, date], Facts] = facts
) -> Counts:
    """Count findings (each with its ledger) by their state on ``as_of``; findings added
    later, and withdrawn ones, are left out. The three 到位 counters (people, funds, rules)
    are those of :func:`counters_on`.
    Days to close run from the inspection's feedback date (else the day the finding was
    put on the ledger) to the day it was last closed. ``known`` gives a finding's
    :data:`Facts` (a trend passes one that remembers them across its dates)."""
    counts = Counts()
    people: dict[str, int] = {}
    units: set[str] = set()
    for ledger, finding in items:
        feedback = ledger.inspection.feedback_date
        if not finding.history and feedback and as_of < feedback:
            continue  # written by hand without history: on the ledger from the feedback date
        status, closed, deadline, on_time = known(finding, as_of)
        if status is None or status is Status.WITHDRAWN:
            continue
        units.add(ledger.unit.id)
        counts.findings += 1
        if status is Status.CLOSED:
            counts.closed += 1
            if closed is not None:
                counts.on_time += on_time
                start = feedback or (finding.history[0].date if finding.history else closed)
                counts.close_days += max(0, (closed - start).days)
        elif status is Status.LONG_TERM:
            counts.long_term += 1
        else:
            counts.in_progress += 1
        if status is not Status.CLOSED and deadline is not None and as_of > deadline:
            counts.overdue += 1  # is_overdue: not closed and past the deadline in force
        if extended_on(finding, status, as_of):
            counts.extended += 1
        for part in _counter_parts(finding, status, as_of):  # counters_on, without a model per finding
            for kind, number in part.people.items():
                people[kind] = people.get(kind, 0) + number
            counts.funds_yuan += part.funds_yuan
            counts.rules += part.rules
    counts.people = people
    counts.units = frozenset(units)
    return counts


def _own_counts(ledger: Ledger, as_of: date) -> Counts:
    """:func:`count` of one ledger's findings on ``as_of``."""
    return count(_items(ledger), as_of)


def unit_rows(ledgers: list[Ledger], as_of: date, tree: bool = False) -> tuple[list[Row], Counts]:
    """Return one row per unit and the total (合计) of all units.

    Flat (``tree=False``): units in file order, each with its own findings. Tree: a
    parent's row is rolled up over its descendants (its own findings plus theirs), then
    come its own findings alone (本级) and its children, indented; the total is the same
    either way, each finding counted once.
    """
    return unit_rows_of([(ledger.unit, _own_counts(ledger, as_of)) for ledger in ledgers], tree)


def unit_counts(ledger: Ledger, as_of: date) -> tuple[Unit, Counts]:
    """One unit's own figures on ``as_of``: all :func:`unit_rows_of` needs of its ledger
    (a read over many units keeps this, not the ledger)."""
    return ledger.unit, _own_counts(ledger, as_of)


def within(ledgers: list[Ledger], root: str) -> list[Ledger]:
    """The ledgers of unit ``root`` and every unit below it (by ``parent``), in file order."""
    keep = set(within_units([ledger.unit for ledger in ledgers], root))
    return [ledger for ledger in ledgers if ledger.unit.id in keep]


GROUPS = ("unit", "aspect", "problem", "title", "category", "supervisor", "department", "owner", "round")
"""What ``status --by`` groups findings by."""
GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "unit": ("单位",), "aspect": ("方面",), "problem": ("所属问题",), "title": ("问题", "问题标题"),
    "category": ("类别",), "supervisor": ("督导组",), "department": ("责任部门", "部门"), "owner": ("责任人",),
    "round": ("巡察轮次", "轮次"),
}
"""Each of :data:`GROUPS` and the Chinese words that also name it (the first as shown)."""


def group_of(by: str) -> str:
    """The grouping ``status --by`` asked for (``by``, English or Chinese: ``督导组``), one
    of :data:`GROUPS`. Raises :class:`~rectify.errors.UsageError` listing them."""
    try:
        return one_of("--by", by, {name: GROUP_WORDS.get(name, ()) for name in GROUPS})
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _key(by: str, ledger: Ledger, finding: Finding) -> str | None:
    if by == "aspect":
        return finding.aspect
    if by == "title":
        return finding.title
    if by == "supervisor":
        return ledger.unit.supervisor
    if by in ("department", "owner", "problem", "category"):
        value: str | None = getattr(finding, by)
        return value
    if by == "round":
        return ledger.inspection.round
    raise ValueError(f"cannot group by {by!r}")


def group_rows(ledgers: Iterable[Ledger], as_of: date, by: str) -> tuple[list[Row], Counts]:
    """Return one row per value of ``by`` (aspect, title, supervisor, department, owner or
    round) across ``ledgers``, and the total. Findings without a value form one row with
    an empty key. Rows are ordered by the number of units they occur in, then by
    findings (the high-frequency view, 高频问题, comes first), then by first appearance."""
    groups: dict[str | None, list[tuple[Ledger, Finding]]] = {}
    everything: list[tuple[Ledger, Finding]] = []
    for ledger in ledgers:
        for item in _items(ledger):
            key = _key(by, *item)
            key = " ".join(key.split()) if key else key  # spaces typed around a name are the same name
            groups.setdefault(key, []).append(item)
            everything.append(item)
    rows = [Row(key or "", key or "", count(items, as_of), part="group") for key, items in groups.items()]
    rows = [row for row in rows if row.counts.findings]
    rows.sort(key=lambda row: (-len(row.counts.units), -row.counts.findings))
    return rows, count(everything, as_of)


def aspect_rows(ledger: Ledger, as_of: date) -> tuple[list[Row], Counts]:
    """Return one row per aspect (方面) of one unit, in order of first appearance, and the
    unit's total. An aspect none of whose findings counts on ``as_of`` (all withdrawn, or
    none on the ledger yet) has no row: the rows add up to the total."""
    groups: dict[str, list[tuple[Ledger, Finding]]] = {}
    for item in _items(ledger):
        groups.setdefault(item[1].aspect, []).append(item)
    rows = [Row(aspect, aspect, count(items, as_of), part="group") for aspect, items in groups.items()]
    return [row for row in rows if row.counts.findings], count(_items(ledger), as_of)


@dataclass(frozen=True)
class FindingState:
    """A finding as it stood on one date: its ``status``, the ``deadline`` in force
    (extensions applied) and whether it was ``overdue``."""

    finding: Finding
    status: Status
    deadline: date | None
    overdue: bool
    unit: str = ""


def finding_states(
    ledgers: Iterable[Ledger],
    as_of: date,
    *,
    status: Status | None = None,
    aspect: str | None = None,
    overdue: bool = False,
    owner: str | None = None,
    department: str | None = None,
    title: str | None = None,
    withdrawn: bool = False,
) -> list[FindingState]:
    """Return the findings of ``ledgers`` as they stood on ``as_of``, in file order,
    keeping only those with ``status``, whose aspect, owner and department contain the
    given text, whose title contains ``title`` once punctuation, spaces and numbering are
    ignored (:func:`rectify.domain.titles.title_key`), and (with ``overdue=True``)
    overdue ones. Findings added after ``as_of`` are left out, and withdrawn ones unless
    ``withdrawn`` (then only those are kept)."""
    wanted = title_key(title) if title is not None else None
    out = []
    for ledger in ledgers:
        for finding in ledger.findings:
            state = state_on(ledger, finding, as_of, withdrawn=withdrawn)
            if state is None or (status is not None and state is not status):
                continue
            if withdrawn != (state is Status.WITHDRAWN):
                continue
            if aspect is not None and aspect not in finding.aspect:
                continue
            if owner is not None and owner not in (finding.owner or ""):
                continue
            if department is not None and department not in (finding.department or ""):
                continue
            if wanted is not None and wanted not in title_key(finding.title):
                continue
            late = is_overdue(finding, as_of)
            if overdue and not late:
                continue
            out.append(FindingState(finding, state, deadline_on(finding, as_of), late, ledger.unit.id))
    return out


def not_closed(ledgers: Iterable[Ledger], as_of: date) -> list[FindingState]:
    """Return the findings of ``ledgers`` not closed on ``as_of`` (未完成: open, in
    progress, submitted or long-term; withdrawn ones and those added later left out),
    each a :class:`FindingState` with the deadline in force and whether it was overdue;
    the earliest deadline in force first (so the longest overdue lead), those without a
    deadline last, then by id. Closed is :func:`state_on`'s rule (DOMAIN.md, 销号)."""
    states = [state for state in finding_states(ledgers, as_of) if state.status is not Status.CLOSED]
    states.sort(key=lambda s: (s.deadline is None, s.deadline or as_of, s.finding.id))
    return states


SEARCHED = ("title", "detail", "measures", "owner", "department", "note")
"""The fields :func:`search` looks in, in the order a hit names them: ``note`` is an
event's note (a progress note, a reviewer's opinion, a reason)."""


@dataclass(frozen=True)
class Match:
    """Where a search text was found: the ``field`` (one of :data:`SEARCHED`, or ``id``),
    the ``text`` of that field (one measure, one note) and, for ``note``, its ``event``."""

    field: str
    text: str
    event: Event | None = None


@dataclass(frozen=True)
class Hit:
    """One finding a search found, as it stood on the as-of date, and every place in it
    the text was found (at least one)."""

    state: FindingState
    matches: tuple[Match, ...]


def _matches(finding: Finding, wanted: str, raw: str, as_of: date) -> list[Match]:
    found = []
    if raw and raw in finding.id.casefold():
        found.append(Match("id", finding.id))
    texts: list[tuple[str, str | None, Event | None]] = [
        ("title", finding.title, None),
        ("detail", finding.detail, None),
    ]
    texts += [("measures", measure, None) for measure in finding.measures]
    texts += [("owner", finding.owner, None), ("department", finding.department, None)]
    texts += [("note", event.note, event) for event in finding.history if event.date <= as_of]
    for name, text, event in texts:
        if text and wanted in title_key(text):
            found.append(Match(name, text, event))
    return found


def search(ledgers: Iterable[Ledger], as_of: date, text: str) -> list[Hit]:
    """Return the findings of ``ledgers`` (as :func:`finding_states` gives them on
    ``as_of``, in file order) where ``text`` is found in the id, the title, the detail, a
    measure, the owner, the department or the note of an event dated on or before
    ``as_of``, each with the places it was found. Texts are compared as ``list --title``
    compares titles (:func:`rectify.domain.titles.title_key`: NFKC, case folded,
    punctuation, spaces and leading numbering ignored); a text that is nothing but
    punctuation finds nothing."""
    wanted = title_key(text)
    raw = text.strip().casefold()
    if not wanted:
        return []
    out = []
    for ledger in ledgers:
        found = {f.id: m for f in ledger.findings if (m := _matches(f, wanted, raw, as_of))}
        if found:  # the states of the findings found only (replaying every one costs more)
            kept = ledger.model_copy(update={"findings": [f for f in ledger.findings if f.id in found]})
            out += [Hit(state, tuple(found[state.finding.id])) for state in finding_states([kept], as_of)]
    return out


@dataclass(frozen=True)
class Late:
    """One overdue or soon-due finding: ``days`` past the deadline in force (negative:
    days left), with its unit."""

    finding: Finding
    unit: Unit
    status: Status
    deadline: date
    days: int


def overdue(ledgers: Iterable[Ledger], as_of: date, within: int = 0, owner: str | None = None) -> list[Late]:
    """Return the findings overdue on ``as_of`` and, with ``within`` > 0, those not closed
    whose deadline in force falls within that many days; most overdue first. Long-term
    findings count too (DOMAIN.md, 逾期: not closed and past the deadline). ``owner``
    keeps those whose owner (责任人) contains that text."""
    out = []
    for ledger in ledgers:
        for finding in ledger.findings:
            if owner is not None and owner not in (finding.owner or ""):
                continue
            status = state_on(ledger, finding, as_of)
            deadline = deadline_on(finding, as_of)
            if status is None or status is Status.CLOSED or deadline is None:
                continue
            days = (as_of - deadline).days
            if days > 0 or -days <= within and within > 0:
                out.append(Late(finding, ledger.unit, status, deadline, days))
    out.sort(key=lambda late: (-late.days, late.finding.id))
    return out
