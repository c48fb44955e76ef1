"""The clinic admin's pages under /staff/admin: an overview, and a child blueprint each for
staff accounts, the schedule (practitioners, hours, closures, consultation types), the audit
log and patients' data requests.

Each concern is a subpackage (users/, schedule/, audit/, privacy/) with its routes, forms,
service.py (writes, audited, committed there) and queries.py (reads), as it needs them.
"""

from flask import Blueprint, render_template

from clinic.models.staff import Role
from clinic.outbox import queries as outbox_queries
from clinic.staff.access import allow
from clinic.staff.admin.audit import routes as audit
from clinic.staff.admin.privacy import routes as privacy
from clinic.staff.admin.schedule import routes as schedule
from clinic.staff.admin.users import routes as users

bp = Blueprint("admin", __name__, url_prefix="/admin")
for child in (users.bp, schedule.bp, audit.bp, privacy.bp):
    bp.register_blueprint(child)


@bp.get("/")
@allow(Role.ADMIN)
def index():
    return render_template("staff/admin/index.html", failed_emails=outbox_queries.failed_count())
