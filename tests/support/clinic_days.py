"""Days and times in clinic time (Europe/London), as tests arrange them."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

CLINIC_ZONE = ZoneInfo("Europe/London")


def bookable_day(days_ahead=2):
    """A weekday that is no bank holiday in England (the default CLINIC_BANK_HOLIDAYS)."""
    day = datetime.now(CLINIC_ZONE).date() + timedelta(days=days_ahead)
    closed = holidays.country_holidays("GB", subdiv="ENG", years=[day.year, day.year + 1])
    while day.weekday() > 4 or day in closed:
        day += timedelta(days=1)
    return day


def local_start(day, hour, minute=0):
    """The aware UTC instant of a local clinic time."""
    return datetime.combine(day, time(hour, minute), CLINIC_ZONE).astimezone(UTC)
