"""Emails the clinic sends, one function per intent, all through the outbox."""

from flask import current_app

from clinic.outbox import queue_email
from clinic.urls import site_url

REPLY_BY = {"email": "email", "phone": "phone", "either": "email or phone"}


def notify_staff_of_enquiry(enquiry):
    # Staff mail carries no message text or health details: inboxes get
    # forwarded and synced to phones; the staff area is where those belong.
    return queue_email(
        "enquiry_staff",
        current_app.config["CLINIC_STAFF_EMAIL"],
        f"New enquiry {enquiry.reference}",
        "enquiry_staff",
        enquiry=enquiry,
        detail_url=site_url("records.enquiry", enquiry_id=enquiry.id),
    )


def acknowledge_enquiry(enquiry):
    return queue_email(
        "enquiry_ack",
        [enquiry.email],
        f"We have your enquiry ({enquiry.reference})",
        "enquiry_ack",
        enquiry=enquiry,
        reply_by=REPLY_BY[enquiry.preferred_contact],
    )
