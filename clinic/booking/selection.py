"""What the patient has picked so far in the booking steps, read from the query
string or hidden fields, checked against the database; anything odd means start again."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from clinic import clinic_time
from clinic.clinic_time import format_start, parse_day, to_local
from clinic.extensions import db
from clinic.models import ConsultationType, Practitioner
from clinic.models.types import MAX_ID, utcnow
from clinic.scheduling.availability import slots_by_local_date
from clinic.scheduling.queries import find_slots, free_practitioners_at, rules

# The practitioner value that leaves the choice of practitioner to the clinic.
ANY_PRACTITIONER = "any"
DAYS_SHOWN = 14


@dataclass
class Selection:
    consultation_type: ConsultationType
    practitioner: Practitioner | None  # None: any practitioner

    @property
    def practitioner_id(self):
        return self.practitioner.id if self.practitioner else None

    @property
    def practitioner_param(self):
        return str(self.practitioner.id) if self.practitioner else ANY_PRACTITIONER

    def params(self, **extra):
        return {"type": self.consultation_type.id, "practitioner": self.practitioner_param, **extra}


def active_types():
    return db.session.scalars(
        select(ConsultationType).where(ConsultationType.active).order_by(ConsultationType.position)
    ).all()


def active_practitioners():
    return db.session.scalars(
        select(Practitioner).where(Practitioner.active).order_by(Practitioner.name)
    ).all()


def selection_from(values):
    """A Selection from request values, or None if they don't name an active type/practitioner."""
    consultation_type = _get_active(ConsultationType, values.get("type"))
    if consultation_type is None:
        return None
    practitioner_value = values.get("practitioner") or ANY_PRACTITIONER
    if practitioner_value == ANY_PRACTITIONER:
        return Selection(consultation_type, None)
    practitioner = _get_active(Practitioner, practitioner_value)
    return Selection(consultation_type, practitioner) if practitioner else None


def selection_for_move(booking, practitioner):
    """The booking's own type with the practitioner asked for, or with any practitioner
    when that one is unknown or no longer active: moving never changes the type."""
    return selection_from({"type": booking.type_id, "practitioner": practitioner}) or Selection(
        booking.type, None
    )


def calendar_window(selection, first_day, *, exclude_booking_id=None):
    """Free slots over DAYS_SHOWN days from first_day, grouped by local date."""
    last_day = first_day + timedelta(days=DAYS_SHOWN - 1)
    slots = find_slots(
        selection.consultation_type,
        selection.practitioner_id,
        first_day,
        last_day,
        exclude_booking_id=exclude_booking_id,
    )
    return slots_by_local_date(slots, rules())


def slots_on(selection, day, *, exclude_booking_id=None):
    return find_slots(
        selection.consultation_type,
        selection.practitioner_id,
        day,
        day,
        exclude_booking_id=exclude_booking_id,
    )


def is_free(selection, start, *, exclude_booking_id=None):
    return bool(
        free_practitioners_at(
            selection.consultation_type,
            start,
            selection.practitioner_id,
            exclude_booking_id=exclude_booking_id,
        )
    )


def last_bookable_day():
    return (to_local(utcnow()) + rules().horizon).date()


def _get_active(model, value):
    try:
        record_id = int(value)
    except (TypeError, ValueError):
        return None
    # An id past the database's integer range is simply unknown, not an error.
    if not 0 < record_id <= MAX_ID:
        return None
    record = db.session.get(model, record_id)
    return record if record is not None and record.active else None


def calendar_context(selection, args, *, exclude_booking_id=None):
    """Two weeks of days with their number of free times, and the times of the chosen day."""
    today = clinic_time.today()
    first_day = min(max(parse_day(args.get("week")) or today, today), last_bookable_day())
    by_day = calendar_window(selection, first_day, exclude_booking_id=exclude_booking_id)
    chosen_day = parse_day(args.get("date"))
    if chosen_day is not None and chosen_day not in by_day:
        chosen_slots = slots_on(selection, chosen_day, exclude_booking_id=exclude_booking_id)
    else:
        chosen_slots = by_day.get(chosen_day, [])
    days = [first_day + timedelta(days=offset) for offset in range(DAYS_SHOWN)]
    return {
        "days": [(day, len(by_day.get(day, []))) for day in days],
        "first_day": first_day,
        "previous_week": first_day - timedelta(days=DAYS_SHOWN) if first_day > today else None,
        "next_week": days[-1] + timedelta(days=1) if days[-1] < last_bookable_day() else None,
        "chosen_day": chosen_day,
        "chosen_slots": chosen_slots,
        "format_start": format_start,
    }


def fresh_times(selection, start):
    """When `start` is gone: free times on the same day, or else on the next day that has any."""
    day = to_local(start).date()
    same_day = slots_on(selection, day)
    if same_day:
        return same_day
    window = calendar_window(selection, day + timedelta(days=1))
    return next((slots for slots in window.values() if slots), [])
