"""The clinic admin's pages under /staff/admin: an overview, and a child blueprint each for
staff accounts, the schedule (practitioners, hours, closures, consultation types), the audit
log and patients' data requests.

Views stay short: the rules and the audit entries live in staff_accounts.py and schedule.py.
"""

from flask import Blueprint, render_template

from clinic.models.staff import Role
from clinic.outbox import queries as outbox
from clinic.staff.access import allow
from clinic.staff.admin import audit_routes, privacy_routes, schedule_routes, user_routes

bp = Blueprint("admin", __name__, url_prefix="/admin")
for child in (user_routes.bp, schedule_routes.bp, audit_routes.bp, privacy_routes.bp):
    bp.register_blueprint(child)


@bp.get("/")
@allow(Role.ADMIN)
def index():
    return render_template("staff/admin/index.html", failed_emails=outbox.failed_count())
