"""Patients' photos for signed-in staff; practitioners see only those of their own patients' bookings."""

from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file
from flask_login import current_user

from clinic import audit
from clinic.extensions import db
from clinic.models import Photo
from clinic.photos import storage
from clinic.staff.access import EVERYONE, allow, can_view_photo

bp = Blueprint("photo", __name__)


@bp.get("/photos/<int:photo_id>")
@allow(*EVERYONE)
def show(photo_id):
    record = db.get_or_404(Photo, photo_id)
    if not can_view_photo(current_user, record):
        abort(403)
    thumbnail = request.args.get("size") == "thumb"
    # The thumbnail was stored with the photo (or is made once, for a photo stored before that).
    find = storage.thumbnail_path_for if thumbnail else storage.path_for
    try:
        path = find(record.stored_name, current_app.config["UPLOAD_FOLDER"])
    except FileNotFoundError:
        abort(404)
    audit.record_now("viewed photo", record, "viewed photo thumbnail" if thumbnail else "viewed photo")
    response = send_file(
        path,
        mimetype=record.content_type,
        download_name=f"photo-{record.id}{'-small' if thumbnail else ''}{Path(record.stored_name).suffix}",
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
