"""The figures of :class:`rectify.api.Ledgers`: status, overdue, trend, bulletin, findings,
high-frequency problems."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rectify.domain import figures
from rectify.errors import UsageError
from rectify.files.paths import display as display
from rectify.i18n import _

if TYPE_CHECKING:
    from rectify.domain import trend as trends


from rectify.api.base import LedgersBase


class FiguresMixin(LedgersBase):
    """The figures over the ledgers chosen (see :class:`rectify.api.Ledgers`)."""

    # ---------------------------------------------------------------- figures

    def status(
        self,
        as_of: date,
        unit: str | None = None,
        by: str | None = None,
        tree: bool = False,
        supervisor: str | None = None,
        under: str | None = None,
    ) -> tuple[list[figures.Row], figures.Counts, str | None]:
        """The completion-rate table as of ``as_of``: rows, total and a title (the unit's
        name with ``unit``). By unit (``tree`` rolls parents up; with ``unit``, that unit
        and the units below it) or by one of :data:`~rectify.domain.figures.GROUPS`; one
        unit defaults to its aspects. ``supervisor`` and ``under`` choose the units."""
        by = figures.group_of(by) if by is not None else None
        if tree and by not in (None, "unit"):
            raise UsageError(_("--tree rolls up units; it does not go with --by ") + str(by))
        if tree and unit is not None:
            units = self.unit_counts(as_of, supervisor, under=unit)
            rows, total = figures.unit_rows_of(units, tree=True)
            return rows, total, next(item.name for item, __ in units if item.id == unit)
        if unit is None and by in (None, "unit"):  # the usual table: each unit's figures, read one at a time
            rows, total = figures.unit_rows_of(self.unit_counts(as_of, supervisor, under), tree=tree)
            return rows, total, None
        ledgers = self.ledgers(unit, supervisor, under)
        if unit is not None and by in (None, "aspect"):
            rows, total = figures.aspect_rows(ledgers[0], as_of)  # one unit: its aspects in feedback order
            return rows, total, ledgers[0].unit.name
        if by in (None, "unit"):
            rows, total = figures.unit_rows(ledgers, as_of, tree=tree)
        else:
            rows, total = figures.group_rows(ledgers, as_of, by)
        return rows, total, ledgers[0].unit.name if unit is not None else None

    def overdue(
        self,
        as_of: date,
        within: int = 0,
        unit: str | None = None,
        owner: str | None = None,
        supervisor: str | None = None,
        under: str | None = None,
    ) -> list[figures.Late]:
        """Overdue findings (and those due within ``within`` days), most overdue first;
        ``owner`` keeps those whose owner (责任人) contains that text."""
        return figures.overdue(self.ledgers(unit, supervisor, under), as_of, within, owner)

    def trend(self, every: str, start: date | None, end: date, unit: str | None = None) -> list[trends.Point]:
        """Figures every week or month from ``start`` (default: the first feedback date)
        to ``end``. Raises :class:`UsageError` for a bad period or an end before the start."""
        from rectify.domain import trend as trends

        ledgers = self.ledgers(unit)
        first = start or trends.first_day(ledgers) or end
        try:
            return trends.trend(ledgers, trends.trend_days(first, end, every))
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    def bulletin(
        self,
        as_of: date,
        since: date | None = None,
        unit: str | None = None,
        supervisor: str | None = None,
        under: str | None = None,
    ) -> trends.Bulletin:
        """Everything the progress bulletin (通报) shows as of ``as_of``, with what changed
        after ``since``, for the units chosen."""
        from rectify.domain import trend as trends

        try:
            return trends.bulletin(self.ledgers(unit, supervisor, under), as_of, since)
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    def findings(
        self,
        as_of: date,
        unit: str | None = None,
        supervisor: str | None = None,
        under: str | None = None,
        **filters: Any,
    ) -> list[figures.FindingState]:
        """The findings as they stood on ``as_of``, filtered as
        :func:`~rectify.domain.figures.finding_states` takes them."""
        return figures.finding_states(self.ledgers(unit, supervisor, under), as_of, **filters)

    def frequent(
        self, as_of: date, unit: str | None = None, supervisor: str | None = None, under: str | None = None
    ) -> Any:
        """High-frequency problems (高频问题) across the units chosen, most frequent first,
        with how many units and findings were looked at: a
        :class:`rectify.domain.frequent.Frequents` (threshold from rectify.yaml). Raises
        :class:`UsageError` for a unit or group that has none, as :meth:`ledgers`."""
        from rectify.domain.frequent import frequents

        return frequents(self.ledgers(unit, supervisor, under), as_of, self.config.frequent.threshold)


    def search(
        self, as_of: date, text: str, unit: str | None = None, supervisor: str | None = None, under: str | None = None
    ) -> list[figures.Hit]:
        """The findings where ``text`` is found (id, title, detail, measures, owner,
        department, event notes), compared as ``list --title`` compares titles, each with
        the places it was found (:func:`rectify.domain.figures.search`)."""
        return figures.search(self.ledgers(unit, supervisor, under), as_of, text)
