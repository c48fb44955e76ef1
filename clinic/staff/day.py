"""The practitioner's day list, printable."""

from flask import Blueprint

from clinic.staff.access import guard_blueprint

bp = Blueprint("day", __name__, url_prefix="/staff")
guard_blueprint(bp)
