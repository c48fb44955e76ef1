"""Staff accounts under /staff/admin/users. A new or reset password is shown in the response
itself, so it never travels in the session cookie."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from clinic.extensions import db
from clinic.models import StaffUser
from clinic.models.staff import Role
from clinic.staff.access import allow
from clinic.staff.admin.responses import done, form_page
from clinic.staff.admin.users import queries, service
from clinic.staff.admin.users.forms import NewAccountForm, RoleForm
from clinic.staff.auth import service as accounts
from clinic.staff.auth.service import AccountError

bp = Blueprint("users", __name__)


@bp.get("/users")
@allow(Role.ADMIN)
def index():
    return render_template("staff/admin/users.html", users=queries.all_accounts())


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new():
    form = NewAccountForm(queries.unlinked_practitioners())
    if form.validate_on_submit():
        try:
            user, password = service.create_account(
                form.email.data, form.name.data, form.role.data, form.linked_practitioner()
            )
        except AccountError as problem:
            form.email.errors.append(str(problem))
        else:
            # Shown in this response only, never put in the session cookie or a flash message.
            return render_template("staff/admin/password.html", user=user, password=password, is_new=True)
    return form_page("staff/admin/user_new.html", form)


@bp.get("/users/<int:user_id>")
@allow(Role.ADMIN)
def show(user_id):
    account = db.get_or_404(StaffUser, user_id)
    return _user_page(account, RoleForm(account, queries.unlinked_practitioners(account.practitioner)))


@bp.post("/users/<int:user_id>/role")
@allow(Role.ADMIN)
def change_role(user_id):
    account = db.get_or_404(StaffUser, user_id)
    form = RoleForm(account, queries.unlinked_practitioners(account.practitioner))
    if form.validate_on_submit():
        try:
            changed = service.change_role(
                account, form.role.data, form.linked_practitioner(), by=current_user
            )
        except AccountError as problem:
            form.role.errors.append(str(problem))
        else:
            message = f"{account.name} is now {account.role}." if changed else "Nothing to change."
            return done(message, "staff.admin.users.show", user_id=account.id)
    return _user_page(account, form)


def _user_page(account, form):
    return form_page("staff/admin/user.html", form, account=account)


@bp.post("/users/<int:user_id>/deactivate")
@allow(Role.ADMIN)
def deactivate(user_id):
    account = db.get_or_404(StaffUser, user_id)
    try:
        service.deactivate(account, by=current_user)
    except AccountError as problem:
        flash(str(problem), "warning")
        return redirect(url_for("staff.admin.users.show", user_id=account.id), code=303)
    return done(
        f"{account.name} can no longer sign in and has been signed out.",
        "staff.admin.users.show",
        user_id=user_id,
    )


@bp.post("/users/<int:user_id>/reactivate")
@allow(Role.ADMIN)
def reactivate(user_id):
    account = db.get_or_404(StaffUser, user_id)
    service.reactivate(account)
    return done(f"{account.name} can sign in again.", "staff.admin.users.show", user_id=user_id)


@bp.post("/users/<int:user_id>/reset-password")
@allow(Role.ADMIN)
def reset_password(user_id):
    account = db.get_or_404(StaffUser, user_id)
    password = service.reset_password(account)
    return render_template("staff/admin/password.html", user=account, password=password, is_new=False)


@bp.post("/users/<int:user_id>/two-factor/off")
@allow(Role.ADMIN)
def turn_off_two_factor(user_id):
    account = db.get_or_404(StaffUser, user_id)
    accounts.turn_off_two_factor(account)
    return done(
        f"Two-factor sign-in is off for {account.name}; they have been signed out.",
        "staff.admin.users.show",
        user_id=user_id,
    )
