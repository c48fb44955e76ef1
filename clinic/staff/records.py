"""One enquiry or booking in full, for reception: status, notes, emails, photos and actions."""

from flask import Blueprint

from clinic.staff.access import guard_blueprint

bp = Blueprint("records", __name__, url_prefix="/staff")
guard_blueprint(bp)
