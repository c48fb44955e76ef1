"""Reception's changes to an enquiry or a booking, each written to the audit log.

Audit summaries name what was done, never what the patient said about their health.
"""

from clinic import audit
from clinic.booking import invitations, service
from clinic.clinic_time import when
from clinic.extensions import db
from clinic.models import Note
from clinic.models.booking import BookingSource
from clinic.models.enquiry import EnquiryStatus
from clinic.privacy import consent

# The booking form asks patients for this; an enquiry taken in by reception has not.
UNKNOWN_PATTERN_STAGE = "not_sure"


def change_status(enquiry, status):
    if status not in list(EnquiryStatus):
        raise ValueError(f"not an enquiry status: {status}")
    enquiry.status = status
    audit.record("changed status", enquiry, f"changed status to {status}")
    db.session.commit()


def add_note(record, body, author):
    """A note on an enquiry or a booking; the audit entry says only that one was added."""
    record.staff_notes.append(Note(body=body, author_id=author.id))
    audit.record("added note", record, "added note")
    db.session.commit()


def assign(enquiry, practitioner):
    """Assign the enquiry to a practitioner, or to nobody when practitioner is None."""
    enquiry.assigned_practitioner = practitioner
    summary = f"assigned practitioner {practitioner.name}" if practitioner else "removed assignment"
    audit.record("assigned practitioner", enquiry, summary)
    db.session.commit()


def send_invitation(enquiry):
    """Queue the booking-invitation email and commit; returns the emails to send now."""
    email = invitations.send(enquiry)
    audit.record("sent booking invitation", enquiry, "sent booking invitation")
    db.session.commit()
    return [email]


def book_for_enquiry(enquiry, consultation_type, start, practitioner_id, phone, *, submission_key=None):
    """Book a consultation for an enquirer who agreed to it by phone.

    The enquiry's health-data consent covered answering it; holding a
    consultation needs the booking consent, which the caller has confirmed the
    patient gave by phone. Returns (booking, emails); raises SlotTaken, or
    AlreadySubmitted for a second click on the same form.
    """
    details = {
        "full_name": enquiry.full_name,
        "email": enquiry.email,
        "phone": phone,
        "concern": enquiry.concern,
        "pattern_stage": UNKNOWN_PATTERN_STAGE,
        # The practitioner sees the booking, not the enquiry: carry over what the patient asked.
        "notes": enquiry.message,
        "adult_confirmed": True,
        "marketing_opt_in": False,
    }

    def audit_booking(booking):
        audit.record("booked consultation", booking, f"booked consultation {booking.reference}")

    return service.book(
        consultation_type,
        start,
        practitioner_id,
        details,
        consents=[consent.BOOKING_HEALTH_DATA],
        source=BookingSource.RECEPTION,
        enquiry_id=enquiry.id,
        on_booked=audit_booking,
        submission_key=submission_key,
    )


def move_booking(booking, start, practitioner_id):
    """Staff may move a booking inside the patients' notice period. Raises SlotTaken or ChangeNotAllowed."""

    def audit_move(moved):
        audit.record("moved booking", moved, f"moved booking to {when(start)}")

    return service.move(booking, start, practitioner_id, by_staff=True, on_moved=audit_move)


def cancel_booking(booking):
    """Raises ChangeNotAllowed if it is no longer live (another click or person got there first)."""
    return service.cancel(
        booking,
        by_staff=True,
        on_cancelled=lambda done: audit.record("cancelled booking", done, "cancelled booking"),
    )


def record_outcome(booking, outcome):
    """Attended or no-show, once the appointment has started; raises ChangeNotAllowed before then."""
    action = f"recorded {outcome.replace('_', '-')}"
    service.record_outcome(booking, outcome, on_recorded=lambda done: audit.record(action, done, action))
