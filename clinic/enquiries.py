"""Taking in a patient's enquiry: saved together with the emails it causes."""

from sqlalchemy import select

from clinic import consent
from clinic.extensions import db
from clinic.models import ConsentRecord, Enquiry
from clinic.notifications import acknowledge_enquiry, notify_staff_of_enquiry
from clinic.references import new_reference

REFERENCE_PREFIX = "ENQ"


def submit_enquiry(details, marketing_opt_in):
    """Save an enquiry with its consents and emails in one transaction.

    `details` holds the Enquiry's fields, already validated. Returns the
    enquiry and the queued emails, committed.
    """
    enquiry = Enquiry(
        reference=_unused_reference(),
        marketing_opt_in=marketing_opt_in,
        **details,
    )
    enquiry.consents.append(_record(consent.ENQUIRY_HEALTH_DATA))
    if marketing_opt_in:
        enquiry.consents.append(_record(consent.MARKETING))
    db.session.add(enquiry)
    db.session.flush()
    emails = [notify_staff_of_enquiry(enquiry), acknowledge_enquiry(enquiry)]
    db.session.commit()
    return enquiry, emails


def _record(text):
    return ConsentRecord(purpose=text.purpose, version=text.version, wording=text.wording)


def _unused_reference():
    # 25**6 codes make a clash rare; the unique constraint is the final guard.
    while True:
        reference = new_reference(REFERENCE_PREFIX)
        if db.session.scalar(select(Enquiry.id).where(Enquiry.reference == reference)) is None:
            return reference
