"""The clinic admin's pages under /staff/admin: staff accounts, practitioners and their
weekly hours, closures, consultation types.

Views stay short: the rules and the audit entries live in staff_accounts.py and
schedule_admin.py. A change answers 303 with a flash message, except a new or reset
password: that is shown in the response itself, so it never travels in the session
cookie. A form with errors is shown again (422) with the messages next to the fields.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from clinic.clinic_time import parse_day
from clinic.extensions import db
from clinic.models import Closure, ConsultationType, Practitioner, StaffUser, WorkingHours
from clinic.models.staff import ADMIN
from clinic.outbox import queries as outbox
from clinic.staff.access import allow, guard_blueprint
from clinic.staff.admin import schedule as schedule_admin
from clinic.staff.admin import staff_accounts
from clinic.staff.admin.forms import (
    ClosureForm,
    ConsultationTypeForm,
    HoursForm,
    NewAccountForm,
    PractitionerForm,
    RoleForm,
)
from clinic.staff.auth import service as accounts
from clinic.staff.auth.service import AccountError

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
guard_blueprint(bp)


def _done(message, endpoint, **values):
    flash(message, "info")
    return redirect(url_for(endpoint, **values), code=303)


def _form_page(template, form, **context):
    return render_template(template, form=form, **context), 422 if form.errors else 200


def _warn_of_bookings(count, what):
    if count:
        flash(
            f"{what}: {count}. They are not cancelled: move or cancel them from Enquiries and bookings.",
            "warning",
        )


@bp.get("/")
@allow(ADMIN)
def index():
    return render_template("staff/admin/index.html", failed_emails=outbox.failed_count())


# ---------- Staff accounts ----------


@bp.get("/users")
@allow(ADMIN)
def users():
    return render_template("staff/admin/users.html", users=staff_accounts.all_accounts())


@bp.route("/users/new", methods=["GET", "POST"])
@allow(ADMIN)
def new_user():
    form = NewAccountForm(staff_accounts.unlinked_practitioners())
    if form.validate_on_submit():
        try:
            user, password = staff_accounts.create_account(
                form.email.data, form.name.data, form.role.data, form.linked_practitioner()
            )
        except AccountError as problem:
            form.email.errors.append(str(problem))
        else:
            # Shown in this response only, never put in the session cookie or a flash message.
            return render_template("staff/admin/password.html", user=user, password=password, is_new=True)
    return _form_page("staff/admin/user_new.html", form)


@bp.get("/users/<int:user_id>")
@allow(ADMIN)
def user(user_id):
    account = db.get_or_404(StaffUser, user_id)
    return _user_page(account, RoleForm(account, staff_accounts.unlinked_practitioners(account.practitioner)))


@bp.post("/users/<int:user_id>/role")
@allow(ADMIN)
def change_role(user_id):
    account = db.get_or_404(StaffUser, user_id)
    form = RoleForm(account, staff_accounts.unlinked_practitioners(account.practitioner))
    if form.validate_on_submit():
        try:
            changed = staff_accounts.change_role(
                account, form.role.data, form.linked_practitioner(), by=current_user
            )
        except AccountError as problem:
            form.role.errors.append(str(problem))
        else:
            message = f"{account.name} is now {account.role}." if changed else "Nothing to change."
            return _done(message, "admin.user", user_id=account.id)
    return _user_page(account, form)


def _user_page(account, form):
    return _form_page("staff/admin/user.html", form, account=account)


@bp.post("/users/<int:user_id>/deactivate")
@allow(ADMIN)
def deactivate_user(user_id):
    account = db.get_or_404(StaffUser, user_id)
    try:
        staff_accounts.deactivate(account, by=current_user)
    except AccountError as problem:
        flash(str(problem), "warning")
        return redirect(url_for("admin.user", user_id=account.id), code=303)
    return _done(
        f"{account.name} can no longer sign in and has been signed out.", "admin.user", user_id=user_id
    )


@bp.post("/users/<int:user_id>/reactivate")
@allow(ADMIN)
def reactivate_user(user_id):
    account = db.get_or_404(StaffUser, user_id)
    staff_accounts.reactivate(account)
    return _done(f"{account.name} can sign in again.", "admin.user", user_id=user_id)


@bp.post("/users/<int:user_id>/reset-password")
@allow(ADMIN)
def reset_password(user_id):
    account = db.get_or_404(StaffUser, user_id)
    password = staff_accounts.reset_password(account)
    return render_template("staff/admin/password.html", user=account, password=password, is_new=False)


@bp.post("/users/<int:user_id>/two-factor/off")
@allow(ADMIN)
def turn_off_two_factor(user_id):
    account = db.get_or_404(StaffUser, user_id)
    accounts.turn_off_two_factor(account)
    return _done(
        f"Two-factor sign-in is off for {account.name}; they have been signed out.",
        "admin.user",
        user_id=user_id,
    )


# ---------- Practitioners and their hours ----------


@bp.get("/practitioners")
@allow(ADMIN)
def practitioners():
    return render_template(
        "staff/admin/practitioners.html", practitioners=schedule_admin.all_practitioners(with_hours=True)
    )


@bp.route("/practitioners/new", methods=["GET", "POST"])
@allow(ADMIN)
def new_practitioner():
    form = PractitionerForm()
    if form.validate_on_submit():
        practitioner = schedule_admin.create_practitioner(form.values())
        return _done(
            f"Added {practitioner.name}. Now set their working hours.",
            "admin.hours",
            practitioner_id=practitioner.id,
        )
    return _form_page("staff/admin/practitioner_form.html", form, practitioner=None)


@bp.route("/practitioners/<int:practitioner_id>", methods=["GET", "POST"])
@allow(ADMIN)
def edit_practitioner(practitioner_id):
    practitioner = db.get_or_404(Practitioner, practitioner_id)
    form = PractitionerForm(obj=practitioner)
    if form.validate_on_submit():
        changed = schedule_admin.update_practitioner(practitioner, form.values())
        if "active" in changed and not practitioner.active:
            _warn_of_bookings(
                schedule_admin.live_bookings_count(practitioner_id=practitioner.id),
                f"Booked consultations still to come with {practitioner.name}",
            )
        message = f"Saved {practitioner.name}." if changed else "Nothing to change."
        return _done(message, "admin.practitioners")
    return _form_page("staff/admin/practitioner_form.html", form, practitioner=practitioner)


@bp.route("/practitioners/<int:practitioner_id>/hours", methods=["GET", "POST"])
@allow(ADMIN)
def hours(practitioner_id):
    practitioner = db.get_or_404(Practitioner, practitioner_id)
    form = HoursForm(practitioner)
    if form.validate_on_submit():
        schedule_admin.add_hours(practitioner, form.weekday.data, form.start.data, form.end.data)
        return _done("Added the hours.", "admin.hours", practitioner_id=practitioner.id)
    return _form_page(
        "staff/admin/hours.html", form, practitioner=practitioner, week=schedule_admin.week(practitioner)
    )


@bp.post("/practitioners/<int:practitioner_id>/hours/<int:interval_id>/remove")
@allow(ADMIN)
def remove_hours(practitioner_id, interval_id):
    interval = db.get_or_404(WorkingHours, interval_id)
    if interval.practitioner_id != practitioner_id:
        abort(404)
    schedule_admin.remove_hours(interval)
    return _done("Removed the hours.", "admin.hours", practitioner_id=practitioner_id)


# ---------- Closures ----------


@bp.get("/closures")
@allow(ADMIN)
def closures():
    return render_template(
        "staff/admin/closures.html",
        upcoming=schedule_admin.upcoming_closures(),
        past=schedule_admin.past_closures(),
        bank_holidays=schedule_admin.coming_bank_holidays(),
        period=schedule_admin.describe_period,
    )


def _coming_bank_holiday_or_404(day):
    holiday = schedule_admin.coming_bank_holiday(parse_day(day))
    if holiday is None:
        abort(404)
    return holiday


@bp.post("/closures/bank-holidays/<day>/open")
@allow(ADMIN)
def open_bank_holiday(day):
    holiday = _coming_bank_holiday_or_404(day)
    if not schedule_admin.open_bank_holiday(holiday):
        return _done(f"{holiday.summary} was open already.", "admin.closures")
    return _done(f"Opened {holiday.summary}: patients can book it.", "admin.closures")


@bp.post("/closures/bank-holidays/<day>/close")
@allow(ADMIN)
def close_bank_holiday(day):
    holiday = _coming_bank_holiday_or_404(day)
    if not schedule_admin.close_bank_holiday(holiday):
        return _done(f"{holiday.summary} was closed already.", "admin.closures")
    _warn_of_bookings(schedule_admin.live_bookings_on(holiday.day), "Booked consultations on that day")
    return _done(f"Closed {holiday.summary} again: nobody can book it.", "admin.closures")


@bp.route("/closures/new", methods=["GET", "POST"])
@allow(ADMIN)
def new_closure():
    form = ClosureForm(schedule_admin.all_practitioners())
    if form.validate_on_submit():
        practitioner = form.practitioner()
        closure = schedule_admin.add_closure(practitioner, *form.span, form.reason.data or "")
        _warn_of_bookings(
            schedule_admin.live_bookings_count(
                practitioner_id=practitioner.id if practitioner else None,
                starts_at=closure.starts_at,
                ends_at=closure.ends_at,
            ),
            "Booked consultations in this closure",
        )
        return _done(
            f"Closed {schedule_admin.describe_period(closure.starts_at, closure.ends_at)}.", "admin.closures"
        )
    return _form_page("staff/admin/closure_new.html", form)


@bp.post("/closures/<int:closure_id>/remove")
@allow(ADMIN)
def remove_closure(closure_id):
    closure = db.get_or_404(Closure, closure_id)
    schedule_admin.remove_closure(closure)
    return _done("Removed the closure. Those times can be booked again.", "admin.closures")


# ---------- Consultation types ----------


@bp.get("/types")
@allow(ADMIN)
def types():
    return render_template("staff/admin/types.html", types=schedule_admin.all_types())


@bp.route("/types/new", methods=["GET", "POST"])
@allow(ADMIN)
def new_type():
    form = ConsultationTypeForm()
    if form.validate_on_submit():
        consultation_type = schedule_admin.create_type(form.values())
        return _done(f"Added {consultation_type.name}.", "admin.types")
    return _form_page("staff/admin/type_form.html", form, consultation_type=None)


@bp.route("/types/<int:type_id>", methods=["GET", "POST"])
@allow(ADMIN)
def edit_type(type_id):
    consultation_type = db.get_or_404(ConsultationType, type_id)
    form = ConsultationTypeForm(obj=consultation_type)
    if form.validate_on_submit():
        changed = schedule_admin.update_type(consultation_type, form.values())
        message = f"Saved {consultation_type.name}." if changed else "Nothing to change."
        return _done(message, "admin.types")
    return _form_page("staff/admin/type_form.html", form, consultation_type=consultation_type)
