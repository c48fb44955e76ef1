"""The clinic's schedule as the admin changes it: practitioners and their weekly hours,
closures, bank holidays opened as exceptions, consultation types.

Every change is audited in the same transaction and committed here. Nothing is
cached: the slot finder reads these tables on every request, so patients see a
change at once.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clinic import audit
from clinic.extensions import db
from clinic.models import Closure, ConsultationType, HolidayOpening, Practitioner, WorkingHours
from clinic.staff.admin.schedule.periods import describe_interval, describe_period


def _create(record, noun):
    db.session.add(record)
    db.session.flush()
    audit.record(f"created {noun}", record)
    db.session.commit()
    return record


def _update(record, values, noun):
    """Sets the values on the record, audited and committed; returns the names of those that changed."""
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, values[name])
    if changed:
        summary = "changed " + ", ".join(name.replace("_", " ") for name in changed)
        audit.record(f"changed {noun}", record, summary)
        db.session.commit()
    return changed


# ---------- Practitioners and their weekly hours ----------


def create_practitioner(values):
    return _create(Practitioner(**values), "practitioner")


def update_practitioner(practitioner, values):
    return _update(practitioner, values, "practitioner")


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


# ---------- Consultation types ----------


def create_type(values):
    return _create(ConsultationType(**values), "consultation type")


def update_type(consultation_type, values):
    return _update(consultation_type, values, "consultation type")
