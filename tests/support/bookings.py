"""Bookings arranged for a test, and what a patient does with one through its manage link."""

import io
from dataclasses import dataclass

from clinic.booking.tokens import manage_token
from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import Photo
from clinic.photos import images, storage
from tests.factories import BookingFactory
from tests.support.images import png


@dataclass(frozen=True)
class Placed:
    id: int
    token: str  # the patient's manage token
    photo_id: int | None


def place(app, start, type_id, practitioner_id, *, photo=False, **fields):
    """A live booking placed directly, past the availability check and without emails,
    with one stored photo if `photo`; `fields` set any other column."""
    with app.app_context():
        booking = BookingFactory(type_id=type_id, practitioner_id=practitioner_id, starts_at=start, **fields)
        photo_id = None
        if photo:
            processed = images.process_upload(io.BytesIO(png((1200, 900))))
            stored = storage.store(processed, app.config["UPLOAD_FOLDER"])
            stored_photo = Photo.from_stored("top", processed, stored)
            booking.photos.append(stored_photo)
            db.session.commit()
            photo_id = stored_photo.id
        return Placed(booking.id, manage_token(booking), photo_id)


def move_to(client, token, start, practitioner):
    return client.post(
        f"/booking/{token}/move/confirm", data={"start": format_start(start), "practitioner": practitioner}
    )


def cancel(client, token):
    assert client.post(f"/booking/{token}/cancel").status_code == 303
