"""The clinic's schedule as the admin's pages read it: practitioners and their week, closures,
the coming bank holidays, consultation types, and the booked consultations a change leaves behind."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from clinic import clinic_time
from clinic.clinic_time import local_day_bounds
from clinic.extensions import db
from clinic.models import Booking, Closure, ConsultationType, HolidayOpening, Practitioner
from clinic.models.booking import BookingStatus
from clinic.models.types import utcnow
from clinic.scheduling import bank_holidays
from clinic.staff.admin.schedule.periods import WEEKDAY_NAMES

PAST_CLOSURES_SHOWN = 20
BANK_HOLIDAYS_AHEAD = timedelta(days=365)


def live_bookings_count(*, practitioner_id=None, starts_at=None, ends_at=None):
    """Booked consultations still to come (within a period, if given): a closure or a
    deactivation leaves them in place, so the admin is told to move or cancel them."""
    query = select(func.count(Booking.id)).where(
        Booking.status == BookingStatus.BOOKED, Booking.ends_at > max(starts_at or utcnow(), utcnow())
    )
    if ends_at is not None:
        query = query.where(Booking.starts_at < ends_at)
    if practitioner_id is not None:
        query = query.where(Booking.practitioner_id == practitioner_id)
    return db.session.scalar(query)


def live_bookings_on(day):
    starts_at, ends_at = local_day_bounds(day, day)
    return live_bookings_count(starts_at=starts_at, ends_at=ends_at)


# ---------- Practitioners and their weekly hours ----------


def all_practitioners(*, with_hours=False):
    """Active first. with_hours loads their weekly hours too, joined into the same query: a
    selectin load would take one more query per 500 practitioners."""
    statement = select(Practitioner).order_by(Practitioner.active.desc(), Practitioner.name)
    if with_hours:
        statement = statement.options(joinedload(Practitioner.hours))
    return db.session.scalars(statement).unique().all()


def week(practitioner):
    """[(weekday number, name, [intervals in time order])] from Monday to Sunday."""
    return [
        (number, name, [interval for interval in practitioner.hours if interval.weekday == number])
        for number, name in enumerate(WEEKDAY_NAMES)
    ]


def overlapping_interval(practitioner, weekday, start, end):
    """An interval already on that day that [start, end) would overlap; touching is fine."""
    return next(
        (
            interval
            for interval in practitioner.hours
            if interval.weekday == weekday and interval.start_time < end and start < interval.end_time
        ),
        None,
    )


# ---------- Closures and bank holidays ----------


def upcoming_closures():
    return db.session.scalars(
        select(Closure)
        .options(joinedload(Closure.practitioner))
        .where(Closure.ends_at > utcnow())
        .order_by(Closure.starts_at)
    ).all()


def past_closures():
    return db.session.scalars(
        select(Closure)
        .options(joinedload(Closure.practitioner))
        .where(Closure.ends_at <= utcnow())
        .order_by(Closure.starts_at.desc())
        .limit(PAST_CLOSURES_SHOWN)
    ).all()


@dataclass(frozen=True)
class BankHoliday:
    day: date
    name: str
    opened: bool  # the admin opened it as an exception

    @property
    def summary(self):
        return f"{clinic_time.day(self.day)} ({self.name})"

    @property
    def state(self):
        return "Open as an exception" if self.opened else "Closed (bank holiday)"


def _bank_holiday_window():
    """Today and the last day whose bank holiday the admin sees, in clinic time."""
    today = clinic_time.today()
    return today, today + BANK_HOLIDAYS_AHEAD


def coming_bank_holidays():
    """The bank holidays of the coming year, each closed unless opened as an exception."""
    first, last = _bank_holiday_window()
    found = bank_holidays.between(first, last)
    if not found:
        return []
    opened = set(
        db.session.scalars(select(HolidayOpening.day).where(HolidayOpening.day.between(first, last)))
    )
    return [BankHoliday(day, name, day in opened) for day, name in found.items()]


def coming_bank_holiday(day):
    """The coming bank holiday on that day, or None."""
    return next((holiday for holiday in coming_bank_holidays() if holiday.day == day), None)


# ---------- Consultation types ----------


def all_types():
    return db.session.scalars(
        select(ConsultationType).order_by(ConsultationType.position, ConsultationType.name)
    ).all()
