"""Many rows at once, for tests that need hundreds of them: one INSERT of many rows per table,
far faster than the factories. Rows are numbered, so a test can add rows 0-9, then 10-999, and
find the newest by its number. Use inside `with app.app_context():`."""

import secrets
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from clinic.extensions import db
from clinic.models import (
    AuditEntry,
    Booking,
    Closure,
    ConsultationType,
    Enquiry,
    MediaItem,
    Note,
    OutboxMessage,
    Photo,
    Practitioner,
    StaffUser,
    Testimonial,
    WorkingHours,
)
from clinic.models.booking import BookingStatus
from tests.support.clinic_days import local_start

NOW = datetime.now(UTC)
BOOKING_GAP = timedelta(minutes=40)  # a 30-minute consultation and the 10-minute buffer


def bulk(model, rows):
    db.session.execute(insert(model), list(rows))
    db.session.commit()


def add_bookings(numbers, type_id, starts, **fields):
    """Live bookings "BKG-Q00000"... at the (practitioner id, start) pairs, one per number."""
    bulk(
        Booking,
        (
            {
                "reference": f"BKG-Q{number:05d}",
                "manage_key": secrets.token_hex(16),
                "type_id": type_id,
                "practitioner_id": practitioner_id,
                "starts_at": start,
                "ends_at": start + timedelta(minutes=30),
                "blocked_until": start + BOOKING_GAP,
                "status": BookingStatus.BOOKED,
                "created_at": NOW - timedelta(days=30, minutes=number),
                "full_name": f"Patient Booked{number}",
                "email": f"booked{number}@gmail.com",
                "phone": "+447911123456",
                "concern": "crown",
                "pattern_stage": "norwood_3",
                "adult_confirmed": True,
                **fields,
            }
            for number, (practitioner_id, start) in zip(numbers, starts, strict=True)
        ),
    )
    return ids_of(Booking, Booking.reference, [f"BKG-Q{number:05d}" for number in numbers])


def add_enquiries(numbers, **fields):
    """Enquiries "ENQ-Q00000"...; the higher the number, the newer."""
    bulk(
        Enquiry,
        (
            {
                "reference": f"ENQ-Q{number:05d}",
                "created_at": NOW - timedelta(days=20) + timedelta(minutes=number),
                "full_name": f"Patient Asked{number}",
                "email": f"asked{number}@gmail.com",
                "phone": "+447700900123",
                "preferred_contact": "email",
                "concern": "hairline",
                "hoped_result": "buzz_cut",
                "message": "Would SMP suit my receding hairline?",
                **fields,
            }
            for number in numbers
        ),
    )
    return ids_of(Enquiry, Enquiry.reference, [f"ENQ-Q{number:05d}" for number in numbers])


def add_practitioners(numbers, with_hours=True):
    """Practitioners "Practitioner Q00000"..., working 9am-1pm and 2pm-6pm, Monday to Saturday."""
    bulk(Practitioner, ({"name": f"Practitioner Q{number:05d}", "bio": ""} for number in numbers))
    ids = ids_of(Practitioner, Practitioner.name, [f"Practitioner Q{number:05d}" for number in numbers])
    if with_hours:
        bulk(
            WorkingHours,
            (
                {"practitioner_id": practitioner_id, "weekday": weekday, "start_time": start, "end_time": end}
                for practitioner_id in ids
                for weekday in range(6)
                for start, end in ((time(9), time(13)), (time(14), time(18)))
            ),
        )
    return ids


def add_staff(numbers, practitioner_ids=None):
    """Accounts "Staff Member0"... that never sign in: reception, or practitioners each linked
    to one of practitioner_ids."""
    bulk(
        StaffUser,
        (
            {
                "email": f"staff{number}@hairline-clinic.co.uk",
                "name": f"Staff Member{number}",
                "role": "practitioner" if practitioner_ids else "reception",
                "practitioner_id": practitioner_ids[index] if practitioner_ids else None,
                "password_hash": "unusable",
                "session_token": secrets.token_urlsafe(32),
            }
            for index, number in enumerate(numbers)
        ),
    )
    return ids_of(StaffUser, StaffUser.email, [f"staff{number}@hairline-clinic.co.uk" for number in numbers])


def add_types(numbers):
    bulk(
        ConsultationType,
        (
            {"name": f"Type Q{number:05d}", "duration_minutes": 30, "mode": "video", "position": number}
            for number in numbers
        ),
    )


def add_closures(numbers, practitioner_ids):
    """For each number, a closure to come and a past one, both of its own practitioner."""
    soon = local_start(date.today() + timedelta(days=3), 9)
    bulk(
        Closure,
        (
            {
                "practitioner_id": practitioner_id,
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "reason": f"Training {number}",
            }
            for number, practitioner_id in zip(numbers, practitioner_ids, strict=True)
            for start in (soon + timedelta(days=number), soon - timedelta(days=30 + number))
        ),
    )


def add_content(numbers):
    """Testimonials "Testimonial headline 0"... and media items "Feature 0"..., newest last."""
    bulk(
        Testimonial,
        (
            {
                "headline": f"Testimonial headline {number}",
                "body": "Clear about what SMP can and cannot do.",
                "attribution": f"Patient {number}",
                "treatment": "SMP, crown",
                "given_on": date(2026, 5, 1) + timedelta(days=number),
            }
            for number in numbers
        ),
    )
    bulk(
        MediaItem,
        (
            {
                "outlet": f"Outlet {number}",
                "title": f"Feature {number}",
                "summary": "A feature about SMP.",
                "published_on": date(2026, 4, 1) + timedelta(days=number),
            }
            for number in numbers
        ),
    )


def add_notes(numbers, owner, author_ids):
    """Notes "Called back, note 0."... on the owner ({"enquiry_id": ...} or {"booking_id": ...}),
    each by the author at its number."""
    bulk(
        Note,
        (
            {**owner, "author_id": author_ids[number], "body": f"Called back, note {number}."}
            for number in numbers
        ),
    )


def add_emails(numbers, owner):
    bulk(
        OutboxMessage,
        (
            {
                **owner,
                "kind": "booking_reminder",
                "recipients": "jordan.ellis@gmail.com",
                "subject": "Your consultation",
                "body_text": "See you soon.",
                "body_html": "<p>See you soon.</p>",
                "message_id": f"<{secrets.token_hex(8)}@hairline-clinic.co.uk>",
                "status": "sent",
                "attempts": 1,
                "sent_at": NOW,
            }
            for _ in numbers
        ),
    )


def add_photos(owners):
    """One photo for each owner ({"enquiry_id": ...} or {"booking_id": ...}; repeat one for many)."""
    bulk(
        Photo,
        (
            {
                **owner,
                "label": "crown",
                "stored_name": f"{secrets.token_hex(8)}.jpg",
                "content_type": "image/jpeg",
                "width": 800,
                "height": 600,
                "size_bytes": 1000,
            }
            for owner in owners
        ),
    )


def add_audit_entries(numbers, actor_ids, start):
    """Entries "entry 00000"... a second apart from start, each by its actor, about that actor."""
    bulk(
        AuditEntry,
        (
            {
                "at": start + timedelta(seconds=number),
                "actor_id": actor_id,
                "action": "viewed enquiry",
                "record_type": "staff_user",
                "record_id": actor_id,
                "summary": f"entry {number:05d}",
            }
            for number, actor_id in zip(numbers, actor_ids, strict=True)
        ),
    )


def ids_of(model, column, values):
    """The ids of the rows whose column holds the values, in the values' order."""
    rows = db.session.execute(select(column, model.id).where(column.in_(values)))
    by_value = {value: record_id for value, record_id in rows}
    return [by_value[value] for value in values]


def slot_starts(first_day, practitioner_ids, days=28):
    """Every start 40 minutes apart in working hours, Monday to Saturday, for `days` days from
    first_day, except 9am, which stays free for everyone: (practitioner id, start) in time order."""
    starts = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day.weekday() == 6:
            continue
        for opening in (datetime.combine(day, time(9)), datetime.combine(day, time(14))):
            for step in range(1 if opening.hour == 9 else 0, 6):
                local = opening + step * BOOKING_GAP
                starts += [(p, local_start(day, local.hour, local.minute)) for p in practitioner_ids]
    return starts


def spread(items, count):
    """`count` items taken evenly from the whole list."""
    return [items[index * len(items) // count] for index in range(count)]
