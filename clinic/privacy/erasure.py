"""Deleting personal data for good: on a person's request, when a patient withdraws consent for
their photos, and when retention runs out (clinic.privacy.retention).

Rows go in one transaction, each with an audit entry that names the record's type and number but
nothing about the person. Photo files are deleted only after that transaction commits: a failed
commit then leaves every record with its photos, never a record pointing at missing files.
"""

import logging
from collections import Counter

from flask import current_app

from clinic import audit
from clinic.extensions import db
from clinic.photos import storage
from clinic.privacy import subject_access

log = logging.getLogger(__name__)

LIVE_BOOKING_REFUSAL = (
    "There is a booking still to come ({references}): cancel or hold the booking first, then erase the rest."
)
KINDS = ("enquiries", "bookings", "waiting-list entries", "emails", "photos")
SINGULAR = {
    "enquiries": "enquiry",
    "bookings": "booking",
    "waiting-list entries": "waiting-list entry",
    "emails": "email",
    "photos": "photo",
    "staff notes": "staff note",
}


def describe(counts, kinds=KINDS):
    """'1 enquiry, 0 bookings, 2 photos' for the given kinds, in that order."""
    return ", ".join(f"{counts[kind]} {SINGULAR[kind] if counts[kind] == 1 else kind}" for kind in kinds)


def _parts(counts):
    return describe(counts, [kind for kind, count in counts.items() if count])


class ErasureRefused(Exception):
    """str() says why, for the admin."""


class Deletion:
    """Records deleted in the current transaction, and the photo files to remove once it commits."""

    def __init__(self):
        self.counts = Counter()
        self.photo_files = []
        self.files_left = []

    def remove(self, record, action, summary, kind):
        """Delete an enquiry, booking or waiting-list entry with its consents, notes, photos and emails."""
        record_photos = list(getattr(record, "photos", ()))
        emails = list(getattr(record, "emails", ()))
        notes = getattr(record, "staff_notes", ())
        parts = _parts({"photos": len(record_photos), "staff notes": len(notes), "emails": len(emails)})
        audit.record(action, record, f"{summary}; {parts}" if parts else summary)
        # Emails only lose their link when the record goes, and their bodies hold the person's name.
        for message in emails:
            db.session.delete(message)
        self.photo_files += [photo.stored_name for photo in record_photos]
        db.session.delete(record)
        db.session.flush()
        self.counts[kind] += 1
        self.counts["emails"] += len(emails)
        self.counts["photos"] += len(record_photos)

    def remove_email(self, message, action, summary):
        audit.record(action, message, summary)
        db.session.delete(message)
        db.session.flush()
        self.counts["emails"] += 1

    def remove_photos(self, owner, action, summary):
        owned = list(owner.photos)
        audit.record(action, owner, f"{summary}; {_parts({'photos': len(owned)})}")
        for photo in owned:
            self.photo_files.append(photo.stored_name)
            db.session.delete(photo)
        db.session.flush()
        self.counts["photos"] += len(owned)

    def commit(self):
        db.session.commit()
        folder = current_app.config["UPLOAD_FOLDER"]
        for name in self.photo_files:
            try:
                storage.delete(name, folder)
            except OSError:
                # The record is gone; the file name says nothing about whose it was.
                log.exception("Could not delete photo file %s", name)
                self.files_left.append(name)

    def rollback(self):
        db.session.rollback()


def erase(address):
    """Delete everything held about the address; returns the Deletion, committed.

    Raises ErasureRefused, changing nothing, while a booking is still to come.
    """
    held = subject_access.holdings(address)
    problem = refusal(held)
    if problem:
        raise ErasureRefused(problem)
    deletion = Deletion()
    for booking in held.bookings:
        deletion.remove(booking, "erased booking", "erasure on request", "bookings")
    for enquiry in held.enquiries:
        deletion.remove(enquiry, "erased enquiry", "erasure on request", "enquiries")
    for entry in held.waitlist_entries:
        deletion.remove(entry, "erased waiting-list entry", "erasure on request", "waiting-list entries")
    # Waiting-list emails have no link to their entry; look again for what is still addressed to them.
    for message in subject_access.holdings(address).emails:
        deletion.remove_email(message, "erased email", "erasure on request")
    deletion.commit()
    return deletion


def refusal(held):
    """Why these holdings cannot be erased yet, or None."""
    live = held.live_bookings()
    if not live:
        return None
    return LIVE_BOOKING_REFUSAL.format(references=", ".join(booking.reference for booking in live))


def withdraw_photo_consent(booking):
    """The patient's own choice, through their manage link; returns how many photos went."""
    deletion = Deletion()
    deletion.remove_photos(booking, "withdrew photo consent", "patient withdrew consent by the manage link")
    deletion.commit()
    return deletion.counts["photos"]
