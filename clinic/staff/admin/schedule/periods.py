"""Times as the admin gives and reads them, in clinic time: weekly working-hours intervals and
closure periods, turned into UTC instants and described in words for pages and audit entries."""

from datetime import UTC, datetime, time, timedelta

from clinic import clinic_time
from clinic.clinic_time import clinic_zone
from clinic.forms import choices

WEEKDAY_NAMES = [name for _, name in choices.WEEKDAYS]


def describe_interval(weekday, start, end):
    return f"{WEEKDAY_NAMES[weekday]} {start:%H:%M} to {end:%H:%M}"


def closure_span(start_day, start_time, end_day, end_time):
    """UTC instants of a closure given in clinic time. No start time means from the start
    of the first day; no end time means to the end of the last day (the first day if
    none is given), so whole days run from local midnight to local midnight."""
    zone = clinic_zone()
    end_day = end_day or start_day
    starts = datetime.combine(start_day, start_time or time.min, zone)
    if end_time is None:
        ends = datetime.combine(end_day + timedelta(days=1), time.min, zone)
    else:
        ends = datetime.combine(end_day, end_time, zone)
    return starts.astimezone(UTC), ends.astimezone(UTC)


def describe_period(starts_at, ends_at):
    """Whole days as days ("Monday 1 June 2027, all day"), anything else with its times."""
    start, end = clinic_time.to_local(starts_at), clinic_time.to_local(ends_at)
    if start.time() == time.min and end.time() == time.min:
        last_day = end.date() - timedelta(days=1)
        if last_day == start.date():
            return f"{clinic_time.day(start.date())}, all day"
        return f"{clinic_time.day(start.date())} to {clinic_time.day(last_day)}, whole days"
    if start.date() == end.date():
        return (
            f"{clinic_time.day(start.date())}, {clinic_time.clock(starts_at)} to {clinic_time.clock(ends_at)}"
        )
    return f"{clinic_time.when(starts_at)} to {clinic_time.when(ends_at)}"
