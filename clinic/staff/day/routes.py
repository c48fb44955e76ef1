"""The practitioner's day list, printable."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from clinic import audit, clinic_time
from clinic.clinic_time import parse_day
from clinic.staff.access import EVERYONE, allow
from clinic.staff.day import queries as day_list

bp = Blueprint("day", __name__)


@bp.get("/day")
@allow(*EVERYONE)
def show():
    day = parse_day(request.args.get("date"))
    bad_date = day is None and bool(request.args.get("date"))
    practitioners = day_list.choosable_practitioners(current_user)
    try:
        practitioner = day_list.practitioner_for(
            current_user, request.args.get("practitioner"), practitioners
        )
    except day_list.NotYourList:
        abort(403)
    except LookupError:
        abort(404)
    listing = None
    if practitioner is not None:
        day = day or clinic_time.today()
        audit.record_now("viewed day list", practitioner, f"practitioner {practitioner.id}, {day}")
        listing = day_list.day_list(current_user, practitioner, day)
    return render_template(
        "staff/day.html",
        listing=listing,
        practitioners=practitioners,
        bad_date=bad_date,
        today=clinic_time.today(),
    )
