"""The audit log, for the clinic admin to read and filter. Read-only by design: this blueprint has no
POST routes, and the database refuses to update or delete entries."""

from flask import Blueprint, render_template, request

from clinic.models.staff import RecordType, Role
from clinic.staff.access import allow
from clinic.staff.admin.audit import queries
from clinic.staff.admin.audit.forms import AuditFilterForm
from clinic.web.query_args import form_args

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("")
@allow(Role.ADMIN)
def index():
    form = AuditFilterForm(request.args).set_choices()
    results = None
    if form.validate():
        results = queries.find_entries(**form.criteria(), page=request.args.get("page", 1, type=int))
    return render_template(
        "staff/admin/audit.html",
        form=form,
        results=results,
        page_args=form_args(form),
        timestamp=queries.timestamp,
        record_type_label=RecordType.label_of,
    )
