"""The practitioner's day list: whose list a user may see, and the day's bookings in two queries
however many there are (the bookings with their type and returning-patient flags, then their
photos, which include any sent with the enquiry a booking answers)."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from clinic.clinic_time import local_day_bounds
from clinic.extensions import db
from clinic.forms import choices
from clinic.models import Booking, Practitioner
from clinic.models.booking import BookingStatus
from clinic.staff import access

# A patient is returning when the same email address has an earlier booking that was attended,
# or is still marked booked (reception may not have recorded the outcome yet). Cancelled
# bookings and no-shows don't count: the patient never came.
VISITED = (BookingStatus.ATTENDED, BookingStatus.BOOKED)


class NotYourList(Exception):
    """A practitioner asked for another practitioner's list."""


@dataclass
class DayRow:
    booking: Booking
    returning: bool

    @property
    def pattern_stage(self):
        """The stage's name without the description patients read, e.g. "Norwood 3"."""
        return choices.label(choices.PATTERN_STAGES, self.booking.pattern_stage).partition(":")[0]

    @property
    def photos(self):
        return self.booking.photos


@dataclass
class DayList:
    practitioner: Practitioner
    day: date
    rows: list[DayRow]
    cancelled: list[Booking]

    @property
    def previous_day(self):
        return self.day - timedelta(days=1)

    @property
    def next_day(self):
        return self.day + timedelta(days=1)


def choosable_practitioners(user):
    """The practitioners whose lists this user may pick from: every active one (by name) for
    reception and admin, their own for a practitioner."""
    if access.sees_every_patient(user):
        return db.session.scalars(
            select(Practitioner).where(Practitioner.active).order_by(Practitioner.name)
        ).all()
    return [user.practitioner] if user.practitioner else []


def practitioner_for(user, requested, practitioners):
    """The practitioner whose list to show: the one requested if it is among those the user may pick
    from, else the first of them. Raises NotYourList for a practitioner asking for someone else,
    LookupError for a practitioner reception cannot pick (unknown or inactive)."""
    if not requested:
        return practitioners[0] if practitioners else None
    for practitioner in practitioners:
        if str(practitioner.id) == requested:
            return practitioner
    if access.sees_every_patient(user):
        raise LookupError(requested)
    raise NotYourList


def day_list(user, practitioner, day):
    start, end = local_day_bounds(day, day)
    earlier = aliased(Booking)
    returning = exists().where(
        func.lower(earlier.email) == func.lower(Booking.email),
        earlier.starts_at < Booking.starts_at,
        earlier.status.in_(VISITED),
    )
    statement = (
        select(Booking, returning.label("has_visited_before"))
        .join(Booking.type)
        .options(
            contains_eager(Booking.type),
            selectinload(Booking.photos),
        )
        .where(
            Booking.practitioner_id == practitioner.id, Booking.starts_at >= start, Booking.starts_at < end
        )
        .order_by(Booking.starts_at, Booking.id)
    )
    results = db.session.execute(access.visible_bookings(user, statement)).all()
    rows = [
        DayRow(booking, bool(flag)) for booking, flag in results if booking.status != BookingStatus.CANCELLED
    ]
    cancelled = [booking for booking, _flag in results if booking.status == BookingStatus.CANCELLED]
    return DayList(practitioner, day, rows, cancelled)
