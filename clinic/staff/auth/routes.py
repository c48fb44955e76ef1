import segno
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from clinic.extensions import limiter
from clinic.models.staff import Role
from clinic.staff.access import EVERYONE, allow
from clinic.staff.auth import service as accounts
from clinic.staff.auth import sessions
from clinic.staff.auth.forms import ChangePasswordForm, SignInForm, SignOutForm, TwoFactorForm
from clinic.staff.auth.safe_redirect import is_local
from clinic.web.ratelimits import staff_sign_in_limit

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "That email, password or code is not right, or the account is not active."
PENDING_TOTP_KEY = "pending_totp_secret"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(staff_sign_in_limit, methods=["POST"])
def login():
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data, form.code.data)
        if user is None:
            # A code is no use twice, and echoing it would tell a failure's causes apart.
            form.code.data = ""
            flash(SIGN_IN_FAILED, "warning")
            return render_template("staff/login.html", form=form), 401
        # A fresh session at sign-in: nothing planted in the cookie beforehand survives.
        sessions.end()
        login_user(user)
        sessions.start()
        target = request.args.get("next")
        return redirect(target if is_local(target) else url_for("staff.home"), code=303)
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
@allow(*EVERYONE)
def logout():
    if SignOutForm().validate_on_submit():
        accounts.sign_out(current_user)
        logout_user()
        sessions.end()
        flash("You have signed out.", "info")
    return redirect(url_for("staff.auth.login"), code=303)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@allow(Role.ADMIN)
def two_factor():
    form = TwoFactorForm()
    secret = session.get(PENDING_TOTP_KEY) or accounts.new_totp_secret()
    session[PENDING_TOTP_KEY] = secret
    if form.validate_on_submit():
        try:
            accounts.enable_two_factor(current_user, secret, form.code.data.strip())
        except accounts.AccountError as problem:
            form.code.errors.append(str(problem))
        else:
            session.pop(PENDING_TOTP_KEY, None)
            flash("Two-factor sign-in is on. You will need a code each time you sign in.", "info")
            return redirect(url_for("staff.home"), code=303)
    uri = accounts.totp_uri(current_user, secret)
    return render_template(
        "staff/two_factor.html", form=form, secret=secret, qr_svg=segno.make(uri).svg_data_uri(scale=4)
    )


@bp.route("/account/password", methods=["GET", "POST"])
@allow(*EVERYONE)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_own_password(current_user, form.current_password.data, form.new_password.data)
        except accounts.AccountError as problem:
            field = form.current_password if "current" in str(problem) else form.new_password
            field.errors.append(str(problem))
        else:
            # The new session token signed out every other session; keep this one.
            login_user(current_user._get_current_object())
            sessions.start()
            flash("Your password has changed. Other devices have been signed out.", "info")
            return redirect(url_for("staff.home"), code=303)
    return render_template("staff/password.html", form=form), 422 if form.errors else 200
