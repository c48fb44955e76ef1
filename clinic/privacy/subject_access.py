"""Everything the clinic holds about one email address, and a copy of it as one zip file:
data.json with every record, plus the photo files under photos/.

Addresses are matched case-insensitively: people type their address differently from one form
to the next, and the normaliser keeps the local part as typed.
"""

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, or_, select

from clinic.extensions import db
from clinic.models import Booking, Enquiry, OutboxMessage, WaitlistEntry
from clinic.models.types import utcnow
from clinic.photos import storage

# Keys that let whoever holds them change a booking, and bookkeeping that says nothing about the person.
# The calendar attachment repeats the booking, with its manage link.
_NOT_EXPORTED = {"manage_key", "token_version", "locked_until", "next_attempt_at", "attachment_data"}
# Links in emails that work as keys (manage a booking, claim an offer, accept an invitation): the copy
# may be forwarded or stored anywhere, and must not carry the power to change a booking.
_PRIVATE_LINK = re.compile(r"(/booking/|/waitlist/offer/|/book/invite/)[\w.-]+")


@dataclass
class Holdings:
    enquiries: list
    bookings: list
    waitlist_entries: list
    # Sent to the address, or about one of the person's enquiries or bookings (staff notifications).
    emails: list

    @property
    def photos(self):
        by_id = {photo.id: photo for record in self.enquiries + self.bookings for photo in record.photos}
        return [by_id[key] for key in sorted(by_id)]

    @property
    def record_count(self):
        return len(self.enquiries) + len(self.bookings) + len(self.waitlist_entries) + len(self.emails)

    def live_bookings(self):
        """Bookings still to come (or under way): erasing them would leave the clinic expecting a stranger."""
        now = utcnow()
        return [booking for booking in self.bookings if booking.is_live and booking.ends_at > now]


def normalise(address):
    return address.strip().lower()


def holdings(address):
    address = normalise(address)

    def held(model):
        return list(
            db.session.scalars(
                select(model).where(func.lower(model.email) == address).order_by(model.created_at, model.id)
            )
        )

    enquiries, bookings, entries = held(Enquiry), held(Booking), held(WaitlistEntry)
    return Holdings(enquiries, bookings, entries, _emails(address, enquiries, bookings))


def _emails(address, enquiries, bookings):
    enquiry_ids = [enquiry.id for enquiry in enquiries]
    booking_ids = [booking.id for booking in bookings]
    candidates = db.session.scalars(
        select(OutboxMessage)
        .where(
            or_(
                OutboxMessage.enquiry_id.in_(enquiry_ids),
                OutboxMessage.booking_id.in_(booking_ids),
                func.lower(OutboxMessage.recipients).contains(address, autoescape=True),
            )
        )
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    # The substring test above also matches other addresses that contain this one.
    return [
        message
        for message in candidates
        if message.enquiry_id in enquiry_ids
        or message.booking_id in booking_ids
        or address in (recipient.strip().lower() for recipient in message.recipient_list)
    ]


def export(held):
    """The zip file's bytes. The sizes a clinic holds per person fit comfortably in memory."""
    folder = current_app.config["UPLOAD_FOLDER"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        photo_files = {}
        for photo in held.photos:
            try:
                path = storage.path_for(photo.stored_name, folder)
            except FileNotFoundError:
                continue
            name = f"photos/{photo.id}-{photo.label}{Path(photo.stored_name).suffix}"
            archive.write(path, name)
            photo_files[photo.id] = name
        document = _document(held, photo_files)
        archive.writestr("data.json", json.dumps(document, indent=2, ensure_ascii=False))
    return buffer.getvalue()


def _document(held, photo_files):
    def with_parts(record):
        return {
            **_columns(record),
            "consents": [_columns(consent) for consent in record.consents],
            "staff_notes": [
                {"created_at": _value(note.created_at), "body": note.body} for note in record.staff_notes
            ],
            "photos": [{**_columns(photo), "file": photo_files.get(photo.id)} for photo in record.photos],
        }

    return {
        "exported_at": _value(utcnow()),
        "enquiries": [with_parts(enquiry) for enquiry in held.enquiries],
        "bookings": [
            {
                **with_parts(booking),
                "consultation_type": booking.type.name,
                "practitioner": booking.practitioner.name,
            }
            for booking in held.bookings
        ],
        "waiting_list": [
            {**_columns(entry), "consents": [_columns(consent) for consent in entry.consents]}
            for entry in held.waitlist_entries
        ],
        "emails": [_email(message) for message in held.emails],
    }


def _email(message):
    columns = _columns(message)
    for body in ("body_text", "body_html"):
        columns[body] = _PRIVATE_LINK.sub(r"\1[private link removed]", columns[body])
    return columns


def _columns(record):
    return {
        attribute.key: _value(getattr(record, attribute.key))
        for attribute in inspect(record).mapper.column_attrs
        if attribute.key not in _NOT_EXPORTED
    }


def _value(value):
    return value.isoformat() if isinstance(value, datetime | date) else value
