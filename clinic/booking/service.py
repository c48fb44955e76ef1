"""Taking, moving and cancelling bookings under the double-booking guard.

Every change that takes a slot runs check-then-write inside
database.begin_locked_write(); the database's own constraints are the last
word, and a violation becomes SlotTaken, never a 500.
"""

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clinic.booking import notifications, video
from clinic.booking.waitlist_offers import offer_freed_slot
from clinic.clinic_time import when
from clinic.database import begin_locked_write
from clinic.extensions import db
from clinic.forms.submission_keys import AlreadySubmitted
from clinic.models import Booking, Enquiry, Photo, Practitioner
from clinic.models.booking import OUTCOME_LABELS, BookingSource, BookingStatus
from clinic.models.enquiry import EnquiryStatus
from clinic.models.references import unused_reference
from clinic.models.types import utcnow
from clinic.outbox.checks import withdraw_stale_about
from clinic.photos import storage
from clinic.scheduling.queries import free_practitioners_at

REFERENCE_PREFIX = "BKG"


class SlotTaken(Exception):
    """The chosen time is no longer free."""


class ChangeNotAllowed(Exception):
    """The booking can no longer be changed this way; str() says why, for the patient."""


class NothingToChange(ChangeNotAllowed):
    """The change asked for is already made (a second click); str() says so."""


def book(
    consultation_type,
    start,
    practitioner_id,
    details,
    *,
    consents,
    uploads=(),
    source=BookingSource.WEB,
    on_booked=None,
    enquiry_id=None,
    submission_key=None,
):
    """Book `start` (aware UTC) with the practitioner, or any free one when None.

    details: the Booking's patient fields, validated. consents: ConsentText items
    agreed to. uploads: (label, ProcessedPhoto) pairs. on_booked(booking) runs
    inside the same transaction. enquiry_id: the enquiry this booking answers,
    marked booked with it. submission_key: the form's one-time key; if a booking
    was already made with it, AlreadySubmitted names that booking and nothing new
    is saved or sent. Returns (booking, emails), committed, or raises SlotTaken
    with nothing saved.
    """
    with storage.stored(uploads, current_app.config["UPLOAD_FOLDER"]) as saved:
        return _book_locked(
            consultation_type,
            start,
            practitioner_id,
            details,
            consents,
            saved,
            source,
            on_booked,
            enquiry_id,
            submission_key,
        )


def _book_locked(
    consultation_type, start, practitioner_id, details, consents, stored, source, on_booked, enquiry_id, key
):
    candidates = _lock_candidates(practitioner_id)
    # Checked under the lock: an identical submission waits for this one and then finds it.
    earlier = key and db.session.scalar(select(Booking).where(Booking.submission_key == key))
    if earlier:
        db.session.rollback()
        raise AlreadySubmitted(earlier)
    free = free_practitioners_at(consultation_type, start, practitioner_id)
    if not free or not candidates:
        db.session.rollback()
        raise SlotTaken
    booking = Booking(
        reference=unused_reference(Booking, REFERENCE_PREFIX),
        manage_key=secrets.token_hex(16),
        type_id=consultation_type.id,
        practitioner_id=_least_busy(free, start),
        source=source,
        enquiry_id=enquiry_id,
        submission_key=key or None,
        confirmed_at=utcnow(),
        **details,
    )
    _place(booking, consultation_type, start)
    video.assign_link(booking, consultation_type)
    booking.consents = [text.record() for text in consents]
    booking.photos = [Photo.from_stored(*saved) for saved in stored]
    db.session.add(booking)
    _flush_or_taken()
    if enquiry_id is not None:
        _answer_enquiry(db.session.get(Enquiry, enquiry_id), booking)
    if on_booked is not None:
        on_booked(booking)
    emails = notifications.booking_confirmed(booking)
    db.session.commit()
    return booking, emails


def move(booking, start, practitioner_id, *, by_staff=False, on_moved=None):
    """Move a live booking to another free slot; the old manage link stops working
    and the time it leaves is offered to the waiting list. Staff are not held
    to the patients' notice period. on_moved(booking) runs inside the same
    transaction (the staff audit entry). Returns the emails to send."""
    _lock_and_recheck(booking, "moved", by_staff, _lock_candidates(practitioner_id, lock=False))
    if booking.starts_at == start and practitioner_id in (None, booking.practitioner_id):
        db.session.rollback()
        raise NothingToChange(f"The booking is already at {when(start)}.")
    consultation_type = booking.type
    free = free_practitioners_at(consultation_type, start, practitioner_id, exclude_booking_id=booking.id)
    if not free:
        db.session.rollback()
        raise SlotTaken
    previous_start, previous_practitioner = booking.starts_at, booking.practitioner
    if booking.practitioner_id not in free:
        booking.practitioner_id = _least_busy(free, start)
    _place(booking, consultation_type, start)
    video.assign_link(booking, consultation_type, moved_from=previous_practitioner)
    booking.token_version += 1
    booking.calendar_sequence += 1
    booking.confirmed_at = utcnow()
    booking.reminder_queued_at = None
    _flush_or_taken()
    withdraw_stale_about(booking)
    if on_moved is not None:
        on_moved(booking)
    emails = notifications.booking_moved(booking, previous_start)
    emails += offer_freed_slot(consultation_type, previous_start, previous_practitioner)
    db.session.commit()
    return emails


def cancel(booking, *, by_staff=False, on_cancelled=None):
    """Cancel a live booking; offers the time to the waiting list. Patients only
    outside the notice period; staff at any time before the appointment.

    The booking is locked and checked again first, so of two identical requests
    (a double click) one cancels and the other raises ChangeNotAllowed, with one
    set of emails and, through on_cancelled(booking), one audit entry.
    """
    _lock_and_recheck(booking, "cancelled", by_staff)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = utcnow()
    booking.token_version += 1
    booking.calendar_sequence += 1
    withdraw_stale_about(booking)
    if on_cancelled is not None:
        on_cancelled(booking)
    emails = notifications.booking_cancelled(booking)
    emails += offer_freed_slot(booking.type, booking.starts_at, booking.practitioner)
    db.session.commit()
    return emails


def _answer_enquiry(enquiry, booking):
    """The enquiry is now booked, and its scalp photos travel with the booking, so
    the practitioner sees them on the day list."""
    enquiry.status = EnquiryStatus.BOOKED
    for photo in enquiry.photos:
        if photo.booking_id is None:
            photo.booking_id = booking.id


def record_outcome(booking, outcome, *, on_recorded=None):
    """Attended or no-show, once the appointment has started; staff only. Locked and
    checked again, so two clicks record it once; on_recorded(booking) runs in the
    same transaction and only when the outcome changed."""
    if outcome not in OUTCOME_LABELS:
        raise ValueError(f"not an outcome: {outcome}")
    _lock_for_change(booking)
    if booking.status == BookingStatus.CANCELLED:
        db.session.rollback()
        raise ChangeNotAllowed("A cancelled booking has no outcome to record.")
    if booking.starts_at > utcnow():
        db.session.rollback()
        raise ChangeNotAllowed("You can record whether the patient came once the appointment has started.")
    if booking.status == outcome:
        db.session.rollback()
        return False
    booking.status = outcome
    if on_recorded is not None:
        on_recorded(booking)
    db.session.commit()
    return True


def change_refusal(booking, change="changed", by_staff=False):
    """Why this booking cannot be changed online, or None if it can.

    Patients' online changes end at the notice period; after that they call, so
    the clinic hears of late changes in person. Staff may change it until it starts.
    """
    if booking.status != BookingStatus.BOOKED:
        return f"This booking is {booking.status.replace('_', ' ')}, so it cannot be {change}."
    if by_staff:
        return "This appointment has already started." if booking.starts_at <= utcnow() else None
    hours = current_app.config["BOOKING_CANCEL_NOTICE_HOURS"]
    if booking.starts_at - utcnow() < timedelta(hours=hours):
        return (
            f"Bookings can be {change} online up to {hours} hours before the appointment. "
            "Please call us instead."
        )
    return None


def _require_changeable(booking, change, by_staff=False):
    refusal = change_refusal(booking, change, by_staff)
    if refusal:
        raise ChangeNotAllowed(refusal)


def _lock_candidates(practitioner_id, *, lock=True):
    """The practitioners a booking may go to (one, or every active one for "any"), locked."""
    if practitioner_id is not None:
        ids = [practitioner_id]
    else:
        ids = db.session.scalars(select(Practitioner.id).where(Practitioner.active)).all()
    if lock:
        begin_locked_write(db.session, ids)
    return ids


def _lock_for_change(booking, practitioner_ids=()):
    """Lock the booking (and, for a move, the practitioners it may go to), then read it
    again: what the request saw may have been changed by another meanwhile."""
    begin_locked_write(db.session, practitioner_ids, [booking.id])
    db.session.refresh(booking)


def _lock_and_recheck(booking, change, by_staff, practitioner_ids=()):
    _require_changeable(booking, change, by_staff)
    _lock_for_change(booking, practitioner_ids)
    refusal = change_refusal(booking, change, by_staff)
    if refusal:
        db.session.rollback()
        raise ChangeNotAllowed(refusal)


def _place(booking, consultation_type, start):
    booking.starts_at = start
    booking.ends_at = start + timedelta(minutes=consultation_type.duration_minutes)
    booking.blocked_until = booking.ends_at + timedelta(minutes=current_app.config["BOOKING_BUFFER_MINUTES"])


def _least_busy(practitioner_ids, start):
    """Spread "any practitioner" bookings: the one with fewest live bookings that week."""
    if len(practitioner_ids) == 1:
        return practitioner_ids[0]
    week = (start - timedelta(days=3), start + timedelta(days=4))
    counts = dict(
        db.session.execute(
            select(Booking.practitioner_id, db.func.count())
            .where(
                Booking.practitioner_id.in_(practitioner_ids),
                Booking.status == BookingStatus.BOOKED,
                Booking.starts_at >= week[0],
                Booking.starts_at < week[1],
            )
            .group_by(Booking.practitioner_id)
        ).all()
    )
    return min(practitioner_ids, key=lambda pid: (counts.get(pid, 0), pid))


def _flush_or_taken():
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise SlotTaken from error
