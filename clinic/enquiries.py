"""Taking in a patient's enquiry: saved together with the emails it causes."""

from clinic import consent
from clinic.extensions import db
from clinic.models import Enquiry
from clinic.notifications import acknowledge_enquiry, notify_staff_of_enquiry
from clinic.references import unused_reference

REFERENCE_PREFIX = "ENQ"


def submit_enquiry(details, marketing_opt_in):
    """Save an enquiry with its consents and emails in one transaction.

    `details` holds the Enquiry's fields, already validated. Returns the
    enquiry and the queued emails, committed.
    """
    enquiry = Enquiry(
        reference=unused_reference(Enquiry, REFERENCE_PREFIX),
        marketing_opt_in=marketing_opt_in,
        **details,
    )
    enquiry.consents.append(consent.ENQUIRY_HEALTH_DATA.record())
    if marketing_opt_in:
        enquiry.consents.append(consent.MARKETING.record())
    db.session.add(enquiry)
    db.session.flush()
    emails = [notify_staff_of_enquiry(enquiry), acknowledge_enquiry(enquiry)]
    db.session.commit()
    return enquiry, emails
