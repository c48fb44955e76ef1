from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.extensions import db
from clinic.models.types import UTCDateTime, utcnow
from clinic.models.words import LabelledEnum


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"
    # Past a recipient's cap (PATIENT_EMAIL_HOURLY_LIMIT, PATIENT_EMAIL_DAILY_LIMIT): kept, never sent.
    HELD = "held"


class EmailKind(LabelledEnum):
    """What an email is for, as staff see it listed on a record."""

    ENQUIRY_STAFF = "enquiry_staff", "New enquiry alert"
    ENQUIRY_ACK = "enquiry_ack", "Enquiry acknowledgement"
    BOOKING_INVITATION = "booking_invitation", "Booking invitation"
    BOOKING_CONFIRMED = "booking_confirmed", "Booking confirmation"
    BOOKING_MOVED = "booking_moved", "Booking moved"
    BOOKING_CANCELLED = "booking_cancelled", "Booking cancelled"
    BOOKING_REMINDER = "booking_reminder", "Reminder"
    BOOKING_VIDEO_LINK = "booking_video_link", "Video link"
    BOOKING_STAFF_NEW = "booking_staff_new", "New booking alert"
    BOOKING_STAFF_MOVED = "booking_staff_moved", "Booking moved alert"
    BOOKING_STAFF_CANCELLED = "booking_staff_cancelled", "Booking cancelled alert"
    WAITLIST_JOINED = "waitlist_joined", "Waitlist joined"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"


class OutboxMessage(db.Model):
    """An email committed with the record that caused it, sent afterwards.

    status: queued (waiting, possibly after failed attempts), sent, failed
    (gave up after the maximum number of attempts), withdrawn (no longer true
    when it was due, e.g. a reminder for a booking since cancelled; never sent), or
    held (not sent because its recipient has had as many emails as the caps allow).
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipients: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)

    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    next_attempt_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    locked_until = mapped_column(UTCDateTime)
    sent_at = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(String(200))
    # Why an email is held back (status "held"), e.g. the recipient's hourly cap was reached.
    held_reason: Mapped[str | None] = mapped_column(String(200))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    # Further headers as a JSON object, e.g. Auto-Submitted and List-Unsubscribe.
    extra_headers: Mapped[str | None] = mapped_column(Text)

    enquiry_id: Mapped[int | None] = mapped_column(
        ForeignKey("enquiries.id", ondelete="SET NULL"), index=True
    )
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"), index=True)
    # What the message says was true when it was queued, so that a sender can tell a
    # stale message: the booking's calendar sequence, or the time a waiting-list offer offers.
    booking_sequence: Mapped[int | None] = mapped_column(Integer)
    waitlist_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("waitlist_entries.id", ondelete="SET NULL"), index=True
    )
    offer_start = mapped_column(UTCDateTime)
    offer_practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="SET NULL")
    )
    # One optional attachment is all the clinic sends: the booking's calendar file.
    attachment_name: Mapped[str | None] = mapped_column(String(100))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment_data: Mapped[str | None] = mapped_column(Text)

    enquiry = relationship("Enquiry", back_populates="emails")
    booking = relationship("Booking", back_populates="emails")

    @property
    def recipient_list(self):
        return [address for address in self.recipients.split(",") if address]
