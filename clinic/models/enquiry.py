from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.extensions import db
from clinic.models.booking import search_index
from clinic.models.patient import PatientContact
from clinic.models.types import UTCDateTime, utcnow
from clinic.models.words import LabelledEnum


class EnquiryStatus(LabelledEnum):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    SUITABLE = "suitable", "Suitable"
    NOT_SUITABLE = "not_suitable", "Not suitable"
    BOOKED = "booked", "Booked"
    CLOSED = "closed", "Closed"
    SPAM = "spam", "Spam"


class ConsentPurpose(LabelledEnum):
    HEALTH_DATA = "health_data", "Health details"
    PHOTOS = "photos", "Photos"
    MARKETING = "marketing", "Marketing emails"


class Enquiry(PatientContact, db.Model):
    __tablename__ = "enquiries"
    # The inbox pages newest first, by (created_at, id), and searches by trigrams.
    __table_args__ = (Index("ix_enquiries_created_at_id", "created_at", "id"), search_index("enquiries"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(20), default=EnquiryStatus.NEW, index=True)

    # Optional here, unlike on the booking and waiting-list forms.
    phone: Mapped[str | None] = mapped_column(String(20))
    preferred_contact: Mapped[str] = mapped_column(String(10))
    hoped_result: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    heard_from: Mapped[str | None] = mapped_column(String(20))
    assigned_practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"), index=True)
    # The random key of the form that made it, so a double-clicked submit saves once.
    submission_key: Mapped[str | None] = mapped_column(String(43), unique=True, index=True)

    consents = relationship("ConsentRecord", back_populates="enquiry", cascade="all, delete-orphan")
    emails = relationship("OutboxMessage", back_populates="enquiry")
    photos = relationship("Photo", back_populates="enquiry", cascade="all, delete-orphan")
    staff_notes = relationship("Note", cascade="all, delete-orphan", order_by="Note.created_at")
    assigned_practitioner = relationship("Practitioner")
    bookings = relationship("Booking", back_populates="enquiry")

    def __repr__(self):
        return f"<Enquiry {self.reference}>"


class ConsentRecord(db.Model):
    """What a patient agreed to, in the exact words and version they saw."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiries.id", ondelete="CASCADE"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    waitlist_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("waitlist_entries.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(40))
    wording: Mapped[str] = mapped_column(Text)
    given_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    enquiry = relationship("Enquiry", back_populates="consents")
    booking = relationship("Booking", back_populates="consents")
    waitlist_entry = relationship("WaitlistEntry", back_populates="consents")
