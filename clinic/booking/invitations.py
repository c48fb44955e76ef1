"""Reception can invite an enquirer to book online: a signed link that opens
/book with their contact details filled in, and ties the booking to the enquiry."""

from flask import current_app, session
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from clinic.booking import notifications
from clinic.booking.tokens import LinkNotValid
from clinic.extensions import db
from clinic.models import Enquiry

SALT = "booking-invitation"
PREFILL_KEY = "booking_prefill"
VALID_DAYS = 14


def invitation_token(enquiry):
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT).dumps(enquiry.reference)


def enquiry_for_token(token):
    try:
        reference = URLSafeTimedSerializer(current_app.secret_key, salt=SALT).loads(
            token, max_age=VALID_DAYS * 86400
        )
    except SignatureExpired:
        raise LinkNotValid("This invitation has expired. You can still book any free time.") from None
    except BadSignature:
        raise LinkNotValid("This invitation link is not valid.") from None
    enquiry = db.session.scalar(select(Enquiry).where(Enquiry.reference == reference))
    if enquiry is None:
        raise LinkNotValid("This invitation is no longer open.")
    if any(booking.is_live for booking in enquiry.bookings):
        raise LinkNotValid(
            "You have already booked with this invitation. Our confirmation email has a link "
            "to view, move or cancel your consultation."
        )
    return enquiry


def send(enquiry):
    """Queue the invitation email; the caller commits."""
    return notifications.booking_invitation(enquiry, invitation_token(enquiry))


def remember(enquiry):
    """Keep the enquirer's contact details for the booking form in their own session cookie."""
    session[PREFILL_KEY] = {
        "enquiry_id": enquiry.id,
        "full_name": enquiry.full_name,
        "email": enquiry.email,
        "phone": enquiry.phone or "",
    }


def prefill():
    return session.get(PREFILL_KEY) or {}


def enquiry_id_for(email):
    """The invited enquiry this booking answers, if the form's email is the invited one."""
    remembered = prefill()
    if remembered and remembered.get("email", "").lower() == (email or "").lower():
        return remembered["enquiry_id"]
    return None


def forget():
    session.pop(PREFILL_KEY, None)
