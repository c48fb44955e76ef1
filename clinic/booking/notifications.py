"""Emails about bookings, one function per intent, all through the outbox.

Staff emails carry the reference, time, type and practitioner and a link to
the staff area; never the patient's health details.
"""

from flask import current_app

from clinic.booking import calendar
from clinic.booking.tokens import leave_token, manage_token, offer_token
from clinic.clinic_time import when
from clinic.models.outbox import EmailKind
from clinic.outbox.service import email_patient, email_staff, unsubscribe_headers
from clinic.web.urls import site_url


def manage_url(booking):
    return site_url("manage.view", token=manage_token(booking))


def booking_confirmed(booking):
    return [
        _to_patient(
            booking,
            EmailKind.BOOKING_CONFIRMED,
            f"Your consultation is booked ({booking.reference})",
            with_calendar=True,
        ),
        _to_staff(booking, "new", f"New booking {booking.reference}"),
    ]


def booking_moved(booking, previous_start):
    return [
        _to_patient(
            booking,
            EmailKind.BOOKING_MOVED,
            f"Your consultation has moved ({booking.reference})",
            with_calendar=True,
            previous_start=previous_start,
        ),
        _to_staff(
            booking,
            "moved",
            f"Booking {booking.reference} moved",
            previous_start=previous_start,
        ),
    ]


def booking_cancelled(booking):
    return [
        _to_patient(
            booking,
            EmailKind.BOOKING_CANCELLED,
            f"Your consultation is cancelled ({booking.reference})",
            with_calendar=True,
            cancelled=True,
        ),
        _to_staff(booking, "cancelled", f"Booking {booking.reference} cancelled"),
    ]


def booking_reminder(booking):
    return _to_patient(
        booking, EmailKind.BOOKING_REMINDER, f"Reminder: your consultation on {when(booking.starts_at)}"
    )


def booking_video_link(booking):
    """The link to join, once reception has one, with the calendar entry updated to hold it."""
    return _to_patient(
        booking,
        EmailKind.BOOKING_VIDEO_LINK,
        f"Your link to join the video consultation ({booking.reference})",
        with_calendar=True,
    )


def booking_invitation(enquiry, token):
    return email_patient(
        EmailKind.BOOKING_INVITATION,
        enquiry.email,
        f"Book your free consultation ({enquiry.reference})",
        "booking_invitation",
        enquiry=enquiry,
        invitation_url=site_url("booking.accept_invitation", token=token),
    )


def waitlist_joined(entry):
    return _to_waitlist(entry, EmailKind.WAITLIST_JOINED, f"You are on our waiting list ({entry.reference})")


def waitlist_offer(entry, slot_start, practitioner, consultation_type):
    message = _to_waitlist(
        entry,
        EmailKind.WAITLIST_OFFER,
        "A consultation time has become free",
        start=slot_start,
        consultation_type=consultation_type,
        practitioner=practitioner,
        claim_url=site_url("manage.claim_offer", token=offer_token(entry, slot_start, practitioner.id)),
        hours=current_app.config["WAITLIST_OFFER_HOURS"],
    )
    # What the offer offers, so that a sender can tell when the time has gone.
    message.offer_start, message.offer_practitioner_id = slot_start, practitioner.id
    return message


def _to_patient(booking, template, subject, *, with_calendar=False, cancelled=False, **context):
    # A cancelled booking has no page left to manage.
    link = None if cancelled else manage_url(booking)
    attachment = None
    if with_calendar:
        ics = calendar.booking_ics(booking, link).decode()
        attachment = (calendar.filename(booking), calendar.content_type(booking), ics)
    return email_patient(
        template,
        booking.email,
        subject,
        template,
        attachment=attachment,
        booking=booking,
        manage_url=link,
        location=calendar.location(booking),
        **context,
    )


def _to_staff(booking, change, subject, **context):
    return email_staff(
        f"booking_staff_{change}",
        subject,
        "booking_staff",
        patient_email=booking.email,
        booking=booking,
        change=change,
        detail_url=site_url("staff.records.booking.show", booking_id=booking.id),
        **context,
    )


def _to_waitlist(entry, template, subject, **context):
    # Every waiting-list email offers a way off the list: a link in the text, and
    # the List-Unsubscribe headers behind a mail provider's own button.
    leave_url = site_url("manage.leave_waitlist", token=leave_token(entry))
    return email_patient(
        template,
        entry.email,
        subject,
        template,
        headers=unsubscribe_headers(leave_url),
        entry=entry,
        leave_url=leave_url,
        **context,
    )
