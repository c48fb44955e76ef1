"""Reception can invite an enquirer to book online: a signed link that opens
/book with their contact details filled in, and ties the booking to the enquiry.

The visitor's session remembers only which enquiry invited them; the details are
read from that enquiry when the form is shown."""

from flask import current_app, session
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from clinic.booking import notifications
from clinic.booking.tokens import LinkNotValid
from clinic.extensions import db
from clinic.models import Enquiry

SALT = "booking-invitation"
INVITED_KEY = "invited_by_enquiry"
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
    """Keep which enquiry invited this visitor, by its id alone: the session cookie is
    signed, not encrypted, so the contact details stay in the database."""
    session[INVITED_KEY] = enquiry.id


def prefill():
    """The invited enquirer's contact details for the booking form, read from their enquiry."""
    enquiry = _invited_enquiry()
    if enquiry is None:
        return {}
    return {"full_name": enquiry.full_name, "email": enquiry.email, "phone": enquiry.phone or ""}


def enquiry_id_for(email):
    """The invited enquiry this booking answers, if the form's email is the invited one."""
    enquiry = _invited_enquiry()
    if enquiry is not None and enquiry.email.lower() == (email or "").lower():
        return enquiry.id
    return None


def forget():
    session.pop(INVITED_KEY, None)


def _invited_enquiry():
    """None once the enquiry is gone (erased or purged since the link was opened)."""
    enquiry_id = session.get(INVITED_KEY)
    return db.session.get(Enquiry, enquiry_id) if enquiry_id is not None else None
