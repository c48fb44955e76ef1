from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, func, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.extensions import db
from clinic.models.patient import PatientDetails
from clinic.models.types import UTCDateTime, utcnow
from clinic.models.words import LabelledEnum


class BookingStatus(LabelledEnum):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "No-show"


# What reception records once a consultation has started, in the words of its buttons.
OUTCOME_LABELS = {BookingStatus.ATTENDED: "Attended", BookingStatus.NO_SHOW: "Did not attend"}


class BookingSource(LabelledEnum):
    WEB = "web", "Booked online by the patient"
    RECEPTION = "reception", "Booked by reception"
    WAITLIST = "waitlist", "From the waiting list"


class WaitlistStatus(StrEnum):
    WAITING = "waiting"
    # An offer of a freed slot was claimed: the entry became a booking.
    BOOKED = "booked"
    LEFT = "left"


class PhotoView(LabelledEnum):
    """Which part of the scalp a photo shows; the upload form asks for one of each."""

    FRONT = "front", "Front (hairline)"
    TOP = "top", "Top"
    CROWN = "crown", "Crown"


LIVE_BOOKING = text(f"status = '{BookingStatus.BOOKED}'")
SEARCHED_COLUMNS = ("full_name", "email", "reference", "phone")


def search_index(table):
    """The inbox search's trigram index (PostgreSQL only, added by migration 5d2a9c41e7b3).

    Its columns are named as literal expressions so that autogenerate, which cannot
    create or compare expression indexes on SQLite, skips it there; on PostgreSQL it
    compares like any other index.
    """
    return Index(
        f"ix_{table}_search_trgm",
        *(literal_column(column) for column in SEARCHED_COLUMNS),
        postgresql_using="gin",
        postgresql_ops=dict.fromkeys(SEARCHED_COLUMNS, "gin_trgm_ops"),
    )


class Booking(PatientDetails, db.Model):
    """A consultation. Two live bookings of one practitioner never overlap: on
    PostgreSQL an exclusion constraint (added by migration) guards
    [starts_at, blocked_until); on both engines a partial unique index guards the
    start, and bookings are written inside a lock (see clinic.booking.service)."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index(
            "uq_bookings_live_start",
            "practitioner_id",
            "starts_at",
            unique=True,
            sqlite_where=LIVE_BOOKING,
            postgresql_where=LIVE_BOOKING,
        ),
        # The inbox pages newest first; the day list looks up a patient's earlier bookings
        # (on PostgreSQL only, as SQLite cannot reflect an expression index).
        Index("ix_bookings_created_at_id", "created_at", "id"),
        Index("ix_bookings_lower_email_starts_at", func.lower(text("email")), "starts_at"),
        search_index("bookings"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    # Random and meaningless: the manage-link token carries this, never the id.
    manage_key: Mapped[str] = mapped_column(String(32), unique=True)
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    type_id: Mapped[int] = mapped_column(ForeignKey("consultation_types.id"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    starts_at = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at = mapped_column(UTCDateTime, nullable=False)
    # The end plus the clinic's buffer at booking time: the range no other booking may touch.
    blocked_until = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(10), default=BookingStatus.BOOKED)
    source: Mapped[str] = mapped_column(String(10), default=BookingSource.WEB)
    cancelled_at = mapped_column(UTCDateTime)
    enquiry_id: Mapped[int | None] = mapped_column(
        ForeignKey("enquiries.id", ondelete="SET NULL"), index=True
    )
    reminder_queued_at = mapped_column(UTCDateTime)
    # When the patient was last sent this time (booked or moved): a reminder due
    # within a day of it would only repeat the confirmation.
    confirmed_at = mapped_column(UTCDateTime)
    # The calendar event's SEQUENCE: 0 when booked, one more on every change the
    # patient's calendar must take (RFC 5545).
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The random key of the form that made it, so a double-clicked submit books once.
    submission_key: Mapped[str | None] = mapped_column(String(43), unique=True, index=True)
    video_link: Mapped[str | None] = mapped_column(String(500))

    adult_confirmed: Mapped[bool] = mapped_column(Boolean)

    type = relationship("ConsultationType")
    practitioner = relationship("Practitioner")
    consents = relationship("ConsentRecord", back_populates="booking", cascade="all, delete-orphan")
    photos = relationship("Photo", back_populates="booking", cascade="all, delete-orphan")
    emails = relationship("OutboxMessage", back_populates="booking")
    staff_notes = relationship("Note", cascade="all, delete-orphan", order_by="Note.created_at")
    enquiry = relationship("Enquiry", back_populates="bookings")

    @property
    def is_live(self):
        return self.status == BookingStatus.BOOKED


class Photo(db.Model):
    """A scalp photo, re-encoded without metadata and stored outside the web root."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiries.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(10))
    stored_name: Mapped[str] = mapped_column(String(40), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    booking = relationship("Booking", back_populates="photos")
    enquiry = relationship("Enquiry", back_populates="photos")

    @classmethod
    def from_stored(cls, label, photo, stored_name):
        return cls(
            label=label,
            stored_name=stored_name,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
            size_bytes=len(photo.data),
        )


class WaitlistEntry(PatientDetails, db.Model):
    """A patient who found no suitable slot and wants to hear when one frees up."""

    __tablename__ = "waitlist_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    manage_key: Mapped[str] = mapped_column(String(32), unique=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=WaitlistStatus.WAITING, index=True)

    type_id: Mapped[int] = mapped_column(ForeignKey("consultation_types.id"))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    # Local weekdays that suit, as digits 0 (Monday) to 6, e.g. "024".
    weekdays: Mapped[str] = mapped_column(String(7))
    part_of_day: Mapped[str] = mapped_column(String(10), default="any")

    type = relationship("ConsultationType")
    practitioner = relationship("Practitioner")
    consents = relationship("ConsentRecord", back_populates="waitlist_entry", cascade="all, delete-orphan")
