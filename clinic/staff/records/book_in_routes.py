"""Booking an enquirer in: reception picks a free time, then confirms the details with them by phone."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from clinic.booking import chosen_slot, service
from clinic.booking import selection as sel
from clinic.clinic_time import when
from clinic.extensions import db
from clinic.forms.submission_keys import AlreadySubmitted
from clinic.forms.validators import display_phone
from clinic.models import Enquiry
from clinic.privacy import consent
from clinic.staff.access import FRONT_DESK, allow
from clinic.staff.records import service as triage
from clinic.staff.records.actions import back_to, send_and_flash, time_picker_page
from clinic.staff.records.forms import StaffBookingForm

bp = Blueprint("book_in", __name__)


@bp.get("/enquiries/<int:enquiry_id>/book")
@allow(*FRONT_DESK)
def choose_slot(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    types = sel.active_types()
    if not types:
        flash("There are no active consultation types to book.", "warning")
        return back_to(record)
    selection = sel.selection_from(request.args) or sel.Selection(types[0], record.assigned_practitioner)
    if selection.practitioner is not None and not selection.practitioner.active:
        selection = sel.Selection(selection.consultation_type, None)
    return time_picker_page("staff/book_for_enquiry.html", selection, enquiry=record, types=types)


@bp.route("/enquiries/<int:enquiry_id>/book/details", methods=["GET", "POST"])
@allow(*FRONT_DESK)
def details(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    form = StaffBookingForm()
    chosen = chosen_slot.for_booking(request.form if request.method == "POST" else request.args)
    if chosen is None:
        flash("Please choose the consultation and time again.", "warning")
        return redirect(url_for("staff.records.book_in.choose_slot", enquiry_id=record.id), code=303)
    if request.method == "GET":
        form.process(data={**chosen.form_data(), "phone": display_phone(record.phone)})
        return _book_details_page(record, form, chosen)
    if not form.validate():
        return _book_details_page(record, form, chosen, status=422)
    try:
        booking, emails = triage.book_for_enquiry(
            record,
            chosen.selection.consultation_type,
            chosen.start,
            chosen.practitioner_id,
            form.phone.data,
            submission_key=form.submission_key_value(),
        )
    except AlreadySubmitted as first:
        # A second click on "Book": the first one booked it.
        return back_to(first.record)
    except service.SlotTaken:
        return _book_details_page(record, form, chosen, status=409, taken=True)
    send_and_flash(
        emails,
        f"Booked {booking.reference} for {when(booking.starts_at)}.",
        "The patient's confirmation is sent.",
    )
    return back_to(booking)


def _book_details_page(record, form, chosen, *, status=200, taken=False):
    form.give_submission_key()
    return render_template(
        "staff/records_book_details.html",
        enquiry=record,
        form=form,
        **chosen.details_context(taken=taken),
        health_consent=consent.BOOKING_HEALTH_DATA,
    ), status
