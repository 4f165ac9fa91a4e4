"""Today's date in the ledgers' time zone: the only place rectify reads the clock."""

from __future__ import annotations

import os
from datetime import date, datetime
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
