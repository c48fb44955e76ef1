"""Signed links in patients' emails. They carry random keys, never ids or
personal details, and stop working when the booking changes (a version)."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import select

from clinic.clinic_time import format_start, parse_start
from clinic.extensions import db
from clinic.models import Booking, WaitlistEntry
from clinic.models.booking import BookingStatus, WaitlistStatus
from clinic.models.types import utcnow

MANAGE_SALT = "booking-manage"
OFFER_SALT = "waitlist-offer"
LEAVE_SALT = "waitlist-leave"


class LinkNotValid(Exception):
    """str() explains to the patient why the link no longer works. `booking` is the
    booking a manage link named, when it still exists: a page answering a second
    click can then say what the first one did."""

    def __init__(self, reason, booking=None):
        super().__init__(reason)
        self.booking = booking


def manage_token(booking):
    return URLSafeSerializer(current_app.secret_key, salt=MANAGE_SALT).dumps(
        [booking.manage_key, booking.token_version]
    )


def booking_for_token(token):
    try:
        key, version = URLSafeSerializer(current_app.secret_key, salt=MANAGE_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        raise LinkNotValid("This link is not valid. Please use the latest link we emailed you.") from None
    booking = db.session.scalar(select(Booking).where(Booking.manage_key == key))
    if booking is None:
        raise LinkNotValid("This link no longer works. Please use the link in our most recent email.")
    if booking.token_version != version or booking.status != BookingStatus.BOOKED:
        raise LinkNotValid(
            "This link no longer works because the booking was changed or cancelled. "
            "Please use the link in our most recent email.",
            booking,
        )
    if booking.ends_at <= utcnow():
        raise LinkNotValid("This appointment has passed, so its link no longer works.")
    return booking


def offer_token(entry, start, practitioner_id):
    return URLSafeTimedSerializer(current_app.secret_key, salt=OFFER_SALT).dumps(
        [entry.manage_key, format_start(start), practitioner_id]
    )


def offer_for_token(token):
    """(entry, slot start, practitioner id) for a waitlist offer link."""
    serializer = URLSafeTimedSerializer(current_app.secret_key, salt=OFFER_SALT)
    max_age = current_app.config["WAITLIST_OFFER_HOURS"] * 3600
    try:
        key, start, practitioner_id = serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkNotValid("This offer has expired. You are still on our waiting list.") from None
    except (BadSignature, ValueError, TypeError):
        raise LinkNotValid("This link is not valid.") from None
    entry = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.manage_key == key))
    if entry is None or entry.status != WaitlistStatus.WAITING or parse_start(start) is None:
        raise LinkNotValid("This offer is no longer open.")
    return entry, parse_start(start), practitioner_id


def leave_token(entry):
    # No expiry: a way off the waiting list must work for as long as the entry is on it.
    return URLSafeSerializer(current_app.secret_key, salt=LEAVE_SALT).dumps(entry.manage_key)


def entry_for_leave_token(token):
    """The waiting-list entry a leave link names, whatever its status."""
    try:
        key = URLSafeSerializer(current_app.secret_key, salt=LEAVE_SALT).loads(token)
    except BadSignature:
        raise LinkNotValid("This link is not valid.") from None
    entry = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.manage_key == key))
    if entry is None:
        raise LinkNotValid("You are not on our waiting list, so there is nothing to leave.")
    return entry
