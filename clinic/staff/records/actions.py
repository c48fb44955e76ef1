"""What the views of enquiries and bookings share: notes, status or outcome, emails, the time picker."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.booking import selection as sel
from clinic.booking import service
from clinic.models import Booking
from clinic.models.outbox import OutboxStatus
from clinic.outbox.delivery import send_now
from clinic.staff.records import service as triage
from clinic.staff.records.forms import NoteForm


def back_to(record):
    # 303, so that reloading the record's page does not post the action again.
    if isinstance(record, Booking):
        return redirect(url_for("staff.records.booking.show", booking_id=record.id), code=303)
    return redirect(url_for("staff.records.enquiry.show", enquiry_id=record.id), code=303)


def post_note(record, page):
    """Add the posted note to the enquiry or booking; page(record, note_form=, status=) shows errors."""
    form = NoteForm()
    if not form.validate():
        return page(record, note_form=form, status=422)
    triage.add_note(record, form.body.data, current_user)
    flash("Note added.", "info")
    return back_to(record)


def set_state(record, change, value, labels, done):
    """change(record, value) sets an enquiry's status or a booking's outcome; done names the new one.

    done is a message with {} for the state's label, e.g. "Recorded as {}.".
    """
    try:
        change(record, value)
    except service.ChangeNotAllowed as refusal:
        flash(str(refusal), "warning")
    else:
        flash(done.format(dict(labels)[record.status].lower()), "info")
    return back_to(record)


def send_and_flash(emails, done, emailed):
    held = [email for email in emails if email.status == OutboxStatus.HELD]
    _sent, failed = send_now(emails)
    if held:
        # The patient's address has had as many emails as the caps allow: say so, not "sent".
        flash(
            f"{done} The email to the patient is held and will not be sent: {held[0].held_reason}.", "warning"
        )
    elif failed:
        flash(f"{done} The email could not be sent yet; it will be retried automatically.", "warning")
    else:
        flash(f"{done} {emailed}", "info")


def time_picker_page(template, selection, *, exclude_booking_id=None, **context):
    """A page of the practitioner form and the calendar of free times (templates/booking/_calendar.html)."""
    return render_template(
        template,
        selection=selection,
        practitioners=sel.active_practitioners(),
        **sel.calendar_context(selection, request.args, exclude_booking_id=exclude_booking_id),
        **context,
    )
