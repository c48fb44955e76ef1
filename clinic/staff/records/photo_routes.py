"""Patients' photos for signed-in staff; practitioners see only those of their own patients' bookings."""

from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file
from flask_login import current_user

from clinic import audit
from clinic.extensions import db
from clinic.models import Photo
from clinic.photos import storage as photos
from clinic.staff.access import EVERYONE, FRONT_DESK, allow

bp = Blueprint("photo", __name__)


@bp.get("/photos/<int:photo_id>")
@allow(*EVERYONE)
def show(photo_id):
    record = db.get_or_404(Photo, photo_id)
    if not _may_see_photo(record):
        abort(403)
    thumbnail = request.args.get("size") == "thumb"
    # The thumbnail was stored with the photo (or is made once, for a photo stored before that).
    find = photos.thumbnail_path_for if thumbnail else photos.path_for
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


def _may_see_photo(record):
    if current_user.role in FRONT_DESK:
        return True
    return record.booking is not None and record.booking.practitioner_id == current_user.practitioner_id
