"""One enquiry or booking in full, for reception: status, notes, emails, photos and actions.

Practitioners may open only the bookings of their own patients, and those bookings' photos.
Every view is audited; every change goes through clinic.staff.triage, which audits it too.
"""

import io
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from PIL import Image

from clinic import audit, consent, photos
from clinic.booking import selection as sel
from clinic.booking import service
from clinic.extensions import db
from clinic.models import Booking, Enquiry, Photo, Practitioner
from clinic.models.staff import PRACTITIONER
from clinic.models.types import utcnow
from clinic.outbox import send_now
from clinic.staff import triage
from clinic.staff.access import EVERYONE, FRONT_DESK, allow, guard_blueprint
from clinic.staff.record_forms import (
    AssignForm,
    ConfirmForm,
    NoteForm,
    OutcomeForm,
    StaffBookingForm,
    StatusForm,
)
from clinic.timefmt import format_start, parse_start, to_local, when
from clinic.validators import display_phone

bp = Blueprint("records", __name__, url_prefix="/staff")
guard_blueprint(bp)

THUMBNAIL_BOX = (320, 320)


# ---------- Enquiries ----------


@bp.get("/enquiries/<int:enquiry_id>")
@allow(*FRONT_DESK)
def enquiry(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    audit.record_now("viewed enquiry", record, "viewed enquiry")
    return _enquiry_page(record)


@bp.post("/enquiries/<int:enquiry_id>/status")
@allow(*FRONT_DESK)
def enquiry_status(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    form = StatusForm()
    if not form.validate():
        return _enquiry_page(record, status_form=form, status=422)
    triage.change_status(record, form.status.data)
    flash(f"Status changed to {dict(triage.STATUSES)[record.status].lower()}.", "info")
    return _back_to_enquiry(record)


@bp.post("/enquiries/<int:enquiry_id>/notes")
@allow(*FRONT_DESK)
def enquiry_note(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    form = NoteForm()
    if not form.validate():
        return _enquiry_page(record, note_form=form, status=422)
    triage.add_note(record, form.body.data, current_user)
    flash("Note added.", "info")
    return _back_to_enquiry(record)


@bp.post("/enquiries/<int:enquiry_id>/assign")
@allow(*FRONT_DESK)
def enquiry_assign(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    form = AssignForm(_assignable(record))
    if not form.validate():
        return _enquiry_page(record, assign_form=form, status=422)
    practitioner_id = form.practitioner_id
    triage.assign(record, db.session.get(Practitioner, practitioner_id) if practitioner_id else None)
    flash(
        f"Assigned to {record.assigned_practitioner.name}." if practitioner_id else "Assignment removed.",
        "info",
    )
    return _back_to_enquiry(record)


@bp.post("/enquiries/<int:enquiry_id>/invite")
@allow(*FRONT_DESK)
def enquiry_invite(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    _send_and_flash(triage.send_invitation(record), "Booking invitation queued.", f"Sent to {record.email}.")
    return _back_to_enquiry(record)


def _enquiry_page(record, *, status=200, **forms):
    return render_template(
        "staff/enquiry.html",
        enquiry=record,
        status_form=forms.get("status_form") or StatusForm(formdata=None, data={"status": record.status}),
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        assign_form=forms.get("assign_form")
        or AssignForm(
            _assignable(record),
            formdata=None,
            data={"practitioner": str(record.assigned_practitioner_id or "")},
        ),
        statuses=triage.STATUSES,
    ), status


def _assignable(record):
    practitioners = sel.active_practitioners()
    if record.assigned_practitioner and record.assigned_practitioner not in practitioners:
        practitioners.append(record.assigned_practitioner)
    return practitioners


def _back_to_enquiry(record):
    return redirect(url_for("records.enquiry", enquiry_id=record.id), code=303)


# ---------- Booking an enquirer in ----------


@bp.get("/enquiries/<int:enquiry_id>/book")
@allow(*FRONT_DESK)
def book_for_enquiry(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    types = sel.active_types()
    if not types:
        flash("There are no active consultation types to book.", "warning")
        return _back_to_enquiry(record)
    selection = sel.selection_from(request.args) or sel.Selection(types[0], record.assigned_practitioner)
    if selection.practitioner is not None and not selection.practitioner.active:
        selection = sel.Selection(selection.consultation_type, None)
    return render_template(
        "staff/book_for_enquiry.html",
        enquiry=record,
        selection=selection,
        types=types,
        practitioners=sel.active_practitioners(),
        **sel.calendar_context(selection, request.args),
    )


@bp.route("/enquiries/<int:enquiry_id>/book/details", methods=["GET", "POST"])
@allow(*FRONT_DESK)
def book_details(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    form = StaffBookingForm()
    values = request.form if request.method == "POST" else request.args
    selection = sel.selection_from(values)
    start = parse_start(values.get("start"))
    if selection is None or start is None:
        flash("Please choose the consultation and time again.", "warning")
        return redirect(url_for("records.book_for_enquiry", enquiry_id=record.id), code=303)
    if request.method == "GET":
        form.process(
            data={
                "type": selection.consultation_type.id,
                "practitioner": selection.practitioner_param,
                "start": format_start(start),
                "phone": display_phone(record.phone),
            }
        )
        return _book_details_page(record, form, selection, start)
    if not form.validate():
        return _book_details_page(record, form, selection, start, status=422)
    try:
        booking, emails = triage.book_for_enquiry(
            record, selection.consultation_type, start, selection.practitioner_id, form.phone.data
        )
    except service.SlotTaken:
        return _book_details_page(record, form, selection, start, status=409, taken=True)
    _send_and_flash(
        emails,
        f"Booked {booking.reference} for {when(booking.starts_at)}.",
        "The patient's confirmation is sent.",
    )
    return redirect(url_for("records.booking", booking_id=booking.id), code=303)


def _book_details_page(record, form, selection, start, *, status=200, taken=False):
    still_free = not taken and sel.is_free(selection, start)
    return render_template(
        "staff/records_book_details.html",
        enquiry=record,
        form=form,
        selection=selection,
        start=start,
        still_free=still_free,
        taken=taken,
        alternatives=[] if still_free else _fresh_times(selection, start),
        format_start=format_start,
        health_consent=consent.BOOKING_HEALTH_DATA,
    ), status


def _fresh_times(selection, start):
    """Free times on the same day, or else on the next day that has any."""
    day = to_local(start).date()
    same_day = sel.slots_on(selection, day)
    if same_day:
        return same_day
    window = sel.calendar_window(selection, day + timedelta(days=1))
    return next((slots for slots in window.values() if slots), [])


# ---------- Bookings ----------


@bp.get("/bookings/<int:booking_id>")
@allow(*EVERYONE)
def booking(booking_id):
    record = _viewable_booking(booking_id)
    audit.record_now("viewed booking", record, "viewed booking")
    return _booking_page(record)


@bp.post("/bookings/<int:booking_id>/notes")
@allow(*FRONT_DESK)
def booking_note(booking_id):
    record = db.get_or_404(Booking, booking_id)
    form = NoteForm()
    if not form.validate():
        return _booking_page(record, note_form=form, status=422)
    triage.add_note(record, form.body.data, current_user)
    flash("Note added.", "info")
    return _back_to_booking(record)


@bp.get("/bookings/<int:booking_id>/move")
@allow(*FRONT_DESK)
def booking_move(booking_id):
    record = db.get_or_404(Booking, booking_id)
    refusal = service.change_refusal(record, "moved", by_staff=True)
    if refusal:
        flash(refusal, "warning")
        return _back_to_booking(record)
    selection = _move_selection(record, request.args.get("practitioner", record.practitioner_id))
    return render_template(
        "staff/records_move.html",
        booking=record,
        selection=selection,
        practitioners=sel.active_practitioners(),
        **sel.calendar_context(selection, request.args, exclude_booking_id=record.id),
    )


@bp.route("/bookings/<int:booking_id>/move/confirm", methods=["GET", "POST"])
@allow(*FRONT_DESK)
def booking_move_confirm(booking_id):
    record = db.get_or_404(Booking, booking_id)
    values = request.form if request.method == "POST" else request.args
    selection = _move_selection(record, values.get("practitioner"))
    start = parse_start(values.get("start"))
    if start is None:
        return redirect(url_for("records.booking_move", booking_id=record.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            _send_and_flash(
                triage.move_booking(record, start, selection.practitioner_id),
                f"Moved to {when(start)}.",
                "The patient has been emailed the new time.",
            )
        except service.SlotTaken:
            flash("That time has just been taken. Please choose another.", "warning")
            day = to_local(start).date().isoformat()
            return redirect(
                url_for("records.booking_move", booking_id=record.id, date=day, **selection.params()),
                code=303,
            )
        except service.ChangeNotAllowed as refusal:
            flash(str(refusal), "warning")
        return _back_to_booking(record)
    return render_template(
        "staff/records_move_confirm.html",
        booking=record,
        form=form,
        selection=selection,
        start=start,
        still_free=sel.is_free(selection, start, exclude_booking_id=record.id),
        format_start=format_start,
    )


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@allow(*FRONT_DESK)
def booking_cancel(booking_id):
    record = db.get_or_404(Booking, booking_id)
    form = ConfirmForm()
    refusal = service.change_refusal(record, "cancelled", by_staff=True)
    if refusal:
        flash(refusal, "warning")
        return _back_to_booking(record)
    if form.validate_on_submit():
        try:
            _send_and_flash(
                triage.cancel_booking(record), "Booking cancelled.", "The patient has been emailed."
            )
        except service.ChangeNotAllowed as problem:
            flash(str(problem), "warning")
        return _back_to_booking(record)
    return render_template("staff/records_cancel.html", booking=record, form=form)


@bp.post("/bookings/<int:booking_id>/outcome")
@allow(*FRONT_DESK)
def booking_outcome(booking_id):
    record = db.get_or_404(Booking, booking_id)
    form = OutcomeForm()
    if form.validate():
        try:
            triage.record_outcome(record, form.outcome.data)
        except service.ChangeNotAllowed as problem:
            flash(str(problem), "warning")
        else:
            flash(f"Recorded as {dict(triage.OUTCOMES)[record.status].lower()}.", "info")
    else:
        flash("Choose attended or did not attend.", "warning")
    return _back_to_booking(record)


def _viewable_booking(booking_id):
    record = db.get_or_404(Booking, booking_id)
    if current_user.role == PRACTITIONER and record.practitioner_id != current_user.practitioner_id:
        abort(403)
    return record


def _booking_page(record, *, note_form=None, status=200):
    started = record.starts_at <= utcnow()
    return render_template(
        "staff/booking.html",
        booking=record,
        front_desk=current_user.role in FRONT_DESK,
        started=started,
        booking_day=to_local(record.starts_at).date(),
        refusal=service.change_refusal(record, by_staff=True),
        offer_outcome=started and record.status != "cancelled",
        note_form=note_form or NoteForm(formdata=None),
        outcome_form=OutcomeForm(formdata=None),
        outcomes=triage.OUTCOMES,
    ), status


def _move_selection(record, practitioner):
    return sel.selection_from({"type": record.type_id, "practitioner": practitioner}) or sel.Selection(
        record.type, None
    )


def _back_to_booking(record):
    return redirect(url_for("records.booking", booking_id=record.id), code=303)


# ---------- Photos ----------


@bp.get("/photos/<int:photo_id>")
@allow(*EVERYONE)
def photo(photo_id):
    record = db.get_or_404(Photo, photo_id)
    if not _may_see_photo(record):
        abort(403)
    try:
        path = photos.path_for(record.stored_name, current_app.config["UPLOAD_FOLDER"])
    except FileNotFoundError:
        abort(404)
    thumbnail = request.args.get("size") == "thumb"
    audit.record_now("viewed photo", record, "viewed photo thumbnail" if thumbnail else "viewed photo")
    if thumbnail:
        data, mimetype = _thumbnail(path)
        response = send_file(
            io.BytesIO(data),
            mimetype=mimetype,
            download_name=f"photo-{record.id}-small.{mimetype.rpartition('/')[2]}",
        )
    else:
        response = send_file(
            path,
            mimetype=record.content_type,
            download_name=f"photo-{record.id}{Path(record.stored_name).suffix}",
            conditional=False,
            etag=False,
        )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _may_see_photo(record):
    if current_user.role in FRONT_DESK:
        return True
    return record.booking is not None and record.booking.practitioner_id == current_user.practitioner_id


def _thumbnail(path):
    """A small copy for the detail pages: PNG where the original is PNG or has transparency, else JPEG."""
    with Image.open(path) as image:
        keep_png = image.format == "PNG" or image.has_transparency_data
        image.thumbnail(THUMBNAIL_BOX)
        buffer = io.BytesIO()
        if keep_png:
            image.save(buffer, "PNG")
        else:
            image.convert("RGB").save(buffer, "JPEG", quality=85)
    return buffer.getvalue(), "image/png" if keep_png else "image/jpeg"


def _send_and_flash(emails, done, emailed):
    _sent, failed = send_now(emails)
    if failed:
        flash(f"{done} The email could not be sent yet; it will be retried automatically.", "warning")
    else:
        flash(f"{done} {emailed}", "info")
