"""Taking in a patient's enquiry: saved together with the emails it causes."""

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clinic.enquiries.notifications import acknowledge_enquiry, notify_staff_of_enquiry
from clinic.extensions import db
from clinic.forms.submission_keys import AlreadySubmitted
from clinic.models import Enquiry, Photo
from clinic.models.references import unused_reference
from clinic.photos import storage
from clinic.privacy import consent

REFERENCE_PREFIX = "ENQ"


def submit_enquiry(details, marketing_opt_in, uploads=(), submission_key=None):
    """Save an enquiry with its consents, photos and emails in one transaction.

    `details` holds the Enquiry's fields, already validated; uploads are
    (label, ProcessedPhoto) pairs. Returns the enquiry and the queued emails,
    committed; raises AlreadySubmitted, saving nothing, if an enquiry was already
    made with this submission_key (the form's one-time key).
    """
    with storage.stored(uploads, current_app.config["UPLOAD_FOLDER"]) as saved:
        _refuse_repeat(submission_key)
        try:
            return _save(details, marketing_opt_in, saved, submission_key)
        except IntegrityError:
            # Two submissions of one form at the same instant: the unique key let one in.
            db.session.rollback()
            _refuse_repeat(submission_key)
            raise


def _refuse_repeat(submission_key):
    earlier = submission_key and db.session.scalar(
        select(Enquiry).where(Enquiry.submission_key == submission_key)
    )
    if earlier:
        raise AlreadySubmitted(earlier)


def _save(details, marketing_opt_in, saved_photos, submission_key):
    enquiry = Enquiry(
        reference=unused_reference(Enquiry, REFERENCE_PREFIX),
        marketing_opt_in=marketing_opt_in,
        submission_key=submission_key,
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
