"""Emails the clinic sends, one function per intent, all through the outbox."""

from clinic.models.outbox import EmailKind
from clinic.outbox.service import email_patient, email_staff
from clinic.web.urls import site_url

REPLY_BY = {"email": "email", "phone": "phone", "either": "email or phone"}


def notify_staff_of_enquiry(enquiry):
    # Staff mail carries no message text or health details: inboxes get
    # forwarded and synced to phones; the staff area is where those belong.
    return email_staff(
        EmailKind.ENQUIRY_STAFF,
        f"New enquiry {enquiry.reference}",
        "enquiry_staff",
        patient_email=enquiry.email,
        enquiry=enquiry,
        detail_url=site_url("staff.records.enquiry.show", enquiry_id=enquiry.id),
    )


def acknowledge_enquiry(enquiry):
    return email_patient(
        EmailKind.ENQUIRY_ACK,
        enquiry.email,
        f"We have your enquiry ({enquiry.reference})",
        "enquiry_ack",
        enquiry=enquiry,
        reply_by=REPLY_BY[enquiry.preferred_contact],
    )
