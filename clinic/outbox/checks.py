"""Whether a queued email is still true, so that no stale email is ever sent.

An email waits in the outbox for as long as the mail server is down, and the
booking it describes may change meanwhile. Before a message goes out, and
whenever a booking changes, this decides whether it still says what is true:
a reminder or confirmation of a time since moved or cancelled, or a waiting-list
offer for a time since taken, is withdrawn with the reason, never delivered.
Notices to staff and cancellations are records of what happened and stay due.
"""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Booking, ConsultationType, Enquiry, OutboxMessage, WaitlistEntry
from clinic.models.booking import BookingStatus, WaitlistStatus
from clinic.models.outbox import OutboxStatus
from clinic.models.types import utcnow
from clinic.scheduling.queries import free_practitioners_at

log = logging.getLogger(__name__)

# Emails that describe a booking's current time: true only while it is live and unchanged.
ABOUT_THE_BOOKING_NOW = frozenset(
    {"booking_confirmed", "booking_moved", "booking_reminder", "booking_video_link"}
)


def withdraw_if_stale(message):
    """Withdraw a queued message that no longer holds, with the reason; True if it was."""
    if message.status != OutboxStatus.QUEUED:
        return False
    reason = stale_reason(message)
    if reason is None:
        return False
    message.status = OutboxStatus.WITHDRAWN
    message.withdrawn_reason = reason
    message.locked_until = None
    log.info("outbox message %s (%s) withdrawn: %s", message.id, message.kind, reason)
    return True


def withdraw_stale_about(booking):
    """After a change to `booking`: withdraw its queued emails that it made untrue, at once,
    so the record shows them as withdrawn rather than waiting for the next send."""
    about = OutboxMessage.booking_id == booking.id
    for message in db.session.scalars(
        select(OutboxMessage).where(about, OutboxMessage.status == OutboxStatus.QUEUED)
    ):
        withdraw_if_stale(message)


def stale_reason(message):
    """Why this queued message no longer holds (for the staff record), or None if it does."""
    if message.kind in ABOUT_THE_BOOKING_NOW:
        return _booking_reason(message)
    if message.kind == "waitlist_offer":
        return _offer_reason(message)
    if message.kind == "waitlist_joined":
        return _joined_reason(message)
    if message.kind == "booking_invitation":
        return _invitation_reason(message)
    return None


def _booking_reason(message):
    booking = db.session.get(Booking, message.booking_id) if message.booking_id else None
    if booking is None:
        return "the booking no longer exists"
    if booking.status != BookingStatus.BOOKED:
        return f"the booking was {booking.status.replace('_', ' ')}"
    if message.booking_sequence is not None and booking.calendar_sequence != message.booking_sequence:
        return "the booking changed after this email was written"
    return None


def _entry(message):
    return db.session.get(WaitlistEntry, message.waitlist_entry_id) if message.waitlist_entry_id else None


def _joined_reason(message):
    entry = _entry(message)
    if entry is None or entry.status == WaitlistStatus.LEFT:
        return "the patient has left the waiting list"
    return None


def _offer_reason(message):
    entry = _entry(message)
    if entry is None or entry.status != WaitlistStatus.WAITING:
        return "the patient is no longer on the waiting list"
    expires = message.created_at + timedelta(hours=current_app.config["WAITLIST_OFFER_HOURS"])
    if expires <= utcnow() or message.offer_start <= utcnow():
        return "the offer expired before it could be sent"
    consultation_type = db.session.get(ConsultationType, entry.type_id)
    if not free_practitioners_at(consultation_type, message.offer_start, message.offer_practitioner_id):
        return "the time offered is no longer free"
    return None


def _invitation_reason(message):
    enquiry = db.session.get(Enquiry, message.enquiry_id) if message.enquiry_id else None
    if enquiry is None:
        return "the enquiry no longer exists"
    if any(booking.is_live for booking in enquiry.bookings):
        return "the patient has booked already"
    return None
