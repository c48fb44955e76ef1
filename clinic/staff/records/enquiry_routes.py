"""An enquiry in full for reception, and its status, notes, assignment and booking invitation."""

from flask import Blueprint, flash, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from clinic import audit
from clinic.booking import selection as sel
from clinic.extensions import db
from clinic.models import Enquiry, Note, Practitioner
from clinic.models.enquiry import EnquiryStatus
from clinic.staff.access import FRONT_DESK, allow
from clinic.staff.records import service as triage
from clinic.staff.records.actions import back_to, post_note, send_and_flash, set_state
from clinic.staff.records.forms import AssignForm, NoteForm, StatusForm

bp = Blueprint("enquiry", __name__)


@bp.get("/enquiries/<int:enquiry_id>")
@allow(*FRONT_DESK)
def show(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    audit.record_now("viewed enquiry", record, "viewed enquiry")
    return _enquiry_page(record)


@bp.post("/enquiries/<int:enquiry_id>/status")
@allow(*FRONT_DESK)
def status(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    form = StatusForm()
    if not form.validate():
        return _enquiry_page(record, status_form=form, status=422)
    return set_state(
        record, triage.change_status, form.status.data, EnquiryStatus.choices(), "Status changed to {}."
    )


@bp.post("/enquiries/<int:enquiry_id>/notes")
@allow(*FRONT_DESK)
def note(enquiry_id):
    return post_note(db.get_or_404(Enquiry, enquiry_id), _enquiry_page)


@bp.post("/enquiries/<int:enquiry_id>/assign")
@allow(*FRONT_DESK)
def assign(enquiry_id):
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
    return back_to(record)


@bp.post("/enquiries/<int:enquiry_id>/invite")
@allow(*FRONT_DESK)
def invite(enquiry_id):
    record = db.get_or_404(Enquiry, enquiry_id)
    # Flashed messages travel in the session cookie, so this one names no address.
    send_and_flash(
        triage.send_invitation(record), "Booking invitation queued.", "The patient has been emailed it."
    )
    return back_to(record)


def _enquiry_page(record, *, status=200, **forms):
    record = _with_everything_shown(record)
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
    ), status


def _with_everything_shown(record):
    """The enquiry with its photos, consents, notes and their authors, emails and bookings loaded
    in a fixed number of queries however many there are."""
    return db.session.scalars(
        select(Enquiry)
        .where(Enquiry.id == record.id)
        .options(
            joinedload(Enquiry.assigned_practitioner),
            selectinload(Enquiry.photos),
            selectinload(Enquiry.consents),
            selectinload(Enquiry.staff_notes).joinedload(Note.author),
            selectinload(Enquiry.emails),
            selectinload(Enquiry.bookings),
        )
    ).one()


def _assignable(record):
    practitioners = sel.active_practitioners()
    if record.assigned_practitioner and record.assigned_practitioner not in practitioners:
        practitioners.append(record.assigned_practitioner)
    return practitioners
