"""Practitioners and their weekly hours, closures and consultation types, under /staff/admin.
The rules and the audit entries live in service.py."""

from flask import Blueprint, abort, flash, render_template

from clinic.clinic_time import parse_day
from clinic.extensions import db
from clinic.models import Closure, ConsultationType, Practitioner, WorkingHours
from clinic.models.staff import Role
from clinic.staff.access import allow
from clinic.staff.admin.responses import done, form_page
from clinic.staff.admin.schedule import queries, service
from clinic.staff.admin.schedule.forms import ClosureForm, ConsultationTypeForm, HoursForm, PractitionerForm
from clinic.staff.admin.schedule.periods import describe_period

bp = Blueprint("schedule", __name__)


def _warn_of_bookings(count, what):
    if count:
        flash(
            f"{what}: {count}. They are not cancelled: move or cancel them from Enquiries and bookings.",
            "warning",
        )


# ---------- Practitioners and their hours ----------


@bp.get("/practitioners")
@allow(Role.ADMIN)
def practitioners():
    return render_template(
        "staff/admin/practitioners.html", practitioners=queries.all_practitioners(with_hours=True)
    )


@bp.route("/practitioners/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_practitioner():
    form = PractitionerForm()
    if form.validate_on_submit():
        practitioner = service.create_practitioner(form.values())
        return done(
            f"Added {practitioner.name}. Now set their working hours.",
            "staff.admin.schedule.hours",
            practitioner_id=practitioner.id,
        )
    return form_page("staff/admin/practitioner_form.html", form, practitioner=None)


@bp.route("/practitioners/<int:practitioner_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_practitioner(practitioner_id):
    practitioner = db.get_or_404(Practitioner, practitioner_id)
    form = PractitionerForm(obj=practitioner)
    if form.validate_on_submit():
        changed = service.update_practitioner(practitioner, form.values())
        if "active" in changed and not practitioner.active:
            _warn_of_bookings(
                queries.live_bookings_count(practitioner_id=practitioner.id),
                f"Booked consultations still to come with {practitioner.name}",
            )
        message = f"Saved {practitioner.name}." if changed else "Nothing to change."
        return done(message, "staff.admin.schedule.practitioners")
    return form_page("staff/admin/practitioner_form.html", form, practitioner=practitioner)


@bp.route("/practitioners/<int:practitioner_id>/hours", methods=["GET", "POST"])
@allow(Role.ADMIN)
def hours(practitioner_id):
    practitioner = db.get_or_404(Practitioner, practitioner_id)
    form = HoursForm(practitioner)
    if form.validate_on_submit():
        service.add_hours(practitioner, form.weekday.data, form.start.data, form.end.data)
        return done("Added the hours.", "staff.admin.schedule.hours", practitioner_id=practitioner.id)
    return form_page(
        "staff/admin/hours.html", form, practitioner=practitioner, week=queries.week(practitioner)
    )


@bp.post("/practitioners/<int:practitioner_id>/hours/<int:interval_id>/remove")
@allow(Role.ADMIN)
def remove_hours(practitioner_id, interval_id):
    interval = db.get_or_404(WorkingHours, interval_id)
    if interval.practitioner_id != practitioner_id:
        abort(404)
    service.remove_hours(interval)
    return done("Removed the hours.", "staff.admin.schedule.hours", practitioner_id=practitioner_id)


# ---------- Closures ----------


@bp.get("/closures")
@allow(Role.ADMIN)
def closures():
    return render_template(
        "staff/admin/closures.html",
        upcoming=queries.upcoming_closures(),
        past=queries.past_closures(),
        bank_holidays=queries.coming_bank_holidays(),
        period=describe_period,
    )


def _coming_bank_holiday_or_404(day):
    holiday = queries.coming_bank_holiday(parse_day(day))
    if holiday is None:
        abort(404)
    return holiday


@bp.post("/closures/bank-holidays/<day>/open")
@allow(Role.ADMIN)
def open_bank_holiday(day):
    holiday = _coming_bank_holiday_or_404(day)
    if not service.open_bank_holiday(holiday):
        return done(f"{holiday.summary} was open already.", "staff.admin.schedule.closures")
    return done(f"Opened {holiday.summary}: patients can book it.", "staff.admin.schedule.closures")


@bp.post("/closures/bank-holidays/<day>/close")
@allow(Role.ADMIN)
def close_bank_holiday(day):
    holiday = _coming_bank_holiday_or_404(day)
    if not service.close_bank_holiday(holiday):
        return done(f"{holiday.summary} was closed already.", "staff.admin.schedule.closures")
    _warn_of_bookings(queries.live_bookings_on(holiday.day), "Booked consultations on that day")
    return done(f"Closed {holiday.summary} again: nobody can book it.", "staff.admin.schedule.closures")


@bp.route("/closures/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_closure():
    form = ClosureForm(queries.all_practitioners())
    if form.validate_on_submit():
        practitioner = form.practitioner()
        closure = service.add_closure(practitioner, *form.span, form.reason.data or "")
        _warn_of_bookings(
            queries.live_bookings_count(
                practitioner_id=practitioner.id if practitioner else None,
                starts_at=closure.starts_at,
                ends_at=closure.ends_at,
            ),
            "Booked consultations in this closure",
        )
        return done(
            f"Closed {describe_period(closure.starts_at, closure.ends_at)}.",
            "staff.admin.schedule.closures",
        )
    return form_page("staff/admin/closure_new.html", form)


@bp.post("/closures/<int:closure_id>/remove")
@allow(Role.ADMIN)
def remove_closure(closure_id):
    closure = db.get_or_404(Closure, closure_id)
    service.remove_closure(closure)
    return done("Removed the closure. Those times can be booked again.", "staff.admin.schedule.closures")


# ---------- Consultation types ----------


@bp.get("/types")
@allow(Role.ADMIN)
def types():
    return render_template("staff/admin/types.html", types=queries.all_types())


@bp.route("/types/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_type():
    form = ConsultationTypeForm()
    if form.validate_on_submit():
        consultation_type = service.create_type(form.values())
        return done(f"Added {consultation_type.name}.", "staff.admin.schedule.types")
    return form_page("staff/admin/type_form.html", form, consultation_type=None)


@bp.route("/types/<int:type_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_type(type_id):
    consultation_type = db.get_or_404(ConsultationType, type_id)
    form = ConsultationTypeForm(obj=consultation_type)
    if form.validate_on_submit():
        changed = service.update_type(consultation_type, form.values())
        message = f"Saved {consultation_type.name}." if changed else "Nothing to change."
        return done(message, "staff.admin.schedule.types")
    return form_page("staff/admin/type_form.html", form, consultation_type=consultation_type)
