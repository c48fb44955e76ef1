"""Patients' photos for signed-in staff; practitioners see only those of their own patients' bookings."""

import io
from pathlib import Path

from flask import abort, current_app, request, send_file
from flask_login import current_user
from PIL import Image

from clinic import audit, photos
from clinic.extensions import db
from clinic.models import Photo
from clinic.staff.access import EVERYONE, FRONT_DESK, allow
from clinic.staff.records_blueprint import bp

THUMBNAIL_BOX = (320, 320)


@bp.get("/photos/<int:photo_id>")
@allow(*EVERYONE)
def photo(photo_id):
    record = db.get_or_404(Photo, photo_id)
    if not _may_see_photo(record):
        abort(403)
    try:
        path = photos.path_for(record.stored_name, current_app.config["UPLOAD_FOLDER"])
    except FileNotFoundError:
        abort(404)
    thumbnail = request.args.get("size") == "thumb"
    audit.record_now("viewed photo", record, "viewed photo thumbnail" if thumbnail else "viewed photo")
    if thumbnail:
        data, mimetype = _thumbnail(path)
        response = send_file(
            io.BytesIO(data),
            mimetype=mimetype,
            download_name=f"photo-{record.id}-small.{mimetype.rpartition('/')[2]}",
        )
    else:
        response = send_file(
            path,
            mimetype=record.content_type,
            download_name=f"photo-{record.id}{Path(record.stored_name).suffix}",
            conditional=False,
            etag=False,
        )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _may_see_photo(record):
    if current_user.role in FRONT_DESK:
        return True
    return record.booking is not None and record.booking.practitioner_id == current_user.practitioner_id


def _thumbnail(path):
    """A small copy for the detail pages: PNG where the original is PNG or has transparency, else JPEG."""
    with Image.open(path) as image:
        keep_png = image.format == "PNG" or image.has_transparency_data
        image.thumbnail(THUMBNAIL_BOX)
        buffer = io.BytesIO()
        if keep_png:
            image.save(buffer, "PNG")
        else:
            image.convert("RGB").save(buffer, "JPEG", quality=85)
    return buffer.getvalue(), "image/png" if keep_png else "image/jpeg"
