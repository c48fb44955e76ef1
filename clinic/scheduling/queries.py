"""Loads what availability needs from the database (three queries) and asks the
pure slot finder in availability.py.

A bank holiday that the admin has not opened is a closure of the whole clinic
for the local day, so every search for times (the booking steps, the guard in
the booking service, moves, staff booking, waiting-list offers) keeps it closed.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import Date, null, select, type_coerce, union_all

from clinic.clinic_time import clinic_zone, local_day_bounds
from clinic.extensions import db
from clinic.models import Booking, Closure, HolidayOpening, Practitioner, WorkingHours
from clinic.models.booking import BookingStatus
from clinic.models.types import utcnow
from clinic.scheduling import bank_holidays
from clinic.scheduling.availability import Busy, Rules, WorkingInterval, free_slots


def rules():
    config = current_app.config
    return Rules(
        timezone=config["CLINIC_TIMEZONE"],
        grid_minutes=config["BOOKING_GRID_MINUTES"],
        buffer_minutes=config["BOOKING_BUFFER_MINUTES"],
        min_notice=timedelta(hours=config["BOOKING_MIN_NOTICE_HOURS"]),
        horizon=timedelta(weeks=config["BOOKING_HORIZON_WEEKS"]),
    )


def find_slots(consultation_type, practitioner_id, day_from, day_to, *, now=None, exclude_booking_id=None):
    """Free slots for a type with one practitioner, or any when practitioner_id is None."""
    hours = _working_hours(practitioner_id)
    practitioner_ids = {interval.practitioner_id for interval in hours}
    if not practitioner_ids:
        return []
    # A day's margin either side: a booking's buffer or a closure may reach across midnight.
    window_start, window_end = local_day_bounds(day_from - timedelta(days=1), day_to + timedelta(days=1))
    return free_slots(
        duration=timedelta(minutes=consultation_type.duration_minutes),
        practitioner_ids=practitioner_ids,
        hours=hours,
        closures=_closures(window_start, window_end, day_from, day_to),
        bookings=_bookings(practitioner_ids, window_start, window_end, exclude_booking_id),
        day_from=day_from,
        day_to=day_to,
        now=now or utcnow(),
        rules=rules(),
    )


def free_practitioners_at(consultation_type, start, practitioner_id=None, *, exclude_booking_id=None):
    """Ids of the practitioners free for a slot starting at `start` (aware UTC)."""
    day = start.astimezone(clinic_zone()).date()
    for slot in find_slots(
        consultation_type, practitioner_id, day, day, exclude_booking_id=exclude_booking_id
    ):
        if slot.start == start:
            return list(slot.practitioner_ids)
    return []


def _working_hours(practitioner_id):
    query = (
        select(
            WorkingHours.practitioner_id, WorkingHours.weekday, WorkingHours.start_time, WorkingHours.end_time
        )
        .join(Practitioner)
        .where(Practitioner.active)
    )
    if practitioner_id is not None:
        query = query.where(WorkingHours.practitioner_id == practitioner_id)
    return [WorkingInterval(*row) for row in db.session.execute(query)]


def _closures(window_start, window_end, day_from, day_to):
    """The closures reaching into the window, and the bank holidays from day_from to day_to
    that nobody opened, as whole-clinic closures of their local day."""
    rows, opened = with_holiday_openings(
        select(Closure.practitioner_id, Closure.starts_at, Closure.ends_at).where(
            Closure.starts_at < window_end, Closure.ends_at > window_start
        ),
        day_from,
        day_to,
    )
    closures = [Busy(*row) for row in rows]
    for day in bank_holidays.between(day_from, day_to):
        if day not in opened:
            closures.append(Busy(None, *local_day_bounds(day, day)))
    return closures


def with_holiday_openings(statement, first, last):
    """Runs `statement` and reads the bank holidays opened from first to last in the same
    round trip, as a UNION ALL: this runs for every list of times and every page's opening
    hours. Returns the statement's rows and the set of opened days."""
    columns = len(statement.selected_columns)
    opened = select(*(null() for _ in range(columns)), HolidayOpening.day).where(
        HolidayOpening.day.between(first, last)
    )
    rows, opened_days = [], set()
    for *row, day in db.session.execute(union_all(statement.add_columns(type_coerce(null(), Date)), opened)):
        if day is None:
            rows.append(tuple(row))
        else:
            opened_days.add(day)
    return rows, opened_days


def _bookings(practitioner_ids, window_start, window_end, exclude_booking_id):
    query = select(Booking.practitioner_id, Booking.starts_at, Booking.blocked_until).where(
        Booking.status == BookingStatus.BOOKED,
        Booking.practitioner_id.in_(practitioner_ids),
        Booking.starts_at < window_end,
        Booking.blocked_until > window_start,
    )
    if exclude_booking_id is not None:
        query = query.where(Booking.id != exclude_booking_id)
    return [Busy(*row) for row in db.session.execute(query)]
