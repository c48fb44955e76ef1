"""The practitioner's day list: whose list a user may see, and the day's bookings in two queries
(the bookings with their type and returning-patient flags, then their photos) however many there are."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from clinic.extensions import db
from clinic.models import Booking, Enquiry, Practitioner
from clinic.models.booking import ATTENDED, BOOKED, CANCELLED
from clinic.models.staff import PRACTITIONER
from clinic.scheduling.service import clinic_zone, local_day_bounds

# A patient is returning when the same email address has an earlier booking that was attended,
# or is still marked booked (reception may not have recorded the outcome yet). Cancelled
# bookings and no-shows don't count: the patient never came.
VISITED = (ATTENDED, BOOKED)


class NotYourList(Exception):
    """A practitioner asked for another practitioner's list."""


@dataclass
class DayRow:
    booking: Booking
    returning: bool

    @property
    def photos(self):
        """The booking's own photos, then any sent with the enquiry it was booked from."""
        enquiry_photos = self.booking.enquiry.photos if self.booking.enquiry else []
        return [*self.booking.photos, *enquiry_photos]


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


def today():
    return datetime.now(clinic_zone()).date()


def parse_day(value):
    """The date in a YYYY-MM-DD parameter, or None when it is missing or not a date."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def choosable_practitioners(user):
    """The practitioners whose lists this user may pick from: their own for a practitioner,
    every active one (by name) for reception and admin."""
    if user.role == PRACTITIONER:
        return [user.practitioner] if user.practitioner else []
    return db.session.scalars(
        select(Practitioner).where(Practitioner.active).order_by(Practitioner.name)
    ).all()


def practitioner_for(user, requested, choices):
    """The practitioner whose list to show: the one requested if the user may see it, else the first
    choice. Raises NotYourList for a practitioner asking for someone else, LookupError for an
    unknown practitioner."""
    if not requested:
        return choices[0] if choices else None
    for practitioner in choices:
        if str(practitioner.id) == requested:
            return practitioner
    if user.role == PRACTITIONER:
        raise NotYourList
    raise LookupError(requested)


def day_list(practitioner, day):
    start, end = local_day_bounds(day, day)
    earlier = aliased(Booking)
    returning = exists().where(
        func.lower(earlier.email) == func.lower(Booking.email),
        earlier.starts_at < Booking.starts_at,
        earlier.status.in_(VISITED),
    )
    results = db.session.execute(
        select(Booking, returning.label("returning"))
        .join(Booking.type)
        .options(
            contains_eager(Booking.type),
            selectinload(Booking.photos),
            selectinload(Booking.enquiry).selectinload(Enquiry.photos),
        )
        .where(
            Booking.practitioner_id == practitioner.id, Booking.starts_at >= start, Booking.starts_at < end
        )
        .order_by(Booking.starts_at, Booking.id)
    ).all()
    rows = [DayRow(booking, bool(flag)) for booking, flag in results if booking.status != CANCELLED]
    cancelled = [booking for booking, _flag in results if booking.status == CANCELLED]
    return DayList(practitioner, day, rows, cancelled)
