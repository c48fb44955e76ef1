"""Reminder emails the day before, queued by a job that is safe to run every hour."""

from datetime import timedelta

from sqlalchemy import or_, select, update

from clinic.booking import notifications
from clinic.extensions import db
from clinic.models import Booking
from clinic.models.booking import BookingStatus
from clinic.models.types import utcnow

WINDOW_START, WINDOW_END = timedelta(hours=24), timedelta(hours=48)
# A booking confirmed (or moved) more recently than this needs no reminder: the
# confirmation, with the same time and links, is still fresh in the patient's inbox.
FRESH_CONFIRMATION = timedelta(hours=24)


def queue_reminders(now=None):
    """Queue one reminder per live booking starting 24 to 48 hours from now, unless
    the patient was sent its time in the last 24 hours.

    Each booking is claimed by stamping reminder_queued_at in the same UPDATE
    that checks it is still unstamped, so overlapping runs never remind twice.
    """
    now = now or utcnow()
    claimed = db.session.scalars(
        update(Booking)
        .where(
            Booking.status == BookingStatus.BOOKED,
            Booking.reminder_queued_at.is_(None),
            Booking.starts_at >= now + WINDOW_START,
            Booking.starts_at < now + WINDOW_END,
            or_(Booking.confirmed_at.is_(None), Booking.confirmed_at <= now - FRESH_CONFIRMATION),
        )
        .values(reminder_queued_at=now)
        .returning(Booking.id)
    ).all()
    if not claimed:
        db.session.commit()
        return []
    bookings = db.session.scalars(select(Booking).where(Booking.id.in_(claimed)).order_by(Booking.starts_at))
    emails = [notifications.booking_reminder(booking) for booking in bookings]
    db.session.commit()
    return emails
