"""Queueing emails: each is added to the caller's transaction, committed with the
record that causes it, and sent afterwards by clinic.outbox.delivery."""

import json
import uuid
from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import case, func, select

from clinic import clinic_info
from clinic.extensions import db
from clinic.models import OutboxMessage
from clinic.models.outbox import OutboxStatus
from clinic.models.types import utcnow

# Every email the clinic sends is automatic: out-of-office and other auto-replies
# must not answer it (RFC 3834; Exchange reads the second header), so a patient
# never hears reception's holiday notice, nor the clinic a patient's.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def email_patient(kind, address, subject, template, *, headers=None, **context):
    """Queue an email to a patient: a reply reaches the clinic (CLINIC_REPLY_TO),
    although it is sent from a no-reply address.

    Anyone can type anyone's address into the public forms, so an address that has
    had its share of emails lately gets no more: the email is held, with the reason
    for staff to see, and whatever caused it is saved as usual."""
    held_reason = _cap_reached(address)
    message = queue_email(
        kind,
        [address],
        subject,
        template,
        reply_to=current_app.config["CLINIC_REPLY_TO"] or clinic_info.EMAIL,
        headers=AUTOMATIC_HEADERS | (headers or {}),
        **context,
    )
    if held_reason:
        message.status, message.held_reason = OutboxStatus.HELD, held_reason
    return message


def _cap_reached(address):
    """Why `address` may have no more emails now, or None: the emails to it (any case)
    queued or sent in the last hour and day, against the caps."""
    config = current_app.config
    now = utcnow()
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    in_day, in_hour = db.session.execute(
        select(func.count(), func.count(case((OutboxMessage.created_at > hour_ago, 1)))).where(
            func.lower(OutboxMessage.recipients) == func.lower(address),
            OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENT)),
            OutboxMessage.created_at > day_ago,
            # Never earlier than created_at (a retry only moves it later), so this
            # changes no count; it lets the (status, next_attempt_at) index find the
            # day's emails rather than every email ever sent being read.
            OutboxMessage.next_attempt_at > day_ago,
        )
    ).one()
    for count, limit, period in (
        (in_hour, config["PATIENT_EMAIL_HOURLY_LIMIT"], "hour"),
        (in_day, config["PATIENT_EMAIL_DAILY_LIMIT"], "day"),
    ):
        if count >= limit:
            return f"this address has had {count} emails in the last {period}"
    return None


def email_staff(kind, subject, template, *, patient_email, **context):
    """Queue a notice to the clinic's staff (CLINIC_STAFF_EMAIL): replying to it
    answers the patient it is about."""
    return queue_email(
        kind,
        current_app.config["CLINIC_STAFF_EMAIL"],
        subject,
        template,
        reply_to=patient_email,
        headers=AUTOMATIC_HEADERS,
        **context,
    )


def unsubscribe_headers(url):
    """RFC 8058 one-click unsubscribe: the mail provider's button POSTs
    List-Unsubscribe=One-Click to `url`, without cookies or a CSRF token."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def is_one_click_unsubscribe(form):
    """Whether a POSTed form is a mail provider's RFC 8058 one-click unsubscribe."""
    return form.get("List-Unsubscribe") == "One-Click"


def queue_email(
    kind, recipients, subject, template, *, reply_to=None, headers=None, attachment=None, **context
):
    """Add an email to the current transaction; the caller commits it. Notifications
    use email_patient or email_staff, which choose the headers for their audience.

    attachment: optional (file name, content type, text).
    """
    attachment_name, attachment_type, attachment_data = attachment or (None, None, None)
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].rstrip(">") or "localhost"
    message = OutboxMessage(
        kind=kind,
        recipients=",".join(recipients),
        subject=_single_line(subject),
        body_text=render_template(f"email/{template}.txt", **context),
        body_html=render_template(f"email/{template}.html", **context),
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        enquiry_id=getattr(context.get("enquiry"), "id", None),
        booking_id=getattr(context.get("booking"), "id", None),
        booking_sequence=getattr(context.get("booking"), "calendar_sequence", None),
        waitlist_entry_id=getattr(context.get("entry"), "id", None),
        attachment_name=attachment_name,
        attachment_type=attachment_type,
        attachment_data=attachment_data,
        reply_to=reply_to,
        extra_headers=json.dumps(headers) if headers else None,
    )
    db.session.add(message)
    return message


def _single_line(text):
    # Subjects may quote what a patient typed; a header must stay one line.
    return " ".join(str(text).split())
