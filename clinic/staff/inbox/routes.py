"""Reception's inbox: enquiries and bookings in one list, filtered, searched, paginated, exported."""

from flask import Blueprint, Response, redirect, render_template, request, stream_with_context, url_for

from clinic import audit, clinic_time
from clinic.staff.access import FRONT_DESK, allow
from clinic.staff.inbox import queries as inbox_query
from clinic.staff.inbox.forms import InboxFilterForm
from clinic.web.query_args import form_args

bp = Blueprint("inbox", __name__)


@bp.get("/enquiries")
@allow(*FRONT_DESK)
def index():
    form = InboxFilterForm(request.args, inbox_query.practitioners())
    form.validate()
    filters = form.filters()
    counts = inbox_query.count(filters)
    page = inbox_query.page(filters, counts, request.args.get("page", 1, type=int))
    # The list shows names with their area of concern, so looking at it is recorded too.
    audit.record_now("viewed inbox", None, f"page {page.number}")
    return render_template(
        "staff/inbox.html",
        form=form,
        filters=filters,
        counts=counts,
        page=page,
        kinds=inbox_query.KINDS,
        statuses=inbox_query.STATUSES,
        status_label=inbox_query.status_label,
        short_when=short_when,
        video_links_needed=inbox_query.video_links_needed(),
    )


@bp.get("/enquiries.csv")
@allow(*FRONT_DESK)
def export():
    form = InboxFilterForm(request.args, inbox_query.practitioners())
    if not form.validate():
        # Never export more than was asked for: show the filters' problems instead.
        return redirect(url_for("staff.inbox.index", **form_args(form)), code=303)
    filters = form.filters()
    rows = inbox_query.count(filters).matching(filters)
    audit.record_now("exported inbox", None, f"exported {rows} rows")
    today = clinic_time.today()
    response = Response(stream_with_context(inbox_query.csv_chunks(filters)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="enquiries-and-bookings-{today}.csv"'
    return response


def short_when(moment):
    """Tue 1 Dec 2026, 9:30am: compact enough for a table cell."""
    local = clinic_time.to_local(moment)
    return f"{local:%a} {local.day} {local:%b %Y}, {clinic_time.clock(moment)}"
