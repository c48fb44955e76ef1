"""A booking in full, and reception's changes to it: notes, move, cancel and outcome.

Practitioners may open only the bookings of their own patients (clinic/staff/access.py).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from clinic import audit
from clinic.booking import chosen_slot, service, video
from clinic.booking import selection as sel
from clinic.clinic_time import format_start, to_local, when
from clinic.extensions import db
from clinic.forms.confirm import ConfirmForm
from clinic.models import Booking, Note
from clinic.models.booking import OUTCOME_LABELS, BookingStatus
from clinic.models.types import utcnow
from clinic.staff.access import EVERYONE, FRONT_DESK, allow, can_view_booking
from clinic.staff.records import service as triage
from clinic.staff.records.actions import back_to, post_note, send_and_flash, set_state, time_picker_page
from clinic.staff.records.forms import NoteForm, OutcomeForm, VideoLinkForm

bp = Blueprint("booking", __name__)


@bp.get("/bookings/<int:booking_id>")
@allow(*EVERYONE)
def show(booking_id):
    record = db.get_or_404(Booking, booking_id)
    if not can_view_booking(current_user, record):
        abort(403)
    audit.record_now("viewed booking", record, "viewed booking")
    return _booking_page(record)


@bp.post("/bookings/<int:booking_id>/notes")
@allow(*FRONT_DESK)
def note(booking_id):
    return post_note(db.get_or_404(Booking, booking_id), _booking_page)


@bp.get("/bookings/<int:booking_id>/move")
@allow(*FRONT_DESK)
def move(booking_id):
    record = db.get_or_404(Booking, booking_id)
    refusal = service.change_refusal(record, "moved", by_staff=True)
    if refusal:
        flash(refusal, "warning")
        return back_to(record)
    selection = sel.selection_for_move(record, request.args.get("practitioner", record.practitioner_id))
    return time_picker_page(
        "staff/records_move.html", selection, exclude_booking_id=record.id, booking=record
    )


@bp.route("/bookings/<int:booking_id>/move/confirm", methods=["GET", "POST"])
@allow(*FRONT_DESK)
def move_confirm(booking_id):
    record = db.get_or_404(Booking, booking_id)
    chosen = chosen_slot.for_move(
        record, request.form if request.method == "POST" else request.args, unknown_means_any=True
    )
    if chosen is None:
        return redirect(url_for("staff.records.booking.move", booking_id=record.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        return _move(record, chosen)
    return render_template(
        "staff/records_move_confirm.html",
        booking=record,
        form=form,
        selection=chosen.selection,
        start=chosen.start,
        still_free=chosen.is_free(),
        format_start=format_start,
    )


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@allow(*FRONT_DESK)
def cancel(booking_id):
    record = db.get_or_404(Booking, booking_id)
    form = ConfirmForm()
    refusal = service.change_refusal(record, "cancelled", by_staff=True)
    if refusal:
        flash(refusal, "warning")
        return back_to(record)
    if form.validate_on_submit():
        try:
            send_and_flash(
                triage.cancel_booking(record), "Booking cancelled.", "The patient has been emailed."
            )
        except service.ChangeNotAllowed as problem:
            flash(str(problem), "warning")
        return back_to(record)
    return render_template("staff/records_cancel.html", booking=record, form=form)


@bp.post("/bookings/<int:booking_id>/video-link")
@allow(*FRONT_DESK)
def video_link(booking_id):
    record = db.get_or_404(Booking, booking_id)
    form = VideoLinkForm()
    if not form.validate():
        return _booking_page(record, video_form=form, status=422)
    try:
        send_and_flash(
            video.send_link(record, form.link.data), "Video link saved.", "The patient has been emailed it."
        )
    except video.LinkNotSent as refusal:
        flash(str(refusal), "warning")
    return back_to(record)


@bp.post("/bookings/<int:booking_id>/outcome")
@allow(*FRONT_DESK)
def outcome(booking_id):
    record = db.get_or_404(Booking, booking_id)
    form = OutcomeForm()
    if not form.validate():
        flash("Choose attended or did not attend.", "warning")
        return back_to(record)
    return set_state(
        record, triage.record_outcome, form.outcome.data, OUTCOME_LABELS.items(), "Recorded as {}."
    )


def _booking_page(record, *, note_form=None, video_form=None, status=200):
    front_desk = current_user.role in FRONT_DESK
    record = _with_everything_shown(record, front_desk)
    started = record.starts_at <= utcnow()
    return render_template(
        "staff/booking.html",
        booking=record,
        front_desk=front_desk,
        started=started,
        booking_day=to_local(record.starts_at).date(),
        refusal=service.change_refusal(record, by_staff=True),
        offer_outcome=started and record.status != BookingStatus.CANCELLED,
        note_form=note_form or NoteForm(formdata=None),
        outcome_form=OutcomeForm(formdata=None),
        video_form=video_form or VideoLinkForm(formdata=None),
        can_send_video_link=video.can_send_link(record),
    ), status


def _with_everything_shown(record, front_desk):
    """The booking with its type, practitioner, enquiry, photos, consents, notes and their
    authors, and for the front desk its emails, loaded in a fixed number of queries however
    many there are."""
    options = [
        joinedload(Booking.type),
        joinedload(Booking.practitioner),
        joinedload(Booking.enquiry),
        selectinload(Booking.photos),
        selectinload(Booking.consents),
        selectinload(Booking.staff_notes).joinedload(Note.author),
    ]
    if front_desk:
        options.append(selectinload(Booking.emails))
    return db.session.scalars(select(Booking).where(Booking.id == record.id).options(*options)).one()


def _move(record, chosen):
    try:
        send_and_flash(
            triage.move_booking(record, chosen.start, chosen.practitioner_id),
            f"Moved to {when(chosen.start)}.",
            "The patient has been emailed the new time.",
        )
    except service.SlotTaken:
        flash("That time has just been taken. Please choose another.", "warning")
        return redirect(
            url_for("staff.records.booking.move", booking_id=record.id, **chosen.calendar_params()),
            code=303,
        )
    except service.ChangeNotAllowed as refusal:
        flash(str(refusal), "warning")
    return back_to(record)
