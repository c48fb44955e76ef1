"""The opening hours the site shows, made from the data that makes the booking times,
so the two cannot disagree: each weekday runs from the earliest start to the latest
end among the active practitioners' working hours, and bank holidays are closed
unless the admin opened one.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from clinic import clinic_time
from clinic.forms import choices
from clinic.models import Practitioner, WorkingHours
from clinic.scheduling import bank_holidays
from clinic.scheduling.queries import with_holiday_openings

CLOSED = "Closed"
BANK_HOLIDAYS = "Bank holidays"
WEEKDAY_NAMES = [name for _, name in choices.WEEKDAYS]
# How far ahead the next closed bank holiday is looked for: every nation has one within a year.
LOOK_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class OpeningTimes:
    days: str
    hours: str


def opening_times(today):
    """Rows from Monday to Sunday, then the bank holidays' row (none when the clinic
    keeps no bank holidays). One query."""
    last = today + LOOK_AHEAD
    weekly, opened = with_holiday_openings(
        select(WorkingHours.weekday, func.min(WorkingHours.start_time), func.max(WorkingHours.end_time))
        .join(Practitioner)
        .where(Practitioner.active)
        .group_by(WorkingHours.weekday),
        today,
        last,
    )
    rows = describe_week({weekday: (start, end) for weekday, start, end in weekly})
    if bank_holidays.observed():
        closed = [day for day in bank_holidays.between(today, last) if day not in opened]
        hours = f"{CLOSED} (next: {clinic_time.day(closed[0])})" if closed else CLOSED
        rows.append(OpeningTimes(BANK_HOLIDAYS, hours))
    return rows


def describe_week(spans):
    """Rows for {weekday: (opens, closes)}, Monday first, with neighbouring days that
    keep the same hours in one row ("Monday to Friday")."""
    runs = []  # [first weekday, last weekday, hours]
    for weekday in range(len(WEEKDAY_NAMES)):
        span = spans.get(weekday)
        hours = f"{clinic_time.wall_clock(span[0])} to {clinic_time.wall_clock(span[1])}" if span else CLOSED
        if runs and runs[-1][2] == hours:
            runs[-1][1] = weekday
        else:
            runs.append([weekday, weekday, hours])
    return [OpeningTimes(_days(first, last), hours) for first, last, hours in runs]


def _days(first, last):
    if first == last:
        return WEEKDAY_NAMES[first]
    joiner = " and " if last == first + 1 else " to "
    return f"{WEEKDAY_NAMES[first]}{joiner}{WEEKDAY_NAMES[last]}"
