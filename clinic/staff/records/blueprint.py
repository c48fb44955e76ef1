"""The records blueprint; the enquiry, booking-in, booking and photo modules add their routes to it."""

from flask import Blueprint

from clinic.staff.access import guard_blueprint

bp = Blueprint("records", __name__, url_prefix="/staff")
guard_blueprint(bp)
