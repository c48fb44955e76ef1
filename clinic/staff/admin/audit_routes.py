"""The audit log, for the clinic admin to read and filter. Read-only by design: this blueprint has no
POST routes, and the database refuses to update or delete entries."""

from flask import Blueprint, render_template, request

from clinic.models.staff import Role
from clinic.staff.access import allow
from clinic.staff.admin import audit_search as audit_view
from clinic.web.query_args import form_args

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("")
@allow(Role.ADMIN)
def index():
    form = audit_view.AuditFilterForm(request.args).set_choices()
    results = None
    if form.validate():
        results = audit_view.find_entries(**form.criteria(), page=request.args.get("page", 1, type=int))
    return render_template(
        "staff/admin/audit.html",
        form=form,
        results=results,
        page_args=form_args(form),
        timestamp=audit_view.timestamp,
        record_type_label=audit_view.record_type_label,
    )
