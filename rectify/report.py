"""Numbers from findings: counts, the completion rate (整改完成率), rollups. Pure functions.

Nothing here reads a file or prints. The rate rule is DOMAIN.md's "The completion rate":
closed findings over all findings of the row, from integer counts, rounded half-up
(四舍五入), and never 100% while anything is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rectify.model import Finding, Ledger, Status
from rectify.workflow import deadline_on, is_overdue, status_on


def completion_rate(closed: int, total: int, precision: int = 1) -> Decimal | None:
    """Return closed/total as a percentage with ``precision`` decimals, or None when total is 0.

    Exact integer arithmetic, rounded half-up (1/8 at precision 0 -> 13); a rate that
    would round to 100 while ``closed < total`` gives the largest value below it
    (199/200 at precision 0 -> 99). Raises ValueError for negative counts, closed > total
    or a negative precision. Source: DOMAIN.md, "The completion rate".
    """
    if precision < 0:
        raise ValueError("precision must be 0 or more")
    if closed < 0 or total < 0 or closed > total:
        raise ValueError(f"impossible counts: {closed} closed of {total}")
    if total == 0:
        return None
    scale = 10**precision
    numerator = closed * 100 * scale
    units = (2 * numerator + total) // (2 * total)  # floor(x + 1/2): half-up for x >= 0
    if closed < total and units >= 100 * scale:
        units = 100 * scale - 1
    return Decimal(units).scaleb(-precision)


def rate_text(closed: int, total: int, precision: int = 1) -> str:
    """Return the rate as shown in tables, e.g. ``97.3%``; ``—`` when there is no finding."""
    rate = completion_rate(closed, total, precision)
    return "—" if rate is None else f"{rate:.{precision}f}%"


@dataclass
class Counts:
    """How many findings a row holds, by state on one date.

    ``findings`` = ``closed`` + ``in_progress`` + ``long_term``; ``in_progress`` counts
    open, in-progress and submitted findings; ``overdue`` (逾期) overlaps the others.
    """

    findings: int = 0
    closed: int = 0
    in_progress: int = 0
    long_term: int = 0
    overdue: int = 0

    def __add__(self, other: Counts) -> Counts:
        """Return the field-by-field sum of two counts."""
        return Counts(
            self.findings + other.findings,
            self.closed + other.closed,
            self.in_progress + other.in_progress,
            self.long_term + other.long_term,
            self.overdue + other.overdue,
        )

    def rate(self, precision: int = 1) -> Decimal | None:
        """Return the completion rate of these counts (see :func:`completion_rate`)."""
        return completion_rate(self.closed, self.findings, precision)

    def rate_text(self, precision: int = 1) -> str:
        """Return ``"36/37 97.3%"``: the counts beside the percentage, as published."""
        return f"{self.closed}/{self.findings} {rate_text(self.closed, self.findings, precision)}"


def count(findings: Iterable[Finding], as_of: date) -> Counts:
    """Count ``findings`` by their state on ``as_of``; findings added later are left out."""
    counts = Counts()
    for finding in findings:
        status = status_on(finding, as_of)
        if status is None:
            continue
        counts.findings += 1
        if status is Status.CLOSED:
            counts.closed += 1
        elif status is Status.LONG_TERM:
            counts.long_term += 1
        else:
            counts.in_progress += 1
        if is_overdue(finding, as_of):
            counts.overdue += 1
    return counts


@dataclass
class Row:
    """One table row: ``key`` (unit id or aspect), ``label`` (display name), ``depth``
    (0 for a top row, 1 for a child shown under its parent) and its :class:`Counts`."""

    key: str
    label: str
    counts: Counts
    depth: int = 0
    children: list[str] = field(default_factory=list)
    part: str = "unit"
    """``unit`` (a unit's own findings), ``rollup`` (a parent with its descendants) or
    ``own`` (a parent's own findings, 本级, shown under its rolled-up row)."""


def unit_rows(ledgers: list[Ledger], as_of: date, tree: bool = False) -> tuple[list[Row], Counts]:
    """Return one row per unit and the total (合计) of all units.

    Flat (``tree=False``): units in file order, each with its own findings. Tree: a
    parent's row is rolled up over its descendants (its own findings plus theirs), then
    come its own findings alone (本级) and its children, indented; the total is the same
    either way, each finding counted once.
    """
    own = {ledger.unit.id: count(ledger.findings, as_of) for ledger in ledgers}
    names = {ledger.unit.id: ledger.unit.name for ledger in ledgers}
    total = sum(own.values(), Counts())
    if not tree:
        return [Row(uid, names[uid], own[uid]) for uid in own], total
    children: dict[str | None, list[str]] = {}
    for ledger in ledgers:
        parent = ledger.unit.parent if ledger.unit.parent in own else None
        children.setdefault(parent, []).append(ledger.unit.id)

    rows: list[Row] = []

    def rolled(uid: str) -> Counts:
        return sum((rolled(child) for child in children.get(uid, [])), own[uid])

    def walk(uid: str, depth: int) -> None:
        below = list(children.get(uid, []))
        if not below:
            rows.append(Row(uid, names[uid], own[uid], depth))
            return
        rows.append(Row(uid, names[uid], rolled(uid), depth, below, part="rollup"))
        rows.append(Row(uid, names[uid], own[uid], depth + 1, part="own"))
        for child in below:
            walk(child, depth + 1)

    for root in children.get(None, []):
        walk(root, 0)
    return rows, total


def aspect_rows(ledger: Ledger, as_of: date) -> tuple[list[Row], Counts]:
    """Return one row per aspect (方面) of one unit, in order of first appearance, and the unit's total."""
    groups: dict[str, list[Finding]] = {}
    for finding in ledger.findings:
        groups.setdefault(finding.aspect, []).append(finding)
    rows = [Row(aspect, aspect, count(items, as_of)) for aspect, items in groups.items()]
    return rows, count(ledger.findings, as_of)


@dataclass(frozen=True)
class FindingState:
    """A finding as it stood on one date: its ``status``, the ``deadline`` in force
    (extensions applied) and whether it was ``overdue``."""

    finding: Finding
    status: Status
    deadline: date | None
    overdue: bool


def finding_states(
    ledgers: Iterable[Ledger],
    as_of: date,
    *,
    status: Status | None = None,
    aspect: str | None = None,
    overdue: bool = False,
) -> list[FindingState]:
    """Return the findings of ``ledgers`` as they stood on ``as_of``, in file order,
    keeping only those with ``status``, whose aspect contains ``aspect``, and (with
    ``overdue=True``) overdue ones.
    Findings added after ``as_of`` are left out."""
    out = []
    for ledger in ledgers:
        for finding in ledger.findings:
            state = status_on(finding, as_of)
            if state is None or (status is not None and state is not status):
                continue
            if aspect is not None and aspect not in finding.aspect:
                continue
            late = is_overdue(finding, as_of)
            if overdue and not late:
                continue
            out.append(FindingState(finding, state, deadline_on(finding, as_of), late))
    return out
