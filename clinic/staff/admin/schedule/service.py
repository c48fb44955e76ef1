"""The clinic's schedule as the admin edits it: practitioners and their weekly hours,
closures, bank holidays opened as exceptions, consultation types.

Every change is audited in the same transaction and committed here. Nothing is
cached: the slot finder reads these tables on every request, so patients see a
change at once.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from clinic import audit, clinic_time
from clinic.clinic_time import clinic_zone, local_day_bounds
from clinic.extensions import db
from clinic.forms import choices
from clinic.models import Booking, Closure, ConsultationType, HolidayOpening, Practitioner, WorkingHours
from clinic.models.booking import BookingStatus
from clinic.models.types import utcnow
from clinic.scheduling import bank_holidays

WEEKDAY_NAMES = [name for _, name in choices.WEEKDAYS]
PAST_CLOSURES_SHOWN = 20
BANK_HOLIDAYS_AHEAD = timedelta(days=365)


def _apply(record, values):
    """Sets the values on the record and returns the names of those that changed."""
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, values[name])
    return changed


def _changed_summary(changed):
    return "changed " + ", ".join(name.replace("_", " ") for name in changed)


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


def create_practitioner(values):
    practitioner = Practitioner(**values)
    db.session.add(practitioner)
    db.session.flush()
    audit.record("created practitioner", practitioner)
    db.session.commit()
    return practitioner


def update_practitioner(practitioner, values):
    changed = _apply(practitioner, values)
    if changed:
        audit.record("changed practitioner", practitioner, _changed_summary(changed))
        db.session.commit()
    return changed


def week(practitioner):
    """[(weekday number, name, [intervals in time order])] from Monday to Sunday."""
    return [
        (number, name, [interval for interval in practitioner.hours if interval.weekday == number])
        for number, name in enumerate(WEEKDAY_NAMES)
    ]


def describe_interval(weekday, start, end):
    return f"{WEEKDAY_NAMES[weekday]} {start:%H:%M} to {end:%H:%M}"


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


def add_hours(practitioner, weekday, start, end):
    practitioner.hours.append(WorkingHours(weekday=weekday, start_time=start, end_time=end))
    audit.record("added working hours", practitioner, describe_interval(weekday, start, end))
    db.session.commit()


def remove_hours(interval):
    practitioner = interval.practitioner
    summary = describe_interval(interval.weekday, interval.start_time, interval.end_time)
    practitioner.hours.remove(interval)
    audit.record("removed working hours", practitioner, summary)
    db.session.commit()


# ---------- Closures ----------


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


def add_closure(practitioner, starts_at, ends_at, reason):
    closure = Closure(practitioner=practitioner, starts_at=starts_at, ends_at=ends_at, reason=reason)
    db.session.add(closure)
    db.session.flush()
    audit.record("added closure", closure, _closure_summary(closure))
    db.session.commit()
    return closure


def remove_closure(closure):
    audit.record("removed closure", closure, _closure_summary(closure))
    db.session.delete(closure)
    db.session.commit()


def _closure_summary(closure):
    # The reason is left out: it may be about a member of staff's health.
    who = closure.practitioner.name if closure.practitioner else "whole clinic"
    return f"{who}: {describe_period(closure.starts_at, closure.ends_at)}"[:200]


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


def open_bank_holiday(holiday):
    """Let patients book the bank holiday after all; False if it was open already."""
    opening = HolidayOpening(day=holiday.day)
    db.session.add(opening)
    try:
        db.session.flush()
    except IntegrityError:  # a second click, or another admin, opened it first
        db.session.rollback()
        return False
    audit.record("opened bank holiday", opening, holiday.summary)
    db.session.commit()
    return True


def close_bank_holiday(holiday):
    """Close an opened bank holiday again; False if it was closed already."""
    opening = db.session.scalar(select(HolidayOpening).where(HolidayOpening.day == holiday.day))
    if opening is None:
        return False
    audit.record("closed bank holiday", opening, holiday.summary)
    db.session.delete(opening)
    db.session.commit()
    return True


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


# ---------- Consultation types ----------


def all_types():
    return db.session.scalars(
        select(ConsultationType).order_by(ConsultationType.position, ConsultationType.name)
    ).all()


def create_type(values):
    consultation_type = ConsultationType(**values)
    db.session.add(consultation_type)
    db.session.flush()
    audit.record("created consultation type", consultation_type)
    db.session.commit()
    return consultation_type


def update_type(consultation_type, values):
    changed = _apply(consultation_type, values)
    if changed:
        audit.record("changed consultation type", consultation_type, _changed_summary(changed))
        db.session.commit()
    return changed
