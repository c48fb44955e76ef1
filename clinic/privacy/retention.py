"""Deleting personal data whose retention has run out, as the privacy notice promises:

- enquiries that never became a booking, ENQUIRY_RETENTION_MONTHS after they arrived;
- bookings, BOOKING_RETENTION_MONTHS after the person's last appointment ended. The notice counts
  from the last visit, so a patient's records go together, never an old one while newer ones stay;
- waiting-list entries, ENQUIRY_RETENTION_MONTHS after they were made;
- emails tied to no record (waiting-list emails, and any whose record is gone), after the same.

Bookings go first, so an enquiry that led only to bookings purged in this run goes with them.
Safe to repeat and to run from cron: a second run finds nothing left to delete.
"""

import calendar

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from clinic.extensions import db
from clinic.models import Booking, Enquiry, OutboxMessage, WaitlistEntry
from clinic.models.types import utcnow
from clinic.privacy.erasure import Deletion


def months_before(moment, months):
    """The same day and time `months` calendar months earlier (the month's last day if it is shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def purge(*, dry_run=False):
    """Delete what has expired; returns the Deletion. A dry run counts the same and rolls back."""
    now = utcnow()
    enquiry_months = current_app.config["ENQUIRY_RETENTION_MONTHS"]
    booking_months = current_app.config["BOOKING_RETENTION_MONTHS"]
    enquiry_cutoff = months_before(now, enquiry_months)
    booking_cutoff = months_before(now, booking_months)
    enquiry_reason = f"retention {enquiry_months} months"
    booking_reason = f"retention {booking_months} months"

    deletion = Deletion()
    for booking in db.session.scalars(_expired_bookings(booking_cutoff)).all():
        deletion.remove(booking, "purged booking", booking_reason, "bookings")
    for enquiry in db.session.scalars(_unbooked_enquiries(enquiry_cutoff)).all():
        deletion.remove(enquiry, "purged enquiry", enquiry_reason, "enquiries")
    entries = (
        select(WaitlistEntry).where(WaitlistEntry.created_at < enquiry_cutoff).order_by(WaitlistEntry.id)
    )
    for entry in db.session.scalars(entries).all():
        deletion.remove(entry, "purged waiting-list entry", enquiry_reason, "waiting-list entries")
    unlinked = select(OutboxMessage).where(
        OutboxMessage.enquiry_id.is_(None),
        OutboxMessage.booking_id.is_(None),
        OutboxMessage.created_at < enquiry_cutoff,
    )
    for message in db.session.scalars(unlinked.order_by(OutboxMessage.id)).all():
        deletion.remove_email(message, "purged email", enquiry_reason)

    if dry_run:
        deletion.rollback()
    else:
        deletion.commit()
    return deletion


def _expired_bookings(cutoff):
    later = aliased(Booking)
    same_person_since = (
        select(later.id)
        .where(func.lower(later.email) == func.lower(Booking.email), later.ends_at >= cutoff)
        .exists()
    )
    return select(Booking).where(Booking.ends_at < cutoff, ~same_person_since).order_by(Booking.id)


def _unbooked_enquiries(cutoff):
    booked = select(Booking.id).where(Booking.enquiry_id == Enquiry.id).exists()
    return select(Enquiry).where(Enquiry.created_at < cutoff, ~booked).order_by(Enquiry.id)
