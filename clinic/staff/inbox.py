"""Reception's inbox: enquiries and bookings in one list, filtered, searched, paginated, exported."""

from flask import Blueprint

from clinic.staff.access import guard_blueprint

bp = Blueprint("inbox", __name__, url_prefix="/staff")
guard_blueprint(bp)
