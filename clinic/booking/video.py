"""The link to join a video consultation: which one a booking gets, and the one reception sends.

A video booking gets its practitioner's own fixed meeting link when the admin has set one,
else a new room under VIDEO_MEETING_BASE_URL with a random name, which says nothing about
the patient and cannot be guessed. With neither, the booking has no link and reception is
shown that it needs one, until they paste one and it is emailed to the patient.
"""

import secrets
import string
from urllib.parse import urlsplit

from flask import current_app
from markupsafe import escape
from sqlalchemy import and_, select

from clinic import audit
from clinic.booking import notifications
from clinic.database import begin_locked_write
from clinic.extensions import db
from clinic.models import Booking, ConsultationType, Practitioner
from clinic.models.booking import BookingStatus
from clinic.models.scheduling import VIDEO
from clinic.models.types import utcnow
from clinic.outbox.checks import withdraw_stale_about

MAX_LINK_LENGTH = 500
# What a URL may hold (RFC 3986): anything else, a browser's address bar copies percent-encoded.
URL_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
# Emails are sent with 8-bit bodies whose lines may not pass 998 bytes (RFC 5321), and the
# HTML emails write the link escaped on a line with a little markup.
MAX_ESCAPED_LENGTH = 850
LINK_NEEDED = "Video link needed"
# What patients are told while their booking has no link yet: pages, emails and calendar files.
LINK_TO_FOLLOW = "We will email you the link to join the video call before your appointment."
# 128 random bits. Hex, because Jitsi Meet folds room names to lower case.
ROOM_BYTES = 16


class LinkNotSent(Exception):
    """The booking can no longer be given a link; str() says why, for reception."""


def assign_link(booking, consultation_type, moved_from=None):
    """Give a video booking its link as it is booked or moved (moved_from: the practitioner
    it had). A move keeps the link the patient has, unless it was the fixed link of a
    practitioner the booking has left."""
    if not consultation_type.is_video:
        return
    if booking.video_link and not _left_behind(booking, moved_from):
        return
    # The booking's new times are not flushed yet: only _flush_or_taken() may meet a clash.
    with db.session.no_autoflush:
        practitioner = db.session.get(Practitioner, booking.practitioner_id)
    booking.video_link = practitioner.meeting_link or new_room()


def new_room():
    """A new room's address, or None when the clinic has no meeting server."""
    base = current_app.config["VIDEO_MEETING_BASE_URL"]
    if not base:
        return None
    return f"{base.rstrip('/')}/{secrets.token_hex(ROOM_BYTES)}"


def needs_link(booking):
    """A live video booking still to come that has no link: reception must send one."""
    return (
        booking.type.is_video
        and booking.status == BookingStatus.BOOKED
        and not booking.video_link
        and booking.ends_at > utcnow()
    )


def needs_link_clause():
    """needs_link() as an SQL condition on bookings."""
    video_types = select(ConsultationType.id).where(ConsultationType.mode == VIDEO)
    return and_(
        Booking.type_id.in_(video_types),
        Booking.status == BookingStatus.BOOKED,
        Booking.video_link.is_(None),
        Booking.ends_at > utcnow(),
    )


def link_problem(url):
    """Why `url` cannot be a meeting link for patients, or None if it can."""
    if len(url) > MAX_LINK_LENGTH or len(escape(url)) > MAX_ESCAPED_LENGTH:
        return f"Keep the link to {MAX_LINK_LENGTH} characters or fewer."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme != "https"
        or not parts.hostname
        or "." not in parts.hostname
        or not URL_CHARACTERS.issuperset(url)
    ):
        return "Enter the meeting's whole address, starting with https://"
    if parts.username or parts.password:
        return "Remove the user name and password from the link: patients must not see them."
    return None


def send_link(booking, link):
    """Give the booking this link and email it to the patient with the updated calendar file;
    reception's change, audited. Locked and read again, so a double click sends one email.
    Returns the emails to send; raises LinkNotSent."""
    begin_locked_write(db.session, [], [booking.id])
    db.session.refresh(booking)
    refusal = _refusal(booking)
    if refusal:
        db.session.rollback()
        raise LinkNotSent(refusal)
    if booking.video_link == link:
        db.session.rollback()
        return []
    action = "changed video link" if booking.video_link else "sent video link"
    booking.video_link = link
    # The patient's calendar entry changes, and the patient has just heard from us.
    booking.calendar_sequence += 1
    booking.confirmed_at = utcnow()
    # A confirmation still queued (the mail server down) would now say the link will follow.
    withdraw_stale_about(booking)
    audit.record(action, booking, action)
    emails = [notifications.booking_video_link(booking)]
    db.session.commit()
    return emails


def can_send_link(booking):
    return _refusal(booking) is None


def _refusal(booking):
    if not booking.type.is_video:
        return "This consultation is in the clinic, so it has no video link."
    if booking.status != BookingStatus.BOOKED:
        return f"This booking is {booking.status.replace('_', ' ')}, so the patient needs no link."
    if booking.ends_at <= utcnow():
        return "This appointment is over."
    return None


def _left_behind(booking, moved_from):
    return (
        moved_from is not None
        and moved_from.id != booking.practitioner_id
        and booking.video_link == moved_from.meeting_link
    )
