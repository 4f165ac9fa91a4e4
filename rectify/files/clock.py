"""Today's date in the ledgers' time zone: the only place rectify reads the clock."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rectify.domain.model import DEFAULT_TIME_ZONE
from rectify.errors import UsageError
from rectify.i18n import _


def today(time_zone: str = DEFAULT_TIME_ZONE) -> date:
    """Return today's calendar date in ``time_zone`` (default Asia/Shanghai), not UTC.

    ``RECTIFY_TODAY=YYYY-MM-DD`` in the environment fixes the date (for scripts and tests).
    """
    fixed = os.environ.get("RECTIFY_TODAY")
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise UsageError(_(
                "RECTIFY_TODAY={fixed!r} is not a date written YYYY-MM-DD"
            ).format(fixed=fixed)) from None
    return datetime.now(ZoneInfo(time_zone)).date()


def today_lasts(time_zone: str = DEFAULT_TIME_ZONE) -> tuple[int, int]:
    """The instants (ns since the epoch, UTC) between which :func:`today` gives the date
    it gives now: from midnight to the next midnight in ``time_zone`` (a day of 23 or 25
    hours where clocks change); always, when ``RECTIFY_TODAY`` fixes the date."""
    if os.environ.get("RECTIFY_TODAY"):
        return 0, 2**63 - 1
    zone = ZoneInfo(time_zone)
    day = datetime.now(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return int(start.timestamp()) * 1_000_000_000, int(end.timestamp()) * 1_000_000_000
