"""Today's date where the agencies are: deadlines are Vietnamese calendar days, not UTC ones."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

AGENCY_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today() -> date:
    return datetime.now(AGENCY_TIMEZONE).date()
