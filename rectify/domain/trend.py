"""Figures over time: trend points and the progress bulletin's data (巡察整改进展情况通报).

Pure: ledgers and dates in, dataclasses out; the bulletin is rendered by
:mod:`rectify.present.bulletin`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from rectify.domain.figures import Counts, Facts, Late, Row, _items, count, events_by, facts, overdue, unit_rows
from rectify.domain.model import Finding, Ledger, Unit
from rectify.domain.states import closed_on
from rectify.i18n import _, one_of


@dataclass(frozen=True)
class Point:
    """The figures of all ledgers on one ``day`` of a trend."""

    day: date
    counts: Counts


EVERY: dict[str, tuple[str, ...]] = {"week": ("周", "按周", "每周"), "month": ("月", "按月", "每月")}
"""The periods of a trend (``--every``) and the Chinese words that also name them."""


def trend_days(start: date, end: date, every: str) -> list[date]:
    """Return the days of a trend from ``start`` to ``end`` (both included): every 7 days
    from ``start`` for ``week``; ``start`` and the last day of each month for ``month``;
    ``end`` is always the last point; ``every`` may be one of the Chinese words of
    :data:`EVERY` (``月``). Raises ValueError for another ``every`` (listing the periods in
    the language in force) or ``end < start``."""
    every = one_of("--every", every, EVERY)
    if end < start:
        raise ValueError(_("the trend ends ({end}) before it starts ({start})").format(end=end, start=start))
    days: list[date] = []
    if every == "week":
        day = start
        while day < end:
            days.append(day)
            day += timedelta(days=7)
    else:  # month
        days.append(start)
        year, month = start.year, start.month
        while True:
            last = date(year, month, calendar.monthrange(year, month)[1])
            if last >= end:
                break
            if last > start:
                days.append(last)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    days.append(end)
    return days


def trend(ledgers: list[Ledger], days: Iterable[date]) -> list[Point]:
    """Return the figures of ``ledgers`` on each of ``days``, computed from the events.

    Each point is :func:`~rectify.domain.figures.count` on its day; a finding's facts are
    worked out once for each number of its events that count (they change only at its
    events), not once a day."""
    items = [item for ledger in ledgers for item in _items(ledger)]
    seen: dict[int, tuple[int, Facts]] = {}  # by finding: the last number of events and their facts

    def known(finding: Finding, day: date) -> Facts:
        number = events_by(finding, day)
        found = seen.get(id(finding))
        if found is None or found[0] != number:
            found = seen[id(finding)] = (number, facts(finding, day))
        return found[1]

    return [Point(day, count(items, day, known)) for day in days]


def first_day(ledgers: Iterable[Ledger]) -> date | None:
    """Return the earliest feedback date or event date of ``ledgers``, or None."""
    days = [ledger.inspection.feedback_date for ledger in ledgers if ledger.inspection.feedback_date]
    days += [f.history[0].date for ledger in ledgers for f in ledger.findings if f.history]
    return min(days, default=None)


RECENT_POINTS = 8
"""How many of the weekly trend's last points a summary shows: the Word 通报's 整改进度趋势
table and the board's chart, the last eight weeks ending on the as-of date."""


def recent(points: list[Point]) -> list[Point]:
    """The last :data:`RECENT_POINTS` of ``points`` (a weekly trend ending on the as-of
    date, :func:`bulletin`'s), oldest first."""
    return points[-RECENT_POINTS:]


def recent_days(ledgers: Iterable[Ledger], as_of: date) -> list[date]:
    """The days of :func:`recent` without working out the whole trend: the last
    :data:`RECENT_POINTS` of the weekly days from :func:`first_day` to ``as_of`` (``as_of``
    last); empty when no ledger has a day on or before ``as_of``."""
    start = first_day(ledgers)
    if start is None or start > as_of:
        return []
    return trend_days(start, as_of, "week")[-RECENT_POINTS:]


@dataclass(frozen=True)
class Closure:
    """A finding closed in a bulletin's period: its ``unit`` and the ``day`` it closed."""

    finding: Finding
    unit: Unit
    day: date


@dataclass(frozen=True)
class Bulletin:
    """Everything a progress bulletin (巡察整改进展情况通报) shows, as of one day.

    ``rows``/``total``: the per-unit figures (as ``status`` gives them); ``closed_since``
    and ``newly_overdue``: what changed after ``since`` (empty without it);
    ``overdue``: every overdue finding; ``trend``: weekly points from the first feedback;
    ``ledgers``: the ledgers themselves, for the findings by aspect.
    """

    as_of: date
    since: date | None
    rows: list[Row]
    total: Counts
    closed_since: list[Closure]
    newly_overdue: list[Late]
    overdue: list[Late]
    trend: list[Point]
    ledgers: list[Ledger]


def bulletin(ledgers: list[Ledger], as_of: date, since: date | None = None, every: str | None = "week") -> Bulletin:
    """Assemble a :class:`Bulletin` of ``ledgers`` as of ``as_of``; with ``since``, also
    the findings closed after it and those overdue now that were not overdue then.
    ``every`` is the trend's period (``None``: no trend, for a caller that draws its own).
    Raises ValueError when ``since`` is not before ``as_of``."""
    if since is not None and since >= as_of:
        raise ValueError(_(
            "--since {since} must be before the bulletin's date {as_of}"
        ).format(since=since, as_of=as_of))
    rows, total = unit_rows(ledgers, as_of)
    closed_since: list[Closure] = []
    newly_overdue: list[Late] = []
    late_now = overdue(ledgers, as_of)
    if since is not None:
        for ledger in ledgers:
            for finding in ledger.findings:
                day = closed_on(finding, as_of)
                if day is not None and day > since and closed_on(finding, since) is None:
                    closed_since.append(Closure(finding, ledger.unit, day))
        before = {late.finding.id for late in overdue(ledgers, since)}
        newly_overdue = [late for late in late_now if late.finding.id not in before]
        closed_since.sort(key=lambda c: (c.day, c.finding.id))
    start = first_day(ledgers) or as_of
    points = trend(ledgers, trend_days(start, as_of, every)) if every is not None and start <= as_of else []
    return Bulletin(as_of, since, rows, total, closed_since, newly_overdue, late_now, points, list(ledgers))
