"""The waiting list: joining it, claiming a freed slot through an offer link, and leaving it."""

import base64
import hashlib
import secrets

from sqlalchemy import select, update

from clinic.booking import notifications, service
from clinic.extensions import db
from clinic.models import Booking, ConsultationType, WaitlistEntry
from clinic.models.booking import BookingSource, WaitlistStatus
from clinic.models.references import unused_reference
from clinic.privacy import consent

REFERENCE_PREFIX = "WL"


def join(details, marketing_opt_in):
    entry = WaitlistEntry(
        reference=unused_reference(WaitlistEntry, REFERENCE_PREFIX),
        manage_key=secrets.token_hex(16),
        marketing_opt_in=marketing_opt_in,
        **details,
    )
    entry.consents.append(consent.BOOKING_HEALTH_DATA.record())
    if marketing_opt_in:
        entry.consents.append(consent.MARKETING.record())
    db.session.add(entry)
    db.session.flush()
    emails = [notifications.waitlist_joined(entry)]
    db.session.commit()
    return entry, emails


def claim(entry, start, practitioner_id, offer_token=None):
    """Book the offered slot for the waitlisted patient; raises service.SlotTaken if gone,
    or AlreadySubmitted if this offer link has booked already (a second click)."""
    consultation_type = db.session.get(ConsultationType, entry.type_id)
    details = {
        "full_name": entry.full_name,
        "email": entry.email,
        "phone": entry.phone,
        "concern": entry.concern,
        "pattern_stage": entry.pattern_stage,
        "notes": entry.notes,
        "adult_confirmed": True,
        "marketing_opt_in": entry.marketing_opt_in,
    }
    entry_id = entry.id

    def mark_booked(_booking):
        db.session.get(WaitlistEntry, entry_id).status = WaitlistStatus.BOOKED

    return service.book(
        consultation_type,
        start,
        practitioner_id,
        details,
        consents=[consent.BOOKING_HEALTH_DATA],
        source=BookingSource.WAITLIST,
        on_booked=mark_booked,
        submission_key=offer_token and _claim_key(offer_token),
    )


def booking_claimed_with(offer_token):
    """The live booking this offer link made, if it made one."""
    booking = db.session.scalar(select(Booking).where(Booking.submission_key == _claim_key(offer_token)))
    return booking if booking is not None and booking.is_live else None


def _claim_key(offer_token):
    # The offer link itself is the claim's one-time key; its hash fits the column and
    # keeps the link out of the database.
    return base64.urlsafe_b64encode(hashlib.sha256(offer_token.encode()).digest()).decode().rstrip("=")


def leave(entry):
    """Take the entry off the waiting list. Only a waiting entry changes, in one
    conditional UPDATE, so leaving twice or at once changes nothing more; offers
    already queued for it are withdrawn when they fall due (clinic/outbox/checks.py)."""
    db.session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.id == entry.id, WaitlistEntry.status == WaitlistStatus.WAITING)
        .values(status=WaitlistStatus.LEFT)
    )
    db.session.commit()
