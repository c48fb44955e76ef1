"""Times are stored in UTC and shown in the clinic's time zone, in British style."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from clinic.models.types import utcnow


def clinic_zone():
    return ZoneInfo(current_app.config["CLINIC_TIMEZONE"])


def to_local(moment):
    return moment.astimezone(clinic_zone())


def today():
    """The clinic's date now, which is not UTC's for an hour each summer night."""
    return to_local(utcnow()).date()


def local_day_bounds(day_from, day_to):
    """UTC instants of the start of day_from and the end of day_to, in clinic time."""
    zone = clinic_zone()
    start = datetime.combine(day_from, time.min, zone).astimezone(UTC)
    end = datetime.combine(day_to + timedelta(days=1), time.min, zone).astimezone(UTC)
    return start, end


def clock(moment):
    """9:30am, 12 noon, 2pm."""
    return wall_clock(to_local(moment))


def wall_clock(at):
    """A local time of day (a time, or a local datetime) as clock() writes it."""
    if (at.hour, at.minute) == (12, 0):
        return "12 noon"
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    return f"{hour}{suffix}" if at.minute == 0 else f"{hour}:{at.minute:02d}{suffix}"


def day(moment_or_date):
    """Tuesday 1 December 2026."""
    value = to_local(moment_or_date) if hasattr(moment_or_date, "hour") else moment_or_date
    return f"{value:%A} {value.day} {value:%B %Y}"


def when(moment):
    """Tuesday 1 December 2026 at 9:30am."""
    return f"{day(moment)} at {clock(moment)}"


def zone_name(moment):
    """GMT or BST, so nobody wonders which."""
    return to_local(moment).tzname()


# Slot starts in URLs and forms: UTC to the minute, e.g. 2026-12-01T09:30Z.
START_FORMAT = "%Y-%m-%dT%H:%MZ"


def format_start(moment):
    return moment.astimezone(UTC).strftime(START_FORMAT)


def parse_start(value):
    """An aware UTC datetime, or None for anything that is not a slot start."""
    try:
        start = datetime.strptime(value or "", START_FORMAT).replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None
    return start if start.year in SANE_YEARS else None


# Dates far from now are refused wherever people can type them, because the day
# arithmetic around them (the day after, the week around) would run off the calendar.
SANE_YEARS = range(2000, 3000)


def parse_day(value):
    """A YYYY-MM-DD date from a query string, or None for anything else."""
    try:
        day = date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
    return day if day is not None and day.year in SANE_YEARS else None
