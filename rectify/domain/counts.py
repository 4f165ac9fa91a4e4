"""Counts of findings and the completion rate (整改完成率), and tables of units' counts.
Pure functions over plain values: no ledger model (and no pydantic) is needed, so a
command that has each unit's counts already (the cache's records, :mod:`rectify.domain.summary`)
does not load the models. :mod:`rectify.domain.figures` counts ledgers into these.

The rate rule is DOMAIN.md's "The completion rate": closed findings over all findings of
the row, from integer counts, rounded half-up (四舍五入), and never 100% while anything is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


class UnitLike(Protocol):
    """What tables need of a unit: a ledger's :class:`~rectify.domain.model.Unit` or the
    cache's :class:`~rectify.domain.summary.UnitInfo`."""

    @property
    def id(self) -> str:
        """The unit's slug id."""

    @property
    def name(self) -> str:
        """Its display name."""

    @property
    def parent(self) -> str | None:
        """The id of its parent unit, if any."""

    @property
    def supervisor(self) -> str | None:
        """The supervision group (督导组) that follows it, if any."""


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
    """What a row holds, by state on one date.

    ``findings`` = ``closed`` + ``in_progress`` + ``long_term``; ``in_progress`` counts
    open, in-progress and submitted findings; ``overdue`` (逾期) overlaps the others.
    ``on_time``: closed findings closed on or before the deadline in force then;
    ``close_days``: days from feedback to close, summed over the closed findings;
    ``people`` (persons held accountable, by kind), ``funds_yuan`` (元, exact) and
    ``rules`` (项): the three 到位 counters; ``units``: the units the findings belong to;
    ``extended``: findings with an extension in force (延期).
    """

    findings: int = 0
    closed: int = 0
    in_progress: int = 0
    long_term: int = 0
    overdue: int = 0
    on_time: int = 0
    close_days: int = 0
    people: dict[str, int] = field(default_factory=dict)
    funds_yuan: Decimal = Decimal("0")
    rules: int = 0
    units: frozenset[str] = frozenset()
    extended: int = 0
    """Findings not closed whose deadline in force is an approved extension's (延期)."""

    def __add__(self, other: Counts) -> Counts:
        """Return the field-by-field sum of two counts (people added by kind, units united)."""
        people = dict(self.people)
        for kind, number in other.people.items():
            people[kind] = people.get(kind, 0) + number
        return Counts(
            self.findings + other.findings,
            self.closed + other.closed,
            self.in_progress + other.in_progress,
            self.long_term + other.long_term,
            self.overdue + other.overdue,
            self.on_time + other.on_time,
            self.close_days + other.close_days,
            people,
            self.funds_yuan + other.funds_yuan,
            self.rules + other.rules,
            self.units | other.units,
            self.extended + other.extended,
        )

    def rate(self, precision: int = 1) -> Decimal | None:
        """Return the completion rate of these counts (see :func:`completion_rate`)."""
        return completion_rate(self.closed, self.findings, precision)

    def rate_text(self, precision: int = 1) -> str:
        """Return ``"36/37 97.3%"``: the counts beside the percentage, as published."""
        return f"{self.closed}/{self.findings} {rate_text(self.closed, self.findings, precision)}"

    def on_time_rate(self, precision: int = 1) -> Decimal | None:
        """Return the share of closed findings closed on time (same rounding as the rate);
        None when nothing is closed."""
        return completion_rate(self.on_time, self.closed, precision)

    def average_days(self, precision: int = 1) -> Decimal | None:
        """Return the average days from feedback to close over the closed findings,
        rounded half-up to ``precision`` decimals; None when nothing is closed."""
        if not self.closed:
            return None
        scale = 10**precision
        units = (2 * self.close_days * scale + self.closed) // (2 * self.closed)
        return Decimal(units).scaleb(-precision)

    @property
    def people_total(self) -> int:
        """Persons held accountable, all kinds together (人)."""
        return sum(self.people.values())


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
    """``unit`` (a unit's own findings), ``group`` (findings grouped by aspect, owner, ...),
    ``total``, ``rollup`` (a parent with its descendants) or
    ``own`` (a parent's own findings, 本级, shown under its rolled-up row)."""


def unit_rows_of(units: Sequence[tuple[UnitLike, Counts]], tree: bool = False) -> tuple[list[Row], Counts]:
    """:func:`unit_rows` from each unit's own counts (:func:`unit_counts`), in file order."""
    own = {unit.id: counts for unit, counts in units}
    names = {unit.id: unit.name for unit, _ in units}
    total = sum(own.values(), Counts())
    if not tree:
        return [Row(uid, names[uid], own[uid]) for uid in own], total
    children: dict[str | None, list[str]] = {}
    for unit, _ in units:
        parent = unit.parent if unit.parent in own else None
        children.setdefault(parent, []).append(unit.id)

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


def within_units(units: Sequence[UnitLike], root: str) -> list[str]:
    """The ids of unit ``root`` and every unit below it (by ``parent``) among ``units``, in order."""
    parents = {unit.id: unit.parent for unit in units}

    def below(uid: str | None) -> bool:
        seen: set[str] = set()
        while uid is not None and uid not in seen:
            if uid == root:
                return True
            seen.add(uid)
            uid = parents.get(uid)
        return False

    return [unit.id for unit in units if below(unit.id)]
