"""Taking in a patient's enquiry: saved together with the emails it causes."""

from flask import current_app

from clinic import consent, photos
from clinic.extensions import db
from clinic.models import Enquiry, Photo
from clinic.notifications import acknowledge_enquiry, notify_staff_of_enquiry
from clinic.references import unused_reference

REFERENCE_PREFIX = "ENQ"


def submit_enquiry(details, marketing_opt_in, uploads=()):
    """Save an enquiry with its consents, photos and emails in one transaction.

    `details` holds the Enquiry's fields, already validated; uploads are
    (label, ProcessedPhoto) pairs. Returns the enquiry and the queued emails, committed.
    """
    with photos.stored(uploads, current_app.config["UPLOAD_FOLDER"]) as saved:
        return _save(details, marketing_opt_in, saved)


def _save(details, marketing_opt_in, saved_photos):
    enquiry = Enquiry(
        reference=unused_reference(Enquiry, REFERENCE_PREFIX),
        marketing_opt_in=marketing_opt_in,
        **details,
    )
    enquiry.consents.append(consent.ENQUIRY_HEALTH_DATA.record())
    if saved_photos:
        enquiry.consents.append(consent.PHOTOS.record())
        enquiry.photos = [Photo.from_stored(*saved) for saved in saved_photos]
    if marketing_opt_in:
        enquiry.consents.append(consent.MARKETING.record())
    db.session.add(enquiry)
    db.session.flush()
    emails = [notify_staff_of_enquiry(enquiry), acknowledge_enquiry(enquiry)]
    db.session.commit()
    return enquiry, emails
