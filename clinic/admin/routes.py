from flask import Blueprint

from clinic.staff.access import guard_blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
guard_blueprint(bp)
