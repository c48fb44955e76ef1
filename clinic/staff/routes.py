"""The staff area: one parent blueprint under /staff that owns the sign-in and role guard.

Flask runs a parent blueprint's before_request and after_request hooks for the endpoints of
every blueprint nested in it, so each child below is guarded without installing anything itself.
"""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from clinic.staff.access import EVERYONE, allow, guard_blueprint, may_open
from clinic.staff.admin import routes as admin
from clinic.staff.auth import routes as auth
from clinic.staff.day import routes as day
from clinic.staff.inbox import routes as inbox
from clinic.staff.records import routes as records

bp = Blueprint("staff", __name__, url_prefix="/staff")
guard_blueprint(bp)
for child in (auth.bp, inbox.bp, records.bp, day.bp, admin.bp):
    bp.register_blueprint(child)


@bp.get("/")
@allow(*EVERYONE)
def home():
    if may_open(current_user, "staff.inbox.index"):
        return redirect(url_for("staff.inbox.index"))
    return redirect(url_for("staff.day.show"))
