import secrets

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.extensions import db
from clinic.models.types import UTCDateTime, utcnow
from clinic.models.words import LabelledEnum


class Role(LabelledEnum):
    RECEPTION = "reception", "Reception"
    PRACTITIONER = "practitioner", "Practitioner"
    ADMIN = "admin", "Admin"


def new_session_token():
    return secrets.token_urlsafe(32)


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Flask-Login's "alternative id": the session cookie holds this, never the
    # user id, and a new one is issued at sign-out and password change, so a
    # copied cookie stops working.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_sign_in_at = mapped_column(UTCDateTime)
    # The per-account sign-in limit, whatever address the attempts come from: failures
    # counted since the first of the current window, and the lock they led to.
    sign_in_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_failure_at = mapped_column(UTCDateTime)
    locked_until = mapped_column(UTCDateTime)
    # The TOTP time step of the last code accepted: that code, and any earlier one, is spent.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    practitioner = relationship("Practitioner")

    def get_id(self):
        return self.session_token

    @property
    def is_active(self):
        return self.active

    def rotate_session_token(self):
        self.session_token = new_session_token()

    def has_role(self, *roles):
        return self.role in roles

    @property
    def uses_two_factor(self):
        return self.totp_secret is not None


class Note(db.Model):
    """A staff note on an enquiry or a booking."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiries.id", ondelete="CASCADE"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    author = relationship("StaffUser")


class RecordType(LabelledEnum):
    """What an audit entry is about."""

    ENQUIRY = "enquiry", "Enquiry"
    BOOKING = "booking", "Booking"
    PHOTO = "photo", "Photo"
    STAFF_USER = "staff_user", "Staff account"
    PRACTITIONER = "practitioner", "Practitioner"
    CONSULTATION_TYPE = "consultation_type", "Consultation type"
    CLOSURE = "closure", "Closure"
    WORKING_HOURS = "working_hours", "Working hours"
    HOLIDAY_OPENING = "holiday_opening", "Holiday opening"


class AuditEntry(db.Model):
    """Who did what to which record, and when. Never holds health details, and
    nothing in the app updates or deletes it."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    record_type: Mapped[str | None] = mapped_column(String(20))
    record_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(200), default="")
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor = relationship("StaffUser")
